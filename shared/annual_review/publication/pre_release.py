"""The pre-release page's delivery rows: for each council of a revision's letters, the roles each
message went to and when SES accepted it, and how many councils' letters were wholly accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from annual_review.calendar.release_calendar import LONDON
from annual_review.publication.letters.letter import long_date
from annual_review.publication.mail.delivery import DeliveryRecord

JsonObject = dict[str, Any]


def _accepted(record: DeliveryRecord | None) -> str:
    if record is None:
        return "not sent by email"
    if record.state == "sent" and record.accepted_at:
        moment = datetime.fromisoformat(record.accepted_at).astimezone(LONDON)
        return f"{long_date(moment.date())} {moment:%H:%M}"
    return "not confirmed" if record.state == "intent" else "not accepted"


def pre_release_rows(
    manifest: JsonObject, deliveries: Sequence[DeliveryRecord], revision: int
) -> list[JsonObject]:
    """Each council of this revision's letters, from the delivery record: the roles each
    message went to (the case lists only to the officers) and when SES accepted each."""
    by_code: dict[str, list[DeliveryRecord]] = {}
    for record in sorted(
        (d for d in deliveries if d.revision == revision), key=lambda d: d.message != "officers"
    ):
        by_code.setdefault(record.code, []).append(record)
    rows = []
    for entry in manifest["letters"]:
        records = by_code.get(entry["code"], [])
        if revision > 1 and not records:
            continue  # a revision mails only the councils whose figures changed
        rows.append(
            {
                "code": entry["code"],
                "name": entry["name"],
                "roles": "; ".join(_roles(record) for record in records) or "none",
                "accepted": "; ".join(_accepted(record) for record in records) or _accepted(None),
            }
        )
    return rows


def councils_accepted(deliveries: Sequence[DeliveryRecord], revision: int) -> int:
    """Councils of ``revision`` every message of whose letter SES accepted."""
    states: dict[str, set[str]] = {}
    for d in deliveries:
        if d.revision == revision:
            states.setdefault(d.code, set()).add(d.state)
    return sum(1 for found in states.values() if found == {"sent"})


def _roles(record: DeliveryRecord) -> str:
    roles = ", ".join(record.roles).capitalize()
    return f"{roles} (with the case lists)" if record.message == "officers" else roles
