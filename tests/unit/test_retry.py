"""Retrying a transient failure within an invocation: jittered, bounded, and giving up in time.

The clock is a counter the fake sleep and the fake attempts advance; nothing here waits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from annual_review.adapters.clients import WORST_CASE_CALL_SECONDS
from annual_review.ingestion.planner import (
    IncomingMessage,
    ProcessingOutcome,
    TransientStoreError,
    ingest_batch,
)
from annual_review.ingestion.retry import Backoff, Retrier, within_invocation
from annual_review.registry.councils import load_registry
from tests.builders import body, decision
from tests.fakes import InMemoryLedgerStore, InMemoryQuarantine

REGISTRY = load_registry(None)  # the packaged registry


@dataclass
class FakeTime:
    now: float = 0.0
    slept: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def retrier(
    time: FakeTime, *, deadline: float = 100.0, attempt: float = 1.0, draw: float = 0.5
) -> Retrier:
    return Retrier(Backoff(), deadline, attempt, time.clock, time.sleep, lambda: draw)


def failing(times: int, time: FakeTime, takes: float = 0.0) -> tuple[list[int], object]:
    calls: list[int] = []

    def attempt() -> str:
        calls.append(1)
        time.now += takes
        if len(calls) <= times:
            raise TransientStoreError("TransactionConflict")
        return "committed"

    return calls, attempt


def test_the_pause_ceiling_doubles_from_50_ms_up_to_one_second() -> None:
    backoff = Backoff()
    assert [backoff.ceiling(n) for n in range(1, 8)] == [0.05, 0.1, 0.2, 0.4, 0.8, 1.0, 1.0]


@pytest.mark.parametrize("draw", [0.0, 0.25, 0.999])
def test_each_pause_is_a_random_share_of_its_ceiling(draw: float) -> None:
    assert Backoff().pause(3, draw) == pytest.approx(draw * 0.2)


def test_a_transient_failure_is_retried_until_it_succeeds_with_jittered_pauses() -> None:
    time = FakeTime()
    draws = iter([0.5, 0.1, 0.9])
    calls, attempt = failing(3, time)
    policy = Retrier(Backoff(), 100.0, 1.0, time.clock, time.sleep, lambda: next(draws))
    assert policy.call(attempt, TransientStoreError) == "committed"  # type: ignore[arg-type]
    assert len(calls) == 4
    assert time.slept == pytest.approx([0.025, 0.01, 0.18])


def test_it_gives_up_after_six_attempts_in_all() -> None:
    time = FakeTime()
    calls, attempt = failing(10, time)
    with pytest.raises(TransientStoreError):
        retrier(time).call(attempt, TransientStoreError)  # type: ignore[arg-type]
    assert len(calls) == 6
    # five pauses of half their ceilings: 0.025 + 0.05 + 0.1 + 0.2 + 0.4
    assert sum(time.slept) == pytest.approx(0.775)


def test_it_gives_up_when_one_more_slowest_attempt_could_not_end_before_the_deadline() -> None:
    # Given attempts that each take 2 s and may take 10 s, and a deadline 15 s away
    time = FakeTime()
    calls, attempt = failing(10, time, takes=2.0)
    policy = retrier(time, deadline=15.0, attempt=10.0)
    with pytest.raises(TransientStoreError):
        policy.call(attempt, TransientStoreError)  # type: ignore[arg-type]
    # Then: fails at 2 s (2.025 + 10 fits), at 4.025 s (4.075 + 10 fits), at 6.075 s, when
    # 6.075 + 0.1 + 10 > 15: no fourth attempt
    assert len(calls) == 3
    assert time.now == pytest.approx(6.075)


def test_a_failure_that_is_not_transient_is_not_retried() -> None:
    time = FakeTime()
    calls: list[int] = []

    def attempt() -> None:
        calls.append(1)
        raise ValueError("bad request")

    with pytest.raises(ValueError, match="bad request"):
        retrier(time).call(attempt, TransientStoreError)
    assert calls == [1]
    assert time.slept == []


def test_an_ingestion_invocation_retries_only_while_its_slowest_call_still_fits() -> None:
    # 30 s left, 2 s kept to report, and a call that may take WORST_CASE_CALL_SECONDS (18 s)
    time = FakeTime(now=1000.0)
    policy = within_invocation(
        30.0,
        reserve_seconds=2.0,
        attempt_seconds=WORST_CASE_CALL_SECONDS,
        clock=time.clock,
        sleep=time.sleep,
        draw=lambda: 0.5,
    )
    assert policy.deadline == 1028.0
    assert policy.may_retry(1, 0.5)
    time.now = 1009.6  # 9.6 s in: 9.6 + 0.5 + 18 > 28
    assert not policy.may_retry(1, 0.5)
    assert WORST_CASE_CALL_SECONDS <= 30.0 - 2.0


def test_a_batch_whose_commit_conflicts_twice_is_applied_in_the_same_invocation() -> None:
    # Given a store whose next two transactions fail with a conflict
    store = InMemoryLedgerStore(fail_next=2)
    time = FakeTime()
    messages = [
        IncomingMessage(f"m-{n}", body("DecisionRecorded", decision(f"D-{n}"))) for n in range(3)
    ]
    # When the batch is ingested with a retrier
    results = ingest_batch(
        messages,
        store,
        InMemoryQuarantine(),
        councils=REGISTRY,
        today=date(2020, 7, 1),
        retrier=retrier(time, deadline=28.0, attempt=WORST_CASE_CALL_SECONDS),
    )
    # Then every event is applied by the third attempt, nothing is handed back to SQS
    assert [r.outcome for r in results] == [ProcessingOutcome.APPLIED] * 3
    assert (store.attempts, store.commits) == (3, 1)
    assert len(time.slept) == 2


def test_without_a_retrier_a_transient_failure_goes_back_to_the_queue() -> None:
    store = InMemoryLedgerStore(fail_next=1)
    message = IncomingMessage("m-1", body("DecisionRecorded", decision("D-1")))
    [result] = ingest_batch(
        [message], store, InMemoryQuarantine(), councils=REGISTRY, today=date(2020, 7, 1)
    )
    assert result.outcome is ProcessingOutcome.RETRY
    assert store.attempts == 1
