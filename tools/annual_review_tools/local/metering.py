"""Counting AWS requests with botocore event hooks: the machine-independent cost of a run."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from botocore import handlers

# botocore's hook names for the services a run touches (its "service id", hyphenated, lowercase).
_HOOK = "before-send"


@contextlib.contextmanager
def on_every_client(event_name: str, hook: Callable[..., Any]) -> Iterator[None]:
    """Register ``hook`` on every botocore session (and so every client) made in this process
    while the block runs, as moto registers its own stub: the functions a local run invokes
    make their own clients, and the run still counts their requests and injects their faults."""
    entry = (event_name, hook)
    handlers.BUILTIN_HANDLERS.append(entry)
    try:
        yield
    finally:
        handlers.BUILTIN_HANDLERS.remove(entry)


class RequestCounter:
    """Counts every HTTP request (retries included) the attached clients send, by operation."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def attach(self, client: Any) -> None:
        """Count ``client``'s requests from now on (a boto3 client; typed loosely for its stubs)."""
        client.meta.events.register(_HOOK, self._count)

    def counting_every_client(self) -> contextlib.AbstractContextManager[None]:
        """Count the requests of every client made while the block runs."""
        return on_every_client(_HOOK, self._count)

    def _count(self, event_name: str, **_: Any) -> None:
        # event_name is "before-send.<service>.<Operation>".
        operation = event_name.removeprefix(f"{_HOOK}.")
        with self._lock:
            self._counts[operation] += 1

    def add(self, counts: Counter[str]) -> None:
        """Requests counted elsewhere (another process's clients) that belong to this run."""
        with self._lock:
            self._counts.update(counts)

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self._counts)
