"""What the open data says about itself: each CSV column's type, unit and allowed values (one
rule per kind of column, derived from the catalogue's record objects), the averages CSV, the
GeoJSON's dictionary, the Frictionless Data Package of a year and the JSON Schemas of
``data/index.json`` and of a council's history.

A rate is a fraction from 0 to 1 (``unit`` "fraction"); a per-100,000 figure is a rate per
100,000 residents; everything else counted is a whole number of decisions, complaints or
outcomes. Units are stated in each dictionary and in the data package's fields.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from annual_review.figures import catalogue
from annual_review.figures.catalogue import STATISTICS, Unit
from annual_review.figures.rates import round_half_up, whole_percent
from annual_review.registry.councils import COMPARISON_GROUPS, GROUP_ORDER, REGIONS

JsonObject = dict[str, Any]
Column = tuple[str, str, Callable[[JsonObject], Any]]

YEAR_PATTERN = "^[0-9]{4}-[0-9]{2}$"
CODE_PATTERN = "^E(0[6-9]|10)[0-9]{6}$"
FRACTION = "fraction (0 to 1)"
PER_100K = "per 100,000 residents"
DICTIONARY_HEADER = ("column", "description", "type", "unit", "allowed_values")
# "No figure" in a rounded column and in the spreadsheet: the rate is out of none, or there is
# no population estimate. The symbol the UK Analysis Function's guidance on symbols in tables
# gives for a figure that is not available; the unrounded column stays blank.
NO_FIGURE = "[x]"
NO_FIGURE_MEANING = f"{NO_FIGURE} when there is no figure (out of none, or no population estimate)"
ROUNDED = "_rounded"
PERCENT_ROUNDED = "percent, whole number (rounded half up)"
PER_100K_ROUNDED = "per 100,000 residents, one decimal place (rounded half up)"


def rounded(statistic: catalogue.Statistic, value: float | None) -> int | Decimal | None:
    """A figure rounded as it is published (letters, pages): a whole percentage for a rate, one
    decimal place per 100,000 residents, halves up (``catalogue.SHOWN_DECIMALS``)."""
    if value is None:
        return None
    if statistic.is_proportion:
        return whole_percent(value)
    return round_half_up(value, catalogue.SHOWN_DECIMALS[statistic.unit])


def rounded_cell(statistic: catalogue.Statistic, value: float | None) -> int | Decimal | str:
    found = rounded(statistic, value)
    return NO_FIGURE if found is None else found


def rounded_description(statistic: catalogue.Statistic, description: str) -> str:
    unit = PERCENT_ROUNDED if statistic.is_proportion else PER_100K_ROUNDED
    return f"{description}, rounded as published ({unit}); {NO_FIGURE_MEANING}"


def rounded_statistic(name: str) -> catalogue.Statistic | None:
    """The statistic a rounded column (``upheld_rate_rounded``, ``upheld_per_100k_rounded``)
    rounds, by the statistic's key or its record and field."""
    if not name.endswith(ROUNDED):
        return None
    base = name.removesuffix(ROUNDED)
    return next((s for s in STATISTICS if base in (s.key, f"{s.record}_{s.field}")), None)


def _fraction_fields() -> set[str]:
    return {"rate", "ci_low", "ci_high"}


