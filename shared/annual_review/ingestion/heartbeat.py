"""The heartbeat: an event that travels the casework path (bus, rule, queue, ingestion) and
changes no figure, so that an hourly schedule and ``annual-review smoke`` can prove the path works.

A heartbeat has the case system's source (so the casework rule routes it like any event) and the
detail-type ``Heartbeat``. Ingestion records the last one it saw and counts nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from annual_review.ingestion.contract import SOURCE
from annual_review.ingestion.fields import Identifier
from annual_review.ingestion.planner import IncomingMessage

DETAIL_TYPE = "Heartbeat"
SentBy = Literal["schedule", "smoke"]


class HeartbeatDetail(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    heartbeat_id: Identifier
    sent_by: SentBy


@dataclass(frozen=True)
class Heartbeat:
    heartbeat_id: str
    sent_by: str
    sent_at: str  # the event's time, as EventBridge stamped it


class HeartbeatLog(Protocol):
    def record(self, heartbeat: Heartbeat, received_at: datetime) -> None:
        """Keep this as the last heartbeat seen; raise on a failure worth retrying."""


def heartbeat_of(body: str) -> Heartbeat | None:
    """The heartbeat a message body holds, or None for anything else (casework, or a malformed
    heartbeat, which ingestion then quarantines like any event of an unknown kind)."""
    try:
        raw = json.loads(body)
    except ValueError:
        return None
    if not isinstance(raw, dict):
        return None
    if raw.get("source") != SOURCE or raw.get("detail-type") != DETAIL_TYPE:
        return None
    try:
        detail = HeartbeatDetail.model_validate(raw.get("detail"))
    except ValidationError:
        return None
    return Heartbeat(detail.heartbeat_id, detail.sent_by, str(raw.get("time", "")))


def heartbeat_record(heartbeat: Heartbeat, received_at: datetime) -> dict[str, str]:
    """What is kept of the last heartbeat (ids and times only)."""
    return {
        "heartbeat_id": heartbeat.heartbeat_id,
        "sent_by": heartbeat.sent_by,
        "sent_at": heartbeat.sent_at,
        "received_at": received_at.isoformat(timespec="seconds"),
    }


def split_heartbeats(
    messages: Sequence[IncomingMessage],
) -> tuple[list[tuple[IncomingMessage, Heartbeat]], list[IncomingMessage]]:
    """The batch's heartbeats (each with its message), and the rest, in order."""
    beats: list[tuple[IncomingMessage, Heartbeat]] = []
    rest: list[IncomingMessage] = []
    for message in messages:
        if (beat := heartbeat_of(message.body)) is not None:
            beats.append((message, beat))
        else:
            rest.append(message)
    return beats, rest
