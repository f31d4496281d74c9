"""The cases behind each council's figures: every decision, compliance outcome and complaint.

Captured at freeze time from the ledger (which holds the newest version of every decision and
compliance outcome, and every complaint) and checked against the snapshot: for every council the
lists sum to exactly the frozen figures, so to every count in its letter. Private: they go to the
council with its letter and are never published.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from annual_review.figures.aggregates import (
    CASE_SYSTEM_SERVICE_IMPROVEMENTS,
    CouncilYearAggregate,
    aggregates_from,
)
from annual_review.ingestion.contract import (
    ComplaintReceivedDetail,
    ComplianceRecordedDetail,
    DecisionRecordedDetail,
    Detail,
)
from annual_review.learning.contract import (
    PublicReportIssuedDetail,
    ServiceImprovementRecordedDetail,
)
from annual_review.publication.freeze.snapshot import Snapshot
from annual_review.publication.ports import AggregatesSource, LedgerSource

ListName = Literal["decision", "compliance", "complaint", "improvement", "report"]
COLUMNS = (
    "list",
    "id",
    "version",
    "date",
    "outcome",
    "service_area",
    "remedy_by_council",
    # The case system's own count on the decision; the published figure counts the
    # "improvement" rows (ServiceImprovementRecorded), see the data dictionary.
    "case_system_service_improvements",
    # The join of received and decided cases: a decision's complaint, a complaint's decision.
    "complaint_id",
    "decided_by",
    # A public report's title (the letter names the council's reports of the year).
    "title",
)


@dataclass(frozen=True, order=True)
class CaseRow:
    list: ListName
    id: str
    version: str
    date: str
    outcome: str
    service_area: str
    remedy_by_council: str
    service_improvements: str
    complaint_id: str = ""
    decided_by: str = ""
    title: str = ""


def case_row(detail: Detail, version: int) -> tuple[str, str, CaseRow] | None:
    """(year, council, row) for a ledger entry that counts; None for a withdrawal."""
    match detail:
        case DecisionRecordedDetail():
            row = CaseRow(
                "decision",
                detail.decision_id,
                str(version),
                detail.decided_on.isoformat(),
                detail.outcome.value,
                detail.service_area.value,
                "yes" if detail.satisfactory_remedy_by_authority else "no",
                str(detail.service_improvements),
                complaint_id=detail.complaint_id or "",
            )
            return detail.year.label, detail.authority_code, row
        case ComplianceRecordedDetail():
            row = CaseRow(
                "compliance",
                detail.decision_id,
                str(version),
                detail.recorded_on.isoformat(),
                detail.outcome.value,
                "",
                "",
                "",
            )
            return detail.year.label, detail.authority_code, row
        case ComplaintReceivedDetail():
            row = CaseRow(
                "complaint",
                detail.complaint_id,
                "",
                detail.received_on.isoformat(),
                "",
                detail.service_area.value,
                "",
                "",
            )
            return detail.year.label, detail.authority_code, row
        case ServiceImprovementRecordedDetail():
            row = CaseRow(
                "improvement",
                detail.improvement_id,
                str(version),
                detail.agreed_on.isoformat(),
                detail.status.value,
                detail.service_area.value,
                "",
                "",
                complaint_id="",
                decided_by=detail.decision_id,
            )
            return detail.year.label, detail.authority_code, row
        case PublicReportIssuedDetail():
            row = CaseRow(
                "report",
                detail.report_id,
                str(version),
                detail.issued_on.isoformat(),
                detail.kind.value,
                "",
                "",
                "",
                decided_by=detail.decision_id or "",
                title=detail.title,
            )
            return detail.year.label, detail.authority_code, row
        case _:
            return None


@dataclass(frozen=True)
class YearCases:
    """A year's counted cases per council, with the details they came from."""

    year: str
    rows: Mapping[str, list[CaseRow]]
    details: Mapping[str, list[Detail]]

    def counters(self, code: str) -> dict[str, int]:
        found = aggregates_from(self.details.get(code, []))
        return {
            name: value
            for aggregate in found.values()
            for name, value in aggregate.counters.items()
            if value
        }


