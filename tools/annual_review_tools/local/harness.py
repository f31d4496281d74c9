"""A whole year, end to end, through template.yaml deployed into a local moto server.

deploy -> generate (or read an events file) -> put events on the bus -> ingest (this process
acting as the Lambda service) -> publish (the scheduled functions, on their dates) -> export
(``out/``). The CLI (``annual-review local run``), the benchmark and the end-to-end tests all
drive this one function, and it returns what each stage took in time and in AWS requests.
"""

from __future__ import annotations

import contextlib
import shutil
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from annual_review.adapters.clients import AwsClients
from annual_review.fiscal import FinancialYear
from annual_review_tools.local.execution import (
    FunctionNotBuilt,
    environment,
    load_function,
    log_path,
    logs_to,
)
from annual_review_tools.local.export import mirror_bucket, write_summary
from annual_review_tools.local.faults import FaultPlan, Faults, FlakyEventBridge
from annual_review_tools.local.metering import RequestCounter
from annual_review_tools.local.runner import IngestPoller
from annual_review_tools.local.schedules import yearly_invocations
from annual_review_tools.local.sender import Rejected, put_entries, read_events_file
from annual_review_tools.local.server import LocalServer
from annual_review_tools.local.stack import LocalStack, deploy
from annual_review_tools.local.synth import Entry, councils_for, generate_year

STAGES = ("deploy", "generate", "put_events", "ingest", "publish", "export")
# Stages whose requests grow with the number of events (the others cost the same for any year).
PER_EVENT_STAGES = ("put_events", "ingest")
PIPELINE_SLICE = 200


@dataclass(frozen=True)
class RunOptions:
    years: list[FinancialYear]
    out_dir: Path
    seed: int = 2020
    scale: float = 1.0
    events_file: Path | None = None
    progress: bool = True
    faults: FaultPlan | None = None  # `annual-review local chaos`: inject production's faults


@dataclass
class RunResult:
    summary: dict[str, Any]
    stage_seconds: dict[str, float] = field(default_factory=dict)
    requests_by_stage: dict[str, Counter[str]] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    publication: list[str] = field(default_factory=list)  # what each scheduled step did
    publication_failures: int = 0
    dead_lettered: int = 0
    stack: LocalStack | None = None
    entries: list[Entry] = field(default_factory=list)  # what was offered to the bus, in order
    faults: Faults | None = None
    aws: AwsClients | None = None  # the clients the run used (its local server)

    def requests_per_event(self, sent: int) -> float:
        total = sum(
            sum(self.requests_by_stage.get(s, Counter()).values()) for s in PER_EVENT_STAGES
        )
        return total / sent if sent else 0.0


class _Stages:
    """Times each stage and attributes the requests counted meanwhile to it."""

    def __init__(self, result: RunResult, counter: RequestCounter) -> None:
        self.result = result
        self.counter = counter

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        before = self.counter.snapshot()
        started = time.perf_counter()
        try:
            yield
        finally:
            # A stage entered more than once (sending and ingesting take turns) adds up.
            seconds = self.result.stage_seconds.get(name, 0.0) + time.perf_counter() - started
            self.result.stage_seconds[name] = round(seconds, 2)
            requests = self.result.requests_by_stage.get(name, Counter())
            self.result.requests_by_stage[name] = requests + (self.counter.snapshot() - before)


def _bar(options: RunOptions, total: int, description: str, position: int) -> tqdm[Any]:
    return tqdm(
        total=total,
        desc=description,
        unit="event",
        position=position,
        disable=not options.progress,
        leave=False,
    )


def run_on(server: LocalServer, options: RunOptions) -> RunResult:
    """One run against a started ``LocalServer``."""
    counter = RequestCounter()
    faults = Faults(options.faults) if options.faults else None
    # Every client made during the run (ours and the functions') is counted, and the functions'
    # transactions fail as planned.
    with contextlib.ExitStack() as hooks:
        hooks.enter_context(counter.counting_every_client())
        if faults is not None:
            hooks.enter_context(faults.failing_transactions())
        return _run(server, options, counter, faults)


