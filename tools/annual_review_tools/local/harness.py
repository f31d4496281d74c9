"""A whole year, end to end, through template.yaml deployed into a local moto server.

deploy -> generate (or read an events file) -> put events on the bus -> ingest (this process
acting as the Lambda service) -> publish (the scheduled functions, on their dates) -> export
(``out/``). The CLI (``annual-review local run``), the benchmark and the end-to-end tests all
drive this one function, and it returns what each stage took in time and in AWS requests.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from annual_review.adapters.clients import AwsClients
from annual_review.fiscal import FinancialYear
from annual_review.ingestion.events_file import MAX_ENTRIES_PER_CALL
from annual_review_tools.local.execution import (
    FunctionNotBuilt,
    environment,
    load_function,
    log_path,
    logs_to,
)
from annual_review_tools.local.export import export_bucket, write_summary
from annual_review_tools.local.faults import FaultPlan, Faults, FlakyEventBridge
from annual_review_tools.local.instances import IngestInstances
from annual_review_tools.local.mailbox import LOCAL_SENDER, export_mail, prepare
from annual_review_tools.local.metering import RequestCounter
from annual_review_tools.local.routing import Routes
from annual_review_tools.local.runner import IngestPoller, IngestTally
from annual_review_tools.local.schedules import (
    ScheduledInvocation,
    fire_year,
    london_time,
    scheduler_stand_in,
    set_calendar,
)
from annual_review_tools.local.sender import Rejected, put_entries, read_events_file
from annual_review_tools.local.server import LocalServer
from annual_review_tools.local.ses_standin import SesStandIn
from annual_review_tools.local.stack import LocalStack, deploy
from annual_review_tools.local.synth import Entry, councils_for, generate_year

STAGES = ("deploy", "generate", "put_events", "ingest", "publish", "export")
# A failed asynchronous invocation is tried twice more (EventInvokeConfig in template.yaml).
INVOCATION_ATTEMPTS = 3
# Stages whose requests grow with the number of events (the others cost the same for any year).
PER_EVENT_STAGES = ("put_events", "ingest")
PIPELINE_SLICE = 200
# How far the case system may run ahead of ingestion: moto scans the whole queue on every
# receive and delete, so the queue is kept short while sending and draining overlap.
MAX_AHEAD = 100
STALLED_SECONDS = 2.0


@dataclass(frozen=True)
class RunOptions:
    years: list[FinancialYear]
    out_dir: Path
    seed: int = 2020
    scale: float = 1.0
    events_file: Path | None = None
    progress: bool = True
    faults: FaultPlan | None = None  # `annual-review local chaos`: inject production's faults
    # An SES stand-in the caller installed around the run (None: a default one, production
    # and fast, is installed for the run)
    ses: SesStandIn | None = None
    publish: bool = True  # False: stop after ingestion (the letters-day chaos runs the steps)


@dataclass
class RunResult:
    summary: dict[str, Any]
    stage_seconds: dict[str, float] = field(default_factory=dict)
    requests_by_stage: dict[str, Counter[str]] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    publication: list[str] = field(default_factory=list)  # what each scheduled step did
    publication_failures: int = 0
    dead_lettered: int = 0  # messages in the dead-letter queue at the end
    unrouted: int = 0  # accepted by the bus, matched by no rule (another Source)
    missing: int = 0  # routed, yet neither ingested nor dead-lettered (should never happen)
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

    def add(self, name: str, seconds: float, service: str) -> None:
        """A stage that ran inside another one (on another thread): its time, and the requests
        to ``service`` (e.g. ``events.``) moved to it from the stage that counted them."""
        self.result.stage_seconds[name] = round(
            self.result.stage_seconds.get(name, 0.0) + seconds, 2
        )
        moved: Counter[str] = Counter()
        for stage_name, requests in self.result.requests_by_stage.items():
            if stage_name == name:
                continue
            for operation in [op for op in requests if op.startswith(service)]:
                moved[operation] += requests.pop(operation)
        self.result.requests_by_stage[name] = self.result.requests_by_stage.get(name, Counter())
        self.result.requests_by_stage[name].update(moved)

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
    # Every client made during the run (ours and the functions') is counted, SES answers as AWS
    # documents (unless the caller installed its own stand-in), and the functions' transactions
    # fail as planned.
    with contextlib.ExitStack() as hooks:
        hooks.enter_context(counter.counting_every_client())
        if options.ses is None:
            hooks.enter_context(SesStandIn(verified={LOCAL_SENDER}).installed())
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
    for folder in ("public", "private", "logs", "mail"):
        shutil.rmtree(out_dir / folder, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    with stage("deploy"):
        stack = deploy(
            aws.cloudformation(),
            aws.s3(),
            aws.lambda_(),
            function_overrides=server.environment,
            parameters={"SenderAddress": LOCAL_SENDER},
        )
        result.stack = stack
    with stage("generate"):
        entries, unreadable = _entries(options, faults)
        result.entries = entries
        result.rejected += unreadable
    tally, routed = _send_and_ingest(stack, aws, options, faults, entries, result, stage)
    if not options.publish:
        return result
    with stage("publish"):
        prepare(
            stack,
            aws.sesv2(),
            aws.scheduler(),
            aws.s3(),
            {c.code: c for year in options.years for c in councils_for(year)}.values(),
        )
        result.publication, result.publication_failures = _publish(stack, options, aws)
    with stage("export"):
        private = export_bucket(server.url, stack.outputs["PrivateBucketName"], out_dir / "private")
        export_bucket(server.url, stack.outputs["PublicBucketName"], out_dir / "public")
        delivered = export_mail(server.url, out_dir)
    result.summary = _summary(
        result, options, tally, offered=len(entries) + len(unreadable), routed=len(routed)
    ) | {
        "letters": sum(  # letters as sent (each also has its .public.html copy)
            1
            for key in private
            if key.startswith("letters/")
            and key.endswith(".html")
            and not key.endswith(".public.html")
        ),
        "letters_delivered": delivered,
    }
    write_summary(result.summary, out_dir)
    return result


def _entries(options: RunOptions, faults: Faults | None) -> tuple[list[Entry], list[Rejected]]:
    """What the case system sends: an events file, or seeded synthetic years; and the file's
    unreadable lines."""
    entries: list[Entry] = []
    unreadable: list[Rejected] = []
    if options.events_file is not None:
        events_file = read_events_file(options.events_file)
        entries, unreadable = events_file.entries, events_file.unreadable
    else:
        for year in options.years:
            entries += generate_year(
                year, councils_for(year), seed=options.seed, scale=options.scale
            ).entries
    if faults is not None:
        entries = faults.deliveries(entries)
    return entries, unreadable


def _send_and_ingest(
    stack: LocalStack,
    aws: AwsClients,
    options: RunOptions,
    faults: Faults | None,
    entries: list[Entry],
    result: RunResult,
    stage: _Stages,
) -> tuple[IngestTally, set[str]]:
    """The case system puts the entries on the bus while the Lambda service ingests them; the
    tally of outcomes, and the ids of the events a rule routed."""
    ingest = load_function(stack, "IngestFunction")
    with (
        _bar(options, len(entries), "put events", 0) as sending,
        _bar(options, len(entries), "ingest", 1) as ingesting,
        log_path(options.out_dir, ingest).open("a", encoding="utf-8") as log,
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
        routes = Routes.of_bus(aws.events(), stack.outputs["CaseworkBusName"])

        def progress(new: list[tuple[str, str]]) -> None:
            ingesting.update(len(new))

        routed: set[str] = set()

        def send(start: int, stop: int) -> None:
            sent = put_entries(
                entries[start:stop],
                stack.outputs["CaseworkBusName"],
                events_client,
                on_progress=sending.update,
            )
            for index, event_id in zip(sent.accepted, sent.event_ids, strict=True):
                if routes.routes(entries[start + index]):
                    routed.add(event_id)
                else:
                    result.unrouted += 1
            result.rejected += [Rejected(r.index + start, r.reason) for r in sent.rejected]

        if faults is None:
            instances = IngestInstances(
                stack, aws.endpoint_url or "", log_path(options.out_dir, ingest)
            )

            def drain(more_coming: Callable[[], bool]) -> None:
                instances.drain(poller.tally, stage.counter, ingesting.update, more_coming)

            _send_while_ingesting(send, len(entries), poller, drain, routed, stage)
        else:
            # Under injected faults, sending and ingesting take turns in slices, so a seed gives
            # the same faults in the same order every time.
            for start in range(0, len(entries), PIPELINE_SLICE):
                with stage("put_events"):
                    send(start, start + PIPELINE_SLICE)
                with stage("ingest"):
                    poller.drain(progress)
        with stage("ingest"):
            # As an operator would after a fault: put dead-lettered messages back and drain again.
            if poller.redrive_dead_letters():
                poller.drain(progress)
        result.dead_lettered = poller.dead_letters()
        result.missing = max(0, len(routed - set(poller.tally.outcomes)) - result.dead_lettered)
        return poller.tally, routed


def _summary(
    result: RunResult, options: RunOptions, tally: IngestTally, *, offered: int, routed: int
) -> dict[str, Any]:
    """``out/summary.json``: every event accounted for, and what the run cost."""
    return {
        "events": {
            "sent": offered,
            "applied": tally.count("applied"),
            "ignored": tally.count("ignored"),
            "quarantined": tally.count("quarantined"),
            "rejected_by_bus": len(result.rejected),
            "unrouted": result.unrouted,
            "dead_lettered": result.dead_lettered,
        },
        "years": [year.label for year in options.years],
        "councils": len({c.code for year in options.years for c in councils_for(year)}),
        "stage_seconds": result.stage_seconds,
        "events_per_second": events_per_second(
            offered, routed, result.stage_seconds, overlapped=result.faults is None
        ),
        "aws_requests": {
            "per_event": round(result.requests_per_event(offered), 3),
            "by_stage": {name: sum(c.values()) for name, c in result.requests_by_stage.items()},
            "by_operation": {
                name: dict(c.most_common()) for name, c in result.requests_by_stage.items()
            },
        },
    }


def _send_while_ingesting(
    send: Any,
    total: int,
    poller: IngestPoller,
    drain: Callable[[Callable[[], bool]], None],
    routed: set[str],
    stage: _Stages,
) -> None:
    """The case system sends (a thread of its own) while the ingestion instances drain the
    queue (``drain(more_coming)``), as in production. The sender stays at most ``MAX_AHEAD``
    events ahead of ingestion (``poller.tally``), so the queue stays short.

    ``put_events`` is the time the sender took, ``ingest`` the time until the last event was
    ingested; the two overlap.
    """
    done = threading.Event()
    failure: list[BaseException] = []
    sending_seconds = 0.0

    def sender() -> None:
        nonlocal sending_seconds
        started = time.perf_counter()
        try:
            for start in range(0, total, MAX_ENTRIES_PER_CALL):
                waited_since, seen = time.monotonic(), len(poller.tally.outcomes)
                while len(routed) - len(poller.tally.outcomes) > MAX_AHEAD and not failure:
                    if len(poller.tally.outcomes) != seen:
                        waited_since, seen = time.monotonic(), len(poller.tally.outcomes)
                    elif time.monotonic() - waited_since > STALLED_SECONDS:
                        break  # events that will never have an outcome (dead letters): go on
                    time.sleep(0.002)
                send(start, start + MAX_ENTRIES_PER_CALL)
        except BaseException as error:  # re-raised in the calling thread
            failure.append(error)
        finally:
            sending_seconds = time.perf_counter() - started
            done.set()

    thread = threading.Thread(target=sender, name="case-system", daemon=True)
    with stage("ingest"):
        thread.start()
        try:
            drain(lambda: not done.is_set())
        except BaseException:
            failure.append(RuntimeError("ingestion stopped"))
            raise
        finally:
            thread.join()
    if failure:
        raise failure[0]
    stage.add("put_events", sending_seconds, "events.")


def events_per_second(
    sent: int, routed: int, seconds: dict[str, float], overlapped: bool
) -> dict[str, float]:
    """Throughput by stage: events put on the bus per second of sending, routed events ingested
    per second of ingestion, and events through both per second of the two together."""

    def rate(count: int, *stages: str) -> float:
        spent = sum(seconds.get(stage, 0.0) for stage in stages)
        return round(count / spent, 1) if spent else 0.0

    return {
        "put_events": rate(sent, "put_events"),
        "ingest": rate(routed, "ingest"),
        # Sending overlaps ingestion (no faults): both together take the ingestion's time.
        "put_events_and_ingest": rate(sent, "ingest")
        if overlapped
        else rate(sent, "put_events", "ingest"),
    }


def _publish(stack: LocalStack, options: RunOptions, aws: AwsClients) -> tuple[list[str], int]:
    """Set each year's release calendar, then run every schedule it made, at its moment.

    Returns a line per step (and per calendar change) and the number of steps that failed.
    """
    done = []
    failures = 0

    def run(invocation: ScheduledInvocation) -> None:
        nonlocal failures
        try:
            function = load_function(stack, invocation.logical_id)
        except FunctionNotBuilt as missing:
            done.append(f"{invocation.name}: skipped ({missing})")
            return
        clock = {"CLOCK": invocation.at.isoformat()}
        step = f"{invocation.payload.get('year')} {invocation.payload.get('step')} at " + (
            london_time(invocation.at)
        )
        if "overdue" in invocation.payload:
            step = f"{invocation.payload.get('year')} check of {invocation.payload['overdue']} at "
            step += london_time(invocation.at)
        with (
            log_path(options.out_dir, function).open("a", encoding="utf-8") as log,
            environment(function.environment | clock),
            logs_to(function, log),
        ):
            for attempt in range(1, INVOCATION_ATTEMPTS + 1):
                try:
                    response = function.handler(invocation.payload, function.context())
                except Exception as error:
                    log.write(traceback.format_exc())
                    if attempt < INVOCATION_ATTEMPTS:
                        continue
                    done.append(f"{step}: FAILED ({type(error).__name__}: {error}; see {log.name})")
                    failures += 1
                else:
                    done.append(f"{step}: {response}")
                break

    for year in options.years:
        # Scheduler as AWS documents it: schedules validated when made, fired at their moment.
        stand_in = scheduler_stand_in(aws, year)
        done += [f"{year.label} calendar: {line}" for line in set_calendar(stack, year, aws)]
        fire_year(stack, aws, stand_in, year, run)
    # The weekly learning publication, once after the releases (its recurring schedule never
    # fires in moto): today's change records, by the real clock as ingestion wrote them.
    line, failed = _learning(stack, options)
    return [*done, line], failures + failed


def _learning(stack: LocalStack, options: RunOptions) -> tuple[str, int]:
    try:
        function = load_function(stack, "LearningFunction")
    except FunctionNotBuilt as missing:
        return f"learning: skipped ({missing})", 0
    with (
        log_path(options.out_dir, function).open("a", encoding="utf-8") as log,
        environment(function.environment),
        logs_to(function, log),
    ):
        try:
            response = function.handler({"run": "weekly"}, function.context())
        except Exception as error:
            log.write(traceback.format_exc())
            return f"learning weekly: FAILED ({type(error).__name__}: {error}; see {log.name})", 1
    return f"learning weekly: {response}", 0
