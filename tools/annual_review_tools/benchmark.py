"""Benchmarks as counts and ratios measured in one run (``make bench``), never timed assertions.

Sections: DynamoDB requests per event by kind (ingestion, in-process moto); handler cold-import
time against ``import boto3`` alone; publication at 1x and 10x event volume; the default local
year by stage, with AWS requests per event end to end; the map page's transferred bytes.
"""

from __future__ import annotations

import json
import os
import platform
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annual_review_tools.local.harness import STAGES
from annual_review_tools.local.metering import RequestCounter

if TYPE_CHECKING:
    from annual_review.adapters.clients import AwsClients
    from annual_review.settings import Settings

REGION = "eu-west-2"


@dataclass(frozen=True)
class IngestScenario:
    name: str
    events: int
    dynamodb_requests: int
    all_requests: int
    operations: dict[str, int]

    @property
    def dynamodb_per_event(self) -> float:
        return self.dynamodb_requests / self.events


def _event_body(detail_type: str, detail: dict[str, Any], n: int) -> str:
    return json.dumps(
        {
            "version": "0",
            "id": f"bench-{n}",
            "detail-type": detail_type,
            "source": "ombudsman.casework",
            "account": "123456789012",
            "time": "2020-01-01T00:00:00Z",
            "region": REGION,
            "resources": [],
            "detail": detail,
        }
    )


def _decision(n: int, version: int = 1, outcome: str = "upheld") -> str:
    detail = {
        "decision_id": f"B-{n}",
        "version": version,
        "authority_code": ["E09000021", "E08000035", "E06000001"][n % 3],
        "decided_on": "2019-10-01",
        "outcome": outcome,
        "service_area": "housing",
        "satisfactory_remedy_by_authority": False,
    }
    return _event_body("DecisionRecorded", detail, n * 10 + version)


@contextmanager
def _local_ingestion() -> Iterator[Callable[[list[str]], None]]:
    """template.yaml in an in-process moto; yields a function that invokes ingestion on bodies."""
    from moto import mock_aws

    from annual_review.adapters.clients import AwsClients
    from annual_review_tools.local.execution import environment, load_function
    from annual_review_tools.local.runner import sqs_event
    from annual_review_tools.local.stack import deploy

    with mock_aws():
        aws = AwsClients(region=REGION)
        stack = deploy(aws.cloudformation(), aws.s3(), aws.lambda_())
        # The handler as the Lambda runtime loads it, with the template's environment.
        function = load_function(stack, "IngestFunction")
        arn = f"arn:aws:sqs:{REGION}:123456789012:ingest"

        def invoke(bodies: list[str]) -> None:
            messages: list[Any] = [
                {
                    "MessageId": f"m{i}",
                    "ReceiptHandle": "r",
                    "Body": body,
                    "Attributes": {"ApproximateReceiveCount": "1"},
                    "MD5OfBody": "",
                }
                for i, body in enumerate(bodies)
            ]
            with environment(function.environment | {"POWERTOOLS_LOG_LEVEL": "WARNING"}):
                function.handler(sqs_event(messages, arn), function.context())

        yield invoke


