"""In-memory stand-ins for the ports the domain defines, with DynamoDB's semantics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from annual_review.aggregates import AggregateKey, Contribution
from annual_review.ingest import (
    CommitConflict,
    LedgerEntry,
    LedgerWrite,
    QuarantinedEvent,
    TransientStoreError,
)
from annual_review.publication.exclusive import Lease, may_take


@dataclass
class InMemoryLedgerStore:
    """All-or-nothing commits with conditional ledger writes, like a DynamoDB transaction.

    ``fail_next`` makes the next N commits fail transiently (throttling or a conflict).
    """

    ledger: dict[str, LedgerEntry] = field(default_factory=dict)
    aggregates: dict[AggregateKey, Counter[str]] = field(default_factory=dict)
    commits: int = 0
    attempts: int = 0
    fail_next: int = 0

    def commit(self, writes: Sequence[LedgerWrite], deltas: Contribution) -> None:
        self.attempts += 1
        keys = [w.entry.key for w in writes]
        assert len(keys) == len(set(keys)), "two operations on one item reject a transaction"
        assert len(writes) + len(deltas) <= 100, "a transaction holds at most 100 items"
        if self.fail_next:
            self.fail_next -= 1
            raise TransientStoreError("TransactionConflict")
        failed: dict[str, LedgerEntry | None] = {}
        for write in writes:
            current = self.ledger.get(write.entry.key)
            expected = current.version if current else None
            if expected != write.expected_version:
                failed[write.entry.key] = current
        if failed:
            raise CommitConflict(failed)
        for write in writes:
            self.ledger[write.entry.key] = write.entry
        for key, counters in deltas.items():
            bucket = self.aggregates.setdefault(key, Counter())
            for name, amount in counters.items():
                bucket[name] += amount
        self.commits += 1

    def counters(self) -> dict[AggregateKey, dict[str, int]]:
        """Aggregates with zero counters dropped, for comparison."""
        return {
            key: {n: v for n, v in sorted(c.items()) if v}
            for key, c in sorted(self.aggregates.items())
            if any(c.values())
        }


@dataclass
class InMemoryQuarantine:
    kept: list[QuarantinedEvent] = field(default_factory=list)

    def keep(self, event: QuarantinedEvent) -> None:
        self.kept.append(event)


class MemoryObjectStore:
    """An object store in memory, with S3's skip-if-unchanged behaviour of our adapter."""

    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str, str]] = {}
        self.writes: list[str] = []

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> bool:
        if self.objects.get(key) == (body, content_type, cache_control):
            return False
        self.objects[key] = (body, content_type, cache_control)
        self.writes.append(key)
        return True

    def get(self, key: str) -> bytes | None:
        found = self.objects.get(key)
        return found[0] if found else None

    def exists(self, key: str) -> bool:
        return key in self.objects

    def list(self, prefix: str) -> list[str]:
        return sorted(key for key in self.objects if key.startswith(prefix))


@dataclass
class InMemoryLeaseStore:
    """The publication lease with the conditional put and delete the DynamoDB adapter uses."""

    held: Lease | None = None
    taken: list[Lease] = field(default_factory=list)

    def take(self, lease: Lease, now: datetime) -> Lease | None:
        if not may_take(self.held, now):
            return self.held
        self.held = lease
        self.taken.append(lease)
        return None

    def give_back(self, lease: Lease) -> None:
        if self.held == lease:
            self.held = None
