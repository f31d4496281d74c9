"""Recovery and checks: replay the archived events, rebuild the aggregates, restore the ledger,
smoke-test the path.

annual-review replay --from 2026-04-01 [--to 2026-04-30]
annual-review rebuild aggregates [--year 2019-20] [--leave-paused]
annual-review restore ledger --from-table NAME
annual-review smoke [--timeout 300]
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from typing import Any

from annual_review.adapters.dynamo import DynamoAggregatesReader, DynamoLedgerStore
from annual_review.adapters.heartbeat_log import S3HeartbeatLog
from annual_review.adapters.messaging import BusEntry, CaseworkBus
from annual_review.adapters.recovery import (
    AggregatesWriter,
    CaseworkArchive,
    IngestionSwitch,
    LedgerCopy,
)
from annual_review.commands.cli import Connected, add_stack_options, connect
from annual_review.figures.verification import compare, recompute, stored_counters
from annual_review.fiscal import FinancialYear
from annual_review.ingestion.heartbeat import DETAIL_TYPE as HEARTBEAT
from annual_review.rebuild import rewrites

# How long to wait between looks at something AWS is doing; tests replace it with a step of the
# local stack (draining the ingestion queue), since no Lambda service runs there.
pause: Callable[[float], None] = time.sleep
POLL_SECONDS = 5.0
# Ingestion's function timeout (template.yaml) and a margin: after the event-source mapping is
# disabled, a batch already handed to the function may still be committing for this long.
IN_FLIGHT_SECONDS = 35.0


def register(groups: Any) -> None:
    replay = groups.add_parser(
        "replay",
        help="replay the casework bus's archived events (from one date to another) into the bus",
        description=run_replay.__doc__,
    )
    replay.add_argument(
        "--from",
        dest="start",
        required=True,
        type=date.fromisoformat,
        help="first day (UTC) of events to replay, e.g. 2026-04-01",
    )
    replay.add_argument(
        "--to",
        dest="end",
        type=date.fromisoformat,
        help="last day (UTC) to replay, inclusive (default: up to now)",
    )
    add_stack_options(replay)
    replay.set_defaults(run=run_replay)

    rebuild = groups.add_parser("rebuild", help="rebuild derived data from the ledger")
    what = rebuild.add_subparsers(dest="what", required=True, metavar="WHAT")
    aggregates = what.add_parser(
        "aggregates",
        help="recompute the aggregates from the ledger and write back those that differ",
        description=run_rebuild.__doc__,
    )
    aggregates.add_argument("--year", help="one financial year (default: every year in the ledger)")
    aggregates.add_argument(
        "--leave-paused",
        action="store_true",
        help="leave ingestion paused afterwards (default: ingestion is enabled at the end, "
        "whatever its state before, so a rebuild cut short is finished by running it again)",
    )
    aggregates.add_argument(
        "--in-flight-seconds",
        type=float,
        default=IN_FLIGHT_SECONDS,
        help=f"wait after pausing ingestion for batches already running (default "
        f"{IN_FLIGHT_SECONDS:g}: the function's timeout and a margin)",
    )
    add_stack_options(aggregates)
    aggregates.set_defaults(run=run_rebuild)

    restore = groups.add_parser("restore", help="copy a restored table back into the stack")
    restored = restore.add_subparsers(dest="what", required=True, metavar="WHAT")
    ledger = restored.add_parser(
        "ledger",
        help="make the ledger exactly a restored copy, then rebuild the aggregates",
        description=run_restore.__doc__,
    )
    ledger.add_argument("--from-table", required=True, help="the restored table's name")
    ledger.add_argument(
        "--in-flight-seconds", type=float, default=IN_FLIGHT_SECONDS, help=argparse.SUPPRESS
    )
    add_stack_options(ledger)
    ledger.set_defaults(run=run_restore)

    smoke = groups.add_parser(
        "smoke",
        help="put a heartbeat on the casework bus and wait until ingestion records it",
        description=run_smoke.__doc__,
    )
    smoke.add_argument("--timeout", type=float, default=300.0, help="seconds (default 300)")
    add_stack_options(smoke)
    smoke.set_defaults(run=run_smoke)


def run_replay(args: argparse.Namespace) -> int:
    """Replay the casework bus's archive into the bus: every event archived from the first day
    to the last goes through the casework rule and queue into ingestion again. Safe by design:
    the ledger keeps the newest version of each decision and each complaint once, so an event
    already applied is ignored and only what is missing (a restored ledger, a fresh stack)
    changes anything."""
    connected = connect(args)
    archive_name = connected.stack.outputs.get("CaseworkArchiveName")
    if not archive_name:
        raise SystemExit(f"annual-review replay: stack {args.stack} has no casework archive")
    archive = CaseworkArchive(archive_name, connected.clients.events)
    now = connected.settings.now()
    start = datetime.combine(args.start, day_time(), UTC)
    end = datetime.combine(args.end + timedelta(days=1), day_time(), UTC) if args.end else now
    end = min(end, now)
    if start >= end:
        raise SystemExit("annual-review replay: --from must be before --to (and before now)")
    # At most 64 characters; unique (two replays may start in the same second).
    name = f"annual-review-{start:%Y%m%d}-{end:%Y%m%dT%H%M}-{uuid.uuid4().hex[:12]}"
    began = time.monotonic()
    archive.start_replay(name, start, end)
    print(f"replay {name}: events archived from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC")
    shown = ""
    while True:
        state = archive.replay(name)
        progress = state.state + (
            f", replayed up to {state.last_replayed:%Y-%m-%d %H:%M:%S}"
            if state.last_replayed
            else ""
        )
        if progress != shown:
            print(f"  {progress}")
            shown = progress
        if state.finished:
            break
        pause(POLL_SECONDS)
    took = time.monotonic() - began
    print(
        f"replay {name} {state.state.lower()} in {took:.0f} s"
        + (f": {state.reason}" if state.reason else "")
    )
    if state.state != "COMPLETED":
        return 1
    print(
        "Ingestion applies what the ledger does not have yet and ignores the rest; "
        "watch the queue drain with `annual-review status`, then run `annual-review verify`."
    )
    return 0


def _paused_ingestion(
    connected: Connected, in_flight_seconds: float
) -> tuple[IngestionSwitch, str]:
    stack = connected.stack
    queue_name = stack.physical("IngestQueue").rsplit("/", 1)[-1]
    switch = IngestionSwitch(
        stack.physical("IngestFunction"), queue_name, connected.clients.lambda_
    )
    mapping = switch.mapping()
    if mapping.enabled:
        switch.set_enabled(mapping.uuid, False)
        print("ingestion paused (events wait in the ingestion queue)")
    while switch.state(mapping.uuid) not in ("Disabled", ""):
        pause(2.0)
    pause(in_flight_seconds)  # a batch handed over before the pause may still be committing
    return switch, mapping.uuid


def run_rebuild(args: argparse.Namespace) -> int:
    """Recompute the aggregates from the ledger and write back each council-year that differs,
    as a whole item; then compare again, as `verify` does.

    Safe while events arrive: ingestion adds deltas to the aggregates (ADD) in the same
    transaction as its ledger write, and a whole-item write between its read of the ledger and
    its write would lose such a delta (or count it twice). So the ingestion function's
    event-source mapping is disabled first, batches already running are given the function's
    timeout to finish, and events wait in the queue meanwhile (kept four days). Idempotent: a
    second run writes nothing. Resumable: a run cut short is finished by running it again,
    which also enables ingestion again."""
    connected = connect(args)
    if args.year:
        FinancialYear.parse(args.year)
    switch, uuid_ = _paused_ingestion(connected, args.in_flight_seconds)
    try:
        differences = _rebuild(connected, args.year)
    finally:
        if not args.leave_paused:
            switch.set_enabled(uuid_, True)
            print("ingestion enabled")
    return 1 if differences else 0


def _rebuild(connected: Connected, year: str | None) -> int:
    """Rebuild one year's aggregates (or every year's in the ledger); the differences left."""
    settings = connected.settings
    ledger = DynamoLedgerStore(
        settings.ledger_table, settings.aggregates_table, connected.clients.dynamodb
    )
    details = [entry.detail for entry in ledger.scan_ledger()]
    years = [year] if year else sorted({d.year.label for d in details if hasattr(d, "year")})
    reader = DynamoAggregatesReader(settings.aggregates_table, connected.clients.dynamodb)
    writer = AggregatesWriter(settings.aggregates_table, connected.clients.dynamodb)
    differences = 0
    for label in years:
        from_ledger = recompute(details, label)
        written = writer.write(label, rewrites(from_ledger, stored_counters(reader.year(label))))
        left = compare(from_ledger, stored_counters(reader.year(label)), "aggregates")
        differences += len(left)
        agreement = (
            "the ledger agrees with the stored aggregates"
            if not left
            else f"{len(left)} difference(s) left"
        )
        print(
            f"{label}: {len(from_ledger)} councils from {len(details)} ledger entries; "
            f"{written} item(s) written; {agreement}"
        )
    return differences


def run_restore(args: argparse.Namespace) -> int:
    """Make the stack's ledger hold exactly a restored copy (a point-in-time restore or an AWS
    Backup restore, into a table of its own): with ingestion paused, put every restored item that
    differs and delete what the copy does not hold, then rebuild every year's aggregates from it
    and enable ingestion again. Replay the archive from the restore point afterwards."""
    connected = connect(args)
    switch, uuid_ = _paused_ingestion(connected, args.in_flight_seconds)
    try:
        copy = LedgerCopy(connected.settings.ledger_table, connected.clients.dynamodb)
        put, deleted = copy.copy_from(args.from_table)
        print(f"ledger: {put} item(s) put, {deleted} deleted, from {args.from_table}")
        differences = _rebuild(connected, None)
    finally:
        switch.set_enabled(uuid_, True)
        print("ingestion enabled")
    return 1 if differences else 0


def run_smoke(args: argparse.Namespace) -> int:
    """Put a Heartbeat event on the casework bus and wait until ingestion has recorded it: the
    bus, the casework rule, the ingestion queue and function, and the private bucket all work.
    No figure changes. The check to run after every deploy."""
    connected = connect(args)
    settings = connected.settings
    heartbeat_id = f"smoke-{uuid.uuid4().hex[:16]}"
    bus = CaseworkBus(settings.event_bus_name, connected.clients.events)
    detail = json.dumps({"heartbeat_id": heartbeat_id, "sent_by": "smoke"})
    began = time.monotonic()
    if failures := bus.put([BusEntry(HEARTBEAT, detail)]):
        print(f"annual-review smoke: the bus refused the heartbeat ({failures[0].error_code})")
        return 1
    log = S3HeartbeatLog(settings.private_bucket, connected.clients.s3)
    while time.monotonic() - began <= args.timeout:
        latest = log.latest()
        if latest is not None and latest.get("heartbeat_id") == heartbeat_id:
            print(
                f"heartbeat {heartbeat_id} reached ingestion in {time.monotonic() - began:.0f} s "
                f"(recorded at {latest['received_at']})"
            )
            return 0
        pause(2.0)
    print(
        f"annual-review smoke: heartbeat {heartbeat_id} not recorded within {args.timeout:g} s; "
        "look at the ingestion queue, its dead-letter queue and the ingestion log group"
    )
    return 1
