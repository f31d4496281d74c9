"""One publication step at a time: the lease policy and its guard, against the in-memory store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from annual_review.publication.lease import (
    StepAlreadyRunning,
    exclusively,
    invocation_hold,
    lease_for,
    may_take,
)
from tests.fakes import InMemoryLeaseStore

NINE = datetime(2020, 7, 22, 8, 0, tzinfo=UTC)


def test_a_lease_is_free_when_nobody_holds_it_or_the_holder_has_lapsed() -> None:
    held = lease_for("freeze", "2019-20", "request-1", NINE, timedelta(minutes=5))
    assert may_take(None, NINE)
    assert not may_take(held, NINE)
    assert not may_take(held, NINE + timedelta(minutes=4, seconds=59))
    assert may_take(held, NINE + timedelta(minutes=5))


def test_an_invocation_holds_the_lease_past_its_own_timeout_and_no_longer_than_needed() -> None:
    # 300 s left in the invocation: it is certainly over 10 s after that.
    assert invocation_hold(300_000) == timedelta(seconds=310)


def test_a_second_step_is_refused_at_once_saying_what_runs_and_since_when() -> None:
    store = InMemoryLeaseStore()
    first = lease_for("letters", "2019-20", "request-1", NINE, timedelta(minutes=5))
    second = lease_for(
        "release", "2019-20", "request-2", NINE + timedelta(minutes=1), timedelta(minutes=5)
    )
    ran: list[str] = []
    with exclusively(store, first):
        with pytest.raises(StepAlreadyRunning) as refused, exclusively(store, second):
            ran.append("release")
        ran.append("letters")
    assert ran == ["letters"]
    assert str(refused.value).startswith(
        "step letters of year 2019-20 is already running since 2020-07-22T08:00:00+00:00"
    )
    assert refused.value.running == first
    # and once the first has finished, the lease is free again
    assert store.held is None
    with exclusively(store, second):
        assert store.held == second


def test_the_lease_is_given_back_when_the_step_fails() -> None:
    store = InMemoryLeaseStore()
    lease = lease_for("freeze", "2019-20", "request-1", NINE, timedelta(minutes=5))
    with pytest.raises(RuntimeError), exclusively(store, lease):
        raise RuntimeError("the step failed")
    assert store.held is None


def test_a_lapsed_lease_is_taken_over_and_its_late_holder_cannot_free_the_new_one() -> None:
    # Given a holder that died holding the lease
    store = InMemoryLeaseStore()
    dead = lease_for("freeze", "2019-20", "request-1", NINE, timedelta(minutes=5))
    assert store.take(dead, NINE) is None
    # When the next step comes after the lease lapsed
    later = NINE + timedelta(minutes=6)
    taking = lease_for("freeze", "2019-20", "request-2", later, timedelta(minutes=5))
    with exclusively(store, taking):
        # Then it runs, and the old holder giving back its lease changes nothing
        store.give_back(dead)
        assert store.held == taking
    assert store.taken == [dead, taking]
