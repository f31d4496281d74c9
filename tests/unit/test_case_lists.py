"""The cases behind the figures: captured with the freeze, summing to every frozen count."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import pytest

from annual_review.figures.aggregates import CouncilYearAggregate, aggregates_from
from annual_review.figures.catalogue import AverageMethod
from annual_review.fiscal import FinancialYear
from annual_review.ingestion.contract import (
    ComplaintReceivedDetail,
    ComplianceRecordedDetail,
    DecisionRecordedDetail,
    Detail,
)
from annual_review.learning.contract import ServiceImprovementRecordedDetail
from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.case_lists import CaseCapture, LedgerMoving, parse_case_list
from annual_review.publication.freeze.revision_changes import changed_councils, revision_scale
from annual_review.publication.freeze.snapshot import freeze, load_snapshot
from annual_review.publication.mail.letters_by_email import CaseListsUnavailable, ensure_case_lists
from tests.builders import complaint, compliance, decision
from tests.constructed_case import KINGSTON, LAMBETH, REGISTRY
from tests.fakes import ListLedger, MemoryObjectStore

YEAR = FinancialYear(2019)
FROZEN_AT = datetime(2020, 7, 22, 5, tzinfo=UTC)
NO_FUTURE = {"today": date.max}


def detail(kind: type[Any], fields: dict[str, Any]) -> Detail:
    found: Detail = kind.model_validate_json(json.dumps(fields), context=NO_FUTURE)
    return found


LEDGER: list[tuple[Detail, int]] = [
    (detail(DecisionRecordedDetail, decision("D-1", version=3, outcome="upheld",
                                             satisfactory_remedy_by_authority=True,
                                             service_improvements=2)), 3),
    (detail(DecisionRecordedDetail, decision("D-2", outcome="not_upheld")), 1),
    (detail(DecisionRecordedDetail, decision("D-3", outcome="closed_after_initial_enquiries",
                                             service_area="planning_and_development")), 1),
    (detail(DecisionRecordedDetail, decision("D-4", authority_code=LAMBETH)), 1),
    (detail(DecisionRecordedDetail, decision("D-5", decided_on="2020-04-02")), 1),  # next year
    (detail(ComplianceRecordedDetail, compliance("D-1", outcome="complied_late")), 1),
    (detail(ComplaintReceivedDetail, complaint("C-1")), 1),
    (detail(ComplaintReceivedDetail, complaint("C-2", service_area="planning_and_development")), 1),
    (detail(ServiceImprovementRecordedDetail, {
        "improvement_id": "SI-1", "version": 1, "decision_id": "D-1",
        "authority_code": KINGSTON, "agreed_on": "2019-07-01", "service_area": "housing",
        "description": "Review how repair requests are logged.", "due_on": "2019-10-01",
        "status": "agreed"}), 1),
]  # fmt: skip


class LedgerAggregates:
    """The aggregates as ingestion keeps them: the sum of the ledger's contributions."""

    def __init__(self, ledger: ListLedger) -> None:
        self.ledger = ledger

    def year(self, year: str) -> dict[str, CouncilYearAggregate]:
        summed = aggregates_from(d for d, _ in self.ledger.items)
        return {k.authority_code: a for k, a in summed.items() if k.year == year}


def frozen(
    ledger: ListLedger, private: MemoryObjectStore, revise: str | None = None
) -> CaseCapture:
    capture = CaseCapture(LedgerAggregates(ledger), ledger)
    freeze(YEAR, aggregates=capture, registry=REGISTRY, private=private,
           average_method=AverageMethod.POOLED, now=FROZEN_AT, revise=revise)  # fmt: skip
    snapshot = load_snapshot(private, YEAR.label)
    assert snapshot is not None
    ensure_case_lists(snapshot, private, capture)
    return capture


def test_each_councils_list_sums_to_every_frozen_count() -> None:
    private = MemoryObjectStore()
    frozen(ListLedger(list(LEDGER)), private)
    snapshot = load_snapshot(private, YEAR.label)
    assert snapshot is not None
    for council in snapshot.councils:
        rows = parse_case_list(private.get(keys.case_list(YEAR.label, 1, council.code)) or b"")
        decisions = [r for r in rows if r.list == "decision"]
        outcomes = Counter(r.outcome for r in decisions)
        assert {o: outcomes[o] for o in council.decisions} == council.decisions
        assert sum(r.remedy_by_council == "yes" for r in decisions) == council.satisfactory_remedies
        # The published figure counts the improvement rows; the case system's own count is
        # listed on the decisions beside it (D-1 says 2, one improvement was recorded).
        assert sum(r.list == "improvement" for r in rows) == council.service_improvements
        compliance_outcomes = Counter(r.outcome for r in rows if r.list == "compliance")
        assert {o: compliance_outcomes[o] for o in council.compliance} == council.compliance
        assert sum(r.list == "complaint" for r in rows) == council.complaints_received
    kingston = parse_case_list(private.get(keys.case_list(YEAR.label, 1, KINGSTON)) or b"")
    # Worked by hand: D-1 (v3), D-2, D-3, C-1, C-2 and D-1's compliance; D-5 is 2020-21's.
    assert [(r.list, r.id, r.version) for r in kingston] == [
        ("complaint", "C-1", ""),
        ("complaint", "C-2", ""),
        ("compliance", "D-1", "1"),
        ("decision", "D-1", "3"),
        ("decision", "D-2", "1"),
        ("decision", "D-3", "1"),
        ("improvement", "SI-1", "1"),
    ]