def table_field(name: str, description: str) -> JsonObject:
    """The Table Schema field of a published CSV column, from its name's kind."""
    field: JsonObject = {"name": name, "description": description}
    last = name.rsplit("_", 1)[-1]
    statistic_keys = {s.key: s for s in STATISTICS}
    base = name.removesuffix("_previous_year").removesuffix("_change")
    rounds = rounded_statistic(name)
    if rounds is not None and rounds.is_proportion:
        field |= {"type": "integer", "unit": PERCENT_ROUNDED,
                  "constraints": {"minimum": 0, "maximum": 100}}  # fmt: skip
    elif rounds is not None:
        field |= {"type": "number", "unit": PER_100K_ROUNDED, "constraints": {"minimum": 0}}
    elif name == "year":
        field |= {"type": "string", "constraints": {"required": True, "pattern": YEAR_PATTERN}}
    elif name == "code":
        field |= {"type": "string", "constraints": {"required": True, "pattern": CODE_PATTERN}}
    elif name in ("name", "letter", "area", "statistic"):
        field |= {"type": "string", "constraints": {"required": True}}
    elif name == "type":
        field |= {"type": "string", "constraints": {"enum": list(COMPARISON_GROUPS)}}
    elif name in ("comparison_group", "group"):
        field |= {"type": "string", "constraints": {"enum": list(GROUP_ORDER)}}
    elif name == "level":
        field |= {
            "type": "string",
            "constraints": {"enum": ["country", "comparison group", "region", "all regions"]},
        }
    elif name == "region":
        field |= {"type": "string", "constraints": {"enum": list(REGIONS)}}
    elif name == "average_method":
        field |= {
            "type": "string",
            "constraints": {"enum": [m.value for m in catalogue.AverageMethod]},
        }
    elif name == "population":
        field |= {"type": "integer", "unit": "residents", "constraints": {"minimum": 1}}
    elif last == "base" and name.endswith("small_base"):
        field |= {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}
    elif base in statistic_keys:
        statistic = statistic_keys[base]
        changed = name.endswith("_change")
        if statistic.unit is Unit.FRACTION:
            limits = {"minimum": -1, "maximum": 1} if changed else {"minimum": 0, "maximum": 1}
            field |= {"type": "number", "unit": FRACTION, "constraints": limits}
        else:
            field |= {"type": "number", "unit": PER_100K}
            if not changed:
                field["constraints"] = {"minimum": 0}
    elif name.endswith("per_100k"):
        field |= {"type": "number", "unit": PER_100K, "constraints": {"minimum": 0}}
    elif last in _fraction_fields() or name.endswith(("ci_low", "ci_high")):
        field |= {"type": "number", "unit": FRACTION, "constraints": {"minimum": 0, "maximum": 1}}
    elif name.endswith("_change"):
        field |= {"type": "integer", "unit": "count"}
    else:
        field |= {"type": "integer", "unit": "count", "constraints": {"minimum": 0}}
    return field


def cell(value: Any) -> str:
    """A CSV cell: blank for no figure, booleans as true and false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rows_csv(
    columns: Sequence[tuple[str, str, Callable[[JsonObject], Any]]], rows: Iterable[JsonObject]
) -> bytes:
    """A CSV of ``rows`` with a column for each (name, description, value of a row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(name for name, _, _ in columns)
    for row in rows:
        writer.writerow(cell(value(row)) for _, _, value in columns)
    return buffer.getvalue().encode()


def dictionary_csv(columns: Sequence[tuple[str, str]]) -> bytes:
    """A data dictionary: each column's description, type, unit and allowed values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DICTIONARY_HEADER)
    for name, description in columns:
        field = table_field(name, description)
        constraints = field.get("constraints", {})
        allowed = ""
        if "enum" in constraints:
            allowed = "; ".join(constraints["enum"])
        elif "pattern" in constraints:
            allowed = f"matches {constraints['pattern']}"
        elif "minimum" in constraints and "maximum" in constraints:
            allowed = f"{constraints['minimum']} to {constraints['maximum']}"
        elif "minimum" in constraints:
            allowed = f"{constraints['minimum']} or more"
        elif field["type"] == "boolean":
            allowed = "true; false"
        writer.writerow((name, description, field["type"], field.get("unit", ""), allowed))
    return buffer.getvalue().encode()


# ----------------------------------------------------------------------------- averages CSV
def averages_columns() -> list[tuple[str, str]]:
    return [
        ("year", "Financial year, 1 April to 31 March"),
        ("group", "Group of similar authorities"),
        ("average_method", "How the average is formed: pooled (every case weighs the same) "
                           "or mean_of_rates (every council weighs the same)"),
        ("councils", "Councils in the group that year"),
        *(column for s in STATISTICS for column in (
            (s.key, f"{s.description}: the group's average ({unit_words(s)})"),
            (s.key + ROUNDED, rounded_description(s, f"{s.description}: the group's average")),
        )),
    ]  # fmt: skip


def unit_words(statistic: catalogue.Statistic) -> str:
    return FRACTION if statistic.is_proportion else PER_100K


def averages_csv(document: JsonObject) -> bytes:
    """``averages.csv``: each group's average of every statistic, as letters compare with."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(name for name, _ in averages_columns())
    members: dict[str, int] = {}
    for record in document["councils"]:
        members[record["comparison_group"]] = members.get(record["comparison_group"], 0) + 1
    for group in GROUP_ORDER:
        if group not in document["averages"]:
            continue
        found = document["averages"][group]
        writer.writerow(
            [
                document["year"],
                group,
                document["average_method"],
                members.get(group, 0),
                *(
                    cell
                    for s in STATISTICS
                    for cell in (
                        "" if found[s.key] is None else str(found[s.key]),
                        str(rounded_cell(s, found[s.key])),
                    )
                ),
            ]
        )
    return buffer.getvalue().encode()


# ----------------------------------------------------------------------- GeoJSON dictionary
def geojson_columns() -> list[tuple[str, str]]:
    return [
        ("code", "Feature id and property: ONS (GSS) code of the council"),
        ("name", "Name of the council"),
        ("type", "Type of council"),
        ("comparison_group", "Group of similar authorities it is compared with"),
        *((s.key, f"{s.description} ({unit_words(s)}); blank when there is no figure")
          for s in STATISTICS),
        ("letter", "Path of the council's annual review letter, relative to the site root"),
    ]  # fmt: skip


def geojson_dictionary_csv() -> bytes:
    """What each feature of ``councils.geojson`` holds. Geometry: a Point (WGS 84 longitude,
    latitude) at the council's office or centre, or null when its location is not known."""
    rows = [
        ("geometry", "Point: [longitude, latitude] in WGS 84 (EPSG:4326), roughly the council's "
                     "centre; null when not known"),
        *geojson_columns(),
    ]  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DICTIONARY_HEADER)
    for name, description in rows:
        if name == "geometry":
            writer.writerow((name, description, "geojson", "degrees", "Point or null"))
            continue
        field = table_field(name, description)
        writer.writerow(
            (name, description, field["type"], field.get("unit", ""),
             "; ".join(field.get("constraints", {}).get("enum", [])))
        )  # fmt: skip
    return buffer.getvalue().encode()


