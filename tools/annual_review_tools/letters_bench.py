"""The letters step's time on letters day, for 350 and 1,500 councils at a stated send rate.

Computed, not waited for: the real ``deliver`` (pacer, backoff, deadline) runs against the SES
stand-in's rules (``local/ses_standin.py``: the rate in recipients per second) on a fake clock.
Each message advances the clock by ``CALL_SECONDS`` (an assumption, stated in the table: one
SendEmail and three small DynamoDB requests in the same region), and the pacer's waits advance
it by what they wait. Each council has the four people of the synthetic recipients list: two
messages of two recipients. An invocation has the letters function's timeout (300 s) and stops
starting sends ``LETTERS_RESERVE_SECONDS`` + one send before it; the next invocation carries on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from annual_review.publication.letters.recipients import MessageKind, Person, Recipients
from annual_review.publication.mail.delivery import (
    DeliveryRecord,
    MailFeedback,
    Outbox,
    Pace,
    deliver,
)
from annual_review.publication.mail.message import LetterMail
from annual_review.publication.mail.pacing import Pacer
from annual_review.publication.mail.sending_account import SendingAccount
from annual_review.publication.ports import MailRejected, MailThrottled
from annual_review.publication.steps import LETTERS_RESERVE_SECONDS
from annual_review_tools.local.ses_standin import SesAccount, SesStandIn

TIMEOUT_SECONDS = 300.0  # LettersFunction's Timeout in template.yaml
CALL_SECONDS = 0.05  # assumed: one SendEmail and the record's three DynamoDB requests
NOW = datetime(2020, 7, 22, 8, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class MemoryLog:
    records: dict[tuple[str, int, str, str], DeliveryRecord] = field(default_factory=dict)

    def get(
        self, year: str, revision: int, code: str, message: MessageKind = "officers"
    ) -> DeliveryRecord | None:
        return self.records.get((year, revision, code, message))

    def begin(self, record: DeliveryRecord, expected_attempt: int | None) -> bool:
        key = (record.year, record.revision, record.code, record.message)
        current = self.records.get(key)
        if (current.attempt if current else None) != expected_attempt:
            return False
        self.records[key] = record
        return True

    def accepted(self, record: DeliveryRecord, message_id: str, at: datetime) -> None:
        key = (record.year, record.revision, record.code, record.message)
        self.records[key] = record.model_copy(update={"state": "sent", "message_id": message_id})

    def failed(self, record: DeliveryRecord, error: str) -> None:
        key = (record.year, record.revision, record.code, record.message)
        self.records[key] = record.model_copy(update={"state": "failed", "error": error})

    def feedback(
        self,
        year: str,
        revision: int,
        code: str,
        event: MailFeedback,
        message: MessageKind = "officers",
    ) -> bool:
        return False

    def list(self, year: str, revision: int | None = None) -> list[DeliveryRecord]:
        return list(self.records.values())


@dataclass
class SimulatedSes:
    """SES on the fake clock: the stand-in's rules decide; each call takes ``CALL_SECONDS``."""

    standin: SesStandIn
    clock: FakeClock
    sent: int = 0

    def send(
        self, raw: bytes, sender: str, to: Sequence[str], cc: Sequence[str], tags: Mapping[str, str]
    ) -> str:
        self.clock.now += CALL_SECONDS
        answer = self.standin.decide(
            {
                "Destination": {"ToAddresses": list(to), "CcAddresses": list(cc)},
                "Content": {"Raw": {"Data": raw}},
            }
        )
        if answer is not None:
            code = answer[1]["Error"]["Code"]
            raise (MailThrottled if code == "ThrottlingException" else MailRejected)(code)
        self.sent += 1
        return f"m-{self.sent}"

    def account(self, sender: str) -> SendingAccount:
        raise NotImplementedError  # the simulation paces by the stated rate directly


@dataclass(frozen=True)
class LettersTime:
    councils: int
    rate: float
    messages: int
    seconds: float
    invocations: int
    throttles: int


def _recipients(code: str) -> Recipients:
    def person(role: str) -> Person:
        return Person(role, "A Person", f"{role.split()[0]}.{code.lower()}@example.org")

    return Recipients(
        code=code,
        chief_executive=person("chief executive"),
        salutation="Ms Person",
        address="Council Offices",
        copies=(person("leader"), person("chair of scrutiny")),
        link_officer=person("link officer"),
    )


def letters_step_time(councils: int, rate: float) -> LettersTime:
    codes = [f"E99{n:06d}" for n in range(councils)]
    mails = [
        LetterMail(
            "2019-20",
            1,
            code,
            "A Council",
            "Annual Review letter 2020",
            b"<p>x</p>",
            b"x",
            b"id\r\n",
        )
        for code in codes
    ]
    recipients = {code: _recipients(code) for code in codes}
    clock = FakeClock()
    standin = SesStandIn(SesAccount(max_send_rate=rate), clock=clock)
    ses, log = SimulatedSes(standin, clock), MemoryLog()
    invocations = 0
    throttles = 0
    while True:
        invocations += 1
        pace = Pace(
            Pacer(rate, clock, clock.sleep),
            clock=clock,
            sleep=clock.sleep,
            draw=lambda: 0.5,
            deadline=clock.now + TIMEOUT_SECONDS - LETTERS_RESERVE_SECONDS,
        )
        result = deliver(mails, recipients, Outbox(log, ses, "l@example.org", lambda: NOW, pace))
        throttles += result.throttled
        if result.complete or invocations > 100:
            break
        clock.now += 1.0  # the next invocation starts (a re-invocation, or Lambda's retry)
    return LettersTime(councils, rate, 2 * councils, clock.now, invocations, throttles)


def letters_times(
    councils: Sequence[int] = (350, 1500), rates: Sequence[float] = (14.0, 1.0)
) -> list[LettersTime]:
    return [letters_step_time(n, rate) for n in councils for rate in rates]


def format_letters(times: list[LettersTime]) -> list[str]:
    lines = [
        f"Fake clock: {CALL_SECONDS * 1000:.0f} ms per message assumed for SES and the delivery "
        f"record; the function's timeout {TIMEOUT_SECONDS:.0f} s, each invocation stopping "
        f"{LETTERS_RESERVE_SECONDS:.0f} s + one send before it. Two messages of two recipients "
        "a council.",
        "",
        "| councils | send rate (recipients/s) | messages | letters step (s) | invocations "
        "| throttles |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for t in times:
        lines.append(
            f"| {t.councils:,} | {t.rate:g} | {t.messages:,} | {t.seconds:,.0f} | "
            f"{t.invocations} | {t.throttles} |"
        )
    return lines
