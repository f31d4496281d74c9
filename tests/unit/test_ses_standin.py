"""The SES stand-in's rules, as the SES developer guide states them (see its docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from annual_review_tools.local.ses_standin import (
    InvocationDied,
    SesAccount,
    SesFaults,
    SesStandIn,
)


class Clock:
    def __init__(self) -> None:
        self.now = 50_000.0

    def __call__(self) -> float:
        return self.now


def send(
    to: list[str], cc: Sequence[str] = (), council: str = "E09000021", kind: str = "officers"
) -> dict[str, Any]:
    raw = f"X-Annual-Review-Council: {council}\r\nX-Annual-Review-Message: {kind}\r\n\r\nbody\r\n"
    return {
        "Destination": {"ToAddresses": list(to), "CcAddresses": list(cc)},
        "Content": {"Raw": {"Data": raw.encode()}},
    }


def code(answer: Any) -> str | None:
    return (
        None
        if answer is None
        else answer[1]["Error"]["Code"] + ": " + answer[1]["Error"]["Message"]
    )


def test_the_rate_counts_recipients_in_any_one_second() -> None:
    clock = Clock()
    ses = SesStandIn(SesAccount(max_send_rate=5), clock=clock)
    assert code(ses.decide(send(["a@x.org"], ["b@x.org"]))) is None  # 2
    assert code(ses.decide(send(["a@x.org"], ["b@x.org"]))) is None  # 4
    assert code(ses.decide(send(["a@x.org"], ["b@x.org"]))) == (
        "ThrottlingException: Maximum sending rate exceeded."
    )  # 6 > 5
    assert code(ses.decide(send(["a@x.org"]))) is None  # 5
    clock.now += 1.0  # the first second has passed
    assert code(ses.decide(send(["a@x.org"], ["b@x.org"]))) is None
    assert ses.outcome.accepted == 4
    assert ses.outcome.throttled_rate == 1


def test_the_daily_quota_counts_recipients_over_a_rolling_24_hours() -> None:
    clock = Clock()
    ses = SesStandIn(SesAccount(max_24_hour_send=5, sent_before=1), clock=clock)
    assert ses.decide(send(["a@x.org"], ["b@x.org"])) is None  # 1 + 2
    clock.now += 10
    assert ses.decide(send(["a@x.org"], ["b@x.org"])) is None  # 1 + 4
    clock.now += 10
    assert (
        code(ses.decide(send(["a@x.org"]))) == "ThrottlingException: Daily message quota exceeded."
    )
    assert ses.account_answer()["SendQuota"] == {
        "Max24HourSend": 5,
        "MaxSendRate": 1000.0,
        "SentLast24Hours": 5,
    }
    clock.now += 24 * 3600 - 20  # the first send leaves the window
    assert ses.decide(send(["a@x.org"])) is None


def test_the_sandbox_sends_only_to_verified_addresses_and_paused_sends_nothing() -> None:
    ses = SesStandIn(SesAccount.sandbox(), verified={"ok@x.org", "example.org"}, clock=Clock())
    assert ses.account_answer()["ProductionAccessEnabled"] is False
    assert ses.account_answer()["SendQuota"]["Max24HourSend"] == 200
    assert ses.decide(send(["ok@x.org"])) is None
    ses.clock.now += 1  # type: ignore[attr-defined]
    assert ses.decide(send(["anyone@example.org"])) is None  # a verified domain
    ses.clock.now += 1  # type: ignore[attr-defined]
    assert code(ses.decide(send(["ok@x.org"], ["other@y.org"]))).startswith("MessageRejected")  # type: ignore[union-attr]
    paused = SesStandIn(SesAccount(sending_enabled=False), clock=Clock())
    assert code(paused.decide(send(["a@x.org"]))).startswith("SendingPausedException")  # type: ignore[union-attr]


def test_faults_throttle_refuse_and_die_once() -> None:
    faults = SesFaults(
        throttle_attempts={2},
        refuse={("E06000001", "officers")},
        die_before={("E10000002", "councillors")},
    )
    ses = SesStandIn(faults=faults, clock=Clock())
    assert ses.decide(send(["a@x.org"])) is None
    assert code(ses.decide(send(["a@x.org"]))).startswith("ThrottlingException")  # type: ignore[union-attr]
    assert code(ses.decide(send(["a@x.org"], council="E06000001"))).startswith("MessageRejected")  # type: ignore[union-attr]
    with pytest.raises(InvocationDied):
        ses.decide(send(["a@x.org"], council="E10000002", kind="councillors"))
    assert ses.decide(send(["a@x.org"], council="E10000002", kind="councillors")) is None
