"""The year's figures as one accessible spreadsheet, following the UK Analysis Function's
guidance through ``gptables``: a cover sheet, a table of contents, a notes sheet and one table a
sheet (every council, the averages of similar authorities, England and each group).

Headings and units come from the catalogue. The workbook's creation time is the year's release
day, so the same figures give the same bytes. gptables (with pandas) is imported only here, and
this module only by the release step.
"""

from __future__ import annotations

import tempfile
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

from annual_review import catalogue
from annual_review.catalogue import STATISTICS
from annual_review.registry import GROUP_ORDER
from annual_review.statistics import SMALL_BASE

JsonObject = dict[str, Any]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _unit(statistic: catalogue.Statistic) -> str:
    return "fraction from 0 to 1" if statistic.is_proportion else "per 100,000 residents"


def _councils_frame(document: JsonObject) -> Any:
    import pandas as pd

    rows = []
    for record in document["councils"]:
        row: dict[str, Any] = {
            "Code": record["code"],
            "Council": record["name"],
            "Comparison group": record["comparison_group"],
            "Population": record["population"],
            "Complaints received": record["complaints_received"],
            "Decisions": record["decisions"]["total"],
        }
        for statistic in STATISTICS:
            part = record[statistic.record]
            if statistic.is_proportion:
                row[f"{statistic.page.label}: count"] = part["count"]
                row[f"{statistic.page.label}: out of"] = part["of"]
                row[statistic.page.label] = part["rate"]
                row[f"{statistic.page.label}: small base"] = "yes" if part["small_base"] else "no"
            else:
                row[statistic.page.label] = part[statistic.field]
        row["Service improvements"] = record["service_improvements"]
        rows.append(row)
    return pd.DataFrame(rows)


def _averages_frame(document: JsonObject) -> Any:
    import pandas as pd

    rows = []
    for group in GROUP_ORDER:
        found = document["averages"].get(group)
        if found is None:
            continue
        rows.append({"Comparison group": group} | {s.page.label: found[s.key] for s in STATISTICS})
    return pd.DataFrame(rows)


def _national_frame(national: JsonObject) -> Any:
    import pandas as pd

    rows = []
    for area in national["areas"]:
        rows.append(
            {
                "Area": area["area"],
                "Councils": area["councils"],
                "Complaints received": area["complaints_received"],
                "Decisions": area["decisions"]["total"],
                **{o.label: area["overview"][o.field] for o in catalogue.OVERVIEW},
                **{s.page.label: area["statistics"][s.key] for s in STATISTICS},
            }
        )
    return pd.DataFrame(rows)


def spreadsheet(document: JsonObject, national: JsonObject, released: datetime) -> bytes:
    """``council-complaint-statistics.xlsx`` for the year."""
    import gptables as gpt
    import pandas as pd

    year = document["year"]
    source = "Local Government and Social Care Ombudsman, annual review of complaints"
    units = {s.page.label: _unit(s) for s in STATISTICS}
    councils = _councils_frame(document)
    columns = list(councils.columns)
    # Notes on columns go by position (gptables renames the headers it gives units to).
    council_notes = {
        **{
            columns.index(s.page.label): "$$rate$$" if s.is_proportion else "$$per100k$$"
            for s in STATISTICS
        },
        **{
            columns.index(f"{s.page.label}: small base"): "$$small$$"
            for s in STATISTICS
            if s.is_proportion
        },
    }
    sheets = {
        "Councils": gpt.GPTable(
            table=councils,
            table_name="councils",
            title=f"Complaint statistics for every council in England, {year}",
            subtitles=[f"Financial year {year}, revision {document['revision']}"],
            instructions="This worksheet contains one table. Some cells refer to notes which "
            "can be found on the notes worksheet. A blank cell means there is no figure: "
            "nothing to base it on (out of none, or no population estimate).",
            source=source,
            units=dict(units),  # gptables changes the mapping it is given
            table_notes=council_notes,
            index_columns={2: 1},
        ),
        "Averages": gpt.GPTable(
            table=_averages_frame(document),
            table_name="averages",
            title=f"Averages of similar authorities, {year}$$average$$",
            units=dict(units),  # gptables changes the mapping it is given
            instructions="This worksheet contains one table. Some cells refer to notes which "
            "can be found on the notes worksheet.",
            source=source,
            index_columns={2: 0},
        ),
        "England": gpt.GPTable(
            table=_national_frame(national),
            table_name="england",
            title=f"England and each group of similar authorities, {year}",
            units=dict(units),  # gptables changes the mapping it is given
            instructions="This worksheet contains one table. Rates are fractions from 0 to 1; "
            "upheld per 100,000 residents is a rate per 100,000 residents.",
            source=source,
            index_columns={2: 0},
        ),
    }
    notes = pd.DataFrame(
        {
            "Note number": ["rate", "small", "per100k", "average"],
            "Note text": [
                "A rate is a fraction from 0 to 1: the count divided by what it is out of. It "
                "is blank when it is out of none.",
                f"A small base is fewer than {SMALL_BASE} cases: one case more or less moves "
                "the rate a long way.",
                "Upheld decisions per 100,000 residents; blank when there is no population "
                "estimate.",
                f"The average of similar authorities ({document['average_method']}: "
                + (
                    "the group's total count over its total base)."
                    if document["average_method"] == "pooled"
                    else "the mean of the councils' rates)."
                ),
            ],
        }
    )
    cover = gpt.Cover(
        title=f"Complaint statistics for councils in England, {year}",
        intro=[
            "Decisions we made on complaints about English councils in the financial year "
            f"{year} (1 April to 31 March): every council's figures, the averages of similar "
            "authorities and England's totals."
        ],
        about=[
            "The same figures are published as CSV with data dictionaries, JSON with its "
            "schema and a Frictionless data package. Rates are fractions from 0 to 1.",
        ],
        contact=["Local Government and Social Care Ombudsman"],
    )
    # gptables warns about blank cells whatever the instructions say (they say why), and its
    # use of pandas draws pandas' deprecation warnings: neither is ours to act on.
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = Path(folder) / "statistics.xlsx"
        workbook = gpt.produce_workbook(
            filename=str(path),
            sheets=sheets,
            cover=cover,
            notes_table=notes,
            contentsheet_label="Contents",
        )
        workbook.set_properties(
            {"title": cover.title, "author": source, "created": released.replace(tzinfo=None)}
        )
        workbook.close()
        return path.read_bytes()