def _run(
    server: LocalServer, options: RunOptions, counter: RequestCounter, faults: Faults | None
) -> RunResult:
    aws = server.clients()
    result = RunResult(summary={}, aws=aws)
    result.faults = faults
    stage = _Stages(result, counter)
    out_dir = options.out_dir
    for folder in ("public", "private", "logs"):
        shutil.rmtree(out_dir / folder, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)

    with stage("deploy"):
        cloudformation, lambda_client = aws.cloudformation(), aws.lambda_()
        stack = deploy(
            cloudformation, aws.s3(), lambda_client, function_overrides=server.environment
        )
        result.stack = stack
        ingest = load_function(stack, "IngestFunction")

    with stage("generate"):
        entries: list[Entry] = []
        unreadable: list[Rejected] = []
        if options.events_file is not None:
            events_file = read_events_file(options.events_file)
            entries = events_file.entries
            unreadable = events_file.unreadable
            result.rejected += unreadable
        else:
            for year in options.years:
                entries += generate_year(
                    year, councils_for(year), seed=options.seed, scale=options.scale
                ).entries
        if faults is not None:
            entries = faults.deliveries(entries)
        result.entries = entries

    with (
        _bar(options, len(entries), "put events", 0) as sending,
        _bar(options, len(entries), "ingest", 1) as ingesting,
        log_path(out_dir, ingest).open("a", encoding="utf-8") as log,
    ):
        poller = IngestPoller(
            ingest,
            aws.sqs(),
            stack.outputs["IngestQueueUrl"],
            stack.outputs["IngestDeadLetterQueueUrl"],
            log,
        )
        events_client: Any = aws.events()
        if faults is not None:
            events_client = FlakyEventBridge(events_client, faults)
            poller.crash_after_commit = faults.crash_after_commit
        event_ids: list[str] = []
        # The case system sends while the function consumes. Taking turns in slices keeps the
        # queue short, which matters: moto scans the whole queue on every receive and delete.
        for start in range(0, len(entries), PIPELINE_SLICE):
            with stage("put_events"):
                sent = put_entries(
                    entries[start : start + PIPELINE_SLICE],
                    stack.outputs["CaseworkBusName"],
                    events_client,
                    on_progress=sending.update,
                )
                event_ids += sent.event_ids
                result.rejected += [Rejected(r.index + start, r.reason) for r in sent.rejected]
            with stage("ingest"):
                poller.drain(ingesting.update)
        with stage("ingest"):
            # As an operator would after a fault: put dead-lettered messages back and drain again.
            if poller.redrive_dead_letters():
                poller.drain(ingesting.update)
        tally = poller.tally
        result.dead_lettered = len(set(event_ids) - set(tally.outcomes))

    with stage("publish"):
        result.publication, result.publication_failures = _publish(stack, options)

    with stage("export"):
        private = mirror_bucket(aws.s3(), stack.outputs["PrivateBucketName"], out_dir / "private")
        mirror_bucket(aws.s3(), stack.outputs["PublicBucketName"], out_dir / "public")

    offered = len(entries) + len(unreadable)
    result.summary = {
        "events": {
            "sent": offered,
            "applied": tally.count("applied"),
            "ignored": tally.count("ignored"),
            "quarantined": tally.count("quarantined"),
            "rejected_by_bus": len(result.rejected),
        },
        "years": [year.label for year in options.years],
        "councils": len({c.code for year in options.years for c in councils_for(year)}),
        "letters": sum(  # letters as sent (each also has its .public.html copy)
            1
            for key in private
            if key.startswith("letters/")
            and key.endswith(".html")
            and not key.endswith(".public.html")
        ),
        "stage_seconds": result.stage_seconds,
        "aws_requests": {
            "per_event": round(result.requests_per_event(offered), 3),
            "by_stage": {name: sum(c.values()) for name, c in result.requests_by_stage.items()},
        },
    }
    write_summary(result.summary, out_dir)
    return result


def _publish(stack: LocalStack, options: RunOptions) -> tuple[list[str], int]:
    """Invoke freeze, letters and release for each year, each at the moment its schedule fires.

    Returns a line per step and the number of steps that failed.
    """
    done = []
    failures = 0
    for year in options.years:
        for invocation in yearly_invocations(stack, year):
            try:
                function = load_function(stack, invocation.logical_id)
            except FunctionNotBuilt as missing:
                done.append(f"{year.label} {invocation.payload.get('step')}: skipped ({missing})")
                continue
            clock = {"CLOCK": invocation.at.isoformat()}
            event = invocation.payload | {"year": year.label}
            step = f"{year.label} {invocation.payload.get('step')} at {clock['CLOCK']}"
            with (
                log_path(options.out_dir, function).open("a", encoding="utf-8") as log,
                environment(function.environment | clock),
                logs_to(function, log),
            ):
                try:
                    response = function.handler(event, function.context())
                except Exception as error:
                    log.write(traceback.format_exc())
                    done.append(f"{step}: FAILED ({type(error).__name__}: {error}; see {log.name})")
                    failures += 1
                    continue
            done.append(f"{step}: {response}")
    return done, failures


def run(options: RunOptions) -> RunResult:
    """A run on a moto server of its own, stopped afterwards."""
    with LocalServer() as server:
        return run_on(server, options)
