"""The learning as open data: for each year, ``decisions.csv``, ``public-reports.csv`` and
``service-improvements.csv`` (the event fields, with the council's name), each with its data
dictionary, in the year's learning data package ``data/{year}/learning-datapackage.json``.

These files change as the learning is published (weekly), so they live beside the year's
immutable statistics (``data/{year}/r{n}/``) rather than inside a revision. Service improvements
are the published "service improvements" figure: their file is written only once the year's
statistics are released, and its row count per council is that figure.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from annual_review.figures.catalogue import SERVICE_AREA_LABELS
from annual_review.learning.changes import StoredItem
from annual_review.learning.contract import ImprovementStatus, ReportKind
from annual_review.publication.open_data.dictionaries import (
    CODE_PATTERN,
    DICTIONARY_HEADER,
    YEAR_PATTERN,
)

JsonObject = dict[str, Any]
# Beside the year's statistics (data/{year}/r{n}/datapackage.json), never in their place.
PACKAGE = "learning-datapackage.json"
CSV = "text/csv; charset=utf-8"
JSON = "application/json"
OUTCOMES = [
    "upheld",
    "not_upheld",
    "closed_after_initial_enquiries",
    "referred_back_for_local_resolution",
    "incomplete_invalid",
]
# (column, description, Table Schema type and constraints)
Column = tuple[str, str, JsonObject]
_YEAR: Column = (
    "year",
    "Financial year (1 April to 31 March) the item counts in",
    {"type": "string", "constraints": {"required": True, "pattern": YEAR_PATTERN}},
)
_CODE: Column = (
    "authority_code",
    "ONS code of the council",
    {"type": "string", "constraints": {"required": True, "pattern": CODE_PATTERN}},
)
_NAME: Column = ("council", "The council's name", {"type": "string"})
_VERSION: Column = (
    "version",
    "The item's version as published (an amendment has a higher one)",
    {"type": "integer", "constraints": {"minimum": 1}},
)
_AREA: Column = (
    "service_area",
    "Service area of the complaint",
    {"type": "string", "constraints": {"enum": list(SERVICE_AREA_LABELS)}},
)


def _date(name: str, description: str, required: bool = True) -> Column:
    return (name, description, {"type": "date", "constraints": {"required": required}})


def _text(name: str, description: str, required: bool = True) -> Column:
    return (name, description, {"type": "string", "constraints": {"required": required}})


DECISION_COLUMNS: Sequence[Column] = (
    _YEAR, _CODE, _NAME,
    _text("decision_id", "The case system's id of the decision"),
    _VERSION,
    _text("reference", "The public case reference, as on the decision statement"),
    _date("decided_on", "The day we decided"),
    _date("published_on", "The day the statement was published"),
    ("outcome", "Our decision", {"type": "string", "constraints": {"enum": OUTCOMES}}),
    _AREA,
    _text("summary", "Summary of the decision (anonymised, plain text)"),
    _text("statement_url", "The decision statement on the ombudsman's website"),
)  # fmt: skip
REPORT_COLUMNS: Sequence[Column] = (
    _YEAR, _CODE, _NAME,
    _text("report_id", "The case system's id of the report"),
    _VERSION,
    _date("issued_on", "The day the report was issued"),
    ("kind", "Kind of report", {"type": "string",
                                "constraints": {"enum": [k.value for k in ReportKind]}}),
    _text("title", "The report's title"),
    _text("summary", "Summary of the report (plain text)"),
    _text("url", "The report on the ombudsman's website"),
    _text("decision_id", "The decision the report follows, where given", required=False),
)  # fmt: skip
IMPROVEMENT_COLUMNS: Sequence[Column] = (
    _YEAR, _CODE, _NAME,
    _text("improvement_id", "The case system's id of the service improvement"),
    _VERSION,
    _text("decision_id", "The decision after which the council agreed it"),
    _date("agreed_on", "The day the council agreed it (the year it counts in follows)"),
    _AREA,
    _text("description", "What the council agreed to do (plain text)"),
    _date("due_on", "When it is due"),
    ("status", "Where it stands", {"type": "string",
                                   "constraints": {"enum": [s.value for s in ImprovementStatus]}}),
    _date("completed_on", "When it was completed (completed statuses only)", required=False),
)  # fmt: skip
FILES = {
    "decisions": ("decisions.csv", "Decision statements", DECISION_COLUMNS),
    "public-reports": ("public-reports.csv", "Public reports", REPORT_COLUMNS),
    "service-improvements": (
        "service-improvements.csv",
        "Service improvements councils agreed after our investigations (the published "
        "'service improvements' figure counts these rows)",
        IMPROVEMENT_COLUMNS,
    ),
}
KIND_OF_FILE = {
    "decisions": "decision",
    "public-reports": "report",
    "service-improvements": "improvement",
}


def _csv(columns: Sequence[Column], rows: Sequence[Mapping[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(name for name, _, _ in columns)
    for row in rows:
        writer.writerow("" if row.get(name) is None else str(row[name]) for name, _, _ in columns)
    return buffer.getvalue().encode()


def _dictionary(columns: Sequence[Column]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DICTIONARY_HEADER)
    for name, description, field in columns:
        allowed = "; ".join(field.get("constraints", {}).get("enum", []))
        writer.writerow((name, description, field["type"], "", allowed))
    return buffer.getvalue().encode()


def _resource(name: str, path: str, title: str, schema: JsonObject) -> JsonObject:
    return {
        "name": name,
        "path": path,
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema | {"missingValues": [""]},
    }


def year_files(
    year: str,
    items: Sequence[tuple[str, StoredItem]],
    names: Mapping[str, str],
    released: bool,
) -> list[tuple[str, bytes, str]]:
    """The year's learning files, dictionaries and data package (keys under ``data/{year}/``)."""
    files: list[tuple[str, bytes, str]] = []
    resources: list[JsonObject] = []
    for name, (path, title, columns) in FILES.items():
        kind = KIND_OF_FILE[name]
        if kind == "improvement" and not released:
            continue
        rows = sorted(
            (
                {"year": year, "authority_code": code, "council": names.get(code, code)}
                | item.detail
                | {"version": item.version}
                for code, item in items
                if item.kind == kind
            ),
            key=lambda r: (r["authority_code"], str(r.get(columns[3][0]))),
        )
        dictionary = path.removesuffix(".csv") + "-dictionary.csv"
        files.append((f"data/{year}/{path}", _csv(columns, rows), CSV))
        files.append((f"data/{year}/{dictionary}", _dictionary(columns), CSV))
        fields = [{"name": n, "description": d} | f for n, d, f in columns]
        resources.append(_resource(name, path, title, {"fields": fields}))
        resources.append(
            _resource(
                f"{name}-dictionary",
                dictionary,
                f"Data dictionary of {path}",
                {
                    "fields": [{"name": c, "type": "string"} for c in DICTIONARY_HEADER],
                    "primaryKey": ["column"],
                },
            )
        )
    package = {
        "profile": "tabular-data-package",
        "name": f"council-complaint-learning-{year}",
        "title": f"Decisions, public reports and service improvements, {year}",
        "description": "The learning behind the complaint statistics for councils in England in "
        f"{year}, as published so far (updated weekly). The year's statistics are in "
        f"data/{year}/r{{n}}/.",
        "licenses": [
            {
                "name": "OGL-UK-3.0",
                "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
                "title": "Open Government Licence v3.0",
            }
        ],
        "resources": resources,
    }
    body = (json.dumps(package, indent=1, sort_keys=True) + "\n").encode()
    files.append((f"data/{year}/{PACKAGE}", body, JSON))
    return files
