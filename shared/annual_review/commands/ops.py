"""Operations: the quarantine (list, replay) and the dead-letter queue (redrive)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from annual_review.adapters.messaging import BusEntry, CaseworkBus, Queue
from annual_review.adapters.quarantine import S3Quarantine
from annual_review.commands.cli import add_stack_options, connect
from annual_review.ingestion.redrive import VISIBILITY_SECONDS, WAIT_SECONDS, redrive


def register(groups: Any) -> None:
    quarantine = groups.add_parser(
        "quarantine", help="list or replay casework events that failed validation"
    )
    actions = quarantine.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="every quarantined event with its errors")
    listing.add_argument("--json", action="store_true", help="one JSON record per line")
    add_stack_options(listing)
    listing.set_defaults(run=list_quarantine)

    replay = actions.add_parser(
        "replay", help="put quarantined events back on the bus (corrected, or as they were)"
    )
    which = replay.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", help="the quarantine record's id (see `quarantine list`)")
    which.add_argument("--all", action="store_true", help="every quarantined event, unchanged")
    replay.add_argument(
        "--corrected",
        type=Path,
        help="with --id: a file holding the corrected event (EventBridge event or its detail)",
    )
    add_stack_options(replay)
    replay.set_defaults(run=replay_quarantine)

    redrive = groups.add_parser(
        "redrive",
        help="move messages from the ingestion dead-letter queue back to its queue, losing none",
        description=redrive_dead_letters.__doc__,
    )
    redrive.add_argument(
        "--from",
        dest="source",
        choices=("dead-letter", "undelivered"),
        default="dead-letter",
        help="the ingest queue's dead-letter queue (default), or the undelivered-events queue "
        "(events the bus could not deliver to the ingest queue)",
    )
    redrive.add_argument(
        "--max",
        type=int,
        default=None,
        help="at most this many messages (received and re-sent: no message-move task)",
    )
    redrive.add_argument(
        "--wait",
        type=int,
        default=WAIT_SECONDS,
        help=f"long-poll seconds, 0 to 20, when receiving (default {WAIT_SECONDS})",
    )
    redrive.add_argument(
        "--visibility-timeout",
        type=int,
        default=VISIBILITY_SECONDS,
        help="seconds a message whose re-send failed stays hidden in the dead-letter queue "
        f"before a later redrive can take it again (default {VISIBILITY_SECONDS})",
    )
    add_stack_options(redrive)
    redrive.set_defaults(run=redrive_dead_letters)


def list_quarantine(args: argparse.Namespace) -> int:
    connected = connect(args)
    quarantine = S3Quarantine(connected.settings.private_bucket, connected.clients.s3)
    records = sorted(quarantine.list(), key=lambda r: r["received_at"])
    for record in records:
        if args.json:
            print(json.dumps(record, sort_keys=True))
        else:
            print(f"{record['id']}  {record['received_at']}  {record.get('detail_type') or '-'}")
            for error in record["errors"]:
                print(f"    {error}")
    if not args.json:
        print(f"{len(records)} quarantined event(s)")
    return 0


def replay_entry(body: str) -> BusEntry:
    """The bus entry that sends this event (an EventBridge event or a bare detail) again."""
    event = json.loads(body)
    if "detail-type" in event:
        detail_type, detail = event["detail-type"], event.get("detail")
    else:
        detail_type, detail = event.get("DetailType"), event.get("Detail", event)
    if not isinstance(detail_type, str):
        raise SystemExit("replay: the event has no detail-type; give a corrected EventBridge event")
    return BusEntry(detail_type, detail if isinstance(detail, str) else json.dumps(detail))


def replay_quarantine(args: argparse.Namespace) -> int:
    connected = connect(args)
    settings, clients = connected.settings, connected.clients
    quarantine = S3Quarantine(settings.private_bucket, clients.s3)
    bus = CaseworkBus(settings.event_bus_name, clients.events)
    records = list(quarantine.list()) if args.all else [quarantine.get(args.id)]
    replayed = 0
    for record in records:
        body = record["body"]
        if args.corrected:
            corrected = json.loads(args.corrected.read_text())
            if "detail-type" not in corrected and "DetailType" not in corrected:
                # A bare corrected detail: keep the original's envelope.
                original = json.loads(record["body"])
                corrected = original | {"detail": corrected}
            body = json.dumps(corrected)
        try:
            entry = replay_entry(body)
        except (json.JSONDecodeError, SystemExit) as error:
            print(f"{record['id']}: not replayed ({error}); give --corrected with a fixed event")
            continue
        # Out of the open quarantine first, so that if it fails again the new record stays.
        quarantine.mark_replayed(record, body, settings.now().isoformat(timespec="seconds"))
        failures = bus.put([entry])
        if failures:
            quarantine.keep_record(record)
            print(f"{record['id']}: the bus refused it ({failures[0].error_code})")
            continue
        replayed += 1
        print(f"{record['id']}: replayed as {entry.detail_type}")
    print(f"{replayed} of {len(records)} replayed")
    return 0 if replayed == len(records) else 1


def redrive_dead_letters(args: argparse.Namespace) -> int:
    """Dead letters (or, with --from undelivered, the events the bus could not deliver) back to
    the ingestion queue: an SQS message-move task where there is one,
    else (the local stack) long-poll, re-send, and delete only what was re-sent. Reports moved,
    failed and left; exit 1 if any re-send failed."""
    connected = connect(args)
    settings, clients = connected.settings, connected.clients
    if not settings.ingest_queue_url or not settings.ingest_dlq_url:
        raise SystemExit(f"redrive: stack {connected.stack.name} has no ingestion queues")
    if not 0 <= args.wait <= WAIT_SECONDS:
        raise SystemExit(f"redrive: --wait must be 0 to {WAIT_SECONDS} seconds")
    source = settings.ingest_dlq_url
    if args.source == "undelivered":
        if "UndeliveredEventsQueue" not in connected.stack.resources:
            raise SystemExit(f"redrive: stack {connected.stack.name} has no undelivered queue")
        source = connected.stack.resources["UndeliveredEventsQueue"]
    dead_letters = Queue(source, clients.sqs)
    ingest = Queue(settings.ingest_queue_url, clients.sqs)
    with tqdm(desc="redrive", unit="message", disable=None, file=sys.stderr) as bar:
        report = redrive(
            dead_letters,
            ingest,
            most=args.max,
            wait_seconds=args.wait,
            visibility_seconds=args.visibility_timeout,
            # SQS moves messages only out of a queue's dead-letter queue; the undelivered-events
            # queue is the bus rule's, so its messages are received and re-sent.
            use_move_task=args.source == "dead-letter",
            on_progress=bar.update,
        )
    for note in report.notes:
        print(f"note: {note}")
    print(report.summary())
    return 1 if report.failed else 0
