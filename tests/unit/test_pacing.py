"""Pacing under SES's rate, throttles retried, readiness refused: against a fake clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from annual_review.ingestion.retry import Backoff
from annual_review.publication.mail.delivery import Outbox, Pace, deliver, recipients_needed
from annual_review.publication.mail.letters_by_email import LettersNotDelivered
from annual_review.publication.mail.pacing import Pacer
from annual_review.publication.mail.sending_account import (
    NotReadyToSend,
    SendingAccount,
    check_ready,
    sandbox_note,
)
from annual_review.publication.ports import MailThrottled
from tests.fakes import InMemoryDeliveryLog, RecordingMailer
from tests.letters_mail import CODES, mail, recipients

NOW = datetime(2020, 7, 22, 8, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_the_pacer_keeps_every_second_under_the_rate_in_recipients() -> None:
    clock = FakeClock()
    pacer = Pacer(max_rate=14, clock=clock, sleep=clock.sleep, margin=0.0)
    # 20 messages of 2 recipients at 14 recipients a second: 7 a second, so the 8th waits for
    # the first second to pass, the 15th for the second.
    starts = []
    for _ in range(20):
        pacer.wait(2)
        starts.append(clock.now - 1000.0)
    assert starts[:7] == [0.0] * 7
    assert starts[7:14] == [1.0] * 7
    assert starts[14:] == [2.0] * 6
    assert pacer.slept == pytest.approx(2.0)
    # No one-second window holds more than 14 recipients.
    for start in starts:
        assert sum(2 for s in starts if start <= s < start + 1) <= 14


def test_the_margin_keeps_each_send_a_little_longer_for_latency() -> None:
    clock = FakeClock()
    pacer = Pacer(max_rate=2, clock=clock, sleep=clock.sleep, margin=0.1)
    pacer.wait(2)
    pacer.wait(2)
    assert clock.sleeps == [pytest.approx(1.1)]


def test_a_message_over_the_rate_goes_into_an_empty_second() -> None:
    clock = FakeClock()
    pacer = Pacer(max_rate=1, clock=clock, sleep=clock.sleep, margin=0.0)  # the sandbox: 1 a second
    for _ in range(3):
        pacer.wait(2)
    assert clock.sleeps == [1.0, 1.0]


def test_a_throttled_send_does_not_count_against_the_rate() -> None:
    clock = FakeClock()
    pacer = Pacer(max_rate=4, clock=clock, sleep=clock.sleep, margin=0.0)
    pacer.wait(2)
    pacer.forget_last()
    pacer.wait(2)
    pacer.wait(2)
    assert clock.sleeps == []


@dataclass
class ThrottlingMailer(RecordingMailer):
    """SES throttling the first ``throttles`` sends of each council's officers message."""

    throttles: int = 0
    seen: dict[str, int] = field(default_factory=dict)

    def send(self, raw, sender, to, cc, tags):  # type: ignore[no-untyped-def]
        key = f"{tags['council']} {tags['message']}"
        self.seen[key] = self.seen.get(key, 0) + 1
        if tags["message"] == "officers" and self.seen[key] <= self.throttles:
            raise MailThrottled("ThrottlingException: Maximum sending rate exceeded")
        return super().send(raw, sender, to, cc, tags)


def paced(log: InMemoryDeliveryLog, mailer: RecordingMailer, clock: FakeClock) -> Outbox:
    pace = Pace(
        pacer=Pacer(14, clock, clock.sleep, margin=0.0),
        backoff=Backoff(base_seconds=0.5, max_seconds=8.0, max_attempts=4),
        clock=clock,
        sleep=clock.sleep,
        draw=lambda: 1.0,  # the longest pause, so the figures are exact
        deadline=clock.now + 280.0,
    )
    return Outbox(log, mailer, "letters@example.org", lambda: NOW, pace)


def test_throttles_are_backed_off_and_sent_once_without_leaving_an_intent() -> None:
    clock = FakeClock()
    log, mailer = InMemoryDeliveryLog(), ThrottlingMailer(throttles=2)
    everyone = {code: recipients(code) for code in CODES}
    result = deliver([mail(c) for c in CODES], everyone, paced(log, mailer, clock))
    assert (result.mailed, result.throttled, result.failed, result.unconfirmed) == (6, 6, [], [])
    assert [len(mailer.to(c, "officers")) for c in CODES] == [1, 1, 1]
    record = log.get("2019-20", 1, "E09000021")
    assert record is not None
    assert (record.state, record.attempt) == ("sent", 3)  # two throttled attempts, recorded
    # Pauses: 0.5 then 1.0 after each council's two throttles (draw 1.0: the ceiling).
    assert clock.sleeps == [0.5, 1.0] * 3


