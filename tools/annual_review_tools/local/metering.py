"""Counting AWS requests with botocore event hooks: the machine-independent cost of a run."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

# botocore's hook names for the services a run touches (its "service id", hyphenated, lowercase).
_HOOK = "before-send"


class RequestCounter:
    """Counts every HTTP request (retries included) the attached clients send, by operation."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def attach(self, client: Any) -> None:
        """Count ``client``'s requests from now on (a boto3 client; typed loosely for its stubs)."""
        client.meta.events.register(_HOOK, self._count)

    def _count(self, event_name: str, **_: Any) -> None:
        # event_name is "before-send.<service>.<Operation>".
        operation = event_name.removeprefix(f"{_HOOK}.")
        with self._lock:
            self._counts[operation] += 1

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self._counts)
