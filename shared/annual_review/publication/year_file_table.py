"""The one table of a year's published files: what each is, what it is called, its format and
who it is for.

The release step names each revision's files from it (``YEAR_FILES``), the downloads page groups
and labels them from it (people's files first, the files that describe other files apart) and
the sitemap lists the people's pages from it. Adding a file kind: one writer in the release step
(``_year_files``) and one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Audience = Literal["people", "machines"]
WEB_PAGE = "web page"


@dataclass(frozen=True)
class YearFile:
    kind: str  # the key in data/index.json's ``files`` of a year
    name: str  # the file's name under data/{year}/r{n}/
    format: str  # as people read it on the downloads page
    audience: Audience  # people read it in a browser or a spreadsheet; machines parse it
    description: str  # the downloads page's label
    describes: str | None = None  # a schema or dictionary: the kind it describes


YEAR_FILE_TABLE: tuple[YearFile, ...] = (
    # For people, in the order the downloads page lists them.
    YearFile(
        "spreadsheet",
        "council-complaint-statistics.xlsx",
        "Excel spreadsheet",
        "people",
        "Every table in one accessible spreadsheet",
    ),
    YearFile(
        "methodology", "methodology.html", WEB_PAGE, "people", "Methodology note for the year"
    ),
    YearFile(
        "pre_release_access",
        "pre-release-access.html",
        WEB_PAGE,
        "people",
        "Pre-release access statement: who saw the figures before release",
    ),
    # For machines: the data, then what describes it.
    YearFile("councils_csv", "councils.csv", "CSV", "machines", "Figures for every council"),
    YearFile("averages_csv", "averages.csv", "CSV", "machines", "Averages of similar authorities"),
    YearFile(
        "national_csv",
        "national.csv",
        "CSV",
        "machines",
        "England and each group of similar authorities",
    ),
    YearFile("councils_json", "councils.json", "JSON", "machines", "Figures for every council"),
    YearFile(
        "national_json",
        "national.json",
        "JSON",
        "machines",
        "England and each group of similar authorities",
    ),
    YearFile(
        "councils_geojson",
        "councils.geojson",
        "GeoJSON",
        "machines",
        "Council locations with their figures",
    ),
    YearFile(
        "revisions", "revisions.json", "JSON", "machines", "Revision notes (also shown below)"
    ),
    YearFile(
        "attribution",
        "ATTRIBUTION.md",
        "Markdown text",
        "machines",
        "Sources and attribution of the council data (also on the attribution page)",
    ),
    YearFile(
        "data_dictionary",
        "data-dictionary.csv",
        "CSV",
        "machines",
        "Data dictionary for the councils CSV",
        describes="councils_csv",
    ),
    YearFile(
        "national_dictionary",
        "national-dictionary.csv",
        "CSV",
        "machines",
        "Data dictionary for the national CSV",
        describes="national_csv",
    ),
    YearFile(
        "geojson_dictionary",
        "councils-geojson-dictionary.csv",
        "CSV",
        "machines",
        "Data dictionary for the GeoJSON",
        describes="councils_geojson",
    ),
    YearFile(
        "schema",
        "councils.schema.json",
        "JSON Schema",
        "machines",
        "Schema of the councils JSON",
        describes="councils_json",
    ),
    YearFile(
        "datapackage",
        "datapackage.json",
        "Frictionless Data Package, JSON",
        "machines",
        "Data package describing every CSV",
        describes="councils_csv",
    ),
    YearFile(
        "index_schema",
        "index.schema.json",
        "JSON Schema",
        "machines",
        "Schema of data/index.json, the list of published years",
        describes="index",
    ),
    YearFile(
        "history_schema",
        "council-history.schema.json",
        "JSON Schema",
        "machines",
        "Schema of a council's figures in every year (data/councils/{code}.json)",
        describes="history",
    ),
)

# Each kind's file name under data/{year}/r{n}/, as data/index.json lists them.
YEAR_FILES: dict[str, str] = {f.kind: f.name for f in YEAR_FILE_TABLE}
BY_KIND: dict[str, YearFile] = {f.kind: f for f in YEAR_FILE_TABLE}


def for_people() -> list[YearFile]:
    return [f for f in YEAR_FILE_TABLE if f.audience == "people"]


def data_files() -> list[YearFile]:
    return [f for f in YEAR_FILE_TABLE if f.audience == "machines" and f.describes is None]


def describing_files() -> list[YearFile]:
    """Schemas, dictionaries and the data package: listed apart from the data."""
    return [f for f in YEAR_FILE_TABLE if f.describes is not None]


def size_words(size: int) -> str:
    """A file's size as people read it: "850 bytes", "12 KB", "1.4 MB" (1 KB = 1,024 bytes)."""
    if size < 1024:
        return f"{size:,} bytes"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024)):,} KB"
    return f"{size / (1024 * 1024):.1f} MB"
