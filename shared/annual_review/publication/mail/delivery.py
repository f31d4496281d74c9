"""Letters by email, each message of each council's letter exactly once per revision, with a
record of it.

A council's letter goes as two messages (``recipients.MESSAGE_KINDS``): "officers" (chief
executive and link officer, with the case lists) and "councillors" (leader and chair of scrutiny,
without). Each has its own record (one per year, revision, council and message), through these
states:

    (none) --begin--> intent --SES accepted--> sent (message id, accepted at)
                        |  \\--SES refused or throttled--> failed (SES's error code)
                        |                          --this run's backoff or the next run--> intent
                        \\--crash or timeout--> intent with no message id: "unconfirmed"

Sends are paced under SES's rate (``pacing.Pacer``, in recipients). A throttle is recorded failed
at once (so a crash while backing off never leaves an intent SES did not accept), then retried in
this run with jittered backoff while the invocation has time; what is still throttled, or refused
outright, stays failed with SES's error code and is sent by the next run (the step ends in
failure, so Lambda retries it). A run stops starting sends before its deadline and says how many
it left for the next invocation.

A run sends to councils with no record or a failed one, and leaves alone those already sent. An
intent with no message id means a run stopped between recording its intent and recording SES's
answer: the email may or may not have gone, so no run sends it again by itself (that could send it
twice). SES's own "Send" event fills the message id in when it did go; otherwise ``annual-review
status`` lists the council as unconfirmed and ``annual-review letters resend`` sends it, once.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from annual_review.ingestion.retry import Backoff
from annual_review.publication.letters.recipients import MessageKind, Recipients
from annual_review.publication.mail.message import LetterMail, build_message
from annual_review.publication.mail.pacing import Pacer
from annual_review.publication.ports import DeliveryLog, Mailer, MailRejected, MailThrottled

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
    message: MessageKind = "officers"  # records written before the split were this message
    intent_at: str
    roles: list[str]
    message_id: str | None = None
    accepted_at: str | None = None
    error: str | None = None
    resend_reason: str | None = None
    feedback: list[MailFeedback] = []

    @property
    def label(self) -> str:
        """How reports name it: revision, council and message (never a person)."""
        return f"r{self.revision} {self.code} {self.message}"

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
    mailed: int = 0  # messages SES accepted in this run
    already_sent: int = 0
    unchanged: int = 0  # a revision mails only councils whose figures changed
    unconfirmed: list[str] = []  # "CODE message"
    failed: list[str] = []  # "CODE message: SES's error code"
    throttled: int = 0  # throttles met (each retried or recorded failed)
    not_started: list[str] = []  # left for the next invocation: the deadline came first

    @property
    def complete(self) -> bool:
        """Every message of the run is accepted by SES (now or before)."""
        return not (self.unconfirmed or self.failed or self.not_started)


# SES's own advice on throttling is to wait and retry (up to minutes for the daily quota); in
# one invocation the pauses double from half a second up to 8 s, six attempts in all.
THROTTLE_BACKOFF = Backoff(base_seconds=0.5, max_seconds=8.0, max_attempts=6)
# The longest one SendEmail can take (connect + read timeouts, no botocore retry for SES).
SEND_SECONDS = 6.0


@dataclass
class Pace:
    """How a run paces itself: the rate, backing off throttles, and when to stop starting sends.
    ``clock`` is monotonic seconds; ``deadline`` on its scale (None: no deadline)."""

    pacer: Pacer | None = None
    backoff: Backoff = THROTTLE_BACKOFF
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    draw: Callable[[], float] = field(default=random.random)
    deadline: float | None = None

    def time_for_one_more(self, pause: float = 0.0) -> bool:
        return self.deadline is None or self.clock() + pause + SEND_SECONDS <= self.deadline


@dataclass(frozen=True)
class Outbox:
    """What sending needs: where records go, who sends, from which address, the clock, and the
    pace (none: as fast as SES answers, no retry of throttles)."""

    log: DeliveryLog
    mailer: Mailer
    sender: str
    clock: Callable[[], datetime]
    pace: Pace = field(default_factory=Pace)


def send_one(
    mail: LetterMail,
    recipients: Recipients,
    outbox: Outbox,
    previous: DeliveryRecord | None,
    resend_reason: str | None = None,
    kind: MessageKind = "officers",
    on_throttle: Callable[[], None] = lambda: None,
) -> DeliveryRecord | None:
    """Record the intent, send, record SES's answer; throttles are backed off and retried while
    the pace allows. None when another run got there first."""
    addressees = recipients.messages()[kind]
    pace = outbox.pace
    retry = 0
    while True:
        attempt = previous.attempt + 1 if previous else 1
        record = DeliveryRecord(
            year=mail.year,
            revision=mail.revision,
            code=mail.code,
            message=kind,
            attempt=attempt,
            state="intent",
            intent_at=outbox.clock().isoformat(timespec="seconds"),
            roles=addressees.roles,
            resend_reason=resend_reason,
        )
        raw = build_message(mail, recipients, outbox.sender, outbox.clock(), kind)
        if pace.pacer is not None:
            pace.pacer.wait(len(addressees.people))
        if not outbox.log.begin(record, previous.attempt if previous else None):
            return None
        try:
            message_id = outbox.mailer.send(
                raw,
                outbox.sender,
                [person.email for person in addressees.to],
                [person.email for person in addressees.cc],
                mail.tags() | {"message": kind},
            )
        except MailThrottled as throttled:
            # Not accepted: recorded failed at once, so no intent is left dangling.
            on_throttle()
            if pace.pacer is not None:
                pace.pacer.forget_last()
            outbox.log.failed(record, str(throttled))
            previous = record.model_copy(update={"state": "failed", "error": str(throttled)})
            retry += 1
            pause = pace.backoff.pause(retry, pace.draw())
            if retry >= pace.backoff.max_attempts or not pace.time_for_one_more(pause):
                return previous
            pace.sleep(pause)
            continue
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


def messages_of(
    mails: Sequence[LetterMail], recipients: Mapping[str, Recipients]
) -> list[tuple[LetterMail, MessageKind]]:
    """Every message of these letters, in order: each council's officers, then councillors."""
    return [(mail, kind) for mail in mails for kind in recipients[mail.code].messages()]


