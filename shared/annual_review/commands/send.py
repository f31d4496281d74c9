"""`annual-review send --events FILE [--rate N]`: put a file of casework events on the stack's bus.

The file has one PutEvents entry a line (``annual_review.ingestion.events_file`` describes the
format; it is the one ``annual-review local run --events`` reads). Entries go 10 a call; those the
bus reports failed are resent with backoff; the summary names every entry the bus rejected and every
line that is not an entry. Safe to re-run: ingestion applies each event version once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from annual_review.adapters.messaging import CaseworkBus
from annual_review.commands.cli import add_stack_options, connect
from annual_review.ingestion.events_file import RateLimit, read_events_file, send_entries

SHOWN_PROBLEMS = 20


def register(groups: Any) -> None:
    parser = groups.add_parser(
        "send",
        help="put every event of a file (one PutEvents entry a line) on the stack's bus",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--events", type=Path, required=True, help="the events file (JSON lines)")
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="at most this many events a second (default: no cap)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_stack_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.events.is_file():
        raise SystemExit(f"annual-review send: --events {args.events}: no such file")
    if args.rate is not None and args.rate <= 0:
        raise SystemExit("annual-review send: --rate must be more than 0")
    events_file = read_events_file(args.events)
    connected = connect(args)
    bus = CaseworkBus(connected.settings.event_bus_name, connected.clients.events)
    with tqdm(
        total=len(events_file.entries),
        desc="send",
        unit="event",
        disable=args.no_progress or None,  # None: only on a terminal
        file=sys.stderr,
    ) as bar:
        report = send_entries(
            events_file.entries, bus, rate=RateLimit(args.rate), on_progress=bar.update
        )
    rejected = [(events_file.lines[r.index], r.reason) for r in report.rejected] + [
        (r.index, r.reason.removeprefix(f"line {r.index}: ")) for r in events_file.unreadable
    ]
    print(
        f"sent {report.sent} of {len(events_file.entries)} event(s) to {bus.bus_name}; "
        f"rejected by the bus {len(report.rejected)}; unreadable lines "
        f"{len(events_file.unreadable)}; resends after failures {report.resent}"
    )
    for line, reason in sorted(rejected)[:SHOWN_PROBLEMS]:
        print(f"  line {line}: {reason}")
    if len(rejected) > SHOWN_PROBLEMS:
        print(f"  ... and {len(rejected) - SHOWN_PROBLEMS} more")
    return 0 if not rejected else 1
