"""Putting casework events on the bus from a file: the events-file format, and resending.

An events file has one ``PutEvents`` entry a line, as the case system would send it::

    {"Source": "ombudsman.casework", "DetailType": "DecisionRecorded", "Detail": {...}}

``Detail`` is an object or its JSON text (the bus judges the text: malformed JSON is rejected
there, not here); ``Source`` defaults to ``ombudsman.casework``; blank lines are skipped. Lines
that are not such an entry are reported by number and never sent. ``annual-review send`` and the
local stack (``annual-review local run --events``) both read files with ``read_events_file``.

Sending is safe to repeat: the ledger applies each event version once, however often it arrives.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annual_review.adapters.messaging import CASEWORK_SOURCE, BusEntry, CaseworkBus, PutFailure

MAX_ENTRIES_PER_CALL = 10  # PutEvents' limit
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = 0.05  # full jitter: a resend waits up to 0.05 x 2^attempt seconds
# Error codes no resend can cure: the entry itself is wrong, or we may not send it.
PERMANENT_ERRORS = frozenset({"InvalidArgument", "MalformedDetail", "AccessDeniedException"})


@dataclass(frozen=True)
class Rejected:
    """An entry the bus never accepted (``index`` in what was sent), or a line of a file that
    is no entry at all (``index`` is the line number), and why."""

    index: int
    reason: str


@dataclass(frozen=True)
class EventsFile:
    """The entries of an events file (with their line numbers) and the lines that are not."""

    entries: list[BusEntry]
    lines: list[int]  # the line number of each entry
    unreadable: list[Rejected]  # index is the line number


def entry_of_line(line: str) -> BusEntry:
    """The bus entry one line of an events file holds; ``ValueError`` saying why it is none."""
    raw: Any = json.loads(line)
    if not isinstance(raw, dict):
        raise ValueError(f"expected a JSON object, got {type(raw).__name__}")
    detail_type, source = raw.get("DetailType"), raw.get("Source", CASEWORK_SOURCE)
    if not isinstance(detail_type, str) or not detail_type:
        raise ValueError(f"DetailType must be a non-empty string (value {detail_type!r})")
    if not isinstance(source, str):
        raise ValueError(f"Source must be a string (value {source!r})")
    if "Detail" not in raw:
        raise ValueError("no Detail")
    detail = raw["Detail"]
    return BusEntry(detail_type, detail if isinstance(detail, str) else json.dumps(detail), source)


def parse_events_lines(lines: Iterable[str]) -> EventsFile:
    entries: list[BusEntry] = []
    numbers: list[int] = []
    unreadable: list[Rejected] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entries.append(entry_of_line(line))
            numbers.append(number)
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            unreadable.append(Rejected(number, f"line {number}: not a PutEvents entry ({error})"))
    return EventsFile(entries, numbers, unreadable)


def read_events_file(path: Path) -> EventsFile:
    """One PutEvents entry per line; blank lines are skipped, unreadable ones reported by number."""
    return parse_events_lines(path.read_text("utf-8").splitlines())


@dataclass
class SendReport:
    event_ids: list[str] = field(default_factory=list)  # of the entries the bus accepted
    accepted: list[int] = field(default_factory=list)  # those entries' indexes, with event_ids
    rejected: list[Rejected] = field(default_factory=list)  # index: in the entries given
    resent: int = 0  # entries put again after the bus reported them failed

    @property
    def sent(self) -> int:
        return len(self.event_ids)


class RateLimit:
    """At most ``per_second`` entries a second on average (``None``: no limit)."""

    def __init__(
        self,
        per_second: float | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second is not None and per_second <= 0:
            raise ValueError("a rate must be more than 0 events a second")
        self.per_second = per_second
        self.clock = clock
        self.sleep = sleep
        self.started: float | None = None
        self.taken = 0

    def take(self, count: int) -> None:
        """Wait until ``count`` more entries may go."""
        if self.per_second is None:
            return
        if self.started is None:
            self.started = self.clock()
        wait = self.started + self.taken / self.per_second - self.clock()
        if wait > 0:
            self.sleep(wait)
        self.taken += count


def send_entries(
    entries: Sequence[BusEntry],
    bus: CaseworkBus,
    *,
    rate: RateLimit | None = None,
    on_progress: Callable[[int], None] = lambda _: None,
    max_attempts: int = MAX_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[float, float], float] = random.uniform,
) -> SendReport:
    """Put entries 10 a call, resending those reported failed (``FailedEntryCount``) with backoff.

    An entry still failing after ``max_attempts``, or failing with a permanent error, is rejected
    with its error code and message.
    """
    report = SendReport()
    limit = rate or RateLimit(None)
    for start in range(0, len(entries), MAX_ENTRIES_PER_CALL):
        pending = list(range(start, min(start + MAX_ENTRIES_PER_CALL, len(entries))))
        limit.take(len(pending))
        for attempt in range(max_attempts):
            if attempt:
                sleep(jitter(0, BACKOFF_SECONDS * 2**attempt))
                report.resent += len(pending)
            results = bus.put_each([entries[i] for i in pending])
            retry = []
            for index, result in zip(pending, results, strict=True):
                if not isinstance(result, PutFailure):
                    report.event_ids.append(result)
                    report.accepted.append(index)
                elif result.error_code in PERMANENT_ERRORS or attempt == max_attempts - 1:
                    reason = f"{result.error_code}: {result.error_message}"
                    report.rejected.append(Rejected(index, reason))
                else:
                    retry.append(index)
            pending = retry
            if not pending:
                break
        on_progress(min(MAX_ENTRIES_PER_CALL, len(entries) - start))
    return report
