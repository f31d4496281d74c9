"""The case system's side of the bus: entries read from a file, and PutEvents with resends."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annual_review_tools.local.synth import Entry

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient

MAX_ENTRIES_PER_CALL = 10
MAX_ATTEMPTS = 4
# Error codes that no resend can cure: the entry itself is wrong.
PERMANENT_ERRORS = frozenset({"InvalidArgument", "MalformedDetail", "AccessDeniedException"})


@dataclass(frozen=True)
class Rejected:
    """An entry the bus never accepted: its position in what was sent, and why."""

    index: int
    reason: str


@dataclass
class SendReport:
    event_ids: list[str] = field(default_factory=list)
    accepted: list[int] = field(default_factory=list)  # the entries' indexes, with event_ids
    rejected: list[Rejected] = field(default_factory=list)


def put_entries(
    entries: Sequence[Entry],
    bus_name: str,
    client: EventBridgeClient,
    *,
    on_progress: Callable[[int], None] = lambda _: None,
) -> SendReport:
    """Put entries 10 a call, resending those reported failed (``FailedEntryCount``) with backoff.

    An entry still failing after ``MAX_ATTEMPTS``, or failing with a permanent error, is rejected.
    """
    report = SendReport()
    for start in range(0, len(entries), MAX_ENTRIES_PER_CALL):
        pending = list(range(start, min(start + MAX_ENTRIES_PER_CALL, len(entries))))
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                time.sleep(random.uniform(0, 0.05 * 2**attempt))  # full jitter
            response = client.put_events(
                Entries=[{**entries[i], "EventBusName": bus_name} for i in pending]  # type: ignore[typeddict-item]
            )
            retry = []
            for index, result in zip(pending, response["Entries"], strict=True):
                code = result.get("ErrorCode")
                if code is None:
                    report.event_ids.append(result["EventId"])
                    report.accepted.append(index)
                elif code in PERMANENT_ERRORS or attempt == MAX_ATTEMPTS - 1:
                    report.rejected.append(Rejected(index, f"{code}: {result.get('ErrorMessage')}"))
                else:
                    retry.append(index)
            pending = retry
            if not pending:
                break
        on_progress(min(MAX_ENTRIES_PER_CALL, len(entries) - start))
    return report


@dataclass(frozen=True)
class EventsFile:
    """The entries of an events file, and the lines that are not entries at all."""

    entries: list[Entry]
    unreadable: list[Rejected]  # index is the line number


def _as_entry(line: str) -> Entry:
    raw: Any = json.loads(line)
    if not isinstance(raw, dict):
        raise ValueError(f"expected a JSON object, got {type(raw).__name__}")
    entry: Entry = {}
    # Detail may be an object or already a JSON string; the bus judges whatever comes, and
    # rejects an entry without one.
    if "Detail" in raw:
        detail = raw["Detail"]
        entry["Detail"] = detail if isinstance(detail, str) else json.dumps(detail)
    for name in ("Source", "DetailType"):
        if isinstance(raw.get(name), str):
            entry[name] = raw[name]
    return entry


def read_events_file(path: Path) -> EventsFile:
    """One PutEvents entry per line; blank lines are skipped, unreadable ones reported by number."""
    entries: list[Entry] = []
    unreadable: list[Rejected] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(_as_entry(line))
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            unreadable.append(Rejected(number, f"line {number}: not a PutEvents entry ({error})"))
    return EventsFile(entries, unreadable)
