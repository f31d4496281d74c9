"""Exactly-once ingestion against an in-memory store with DynamoDB's conditional semantics."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annual_review.figures.aggregates import AggregateKey
from annual_review.ingestion.planner import IncomingMessage, ProcessingOutcome, ingest_batch
from annual_review.registry.councils import load_registry
from tests.builders import body, complaint, compliance, decision, withdrawal
from tests.fakes import InMemoryLedgerStore, InMemoryQuarantine

TODAY = date(2022, 1, 1)
REGISTRY = load_registry(None)  # the packaged registry, as a function without an upload uses
NORTHAMPTON = "E07000154"  # abolished 1 April 2021, for West Northamptonshire (E06000062)
GONE = (
    "authority_code E07000154 (Northampton Borough Council) did not exist on 2021-05-01: "
    "replaced by West Northamptonshire Council (E06000062) on 2021-04-01"
)


def run(
    bodies: list[str], store: InMemoryLedgerStore | None = None
) -> tuple[list[ProcessingOutcome], InMemoryLedgerStore, InMemoryQuarantine]:
    store = store or InMemoryLedgerStore()
    quarantine = InMemoryQuarantine()
    messages = [IncomingMessage(f"m{i}", b) for i, b in enumerate(bodies)]
    results = ingest_batch(messages, store, quarantine, councils=REGISTRY, today=TODAY)
    return [r.outcome for r in results], store, quarantine


def test_a_new_decision_is_applied_in_one_commit() -> None:
    outcomes, store, _ = run([body("DecisionRecorded", decision())])
    assert outcomes == [ProcessingOutcome.APPLIED]
    assert store.attempts == 1
    assert store.counters() == {
        AggregateKey("2019-20", "E09000021"): {"decisions_area_housing": 1, "decisions_upheld": 1}
    }


def test_ten_new_decisions_commit_together() -> None:
    bodies = [body("DecisionRecorded", decision(decision_id=f"D-{i}")) for i in range(10)]
    outcomes, store, _ = run(bodies)
    assert outcomes == [ProcessingOutcome.APPLIED] * 10
    assert store.attempts == 1
    assert store.counters()[AggregateKey("2019-20", "E09000021")]["decisions_upheld"] == 10


def test_a_duplicate_in_a_later_batch_is_ignored() -> None:
    first = body("DecisionRecorded", decision())
    _, store, _ = run([first])
    outcomes, store, _ = run([first], store)
    assert outcomes == [ProcessingOutcome.IGNORED]
    assert store.counters()[AggregateKey("2019-20", "E09000021")]["decisions_upheld"] == 1


def test_an_amendment_replaces_the_previous_version() -> None:
    _, store, _ = run([body("DecisionRecorded", decision())])
    amended = decision(version=2, outcome="not_upheld", service_area="other")
    outcomes, store, _ = run([body("DecisionRecorded", amended)], store)
    assert outcomes == [ProcessingOutcome.APPLIED]
    assert store.counters() == {
        AggregateKey("2019-20", "E09000021"): {"decisions_area_other": 1, "decisions_not_upheld": 1}
    }


def test_an_older_version_after_a_newer_one_changes_nothing() -> None:
    _, store, _ = run([body("DecisionRecorded", decision(version=3, outcome="not_upheld"))])
    outcomes, store, _ = run([body("DecisionRecorded", decision(version=2))], store)
    assert outcomes == [ProcessingOutcome.IGNORED]
    assert store.counters()[AggregateKey("2019-20", "E09000021")] == {
        "decisions_area_housing": 1,
        "decisions_not_upheld": 1,
    }


def test_a_withdrawal_that_arrives_first_wins_over_the_older_version() -> None:
    outcomes_w, store, _ = run([body("DecisionWithdrawn", withdrawal(version=2))])
    outcomes_d, store, _ = run([body("DecisionRecorded", decision(version=1))], store)
    assert outcomes_w == [ProcessingOutcome.APPLIED]
    assert outcomes_d == [ProcessingOutcome.IGNORED]
    assert store.counters() == {}


def test_a_later_version_after_a_withdrawal_counts_again() -> None:
    _, store, _ = run(
        [body("DecisionRecorded", decision()), body("DecisionWithdrawn", withdrawal(version=2))]
    )
    assert store.counters() == {}
    run([body("DecisionRecorded", decision(version=3, outcome="not_upheld"))], store)
    assert store.counters()[AggregateKey("2019-20", "E09000021")]["decisions_not_upheld"] == 1


def test_versions_of_one_decision_in_one_batch_keep_only_the_newest() -> None:
    outcomes, store, _ = run(
        [
            body("DecisionRecorded", decision(version=2, outcome="not_upheld")),
            body("DecisionRecorded", decision(version=1)),
            body("DecisionRecorded", decision(version=2, outcome="not_upheld")),
        ]
    )
    assert sorted(outcomes) == sorted(
        [ProcessingOutcome.APPLIED, ProcessingOutcome.IGNORED, ProcessingOutcome.IGNORED]
    )
    assert store.counters()[AggregateKey("2019-20", "E09000021")]["decisions_not_upheld"] == 1


def test_a_conflict_in_a_batch_replans_without_counting_anything_twice() -> None:
    _, store, _ = run([body("DecisionRecorded", decision(decision_id="D-old"))])
    attempts_before = store.attempts
    outcomes, store, _ = run(
        [
            body("DecisionRecorded", decision(decision_id="D-old")),  # duplicate
            body("DecisionRecorded", decision(decision_id="D-new")),
        ],
        store,
    )
    assert outcomes == [ProcessingOutcome.IGNORED, ProcessingOutcome.APPLIED]
    assert store.attempts - attempts_before == 2  # optimistic try, then the re-planned commit
    assert store.counters()[AggregateKey("2019-20", "E09000021")]["decisions_upheld"] == 2


def test_a_transient_failure_marks_the_valid_messages_for_retry_and_changes_nothing() -> None:
    store = InMemoryLedgerStore(fail_next=1)
    outcomes, store, quarantine = run(
        [body("DecisionRecorded", decision()), "not json", body("ComplaintReceived", complaint())],
        store,
    )
    assert outcomes == [
        ProcessingOutcome.RETRY,
        ProcessingOutcome.QUARANTINED,
        ProcessingOutcome.RETRY,
    ]
    assert store.counters() == {}
    assert len(quarantine.kept) == 1


def test_poison_is_quarantined_with_its_errors_and_good_events_still_apply() -> None:
    outcomes, _, quarantine = run(
        [
            body("DecisionRecorded", decision(outcome="sort_of")),
            body("ComplaintReceived", complaint()),
        ]
    )
    assert outcomes == [ProcessingOutcome.QUARANTINED, ProcessingOutcome.APPLIED]
    [kept] = quarantine.kept
    assert kept.detail_type == "DecisionRecorded"
    assert any("detail.outcome" in e and "a string of 7 characters" in e for e in kept.errors)
    assert not any("sort_of" in e for e in kept.errors)  # the value is in the body only
    assert "sort_of" in kept.body
    assert kept.body.startswith("{")


# ---------------------------------------------------------------- property-based
COUNCILS = ["E09000021", "E08000035", "E07000223"]
DATES = ["2019-04-01", "2019-12-31", "2020-03-31", "2020-04-01", "2021-02-01"]
OUTCOMES = ["upheld", "not_upheld", "closed_after_initial_enquiries", "incomplete_invalid"]
AREAS = ["housing", "other", "planning_and_development"]


@st.composite
def decision_version(draw: st.DrawFn, decision_id: str, version: int) -> tuple[str, dict[str, Any]]:
    if draw(st.integers(0, 5)) == 0:
        return "DecisionWithdrawn", withdrawal(decision_id, version)
    outcome = draw(st.sampled_from(OUTCOMES))
    return "DecisionRecorded", decision(
        decision_id=decision_id,
        version=version,
        authority_code=draw(st.sampled_from(COUNCILS)),
        decided_on=draw(st.sampled_from(DATES)),
        outcome=outcome,
        service_area=draw(st.sampled_from(AREAS)),
        satisfactory_remedy_by_authority=outcome == "upheld" and draw(st.booleans()),
        service_improvements=draw(st.integers(0, 2)),
    )


@st.composite
def casework(draw: st.DrawFn) -> list[tuple[str, dict[str, Any]]]:
    """Every version of some decisions and compliance outcomes, and some complaints."""
    events: list[tuple[str, dict[str, Any]]] = []
    for n in range(draw(st.integers(0, 5))):
        versions = draw(st.sets(st.integers(1, 5), min_size=1, max_size=3))
        events += [draw(decision_version(f"D-{n}", v)) for v in sorted(versions)]
    for n in range(draw(st.integers(0, 3))):
        for v in sorted(draw(st.sets(st.integers(1, 3), min_size=1, max_size=2))):
            events.append(
                (
                    "ComplianceRecorded",
                    compliance(
                        decision_id=f"D-{n}",
                        version=v,
                        authority_code=draw(st.sampled_from(COUNCILS)),
                        recorded_on=draw(st.sampled_from(DATES)),
                        outcome=draw(
                            st.sampled_from(["complied", "complied_late", "not_complied"])
                        ),
                    ),
                )
            )
    for n in range(draw(st.integers(0, 4))):
        events.append(
            (
                "ComplaintReceived",
                complaint(
                    complaint_id=f"C-{n}",
                    authority_code=draw(st.sampled_from(COUNCILS)),
                    received_on=draw(st.sampled_from(DATES)),
                    service_area=draw(st.sampled_from(AREAS)),
                ),
            )
        )
    return events


def financial_year(iso: str) -> str:
    year, month = int(iso[:4]), int(iso[5:7])
    start = year if month >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def expected_counters(
    events: list[tuple[str, dict[str, Any]]],
) -> dict[AggregateKey, dict[str, int]]:
    """Worked out straight from the events: the newest version of each, each complaint once."""
    newest: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for detail_type, detail in events:
        if detail_type == "ComplaintReceived":
            newest[("complaint", detail["complaint_id"])] = (detail_type, detail)
            continue
        family = "compliance" if detail_type == "ComplianceRecorded" else "decision"
        key = (family, detail["decision_id"])
        if key not in newest or newest[key][1]["version"] < detail["version"]:
            newest[key] = (detail_type, detail)
    totals: dict[AggregateKey, Counter[str]] = {}
    for detail_type, detail in newest.values():
        if detail_type == "DecisionRecorded":
            counts = totals.setdefault(
                AggregateKey(financial_year(detail["decided_on"]), detail["authority_code"]),
                Counter(),
            )
            counts[f"decisions_{detail['outcome']}"] += 1
            counts[f"decisions_area_{detail['service_area']}"] += 1
            counts["satisfactory_remedies"] += detail["satisfactory_remedy_by_authority"]
            counts["case_system_service_improvements"] += detail["service_improvements"]
        elif detail_type == "ComplianceRecorded":
            key = AggregateKey(financial_year(detail["recorded_on"]), detail["authority_code"])
            totals.setdefault(key, Counter())[f"compliance_{detail['outcome']}"] += 1
        elif detail_type == "ComplaintReceived":
            key = AggregateKey(financial_year(detail["received_on"]), detail["authority_code"])
            totals.setdefault(key, Counter())[f"complaints_area_{detail['service_area']}"] += 1
    return {
        key: {n: v for n, v in sorted(c.items()) if v}
        for key, c in sorted(totals.items())
        if any(c.values())
    }


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), events=casework())
def test_any_order_duplicates_batching_and_failures_give_the_newest_versions_totals(
    data: st.DataObject, events: list[tuple[str, dict[str, Any]]]
) -> None:
    # Given every event delivered one to three times, in any order
    deliveries = [b for t, d in events for b in [body(t, d)] * data.draw(st.integers(1, 3))]
    queue = data.draw(st.permutations(deliveries))
    store = InMemoryLedgerStore()
    quarantine = InMemoryQuarantine()
    # When they arrive in batches of any size, some of which fail transiently and come back
    rounds = 0
    while queue and rounds < 500:
        rounds += 1
        size = data.draw(st.integers(1, 10))
        batch, queue = queue[:size], queue[size:]
        store.fail_next = data.draw(st.sampled_from([0, 0, 0, 1]))
        messages = [IncomingMessage(f"r{rounds}m{i}", b) for i, b in enumerate(batch)]
        results = ingest_batch(messages, store, quarantine, councils=REGISTRY, today=TODAY)
        queue += [
            m.body
            for m, r in zip(messages, results, strict=True)
            if r.outcome is ProcessingOutcome.RETRY
        ]
    # Then the aggregates are those of the newest version of each, and nothing was quarantined
    assert not queue
    assert quarantine.kept == []
    assert store.counters() == expected_counters(events)


def test_events_for_a_council_that_did_not_exist_on_their_date_are_quarantined() -> None:
    # Given one event of each dated type for Northampton a month after it was abolished, and one
    # for a code no council ever had
    day, gone = "2021-05-01", NORTHAMPTON
    bodies = [
        body("DecisionRecorded", decision(authority_code=gone, decided_on=day)),
        body("ComplianceRecorded", compliance(authority_code=gone, recorded_on=day)),
        body("ComplaintReceived", complaint(authority_code=gone, received_on=day)),
        body("DecisionRecorded", decision("D-2", authority_code="E06000099")),
        body("DecisionRecorded", decision("D-3", authority_code=gone, decided_on="2021-03-31")),
    ]
    # When they arrive
    outcomes, store, quarantine = run(bodies)
    # Then each is quarantined with the code, the council, the date and the successor named
    assert outcomes == [ProcessingOutcome.QUARANTINED] * 4 + [ProcessingOutcome.APPLIED]
    assert [kept.errors for kept in quarantine.kept] == [
        [GONE],
        [GONE],
        [GONE],
        ["authority_code E06000099 is not a council in the registry (on 2019-06-10)"],
    ]
    # and only the decision of its last day counts
    assert store.counters() == {
        AggregateKey("2020-21", NORTHAMPTON): {"decisions_area_housing": 1, "decisions_upheld": 1}
    }


def test_an_amendment_onto_a_council_gone_by_its_date_leaves_the_version_before_counted() -> None:
    store = InMemoryLedgerStore()
    original = decision("D-1", authority_code="E06000062", decided_on="2021-05-01")
    run([body("DecisionRecorded", original)], store)
    amended = decision("D-1", version=2, authority_code=NORTHAMPTON, decided_on="2021-05-01")
    outcomes, store, quarantine = run([body("DecisionRecorded", amended)], store)
    assert outcomes == [ProcessingOutcome.QUARANTINED]
    assert quarantine.kept[0].errors == [GONE]
    assert store.counters() == {
        AggregateKey("2021-22", "E06000062"): {"decisions_area_housing": 1, "decisions_upheld": 1}
    }
