"""SES's events for our letters (send, delivery, bounce, complaint, reject), read from the
EventBridge event SES publishes, as the record to keep against the council's delivery."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from annual_review.publication.letters.recipients import MessageKind
from annual_review.publication.mail.delivery import FeedbackKind, MailFeedback

KINDS: Mapping[str, FeedbackKind] = {
    "Send": "send",
    "Delivery": "delivery",
    "Bounce": "bounce",
    "Complaint": "complaint",
    "Reject": "reject",
}


@dataclass(frozen=True)
class FeedbackFor:
    year: str
    revision: int
    code: str
    feedback: MailFeedback
    message: MessageKind = "officers"  # emails sent before the split carry no message tag


class NotOurs(ValueError):
    """An SES event without our tags, or of a kind we do not keep: acknowledged and dropped."""


def _tag(tags: Mapping[str, Any], name: str) -> str:
    values = tags.get(name) or []
    if not values:
        raise NotOurs(f"no {name} tag")
    return str(values[0])


def parse_ses_event(event: Mapping[str, Any]) -> FeedbackFor:
    detail = event.get("detail") or {}
    kind = KINDS.get(str(detail.get("eventType", "")))
    if kind is None:
        raise NotOurs(f"event type {detail.get('eventType')!r}")
    mail = detail.get("mail") or {}
    tags = mail.get("tags") or {}
    section = detail.get(str(detail["eventType"]).lower()) or {}
    # Only kinds and types, never addresses: the record names roles, not people.
    about = {
        "bounce": f"{section.get('bounceType', '')} {section.get('bounceSubType', '')}".strip(),
        "complaint": str(section.get("complaintFeedbackType", "")),
        "reject": str(section.get("reason", "")),
    }.get(kind, "")
    return FeedbackFor(
        year=_tag(tags, "year"),
        revision=int(_tag(tags, "revision")),
        code=_tag(tags, "council"),
        message="councillors" if (tags.get("message") or [""])[0] == "councillors" else "officers",
        feedback=MailFeedback(
            kind=kind,
            at=str(section.get("timestamp") or mail.get("timestamp") or event.get("time", "")),
            message_id=str(mail.get("messageId", "")),
            detail=about,
        ),
    )
