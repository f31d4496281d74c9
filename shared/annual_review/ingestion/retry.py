"""Retrying a transient failure inside one invocation: jittered exponential backoff, bounded by
a deadline.

A throttle or a transaction conflict usually clears within a fraction of a second; handing the
record back to SQS instead costs a visibility timeout and one of its five receives. So a commit
that failed transiently is tried again a few times, each pause drawn at random up to a doubling
ceiling ("full jitter", so writers that collided do not collide again in step), but only while
one more attempt, at its slowest, still ends before the deadline. The clock, the sleep and the
random draw are parameters: nothing here reads the time or sleeps on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """How long to pause before each retry, and how many attempts in all."""

    base_seconds: float = 0.05
    max_seconds: float = 1.0
    max_attempts: int = 6  # the first attempt included

    def ceiling(self, retry: int) -> float:
        """The longest pause before retry number ``retry`` (1 for the first retry)."""
        return min(self.max_seconds, self.base_seconds * 2.0 ** (retry - 1))

    def pause(self, retry: int, draw: float) -> float:
        """The pause for a random ``draw`` in [0, 1)."""
        return draw * self.ceiling(retry)


@dataclass(frozen=True)
class Retrier:
    """Retries ``TransientError``s of one call while the backoff and the deadline allow."""

    backoff: Backoff
    deadline: float  # on ``clock``'s scale: every attempt must be able to end by then
    attempt_seconds: float  # the longest one attempt can take (client timeouts and retries)
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    draw: Callable[[], float]

    def may_retry(self, retry: int, pause: float) -> bool:
        if retry >= self.backoff.max_attempts:
            return False
        return self.clock() + pause + self.attempt_seconds <= self.deadline

    def call[T](self, attempt: Callable[[], T], transient: type[Exception]) -> T:
        retry = 0
        while True:
            try:
                return attempt()
            except transient:
                retry += 1
                pause = self.backoff.pause(retry, self.draw())
                if not self.may_retry(retry, pause):
                    raise
                self.sleep(pause)


def within_invocation(
    remaining_seconds: float,
    *,
    reserve_seconds: float,
    attempt_seconds: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    draw: Callable[[], float],
    backoff: Backoff | None = None,
) -> Retrier:
    """A retrier for the time an invocation has left, less ``reserve_seconds`` to report in."""
    return Retrier(
        backoff=backoff or Backoff(),
        deadline=clock() + remaining_seconds - reserve_seconds,
        attempt_seconds=attempt_seconds,
        clock=clock,
        sleep=sleep,
        draw=draw,
    )