def test_the_case_list_says_which_complaints_are_decided() -> None:
    private = MemoryObjectStore()
    ledger = [
        (detail(DecisionRecordedDetail, decision("D-1", complaint_id="C-1")), 1),
        # Decided next year, read with this year's freeze: C-2 is still decided.
        (detail(DecisionRecordedDetail, decision("D-7", decided_on="2020-05-01",
                                                 complaint_id="C-2")), 1),
        (detail(ComplaintReceivedDetail, complaint("C-1")), 1),
        (detail(ComplaintReceivedDetail, complaint("C-2")), 1),
        (detail(ComplaintReceivedDetail, complaint("C-3")), 1),
    ]  # fmt: skip
    frozen(ListLedger(ledger), private)
    rows = parse_case_list(private.get(keys.case_list(YEAR.label, 1, KINGSTON)) or b"")
    assert [(r.list, r.id, r.complaint_id, r.decided_by) for r in rows] == [
        ("complaint", "C-1", "", "D-1"),
        ("complaint", "C-2", "", "D-7"),
        ("complaint", "C-3", "", ""),
        ("decision", "D-1", "C-1", ""),
    ]
    header = (private.get(keys.case_list(YEAR.label, 1, KINGSTON)) or b"").split(b"\r\n")[0]
    assert header.endswith(b",case_system_service_improvements,complaint_id,decided_by,title")


def test_an_event_arriving_during_the_freeze_makes_it_read_both_again() -> None:
    ledger = ListLedger(list(LEDGER))
    late = (detail(DecisionRecordedDetail, decision("D-9", outcome="upheld")), 1)

    class Racing(LedgerAggregates):
        def year(self, year: str) -> dict[str, CouncilYearAggregate]:
            if late not in self.ledger.items:
                self.ledger.items.append(late)  # ingested between the two reads
            return super().year(year)

    capture = CaseCapture(Racing(ledger), ledger)
    capture.year(YEAR.label)
    assert ledger.reads == 2
    assert "D-9" in {r.id for r in capture.captured[YEAR.label].rows[KINGSTON]}

    class AlwaysMoving(LedgerAggregates):
        def year(self, year: str) -> dict[str, CouncilYearAggregate]:
            found = dict(super().year(year))
            found[KINGSTON] = CouncilYearAggregate(year, KINGSTON, {"decisions_upheld": 99})
            return found

    with pytest.raises(LedgerMoving):
        CaseCapture(AlwaysMoving(ledger), ledger).year(YEAR.label)


def test_lists_are_not_written_when_the_ledger_has_moved_on_since_the_freeze() -> None:
    private = MemoryObjectStore()
    ledger = ListLedger(list(LEDGER))
    frozen(ledger, private)
    private.objects.pop(keys.case_lists_manifest(YEAR.label, 1))
    ledger.items.append((detail(DecisionRecordedDetail, decision("D-9")), 1))
    snapshot = load_snapshot(private, YEAR.label)
    assert snapshot is not None
    with pytest.raises(CaseListsUnavailable, match="freeze a revision"):
        ensure_case_lists(snapshot, private, CaseCapture(LedgerAggregates(ledger), ledger))


def test_a_revision_names_the_councils_and_figures_that_changed_and_its_scale() -> None:
    private = MemoryObjectStore()
    ledger = ListLedger(list(LEDGER))
    frozen(ledger, private)
    ledger.items[1] = (detail(DecisionRecordedDetail, decision("D-2", 2, outcome="upheld")), 2)
    frozen(ledger, private, revise="D-2 was amended to upheld")
    first = load_snapshot(private, YEAR.label, 1)
    second = load_snapshot(private, YEAR.label, 2)
    assert first is not None
    assert second is not None
    changed = changed_councils(first, second)
    assert list(changed) == [KINGSTON]
    assert [c.sentence() for c in changed[KINGSTON]] == [
        "complaints upheld: 1 before, 2 now",
    ]
    scale = revision_scale(first, second)
    assert scale["councils_affected"] == 1
    assert scale["figures"] == [
        {
            "figure": "upheld",
            "label": "complaints upheld",
            "councils_changed": 1,
            "england_before": 2,
            "england_after": 3,
        }
    ]
    assert private.exists(keys.case_lists_manifest(YEAR.label, 2))