# ----------------------------------------------------------------------------- data package
def _csv_resource(name: str, path: str, title: str, schema: JsonObject) -> JsonObject:
    """A CSV file of the package, with its Table Schema (a blank cell is a missing value)."""
    return {
        "name": name,
        "path": path,
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema | {"missingValues": ["", NO_FIGURE]},
    }


def _resource(
    name: str, path: str, title: str, columns: Sequence[tuple[str, str]], key: list[str]
) -> JsonObject:
    fields = [table_field(n, d) for n, d in columns]
    return _csv_resource(name, path, title, {"fields": fields, "primaryKey": key})


def _dictionary_resource(name: str, path: str, title: str) -> JsonObject:
    fields = [
        {"name": "column", "type": "string", "constraints": {"required": True}},
        *({"name": column, "type": "string"} for column in DICTIONARY_HEADER[1:]),
    ]
    return _csv_resource(name, path, title, {"fields": fields, "primaryKey": ["column"]})


def datapackage(
    year: str,
    revision: int,
    councils: Sequence[tuple[str, str]],
    national: Sequence[tuple[str, str]],
    files: Mapping[str, str],
) -> JsonObject:
    """``datapackage.json`` beside the year's CSVs: a Table Schema for each (paths relative)."""
    return {
        "profile": "tabular-data-package",
        "name": f"council-complaint-statistics-{year}",
        "title": f"Complaint statistics for councils in England, {year} (revision {revision})",
        "description": "Decisions on complaints about English councils in the financial year "
        f"{year}: every council's counts and rates, the averages of similar authorities and "
        "England's totals. Rates are fractions from 0 to 1; per-100,000 figures are per "
        "100,000 residents.",
        "version": f"{revision}.0.0",
        "licenses": [
            {
                "name": "OGL-UK-3.0",
                "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
                "title": "Open Government Licence v3.0",
            }
        ],
        "resources": [
            _resource("councils", files["councils_csv"], "Every council's figures", councils,
                      ["code"]),
            _resource("averages", files["averages_csv"], "Averages of similar authorities",
                      averages_columns(), ["group"]),
            _resource("national", files["national_csv"],
                      "England and each group of similar authorities", national, ["area"]),
            _dictionary_resource("councils-dictionary", files["data_dictionary"],
                                 "Data dictionary of councils.csv"),
            _dictionary_resource("national-dictionary", files["national_dictionary"],
                                 "Data dictionary of national.csv"),
            _dictionary_resource("geojson-dictionary", files["geojson_dictionary"],
                                 "Data dictionary of councils.geojson"),
        ],
    }  # fmt: skip


def all_years_datapackage(
    years: Sequence[str], councils: Sequence[tuple[str, str]], files: Mapping[str, str]
) -> JsonObject:
    """``data/all-years/datapackage.json``: every published year's councils in one CSV (paths
    relative to the package's folder)."""
    name = files["councils_csv"].rsplit("/", 1)[-1]
    dictionary = files["data_dictionary"].rsplit("/", 1)[-1]
    return {
        "profile": "tabular-data-package",
        "name": "council-complaint-statistics-all-years",
        "title": "Complaint statistics for councils in England, every published year",
        "description": f"Every council's figures in each published year ({', '.join(years)}), "
        "each year at its current revision: the columns of a year's councils.csv. Rates are "
        "fractions from 0 to 1; per-100,000 figures are per 100,000 residents; each "
        f"*_rounded column is the figure as published, {NO_FIGURE} when there is none.",
        "licenses": [
            {
                "name": "OGL-UK-3.0",
                "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
                "title": "Open Government Licence v3.0",
            }
        ],
        "resources": [
            _resource("councils", name, "Every council's figures, every published year",
                      councils, ["year", "code"]),
            _dictionary_resource("councils-dictionary", dictionary,
                                 "Data dictionary of councils.csv"),
        ],
    }  # fmt: skip


