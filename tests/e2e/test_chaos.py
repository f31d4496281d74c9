"""Proof under faults: a seeded year through the local stack while transactions fail, handlers die
after committing, the bus reports entries failed, and every event arrives one to three times in
shuffled order. Nothing may be lost or counted twice, and the published figures must be those
worked out here from the entries themselves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annual_review.fiscal import FinancialYear
from annual_review_tools.local.chaos import run_chaos
from annual_review_tools.local.faults import FaultPlan
from annual_review_tools.local.harness import RunOptions
from tests.e2e.expected import expected_figures, valid

pytestmark = pytest.mark.e2e
YEAR = FinancialYear(2019)


def test_a_faulty_year_ends_verified_with_the_figures_of_its_events(tmp_path: Path) -> None:
    # Given a small seeded year and a generous dose of every fault
    plan = FaultPlan(
        seed=5,
        transaction_failure_rate=0.10,
        crash_after_commit_rate=0.10,
        put_events_entry_failure_rate=0.10,
    )
    options = RunOptions(
        years=[YEAR], out_dir=tmp_path, seed=11, scale=0.03, progress=False, faults=plan
    )
    # When it runs through the local stack, the dead-letter queue redriven at the end
    report = run_chaos(options)
    result = report.result
    assert result.faults is not None
    injected = result.faults.counts
    # Then every kind of fault really happened
    assert injected.failed_transactions > 0
    assert set(injected.by_kind) == {"ThrottlingException", "TransactionConflict"}
    assert injected.crashed_invocations > 0
    assert injected.failed_put_entries > 0
    assert injected.extra_deliveries > 0
    # and the proof holds: accounted, nothing dead-lettered, verify agrees
    assert report.problems == []
    events = result.summary["events"]
    assert events["sent"] == len(result.entries)
    assert events["rejected_by_bus"] == 0  # every failed entry was resent
    # and the quarantine holds exactly the malformed entries (each delivery of one is an event)
    malformed = [e for e in result.entries if not valid(e["DetailType"], json.loads(e["Detail"]))]
    assert len(malformed) > 0
    assert events["quarantined"] == len(malformed) == report.quarantine_records
    # and the published figures are the entries' own
    published = json.loads(
        (tmp_path / "public" / "data" / YEAR.label / "councils.json").read_text()
    )
    councils = {c["code"]: c for c in published["councils"]}
    expected = expected_figures(result.entries, YEAR.label)
    assert expected
    for code, figures in expected.items():
        council = councils[code]
        assert council["decisions"]["upheld"] == figures["decisions_upheld"], code
        assert council["decisions"]["not_upheld"] == figures["decisions_not_upheld"], code
        assert council["complaints_received"] == figures["complaints_received"], code
        assert council["compliance"]["count"] == (
            figures["compliance_complied"] + figures["compliance_complied_late"]
        ), code
        assert council["satisfactory_remedy"]["count"] == figures["satisfactory_remedies"], code
        assert council["service_improvements"] == figures["service_improvements"], code
    unexpected = [c for code, c in councils.items() if code not in expected]
    assert all(c["decisions"]["total"] == 0 for c in unexpected)