def recipients_needed(
    mails: Sequence[LetterMail], recipients: Mapping[str, Recipients], log: DeliveryLog
) -> int:
    """What the letters still to send count against SES's quota: To + Cc of every message that
    has no record yet or a failed one (the revision's records read in one query)."""
    if not mails:
        return 0
    records = {(r.code, r.message): r for r in log.list(mails[0].year, mails[0].revision)}
    return sum(
        len(recipients[mail.code].messages()[kind].people)
        for mail, kind in messages_of(mails, recipients)
        if next_action(records.get((mail.code, kind))) is Action.SEND
    )


def deliver(
    mails: Sequence[LetterMail],
    recipients: Mapping[str, Recipients],
    outbox: Outbox,
) -> DeliveryResult:
    """Send each message of each council once; report what was sent, already sent, failed (with
    SES's code), unconfirmed, or left for the next invocation."""
    result = DeliveryResult(sending=True)

    def throttled() -> None:
        result.throttled += 1

    for mail, kind in messages_of(mails, recipients):
        label = f"{mail.code} {kind}"
        previous = outbox.log.get(mail.year, mail.revision, mail.code, kind)
        action = next_action(previous)
        if action is Action.DONE:
            result.already_sent += 1
            continue
        if action is Action.UNCONFIRMED:
            result.unconfirmed.append(label)
            continue
        if not outbox.pace.time_for_one_more():
            result.not_started.append(label)
            continue
        sent = send_one(
            mail, recipients[mail.code], outbox, previous, kind=kind, on_throttle=throttled
        )
        if sent is None:
            continue
        if sent.state == "failed":
            result.failed.append(f"{label}: {sent.error}")
        else:
            result.mailed += 1
    return result