def test_throttles_past_the_backoff_are_recorded_failed_with_the_code_and_sent_next_run() -> None:
    clock = FakeClock()
    log = InMemoryDeliveryLog()
    everyone = {"E09000021": recipients("E09000021")}
    throttling = ThrottlingMailer(throttles=10)
    result = deliver([mail("E09000021")], everyone, paced(log, throttling, clock))
    assert result.failed == [
        "E09000021 officers: ThrottlingException: Maximum sending rate exceeded"
    ]
    record = log.get("2019-20", 1, "E09000021")
    assert record is not None
    assert (record.state, record.attempt) == ("failed", 4)  # never left as an intent
    retry = RecordingMailer()
    again = deliver([mail("E09000021")], everyone, paced(log, retry, clock))
    assert (again.mailed, again.already_sent, again.failed) == (1, 1, [])
    assert len(retry.to("E09000021", "officers")) == 1


def test_a_run_stops_starting_sends_before_its_deadline_and_the_next_one_finishes() -> None:
    clock = FakeClock()
    log, mailer = InMemoryDeliveryLog(), RecordingMailer()
    everyone = {c: recipients(c) for c in CODES}
    # 2 recipients a second and messages of 2: one message a second. A send may start while
    # it can end (6 s) by the deadline at 8.5 s: checks at 0, 0, 1, 2 pass (each then waits
    # for its second), the check at 3 s does not (3 + 6 > 8.5).
    pace = Pace(
        Pacer(2, clock, clock.sleep, margin=0.0), clock=clock, sleep=clock.sleep, deadline=1008.5
    )
    first = deliver(
        [mail(c) for c in CODES], everyone, Outbox(log, mailer, "l@x.org", lambda: NOW, pace)
    )
    assert (first.mailed, first.not_started) == (4, ["E10000002 officers", "E10000002 councillors"])
    assert not first.complete
    # The next invocation sends only what was left.
    pace = Pace(
        Pacer(2, clock, clock.sleep, margin=0.0),
        clock=clock,
        sleep=clock.sleep,
        deadline=clock.now + 300,
    )
    second = deliver(
        [mail(c) for c in CODES], everyone, Outbox(log, mailer, "l@x.org", lambda: NOW, pace)
    )
    assert (second.mailed, second.already_sent, second.complete) == (2, 4, True)
    assert [len(mailer.to(c)) for c in CODES] == [2, 2, 2]


def account(**changes: object) -> SendingAccount:
    found = SendingAccount(
        production_access=True,
        sending_enabled=True,
        max_24_hour_send=2000.0,
        max_send_rate=14.0,
        sent_last_24_hours=700.0,
        sender_verified=True,
    )
    return found.__class__(**(found.__dict__ | changes))


def test_readiness_refuses_what_does_not_fit_in_what_is_left_of_the_quota() -> None:
    check_ready(account(), 1300)  # 2000 - 700 = 1300 left: fits exactly
    with pytest.raises(NotReadyToSend) as refused:
        check_ready(account(), 1301)
    assert "only 1300 of the 24-hour quota of 2000 are left" in str(refused.value)
    with pytest.raises(NotReadyToSend, match="sending is disabled"):
        check_ready(account(sending_enabled=False), 1)
    with pytest.raises(NotReadyToSend, match="not verified"):
        check_ready(account(sender_verified=False), 1)
    assert sandbox_note(account()) is None
    note = sandbox_note(account(production_access=False, max_24_hour_send=200.0, max_send_rate=1.0))
    assert note is not None
    assert "only to verified addresses" in note


def test_the_loud_failure_names_what_is_not_accepted() -> None:
    log = InMemoryDeliveryLog()
    result = deliver(
        [mail("E09000021")],
        {"E09000021": recipients("E09000021")},
        Outbox(log, RecordingMailer(refuse={"E09000021"}), "l@example.org", lambda: NOW),
    )
    error = LettersNotDelivered("2019-20", 1, result)
    assert "2 failed (e.g. E09000021 officers: MessageRejected" in str(error)
    assert "@" not in str(error).replace("l@example", "")


def test_the_quota_check_counts_every_recipient_still_to_send() -> None:
    log = InMemoryDeliveryLog()
    everyone = {c: recipients(c) for c in CODES}
    # Three councils, four people each (chief executive, link officer, leader, chair).
    assert recipients_needed([mail(c) for c in CODES], everyone, log) == 12
    deliver(
        [mail("E09000021")],
        {"E09000021": everyone["E09000021"]},
        paced(log, RecordingMailer(), FakeClock()),
    )
    assert recipients_needed([mail(c) for c in CODES], everyone, log) == 8
