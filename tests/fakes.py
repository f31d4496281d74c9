"""In-memory stand-ins for the ports the domain defines, with DynamoDB's semantics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from annual_review.figures.aggregates import AggregateKey, Contribution
from annual_review.ingestion.contract import Detail
from annual_review.ingestion.planner import (
    CommitConflict,
    LedgerEntry,
    LedgerWrite,
    QuarantinedEvent,
    TransientStoreError,
)
from annual_review.publication.lease import Lease, may_take
from annual_review.publication.letters.recipients import MessageKind
from annual_review.publication.mail.delivery import DeliveryRecord, MailFeedback
from annual_review.publication.mail.sending_account import SendingAccount
from annual_review.publication.ports import MailRejected, StoredObject


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


@dataclass
class InMemoryDeliveryLog:
    """The delivery record with DynamoDB's conditional semantics (one record per key)."""

    records: dict[tuple[str, int, str, str], DeliveryRecord] = field(default_factory=dict)

    def get(
        self, year: str, revision: int, code: str, message: MessageKind = "officers"
    ) -> DeliveryRecord | None:
        return self.records.get((year, revision, code, message))

    @staticmethod
    def _key(record: DeliveryRecord) -> tuple[str, int, str, str]:
        return (record.year, record.revision, record.code, record.message)

    def begin(self, record: DeliveryRecord, expected_attempt: int | None) -> bool:
        key = self._key(record)
        current = self.records.get(key)
        if (current.attempt if current else None) != expected_attempt:
            return False
        self.records[key] = record
        return True

    def accepted(self, record: DeliveryRecord, message_id: str, at: datetime) -> None:
        key = self._key(record)
        assert self.records[key].attempt == record.attempt, "condition failed"
        self.records[key] = self.records[key].model_copy(
            update={
                "state": "sent",
                "message_id": message_id,
                "accepted_at": at.isoformat(timespec="seconds"),
            }
        )

    def failed(self, record: DeliveryRecord, error: str) -> None:
        key = self._key(record)
        self.records[key] = self.records[key].model_copy(update={"state": "failed", "error": error})

    def feedback(
        self,
        year: str,
        revision: int,
        code: str,
        event: MailFeedback,
        message: MessageKind = "officers",
    ) -> bool:
        key = (year, revision, code, message)
        current = self.records.get(key)
        if current is None:
            return False
        update: dict[str, object] = {"feedback": [*current.feedback, event]}
        if event.kind == "send" and current.state == "intent":
            update |= {"state": "sent", "message_id": event.message_id, "accepted_at": event.at}
        self.records[key] = current.model_copy(update=update)
        return True

    def list(self, year: str, revision: int | None = None) -> list[DeliveryRecord]:
        return [
            r
            for (y, n, _, _), r in sorted(self.records.items())
            if y == year and (revision is None or n == revision)
        ]


class ProcessDied(Exception):
    """Stands for the function's process ending abruptly (a timeout, an out-of-memory kill)."""


@dataclass
class RecordingMailer:
    """SES in memory: keeps every accepted message; can refuse, or 'die' before or after."""

    sent: list[tuple[str, bytes, list[str], list[str], dict[str, str]]] = field(
        default_factory=list
    )
    refuse: set[str] = field(default_factory=set)
    die_before_send: set[str] = field(default_factory=set)
    die_after_send: set[str] = field(default_factory=set)
    # SES's account as GetAccount would report it (production, generous quotas).
    sending_account: SendingAccount = field(
        default_factory=lambda: SendingAccount(
            production_access=True,
            sending_enabled=True,
            max_24_hour_send=50_000.0,
            max_send_rate=14.0,
            sent_last_24_hours=0.0,
            sender_verified=True,
        )
    )

    def account(self, sender: str) -> SendingAccount:
        return self.sending_account

    def send(
        self,
        raw: bytes,
        sender: str,
        to: Sequence[str],
        cc: Sequence[str],
        tags: Mapping[str, str],
    ) -> str:
        code = tags["council"]
        if code in self.die_before_send:
            raise ProcessDied(code)
        if code in self.refuse:
            raise MailRejected("MessageRejected")
        message_id = f"message-{len(self.sent) + 1}"
        self.sent.append((message_id, raw, list(to), list(cc), dict(tags)))
        if code in self.die_after_send:
            raise ProcessDied(code)
        return message_id

    def to(self, code: str, message: str | None = None) -> list[bytes]:
        return [
            raw
            for _, raw, _, _, tags in self.sent
            if tags["council"] == code and message in (None, tags.get("message"))
        ]


@dataclass
class ListLedger:
    """A ledger to read: (detail, version) pairs, changeable between reads."""

    items: list[tuple[Detail, int]] = field(default_factory=list)
    reads: int = 0

    def entries(self, year: str) -> list[tuple[Detail, int]]:
        self.reads += 1
        return list(self.items)  # every year's: the port allows it, and callers must filter


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

    def put_many(self, objects: Sequence[StoredObject]) -> int:
        return sum(self.put(*stored) for stored in objects)

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