# ---------------------------------------------------------------------------- JSON Schemas
_FILES_DESCRIPTION = "Where the year's files are: each a path relative to the site root"


def index_schema(file_names: Mapping[str, str]) -> JsonObject:
    """The JSON Schema of ``data/index.json``."""
    files = {
        name: {"type": "string", "description": f"Path of {file} for the year's revision"}
        for name, file in file_names.items()
    }
    year = {"type": "string", "pattern": YEAR_PATTERN, "description": "Financial year"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "index-v1.schema.json",
        "title": "Every published year of the council complaint statistics (schema_version 1)",
        "type": "object",
        "required": ["schema_version", "latest", "years", "next_release", "council_history"],
        "properties": {
            "schema_version": {"const": 1, "description": "Version of this file's format"},
            "latest": year | {"description": "The latest published year"},
            "years": {
                "type": "array",
                "description": "Each published year, oldest first, at its current revision",
                "items": {
                    "type": "object",
                    "required": ["year", "revision", "released_at", "files", "letters"],
                    "properties": {
                        "year": year,
                        "revision": {
                            "type": "integer",
                            "minimum": 1,
                            "description": "The year's current revision",
                        },
                        "released_at": {
                            "type": "string",
                            "format": "date-time",
                            "description": "When the revision was first published",
                        },
                        "early_release_reason": {
                            "type": ["string", "null"],
                            "description": "Why it was published before its release date, or null",
                        },
                        "files": {
                            "type": "object",
                            "description": _FILES_DESCRIPTION,
                            "properties": files,
                            "additionalProperties": {"type": "string"},
                        },
                        "letters": {
                            "type": "string",
                            "description": "Folder of the revision's letters, one per council "
                            "({code}.html)",
                        },
                    },
                },
            },
            "next_release": {
                "type": ["object", "null"],
                "description": "The next scheduled release",
                "properties": {
                    "year": year,
                    "date": {"type": "string", "format": "date", "description": "Release day"},
                },
            },
            "council_history": {
                "type": "string",
                "description": "Path pattern of a council's figures in every published year",
            },
            "all_years": {
                "type": "object",
                "description": "Every published year's councils in one CSV, with its dictionary "
                "and data package (paths relative to the site root)",
                "additionalProperties": {"type": "string"},
            },
        },
    }


def history_schema(councils_schema: JsonObject) -> JsonObject:
    """The JSON Schema of ``data/councils/{code}.json``: each year's record as in that year's
    ``councils.json``, with the year and its revision."""
    council = councils_schema["$defs"]["council"]
    year_record = {
        "type": "object",
        "description": "The council's record in one published year",
        "required": ["year", "revision", *council["required"]],
        "properties": {
            "year": {"type": "string", "pattern": YEAR_PATTERN, "description": "Financial year"},
            "revision": {"type": "integer", "minimum": 1, "description": "The year's revision"},
            **council["properties"],
        },
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "council-history-v1.schema.json",
        "title": "One council's figures in every published year (schema_version 1)",
        "type": "object",
        "required": ["schema_version", "code", "name", "type", "comparison_group", "years"],
        "properties": {
            "schema_version": {"const": 1, "description": "Version of this file's format"},
            "code": council["properties"]["code"],
            "name": {"type": "string", "description": "The council's latest name"},
            "type": council["properties"]["type"],
            "comparison_group": council["properties"]["comparison_group"],
            "years": {
                "type": "array",
                "description": "Each published year the council has figures for, oldest first",
                "items": year_record,
            },
        },
    }


def undescribed(schema: Any, where: str = "$") -> list[str]:
    """Every property of a JSON Schema without a description (for tests)."""
    missing: list[str] = []
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            if isinstance(sub, dict) and "description" not in sub and "$ref" not in sub:
                missing.append(f"{where}.{name}")
            missing += undescribed(sub, f"{where}.{name}")
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                missing += undescribed(schema[key], f"{where}[]")
        for name, sub in schema.get("$defs", {}).items():
            missing += undescribed(sub, f"{where}.$defs.{name}")
    return missing
