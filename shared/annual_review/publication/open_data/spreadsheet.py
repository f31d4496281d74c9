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

from annual_review.calendar.release_calendar import CalendarEntry
from annual_review.figures import catalogue
from annual_review.figures.catalogue import STATISTICS
from annual_review.figures.rates import SMALL_BASE
from annual_review.publication.open_data.dictionaries import NO_FIGURE, rounded
from annual_review.registry.councils import GROUP_ORDER

JsonObject = dict[str, Any]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SOURCE = "Source: Local Government and Social Care Ombudsman, annual review of complaints"
# Notes, numbered in the order the notes sheet lists them.
NOTES = ("rate", "small", "per100k", "average", "rounded", "no_figure")
CONTACT = "Local Government and Social Care Ombudsman"
# Column widths, in characters: fitted to the longest line of each column, within these.
NARROWEST, WIDEST = 8, 60


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


def _rounded_unit(statistic: catalogue.Statistic) -> str:
    return "percent" if statistic.is_proportion else "per 100,000 residents"


def _figure_headings(statistic: catalogue.Statistic, label: str, note: str | None) -> list[str]:
    """A figure unrounded, then rounded as published."""
    return [
        _heading(label, _unit(statistic), note),
        _heading(f"{label}, rounded", _rounded_unit(statistic), _note("rounded")),
    ]


def _figure_cells(statistic: catalogue.Statistic, value: float | None) -> list[Any]:
    """The unrounded figure and the rounded one, each [x] when there is no figure."""
    found = rounded(statistic, value)
    return [
        NO_FIGURE if value is None else value,
        NO_FIGURE if found is None else (int(found) if statistic.is_proportion else float(found)),
    ]


def _statistic_headings() -> list[str]:
    headings = []
    for s in STATISTICS:
        if s.is_proportion:
            label = s.page.label
            headings += [
                f"{label}: count",
                f"{label}: out of",
                *_figure_headings(s, label, _note("rate")),
                _heading(f"{label}: small base", None, _note("small")),
            ]
        else:
            headings += _figure_headings(s, s.page.label, _note("per100k"))
    return headings


def _statistic_cells(record: JsonObject) -> list[Any]:
    cells: list[Any] = []
    for s in STATISTICS:
        part = record[s.record]
        if s.is_proportion:
            cells += [
                part["count"],
                part["of"],
                *_figure_cells(s, part["rate"]),
                "yes" if part["small_base"] else "no",
            ]
        else:
            cells += _figure_cells(s, part[s.field])
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
            *(h for s in STATISTICS for h in _figure_headings(s, s.page.label, None)),
        ],
        rows=[
            [
                group,
                *(
                    c
                    for s in STATISTICS
                    for c in _figure_cells(s, document["averages"][group][s.key])
                ),
            ]
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
            *(h for s in STATISTICS for h in _figure_headings(s, s.page.label, None)),
        ],
        rows=[
            [
                area["area"],
                area["councils"],
                area["population"],
                area["complaints_received"],
                area["decisions"]["total"],
                *(area["overview"][o.field] for o in catalogue.OVERVIEW),
                *(c for s in STATISTICS for c in _figure_cells(s, area["statistics"][s.key])),
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
        "rate": "A rate is a fraction from 0 to 1: the count divided by what it is out of, "
        "unrounded. There is none when it is out of none.",
        "small": f"A small base is fewer than {SMALL_BASE} cases: one case more or less moves "
        "the rate a long way.",
        "per100k": "Upheld decisions per 100,000 residents; blank when there is no population "
        "estimate.",
        "average": f"The average of similar authorities ({document['average_method']}: {method}).",
        "rounded": "Rounded as published in letters and on the site: a rate as a whole "
        "percentage, a figure per 100,000 residents to one decimal place, halves rounded up "
        "(0.685 is 69%, 5.25 is 5.3). Totals and comparisons should use the unrounded columns.",
        "no_figure": f"{NO_FIGURE} means there is no figure: a rate out of none (for example no "
        "detailed investigations), or no population estimate for a figure per 100,000 residents.",
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
        for column, width in enumerate(column_widths(table)):
            sheet.set_column(column, column, width)


def _width(value: Any) -> int:
    return max((len(line) for line in str(value).split("\n")), default=0)


def column_widths(table: Table) -> list[int]:
    """Each column's width: its longest heading line or cell, plus a margin (the filter button
    of a heading), between NARROWEST and WIDEST characters (longer text wraps)."""
    return [
        max(
            NARROWEST,
            min(WIDEST, max(_width(c) for c in [heading, *(row[i] for row in table.rows)]) + 2),
        )
        for i, heading in enumerate(table.headings)
    ]


def _long_date(day: datetime) -> str:
    return f"{day.day} {day:%B %Y}"


def spreadsheet(
    document: JsonObject,
    national: JsonObject,
    released: datetime,
    next_release: CalendarEntry | None = None,
    site_url: str = "",
) -> bytes:
    """``council-complaint-statistics.xlsx`` for the year; ``next_release``: the calendar's
    next announced release after this one (None: "to be announced")."""
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
            (
                "Release",
                [
                    f"Released: {_long_date(released)} at 09:30",
                    "Next release: "
                    + (
                        f"{_long_date(next_release.release_at)} at 09:30 "
                        f"({next_release.year} figures)"
                        if next_release
                        else "to be announced"
                    ),
                ],
            ),
            (
                "Methodology",
                [
                    "How the statistics are worked out, and what they can and cannot show:",
                    f"{site_url.rstrip('/')}/methodology/",
                ],
            ),
            (
                "Contact",
                [CONTACT, "Contact details:", f"{site_url.rstrip('/')}/contact/"],
            ),
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
        f"worksheet. {NO_FIGURE} means there is no figure: nothing to base it on (out of none, "
        "or no population estimate)."
    )
    for table in tables:
        writer.table(table, instructions)
    workbook.close()
    return buffer.getvalue()
