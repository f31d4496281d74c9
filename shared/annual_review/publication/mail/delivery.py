"""Letters by email, each council's letter for each revision exactly once, with a record of it.

The record (one per year, revision and council) goes through these states:

    (none) --begin--> intent --SES accepted--> sent (message id, accepted at)
                        |  \\--SES refused----> failed --next run--> intent (attempt + 1)
                        \\--crash or timeout--> intent with no message id: "unconfirmed"

A run sends to councils with no record or a failed one, and leaves alone those already sent. An
intent with no message id means a run stopped between recording its intent and recording SES's
answer: the email may or may not have gone, so no run sends it again by itself (that could send it
twice). SES's own "Send" event fills the message id in when it did go; otherwise ``annual-review
status`` lists the council as unconfirmed and ``annual-review letters resend`` sends it, once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from annual_review.publication.letters.recipients import Recipients
from annual_review.publication.mail.message import LetterMail, build_message
from annual_review.publication.ports import DeliveryLog, Mailer, MailRejected

State = Literal["intent", "sent", "failed"]
FeedbackKind = Literal["send", "delivery", "bounce", "complaint", "reject"]


class MailFeedback(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: FeedbackKind
    at: str
    message_id: str
    detail: str = ""


class DeliveryRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    year: str
    revision: int
    code: str
    attempt: int
    state: State
    intent_at: str
    roles: list[str]
    message_id: str | None = None
    accepted_at: str | None = None
    error: str | None = None
    resend_reason: str | None = None
    feedback: list[MailFeedback] = []

    @property
    def unconfirmed(self) -> bool:
        return self.state == "intent"

    @property
    def bounced_or_complained(self) -> bool:
        return any(f.kind in ("bounce", "complaint", "reject") for f in self.feedback)


class Action(StrEnum):
    SEND = "send"
    DONE = "done"
    UNCONFIRMED = "unconfirmed"


def next_action(record: DeliveryRecord | None) -> Action:
    """What a letters run does for a council, given its record."""
    if record is None or record.state == "failed":
        return Action.SEND
    if record.state == "sent":
        return Action.DONE
    return Action.UNCONFIRMED


def resend_refusal(record: DeliveryRecord | None) -> str | None:
    """Why an operator's resend is refused, or None when it may go."""
    if record is None:
        return "no letter was sent for it yet: the letters step sends it"
    if record.state == "sent" and not record.bounced_or_complained:
        return f"SES accepted it at {record.accepted_at} (message {record.message_id})"
    return None


class DeliveryResult(BaseModel):
    sending: bool
    mailed: int = 0
    already_sent: int = 0
    unchanged: int = 0  # a revision mails only councils whose figures changed
    unconfirmed: list[str] = []
    failed: list[str] = []


@dataclass(frozen=True)
class Outbox:
    """What sending needs: where records go, who sends, from which address, and the clock."""

    log: DeliveryLog
    mailer: Mailer
    sender: str
    clock: Callable[[], datetime]


def send_one(
    mail: LetterMail,
    recipients: Recipients,
    outbox: Outbox,
    previous: DeliveryRecord | None,
    resend_reason: str | None = None,
) -> DeliveryRecord | None:
    """Record the intent, send, record SES's answer. None when another run got there first."""
    attempt = previous.attempt + 1 if previous else 1
    record = DeliveryRecord(
        year=mail.year,
        revision=mail.revision,
        code=mail.code,
        attempt=attempt,
        state="intent",
        intent_at=outbox.clock().isoformat(timespec="seconds"),
        roles=[person.role for person in recipients.people],
        resend_reason=resend_reason,
    )
    if not outbox.log.begin(record, previous.attempt if previous else None):
        return None
    raw = build_message(mail, recipients, outbox.sender, outbox.clock(), mail.case_lists())
    try:
        message_id = outbox.mailer.send(
            raw,
            outbox.sender,
            [recipients.chief_executive.email],
            [person.email for person in recipients.copies],
            mail.tags(),
        )
    except MailRejected as refused:
        outbox.log.failed(record, str(refused))
        return record.model_copy(update={"state": "failed", "error": str(refused)})
    accepted_at = outbox.clock()
    outbox.log.accepted(record, message_id, accepted_at)
    return record.model_copy(
        update={
            "state": "sent",
            "message_id": message_id,
            "accepted_at": accepted_at.isoformat(timespec="seconds"),
        }
    )


def deliver(
    mails: Sequence[LetterMail],
    recipients: Mapping[str, Recipients],
    outbox: Outbox,
) -> DeliveryResult:
    """Send each council its letter once; report what was sent, already sent, or unconfirmed."""
    result = DeliveryResult(sending=True)
    for mail in mails:
        previous = outbox.log.get(mail.year, mail.revision, mail.code)
        action = next_action(previous)
        if action is Action.DONE:
            result.already_sent += 1
            continue
        if action is Action.UNCONFIRMED:
            result.unconfirmed.append(mail.code)
            continue
        sent = send_one(mail, recipients[mail.code], outbox, previous)
        if sent is None:
            continue
        if sent.state == "failed":
            result.failed.append(mail.code)
        else:
            result.mailed += 1
    return result
