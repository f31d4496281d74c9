"""One publication step at a time, without reserved concurrency: a lease.

Whoever runs a step (its schedule's function, or ``annual-review publish``) first takes the one
lease of the stack, a small item that names the step, the year, the holder and when the lease
lapses; it gives the lease back when the step ends, however it ends. While a lease is held and has
not lapsed, another step is refused at once with what is running, rather than waiting. A lease
that has lapsed belongs to a holder that died (a Lambda invocation cannot outlive its timeout, and
the lease lasts no longer), so the next step takes it over.

Two steps are kept apart even for different years: every release rewrites ``data/index.json``
and the council histories across all published years.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

# A lapsed invocation's lease is free this long after the invocation's own timeout, which covers
# any clock difference between the invocation that took it and the one taking it over.
CLOCK_MARGIN = timedelta(seconds=10)
# `annual-review publish` has no timeout of its own: a step it runs holds the lease this long.
COMMAND_HOLD = timedelta(minutes=15)


@dataclass(frozen=True)
class Lease:
    step: str
    year: str
    holder: str  # a Lambda request id, or the command's host and process
    acquired_at: datetime
    expires_at: datetime


class StepAlreadyRunning(Exception):
    """Another publication step holds the lease: nothing was done."""

    def __init__(self, running: Lease) -> None:
        super().__init__(
            f"step {running.step} of year {running.year} is already running since "
            f"{running.acquired_at.isoformat(timespec='seconds')} (held by {running.holder}, "
            f"until {running.expires_at.isoformat(timespec='seconds')} at the latest)"
        )
        self.running = running


class LeaseStore(Protocol):
    def take(self, lease: Lease, now: datetime) -> Lease | None:
        """Store ``lease`` if ``may_take`` allows it; otherwise change nothing and return the
        lease that is held."""

    def give_back(self, lease: Lease) -> None:
        """Remove ``lease`` if it is still the one stored (a later holder's is left alone)."""


def may_take(held: Lease | None, now: datetime) -> bool:
    """The policy: the lease is free when nobody holds it or the holder's lease has lapsed."""
    return held is None or held.expires_at <= now


def lease_for(step: str, year: str, holder: str, now: datetime, hold_for: timedelta) -> Lease:
    return Lease(step, year, holder, acquired_at=now, expires_at=now + hold_for)


def invocation_hold(remaining_ms: int) -> timedelta:
    """How long a Lambda invocation holds the lease: until it has certainly ended."""
    return timedelta(milliseconds=remaining_ms) + CLOCK_MARGIN


@contextmanager
def exclusively(store: LeaseStore, lease: Lease) -> Iterator[Lease]:
    """Hold ``lease`` for the body, or raise ``StepAlreadyRunning`` without running it."""
    running = store.take(lease, lease.acquired_at)
    if running is not None:
        raise StepAlreadyRunning(running)
    try:
        yield lease
    finally:
        store.give_back(lease)
