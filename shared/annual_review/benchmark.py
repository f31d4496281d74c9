"""Benchmarks as counts and ratios measured in one run (``make bench``), never timed assertions.

Sections: DynamoDB requests per event by kind (ingestion, in-process moto); handler cold-import
time against ``import boto3`` alone; publication at 1x and 10x event volume; the default local
year by stage, with AWS requests per event end to end; the map page's transferred bytes.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from annual_review.local.metering import RequestCounter

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
    import boto3
    from moto import mock_aws

    from annual_review.adapters import clients
    from annual_review.local.stack import deploy
    from annual_review.settings import get_settings

    saved = dict(os.environ)
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",  # noqa: S106 - moto accepts any dummy credentials
        AWS_DEFAULT_REGION=REGION,
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_LOG_LEVEL="WARNING",
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    try:
        with mock_aws():
            stack = deploy(
                boto3.client("cloudformation"), boto3.client("s3"), boto3.client("lambda")
            )
            os.environ.update(stack.function_settings("IngestFunction"))
            os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
            get_settings.cache_clear()
            clients.reset()
            from functions.ingest import app

            app.dependencies.cache_clear()

            def invoke(bodies: list[str]) -> None:
                records = [
                    {
                        "messageId": f"m{i}",
                        "receiptHandle": "r",
                        "body": b,
                        "attributes": {"ApproximateReceiveCount": "1"},
                        "messageAttributes": {},
                        "md5OfBody": "",
                        "eventSource": "aws:sqs",
                        "eventSourceARN": "arn:aws:sqs:eu-west-2:123456789012:ingest",
                        "awsRegion": REGION,
                    }
                    for i, b in enumerate(bodies)
                ]
                app.lambda_handler({"Records": records}, _BenchContext())

            yield invoke
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()
        clients.reset()


class _BenchContext:
    function_name = "ingest"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-2:123456789012:function:ingest"
    aws_request_id = "bench"


def ingestion_requests(events_per_kind: int = 50) -> list[IngestScenario]:
    """DynamoDB (and all AWS) requests per event, by kind, singly and in batches of ten."""
    from annual_review.adapters import clients

    results: list[IngestScenario] = []
    with _local_ingestion() as invoke:
        counter = RequestCounter()
        counter.attach(clients.dynamodb())
        counter.attach(clients.s3())

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


IMPORT_PROBE = (
    "import time, importlib, sys; t = time.perf_counter(); importlib.import_module(sys.argv[1]);"
    " print(time.perf_counter() - t)"
)
HANDLERS = (
    "functions.ingest.app",
    "functions.freeze.app",
    "functions.letters.app",
    "functions.release.app",
)


def cold_import_seconds(module: str, repeats: int = 5) -> float:
    """Median import time of ``module`` in a fresh interpreter (cold, as a Lambda init)."""
    env = os.environ | {
        "POWERTOOLS_TRACE_DISABLED": "true",
        "AWS_DEFAULT_REGION": REGION,
        "POWERTOOLS_METRICS_NAMESPACE": "AnnualReview",
    }
    times = []
    for _ in range(repeats):
        out = subprocess.run(  # noqa: S603 - our own interpreter and a fixed probe
            [sys.executable, "-c", IMPORT_PROBE, module],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def import_ratios() -> dict[str, tuple[float, float]]:
    """Each handler's cold import time, and its ratio to ``import boto3`` alone."""
    baseline = cold_import_seconds("boto3")
    found: dict[str, tuple[float, float]] = {"boto3": (baseline, 1.0)}
    for module in HANDLERS:
        try:
            seconds = cold_import_seconds(module)
        except subprocess.CalledProcessError:
            continue
        found[module] = (seconds, seconds / baseline)
    return found


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


def format_imports(ratios: dict[str, tuple[float, float]]) -> list[str]:
    lines = ["| module | cold import (ms, median of 5) | ratio to boto3 |", "|---|---:|---:|"]
    for module, (seconds, ratio) in ratios.items():
        lines.append(f"| {module} | {seconds * 1000:.0f} | {ratio:.2f} |")
    return lines


def total_operations(rows: list[IngestScenario]) -> Counter[str]:
    total: Counter[str] = Counter()
    for row in rows:
        total.update(row.operations)
    return total