def year_cases(entries: Iterable[tuple[Detail, int]], year: str) -> YearCases:
    rows: dict[str, list[CaseRow]] = defaultdict(list)
    details: dict[str, list[Detail]] = defaultdict(list)
    decided: dict[str, str] = {}  # complaint id -> the decision that decided it
    for detail, version in entries:
        if isinstance(detail, DecisionRecordedDetail) and detail.complaint_id:
            decided[detail.complaint_id] = detail.decision_id
        found = case_row(detail, version)
        if found is None or found[0] != year:
            continue
        rows[found[1]].append(found[2])
        details[found[1]].append(detail)
    joined = {
        code: sorted(
            replace(row, decided_by=decided.get(row.id, "")) if row.list == "complaint" else row
            for row in found
        )
        for code, found in rows.items()
    }
    return YearCases(year, joined, dict(details))


def _nonzero(counters: Mapping[str, int]) -> dict[str, int]:
    return {name: value for name, value in counters.items() if value}


def disagreements(cases: YearCases, found: Mapping[str, CouncilYearAggregate]) -> list[str]:
    """Councils whose stored aggregates differ from the ledger's cases (ingestion moved on)."""
    codes = set(found) | set(cases.details)
    return sorted(
        code
        for code in codes
        if _nonzero(found[code].counters if code in found else {}) != cases.counters(code)
    )


class LedgerMoving(Exception):
    """The ledger and the aggregates kept disagreeing: events are still arriving for the year."""


class CaseCapture:
    """The aggregates for the freeze, read together with the ledger's cases that make them.

    The ledger is read first, then the aggregates; when both agree for every council (they are
    written in one transaction, so they do whenever no event arrived in between), the cases are
    those of the figures being frozen. Otherwise both are read again.
    """

    def __init__(self, aggregates: AggregatesSource, ledger: LedgerSource, attempts: int = 3):
        self.aggregates = aggregates
        self.ledger = ledger
        self.attempts = attempts
        self.captured: dict[str, YearCases] = {}

    def cases(self, year: str) -> YearCases:
        return year_cases(self.ledger.entries(year), year)

    def year(self, year: str) -> dict[str, CouncilYearAggregate]:
        for _ in range(self.attempts):
            cases = self.cases(year)
            found = self.aggregates.year(year)
            if not disagreements(cases, found):
                self.captured[year] = cases
                return found
        raise LedgerMoving(f"{year}: events are still arriving; freeze again in a minute")


def snapshot_disagreements(snapshot: Snapshot, cases: YearCases) -> list[str]:
    """Councils of the snapshot whose cases do not sum to their frozen figures."""
    # The case system's own count of improvements is listed, never frozen as a figure.
    return [
        c.code
        for c in snapshot.councils
        if _nonzero(c.counts.counters)
        != {
            k: v for k, v in cases.counters(c.code).items() if k != CASE_SYSTEM_SERVICE_IMPROVEMENTS
        }
    ]


def case_list_csv(rows: Sequence[CaseRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.list,
                row.id,
                row.version,
                row.date,
                row.outcome,
                row.service_area,
                row.remedy_by_council,
                row.service_improvements,
                row.complaint_id,
                row.decided_by,
                row.title,
            ]
        )
    return buffer.getvalue().encode()


def parse_case_list(body: bytes) -> list[CaseRow]:
    reader = csv.DictReader(io.StringIO(body.decode()))
    fields = {name: name for name in COLUMNS} | {
        "case_system_service_improvements": "service_improvements"
    }
    return [
        CaseRow(**{field: row[name] for name, field in fields.items()})  # type: ignore[arg-type]
        for row in reader
    ]
