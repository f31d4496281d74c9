"""Sending under SES's maximum send rate, counted in recipients.

SES limits "the maximum number of recipients per second" (To, Cc and Bcc of every message
count), and answers a send over the limit with ``ThrottlingException`` ("Maximum sending rate
exceeded"): see the SES Developer Guide, "Managing your Amazon SES sending quotas"
(https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas.html) and "Errors related to
the sending quotas" (https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html).

The pacer keeps every one-second window at or under the rate: before a message of ``n``
recipients it waits until the recipients sent in the last second, plus ``n``, fit. A message
with more recipients than the rate (the sandbox's 1 a second, a message to two people) waits
for an empty window. The clock and the sleep are parameters: nothing here reads the time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

WINDOW_SECONDS = 1.0
# A send counts from when the pacer lets it go, SES counts it when it arrives: the pacer keeps
# each send in its window this much longer, so request latency never tips a second over.
LATENCY_MARGIN_SECONDS = 0.1


@dataclass
class Pacer:
    max_rate: float  # recipients per second (SES's MaxSendRate)
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    margin: float = LATENCY_MARGIN_SECONDS
    _sent: deque[tuple[float, int]] = field(default_factory=deque)
    slept: float = 0.0  # in all, for the report

    def _in_window(self, now: float) -> int:
        while self._sent and self._sent[0][0] <= now - WINDOW_SECONDS - self.margin:
            self._sent.popleft()
        return sum(count for _, count in self._sent)

    def delay(self, recipients: int, now: float) -> float:
        """How long a message of ``recipients`` must wait at ``now`` to stay under the rate."""
        allowed = max(self.max_rate - recipients, 0.0)
        used = self._in_window(now)
        if used <= allowed:
            return 0.0
        # Wait until enough of the window's sends have left it (the oldest first).
        for at, count in self._sent:
            used -= count
            if used <= allowed:
                return at + WINDOW_SECONDS + self.margin - now
        return 0.0  # not reached: the window empties at the latest

    def wait(self, recipients: int) -> float:
        """Sleep until a message of ``recipients`` may go, count it as sent; the time slept."""
        pause = self.delay(recipients, self.clock())
        if pause > 0:
            self.sleep(pause)
            self.slept += pause
        self._sent.append((self.clock(), recipients))
        return pause

    def forget_last(self) -> None:
        """The last message was refused (throttled): it did not count against the rate."""
        if self._sent:
            self._sent.pop()
