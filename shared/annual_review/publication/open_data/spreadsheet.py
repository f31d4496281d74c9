"""The year's figures as one accessible spreadsheet, laid out as the UK Analysis Function's
guidance asks (the layout the ``gptables`` package produces): a cover sheet, a table of contents,
a notes sheet, and one table a sheet, each a named Excel table under its title, with units and
note references in the column headings and no merged or blank-formatted cells.

Written with XlsxWriter alone (gptables would bring pandas and numpy, some 100 MB, into the
Lambda layer for this one file). Headings and units come from the catalogue. The workbook's
creation time is the year's release day and XlsxWriter dates its zip entries to a fixed day, so
the same figures give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import xlsxwriter

from annual_review.figures import catalogue
from annual_review.figures.catalogue import STATISTICS
from annual_review.figures.rates import SMALL_BASE
from annual_review.registry.councils import GROUP_ORDER

JsonObject = dict[str, Any]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SOURCE = "Source: Local Government and Social Care Ombudsman, annual review of complaints"
# Notes, numbered in the order the notes sheet lists them.
NOTES = ("rate", "small", "per100k", "average")


def _note(name: str) -> str:
    return f"[note {NOTES.index(name) + 1}]"


def _unit(statistic: catalogue.Statistic) -> str:
    return "fraction from 0 to 1" if statistic.is_proportion else "per 100,000 residents"


def _heading(label: str, unit: str | None = None, note: str | None = None) -> str:
    """A column heading with its unit and note reference on lines of their own."""
    return "\n".join(part for part in (label, f"({unit})" if unit else None, note) if part)


@dataclass(frozen=True)
class Table:
    sheet: str
    name: str  # the Excel table's name
    title: str
    description: str  # for the contents
    headings: list[str]
    rows: list[list[Any]]
    subtitles: tuple[str, ...] = ()


def _statistic_headings() -> list[str]:
    headings = []
    for s in STATISTICS:
        if s.is_proportion:
            label = s.page.label
            headings += [
                f"{label}: count",
                f"{label}: out of",
                _heading(label, _unit(s), _note("rate")),
                _heading(f"{label}: small base", None, _note("small")),
            ]
        else:
            headings.append(_heading(s.page.label, _unit(s), _note("per100k")))
    return headings


def _statistic_cells(record: JsonObject) -> list[Any]:
    cells: list[Any] = []
    for s in STATISTICS:
        part = record[s.record]
        if s.is_proportion:
            cells += [
                part["count"],
                part["of"],
                part["rate"],
                "yes" if part["small_base"] else "no",
            ]
        else:
            cells.append(part[s.field])
    return cells


def _councils(document: JsonObject) -> Table:
    year = document["year"]
    return Table(
        sheet="Councils",
        name="councils",
        title=f"Complaint statistics for every council in England, {year}",
        description="Every council's decisions, complaints and statistics",
        subtitles=(f"Financial year {year}, revision {document['revision']}",),
        headings=[
            "Code",
            "Council",
            "Comparison group",
            "Population",
            "Complaints received",
            "Decisions",
            *_statistic_headings(),
            "Service improvements",
        ],
        rows=[
            [
                r["code"],
                r["name"],
                r["comparison_group"],
                r["population"],
                r["complaints_received"],
                r["decisions"]["total"],
                *_statistic_cells(r),
                r["service_improvements"],
            ]
            for r in document["councils"]
        ],
    )


def _averages(document: JsonObject) -> Table:
    return Table(
        sheet="Averages",
        name="averages",
        title=f"Averages of similar authorities, {document['year']} {_note('average')}",
        description="Each comparison group's average of every statistic",
        headings=[
            "Comparison group",
            *(_heading(s.page.label, _unit(s)) for s in STATISTICS),
        ],
        rows=[
            [group, *(document["averages"][group][s.key] for s in STATISTICS)]
            for group in GROUP_ORDER
            if group in document["averages"]
        ],
    )


def _england(national: JsonObject) -> Table:
    return Table(
        sheet="England",
        name="england",
        title=f"England, each group of similar authorities and each region, {national['year']}",
        description="England's, each comparison group's and each ONS region's totals and "
        "statistics (residents counted once)",
        headings=[
            "Area",
            "Councils",
            "Residents (each counted once)",
            "Complaints received",
            "Decisions",
            *(o.label for o in catalogue.OVERVIEW),
            *(_heading(s.page.label, _unit(s)) for s in STATISTICS),
        ],
        rows=[
            [
                area["area"],
                area["councils"],
                area["population"],
                area["complaints_received"],
                area["decisions"]["total"],
                *(area["overview"][o.field] for o in catalogue.OVERVIEW),
                *(area["statistics"][s.key] for s in STATISTICS),
            ]
            for area in national["areas"]
        ],
    )


def _notes(document: JsonObject) -> list[list[str]]:
    method = (
        "the group's total count over its total base"
        if document["average_method"] == "pooled"
        else "the mean of the councils' rates"
    )
    texts = {
        "rate": "A rate is a fraction from 0 to 1: the count divided by what it is out of. It is "
        "blank when it is out of none.",
        "small": f"A small base is fewer than {SMALL_BASE} cases: one case more or less moves "
        "the rate a long way.",
        "per100k": "Upheld decisions per 100,000 residents; blank when there is no population "
        "estimate.",
        "average": f"The average of similar authorities ({document['average_method']}: {method}).",
    }
    return [[_note(name), texts[name]] for name in NOTES]


class _Writer:
    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.title = workbook.add_format({"bold": True, "font_size": 16})
        self.heading = workbook.add_format({"bold": True, "font_size": 12})
        self.wrap = workbook.add_format({"text_wrap": True, "bold": True, "valign": "top"})
        self.link = workbook.add_format({"font_color": "#1d70b8", "underline": 1})

    def text_sheet(self, name: str, title: str, sections: Sequence[tuple[str, list[str]]]) -> None:
        sheet = self.workbook.add_worksheet(name)
        sheet.set_column(0, 0, 100)
        sheet.write(0, 0, title, self.title)
        row = 1
        for heading, paragraphs in sections:
            sheet.write(row, 0, heading, self.heading)
            for paragraph in paragraphs:
                row += 1
                sheet.write(row, 0, paragraph)
            row += 1

    def table(
        self, table: Table, instructions: str, source: str | None = SOURCE, links: bool = False
    ) -> None:
        sheet = self.workbook.add_worksheet(table.sheet)
        sheet.write(0, 0, table.title, self.title)
        lines = [*table.subtitles, instructions, *([source] if source else [])]
        for row, line in enumerate(lines, start=1):
            sheet.write(row, 0, line)
        top = len(lines) + 1
        sheet.set_row(top, 60 if any("\n" in h for h in table.headings) else None)
        sheet.add_table(
            top,
            0,
            top + max(len(table.rows), 1),
            len(table.headings) - 1,
            {
                "name": table.name,
                "columns": [{"header": h, "header_format": self.wrap} for h in table.headings],
                "data": table.rows or [[None] * len(table.headings)],
                "style": "Table Style Light 1",
                "autofilter": False,
            },
        )
        if links:  # the contents: each sheet name a link to its sheet
            for offset, row_cells in enumerate(table.rows, start=top + 1):
                sheet.write_url(offset, 0, f"internal:'{row_cells[0]}'!A1", self.link, row_cells[0])
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, len(table.headings) - 1, 18)


def spreadsheet(document: JsonObject, national: JsonObject, released: datetime) -> bytes:
    """``council-complaint-statistics.xlsx`` for the year."""
    year = document["year"]
    title = f"Complaint statistics for councils in England, {year}"
    tables = [_councils(document), _averages(document), _england(national)]
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties(
        {
            "title": title,
            "author": "Local Government and Social Care Ombudsman",
            "created": released.replace(tzinfo=None),
        }
    )
    writer = _Writer(workbook)
    writer.text_sheet(
        "Cover",
        title,
        [
            (
                "About these statistics",
                [
                    "Decisions we made on complaints about English councils in the financial "
                    f"year {year} (1 April to 31 March): every council's figures, the averages "
                    "of similar authorities and England's totals.",
                    "The same figures are published as CSV with data dictionaries, JSON with its "
                    "schema and a Frictionless data package. Rates are fractions from 0 to 1.",
                ],
            ),
            ("Contact", ["Local Government and Social Care Ombudsman"]),
        ],
    )
    contents = Table(
        sheet="Contents",
        name="contents",
        title="Table of contents",
        description="",
        headings=["Sheet name", "Table description"],
        rows=[["Notes", "Notes referred to in the tables"]]
        + [[t.sheet, t.description] for t in tables],
    )
    writer.table(contents, "This worksheet contains one table.", source=None, links=True)
    notes = Table(
        sheet="Notes",
        name="notes",
        title="Notes",
        description="",
        headings=["Note number", "Note text"],
        rows=_notes(document),
    )
    writer.table(notes, "This worksheet contains one table.", source=None)
    instructions = (
        "This worksheet contains one table. Some headings refer to notes on the notes "
        "worksheet. A blank cell means there is no figure: nothing to base it on (out of none, "
        "or no population estimate)."
    )
    for table in tables:
        writer.table(table, instructions)
    workbook.close()
    return buffer.getvalue()
