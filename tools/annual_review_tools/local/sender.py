"""The case system's side of the bus, for local runs: the product's events-file reader and sender
(``annual_review.ingestion.events_file``, which ``annual-review send`` uses) over the harness's
entries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from annual_review.adapters.messaging import CASEWORK_SOURCE, BusEntry, CaseworkBus
from annual_review.ingestion import events_file as sending
from annual_review.ingestion.events_file import Rejected, SendReport
from annual_review_tools.local.synth import Entry

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient

__all__ = ["EventsFile", "Rejected", "SendReport", "put_entries", "read_events_file"]


class EventsFile:
    """An events file as the harness uses it: PutEvents entries, and the unreadable lines."""

    def __init__(self, entries: list[Entry], unreadable: list[Rejected]) -> None:
        self.entries = entries
        self.unreadable = unreadable


def as_put_events(entry: BusEntry) -> Entry:
    return {"Source": entry.source, "DetailType": entry.detail_type, "Detail": entry.detail}


def as_bus_entry(entry: Entry) -> BusEntry:
    return BusEntry(
        entry.get("DetailType", ""), entry.get("Detail", ""), entry.get("Source", CASEWORK_SOURCE)
    )


def put_entries(
    entries: Sequence[Entry],
    bus_name: str,
    client: EventBridgeClient,
    *,
    on_progress: Callable[[int], None] = lambda _: None,
) -> SendReport:
    """``annual_review.ingestion.events_file.send_entries`` for the harness's entries and client."""
    bus = CaseworkBus(bus_name, lambda: client)
    return sending.send_entries(
        [as_bus_entry(entry) for entry in entries], bus, on_progress=on_progress
    )


def read_events_file(path: Path) -> EventsFile:
    found = sending.read_events_file(path)
    return EventsFile([as_put_events(entry) for entry in found.entries], found.unreadable)
