"""A year through the local stack while production's faults are injected, then the proof.

After the queue drains and the dead-letter queue is redriven (the harness does both), the run
must show: every event offered is accounted for (applied + ignored + quarantined + rejected +
unrouted == sent), nothing is left dead-lettered, the quarantine holds one record per quarantined
event, and ``verify`` finds no difference between ledger, aggregates and frozen snapshot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from annual_review.adapters.dynamo import DynamoAggregatesReader, DynamoLedgerStore
from annual_review.adapters.ledger_entries import DynamoLedgerEntries
from annual_review.adapters.quarantine import PREFIX as QUARANTINE_PREFIX
from annual_review.adapters.storage import S3ObjectStore
from annual_review.figures.verification import Difference, compare, recompute, verify_year
from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.snapshot import load_snapshot
from annual_review_tools.local.harness import RunOptions, RunResult, run_on
from annual_review_tools.local.server import LocalServer


@dataclass
class ChaosReport:
    result: RunResult
    differences: list[Difference] = field(default_factory=list)
    quarantine_records: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def check(result: RunResult) -> ChaosReport:
    """The proof, read from the stack while its server is still up."""
    assert result.stack is not None
    stack = result.stack
    report = ChaosReport(result)
    events = result.summary["events"]
    accounted = (
        events["applied"]
        + events["ignored"]
        + events["quarantined"]
        + events["rejected_by_bus"]
        + events["unrouted"]
    )
    if accounted != events["sent"]:
        report.problems.append(f"accounted for {accounted} of {events['sent']} events sent")
    if result.dead_lettered:
        report.problems.append(f"{result.dead_lettered} event(s) left in the dead-letter queue")
    if result.publication_failures:
        report.problems.append(f"{result.publication_failures} publication step(s) failed")
    aws = result.aws
    assert stack is not None
    assert aws is not None
    private = S3ObjectStore(stack.physical("PrivateBucket"), aws.s3)
    report.quarantine_records = len(private.list(QUARANTINE_PREFIX))
    if report.quarantine_records != events["quarantined"]:
        report.problems.append(
            f"{report.quarantine_records} quarantine records for {events['quarantined']} "
            "quarantined events"
        )
    ledger = [
        entry.detail
        for entry in DynamoLedgerStore(
            stack.physical("LedgerTable"), stack.physical("AggregatesTable"), aws.dynamodb
        ).scan_ledger()
    ]
    aggregates = DynamoAggregatesReader(stack.physical("AggregatesTable"), aws.dynamodb)
    for year in result.summary["years"]:
        quality = private.get(keys.data_quality_report(year))
        unregistered = (
            {item["code"] for item in json.loads(quality)["codes_not_in_registry"]}
            if quality
            else set()
        )
        report.differences += verify_year(
            ledger, year, aggregates.year(year), load_snapshot(private, year), unregistered
        )
    # The counted cases kept under each year (what the freeze reads) are exactly the ledger's.
    cases = DynamoLedgerEntries(stack.physical("CasesTable"), aws.dynamodb)
    for year in result.summary["years"]:
        from_cases = recompute((detail for detail, _ in cases.entries(year)), year)
        report.differences += compare(recompute(ledger, year), from_cases, "year cases")
    if report.differences:
        report.problems.append(f"verify found {len(report.differences)} difference(s)")
    return report


def run_chaos(options: RunOptions) -> ChaosReport:
    with LocalServer() as server:
        return check(run_on(server, options))