def ingestion_requests(events_per_kind: int = 50) -> list[IngestScenario]:
    """DynamoDB (and all AWS) requests per event, by kind, singly and in batches of ten."""
    results: list[IngestScenario] = []
    counter = RequestCounter()
    with counter.counting_every_client(), _local_ingestion() as invoke:

        def measure(name: str, batches: list[list[str]]) -> None:
            before = counter.snapshot()
            for batch in batches:
                invoke(batch)
            used = counter.snapshot() - before
            dynamodb = {k: v for k, v in used.items() if k.startswith("dynamodb.")}
            results.append(
                IngestScenario(
                    name,
                    sum(len(b) for b in batches),
                    sum(dynamodb.values()),
                    sum(used.values()),
                    dict(sorted(used.items())),
                )
            )

        n = events_per_kind
        singles = range(n)
        batched = range(n, 2 * n)
        measure("new decision, alone", [[_decision(i)] for i in singles])
        measure("duplicate, alone", [[_decision(i)] for i in singles])
        measure("amendment, alone", [[_decision(i, 2, "not_upheld")] for i in singles])
        ten = [list(batched)[k : k + 10] for k in range(0, n, 10)]
        measure("new decisions, batches of 10", [[_decision(i) for i in b] for b in ten])
        measure("duplicates, batches of 10", [[_decision(i) for i in b] for b in ten])
        measure(
            "amendments, batches of 10", [[_decision(i, 2, "not_upheld") for i in b] for b in ten]
        )
        measure(
            "9 new + 1 duplicate, batches of 10",
            [[_decision(i + 1000) for i in b[:9]] + [_decision(b[9])] for b in ten],
        )
        measure("malformed (quarantined), alone", [["{not json " + str(i)] for i in singles])
    return results


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def format_ingestion(rows: list[IngestScenario]) -> list[str]:
    lines = [
        "| kind | events | DynamoDB requests | per event | all AWS requests | operations |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        operations = ", ".join(f"{k} {v}" for k, v in row.operations.items())
        lines.append(
            f"| {row.name} | {row.events} | {row.dynamodb_requests} | "
            f"{row.dynamodb_per_event:.2f} | {row.all_requests} | {operations} |"
        )
    return lines


@dataclass(frozen=True)
class PublicationTiming:
    events: int
    ledger_items: int
    seconds: float
    dynamodb_reads: int


def _seed_year(
    events: int, year: str, councils: list[str], settings: Settings, aws: AwsClients
) -> None:
    """A year of ``events`` decisions: ledger rows, year cases and aggregates exactly as
    ingestion leaves them, written in bulk (publication reads the aggregates and the year's
    cases, never the events)."""
    from annual_review.adapters.dynamo import DynamoLedgerStore
    from annual_review.figures.aggregates import aggregates_from
    from annual_review.ingestion.contract import DecisionRecordedDetail
    from annual_review.ingestion.planner import LedgerWrite, ledger_entry

    store = DynamoLedgerStore(
        settings.ledger_table, settings.aggregates_table, aws.dynamodb, settings.cases_table
    )
    outcomes = ["upheld", "not_upheld", "closed_after_initial_enquiries", "incomplete_invalid"]
    details = [
        DecisionRecordedDetail.model_validate(
            {
                "decision_id": f"S-{n}",
                "version": 1,
                "authority_code": councils[n % len(councils)],
                "decided_on": f"{year[:4]}-10-01",
                "outcome": outcomes[n % len(outcomes)],
                "service_area": "housing",
                "satisfactory_remedy_by_authority": False,
            },
            strict=False,
        )
        for n in range(events)
    ]
    client = aws.dynamodb()
    rows = [
        store._ledger_put(LedgerWrite(ledger_entry("DecisionRecorded", d), None))["Put"]["Item"]
        for d in details
    ]
    for start in range(0, len(rows), 25):
        client.batch_write_item(
            RequestItems={
                settings.ledger_table: [
                    {"PutRequest": {"Item": r}} for r in rows[start : start + 25]
                ]
            }
        )
    # and the same cases under their year, as the ledger's transaction keeps them
    cases = [
        store._case_items(LedgerWrite(ledger_entry("DecisionRecorded", d), None))[0]["Put"]["Item"]
        for d in details
    ]
    for start in range(0, len(cases), 25):
        client.batch_write_item(
            RequestItems={
                settings.cases_table: [
                    {"PutRequest": {"Item": c}} for c in cases[start : start + 25]
                ]
            }
        )
    for key, aggregate in aggregates_from(details).items():
        store.commit([], {key: aggregate.counters})


def publication_scaling(
    volumes: tuple[int, ...] = (1_000, 10_000), rounds: int = 2
) -> list[PublicationTiming]:
    """Freeze, letters and release for every council of a year holding each number of events.

    The volumes take turns for ``rounds`` rounds, each on a fresh stack, and the fastest time of
    each counts (the usual defence against a busy machine's noise).
    """
    import time
    from datetime import UTC, datetime

    from moto import mock_aws

    from annual_review.adapters.clients import AwsClients
    from annual_review.fiscal import FinancialYear
    from annual_review.publication.steps import run_year
    from annual_review.registry.councils import load_registry
    from annual_review.settings import Settings
    from annual_review.wiring.aws_adapters import aws_adapters
    from annual_review_tools.local.schedules import set_calendar
    from annual_review_tools.local.stack import deploy

    year = FinancialYear(2019)
    councils = [c.code for c in load_registry(None).for_year(year)]
    best: dict[int, PublicationTiming] = {}
    for volume in [v for _ in range(rounds) for v in volumes]:
        with mock_aws():
            aws = AwsClients(region=REGION)
            stack = deploy(aws.cloudformation(), aws.s3(), aws.lambda_())
            settings = Settings.from_environment(stack.function_settings("ReleaseFunction"))
            _seed_year(volume, year.label, councils, settings, aws)
            # The year's dates, announced as `annual-review calendar set` would.
            aws.scheduler().create_schedule_group(
                Name=stack.outputs["PublicationScheduleGroupName"]
            )
            set_calendar(stack, year, aws)
            counter = RequestCounter()
            counter.attach(aws.dynamodb())
            started = time.perf_counter()
            run_year(
                year,
                aws_adapters(settings, aws),
                settings,
                datetime(2020, 7, 29, 9, 30, tzinfo=UTC),
            )
            seconds = time.perf_counter() - started
            reads = sum(counter.snapshot().values())
            if volume not in best or seconds < best[volume].seconds:
                best[volume] = PublicationTiming(volume, volume, seconds, reads)
    return [best[volume] for volume in volumes]


def format_publication(timings: list[PublicationTiming]) -> list[str]:
    base = timings[0].seconds
    lines = [
        "| events in the year | ledger items | DynamoDB requests | publication (s, best of 2) |"
        " ratio |",
        "|---:|---:|---:|---:|---:|",
    ]
    for t in timings:
        lines.append(
            f"| {t.events:,} | {t.ledger_items:,} | {t.dynamodb_reads} | {t.seconds:.1f} |"
            f" {t.seconds / base:.2f} |"
        )
    return lines


def format_local_run(
    summary: dict[str, Any], install_seconds: float, run_seconds: float
) -> list[str]:
    """The run's ``summary.json`` and the wall time of ``make run`` on a fresh clone."""
    events = summary["events"]
    stages = summary["stage_seconds"]
    total = sum(stages.values())
    requests = {
        name: Counter(counts)
        for name, counts in summary["aws_requests"].get("by_operation", {}).items()
    }
    lines = [
        f"`make run` on a fresh clone: **{install_seconds + run_seconds:.0f} s** "
        f"(installation {install_seconds:.0f} s, then the run {run_seconds:.0f} s, wall time"
        " of the command).",
        "",
        f"Events sent {events['sent']:,}: applied {events['applied']:,}, ignored "
        f"{events['ignored']:,}, quarantined {events['quarantined']:,}, rejected by the bus "
        f"{events['rejected_by_bus']:,}, unrouted {events.get('unrouted', 0):,}; "
        f"{summary['councils']} councils, {summary['letters']} "
        "letters.",
        "",
        "| stage | seconds | share | AWS requests |",
        "|---|---:|---:|---:|",
    ]
    # summary.json sorts its keys: the stages in the order they run.
    for name in [stage for stage in STAGES if stage in stages]:
        seconds = stages[name]
        lines.append(
            f"| {name} | {seconds:.1f} | {seconds / total:.0%} |"
            f" {sum(requests.get(name, Counter()).values()):,} |"
        )
    lines.append(f"| stages added up | {total:.1f} | | |")
    rates = summary.get("events_per_second", {})
    if rates:
        lines += [
            "",
            "Sending and ingestion overlap (the case system sends on a thread of its own), so"
            " their seconds add up to more than the time they took together.",
            "",
            "| events per second | |",
            "|---|---:|",
            f"| put on the bus (sending) | {rates['put_events']:,.0f} |",
            f"| ingested (routed events) | {rates['ingest']:,.0f} |",
            f"| **sent and ingested, end to end** | **{rates['put_events_and_ingest']:,.0f}** |",
        ]
    per_event: Counter[str] = Counter()
    for name in ("put_events", "ingest"):
        per_event.update(requests.get(name, Counter()))
    lines += [
        "",
        f"AWS requests per event end to end (sending and ingestion): "
        f"**{summary['aws_requests']['per_event']}**",
        "",
        "| operation | per event |",
        "|---|---:|",
    ]
    for operation, count in per_event.most_common():
        lines.append(f"| {operation} | {count / events['sent']:.3f} |")
    return lines
