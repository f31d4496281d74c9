"""Exactly-once ingestion of a batch of casework events.

The ledger holds, per decision, compliance outcome or complaint, the newest version seen. A batch
is committed optimistically: every ledger write is conditional on what we believe is there
(nothing, at first) and carries the aggregate deltas in the same transaction. When a condition
fails, the store hands back the item that is there, and the batch is planned again with that
knowledge: no read before write in the common path, and nothing counted twice on any path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import partial
from typing import NamedTuple, Protocol, TypedDict

from annual_review.figures.aggregates import Contribution, combine, delta
from annual_review.ingestion.contract import (
    ComplaintReceivedDetail,
    ComplianceRecordedDetail,
    DecisionRecordedDetail,
    DecisionWithdrawnDetail,
    Detail,
    InvalidEvent,
    parse_event,
)
from annual_review.ingestion.retry import Retrier
from annual_review.learning.contract import (
    LEDGER_PREFIXES,
    DecisionPublishedDetail,
    LearningWithdrawal,
    PublicReportIssuedDetail,
    ServiceImprovementRecordedDetail,
)

MAX_TRANSACTION_ITEMS = 100
# A ledger key adds one ledger item, puts and deletes at most one year-case item each (the
# counted cases kept under their year for the freeze: adapters/dynamo.py), touches at most two
# aggregate items (an amendment that moves a decision to another council or year), and a
# learning item one change record, so 16 keys always fit in one transaction.
MAX_KEYS_PER_TRANSACTION = MAX_TRANSACTION_ITEMS // 6
# Re-planning rounds with what the failed conditions returned, before splitting the group.
MAX_PLANNING_ROUNDS = 3


class ProcessingOutcome(StrEnum):
    APPLIED = "applied"
    IGNORED = "ignored"  # a duplicate, or older than what the ledger holds
    QUARANTINED = "quarantined"
    RETRY = "retry"  # transient failure: report it so SQS delivers the message again


class LedgerEntry(NamedTuple):
    """What the ledger holds for one key: the newest version and its detail."""

    key: str
    version: int
    detail_type: str
    detail: Detail


def ledger_entry(detail_type: str, detail: Detail) -> LedgerEntry:
    match detail:
        case DecisionRecordedDetail() | DecisionWithdrawnDetail():
            return LedgerEntry(
                f"decision#{detail.decision_id}", detail.version, detail_type, detail
            )
        case ComplianceRecordedDetail():
            key = f"compliance#{detail.decision_id}"
            return LedgerEntry(key, detail.version, detail_type, detail)
        case ComplaintReceivedDetail():
            # Each complaint counts once: every delivery is version 1, so any repeat is a duplicate.
            return LedgerEntry(f"complaint#{detail.complaint_id}", 1, detail_type, detail)
        case (
            LearningWithdrawal()
            | DecisionPublishedDetail()
            | PublicReportIssuedDetail()
            | ServiceImprovementRecordedDetail()
        ):
            prefix = LEDGER_PREFIXES[detail_type]
            return LedgerEntry(f"{prefix}#{detail.item_id}", detail.version, detail_type, detail)


class LedgerWrite(NamedTuple):
    entry: LedgerEntry
    expected_version: int | None  # None: the key must not exist yet
    # What the write replaces, when known (a failed condition showed it): lets the store record
    # where a learning item was before an amendment moved or withdrew it.
    previous: LedgerEntry | None = None


class CommitConflict(Exception):
    """Some ledger conditions failed; ``current`` is what the ledger holds for those keys."""

    def __init__(self, current: Mapping[str, LedgerEntry | None]) -> None:
        super().__init__(f"{len(current)} ledger condition(s) failed")
        self.current = dict(current)


class TransientStoreError(Exception):
    """Throttling, a transaction conflict with a concurrent writer, or a timeout: retry later."""


class LedgerStore(Protocol):
    def commit(self, writes: Sequence[LedgerWrite], deltas: Contribution) -> None:
        """Write all or nothing; raise ``CommitConflict`` or ``TransientStoreError``."""


class CouncilRegistry(Protocol):
    def existence_error(self, code: str, day: date) -> str | None:
        """Why ``code`` was not a council on ``day`` (naming it, the date and its successors),
        or None when it was one."""


def council_error(detail: Detail, councils: CouncilRegistry) -> str | None:
    """An event's council must exist on the event's own date (a decision's ``decided_on``,
    compliance's ``recorded_on``, a complaint's ``received_on``)."""
    match detail:
        case DecisionRecordedDetail():
            return councils.existence_error(detail.authority_code, detail.decided_on)
        case ComplianceRecordedDetail():
            return councils.existence_error(detail.authority_code, detail.recorded_on)
        case ComplaintReceivedDetail():
            return councils.existence_error(detail.authority_code, detail.received_on)
        case (
            DecisionPublishedDetail()
            | PublicReportIssuedDetail()
            | ServiceImprovementRecordedDetail()
        ):
            return councils.existence_error(detail.authority_code, detail.day)
        case DecisionWithdrawnDetail() | LearningWithdrawal():
            return None
    return None


@dataclass(frozen=True)
class QuarantinedEvent:
    body: str
    errors: list[str]
    message_id: str
    received_at: str
    detail_type: str | None = None


class Quarantine(Protocol):
    def keep(self, event: QuarantinedEvent) -> None:
        """Store the event with its errors where someone can see and replay it."""


@dataclass(frozen=True)
class IncomingMessage:
    message_id: str
    body: str


@dataclass
class MessageResult:
    message_id: str
    outcome: ProcessingOutcome
    entry: LedgerEntry | None = None
    errors: list[str] = field(default_factory=list)


class BatchItemFailure(TypedDict):
    itemIdentifier: str


class PartialBatchResponse(TypedDict):
    batchItemFailures: list[BatchItemFailure]


class WholeBatchRetry(Exception):
    """Every message of the batch is to be retried: the invocation fails, so Lambda retries the
    batch and the function's error metric (and its alarm) shows that ingestion is stuck."""


def partial_batch_response(results: Sequence[MessageResult]) -> PartialBatchResponse:
    """The SQS partial batch response (``ReportBatchItemFailures``): the messages to deliver
    again, in batch order; the others are deleted from the queue.

    Built here rather than by Powertools' ``BatchProcessor``: the batch commits as one
    transaction, so every outcome is already decided, and importing the batch utility (with the
    parser and every event data class it loads) cost ingestion's cold start about 100 ms.
    """
    retry = [r.message_id for r in results if r.outcome is ProcessingOutcome.RETRY]
    if results and len(retry) == len(results):
        raise WholeBatchRetry(f"all {len(results)} messages of the batch are to be retried")
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in retry]}


@dataclass(frozen=True)
class Plan:
    writes: list[LedgerWrite]
    deltas: Contribution
    applied: list[str]  # message ids whose entry is written
    ignored: list[str]  # message ids that change nothing


def plan_group(
    events: Sequence[tuple[str, LedgerEntry]], known: Mapping[str, LedgerEntry | None]
) -> Plan:
    """Plan one transaction: the newest event per ledger key against what the ledger holds.

    ``known`` maps keys to what a failed condition showed is there; keys not in it are assumed
    new. Within the group the newest version of a key wins and the others change nothing.
    """
    newest: dict[str, tuple[str, LedgerEntry]] = {}
    ignored: list[str] = []
    for message_id, entry in events:
        current = newest.get(entry.key)
        if current is None or entry.version > current[1].version:
            if current is not None:
                ignored.append(current[0])
            newest[entry.key] = (message_id, entry)
        else:
            ignored.append(message_id)
    writes: list[LedgerWrite] = []
    parts: list[Contribution] = []
    applied: list[str] = []
    for key, (message_id, entry) in newest.items():
        previous = known.get(key)
        if previous is not None and previous.version >= entry.version:
            ignored.append(message_id)
            continue
        writes.append(LedgerWrite(entry, previous.version if previous else None, previous))
        parts.append(delta(entry.detail, previous.detail if previous else None))
        applied.append(message_id)
    return Plan(writes, combine(parts), applied, ignored)


def _commit_group(
    events: Sequence[tuple[str, LedgerEntry]], store: LedgerStore, retrier: Retrier | None
) -> dict[str, ProcessingOutcome]:
    known: dict[str, LedgerEntry | None] = {}
    for _ in range(MAX_PLANNING_ROUNDS):
        plan = plan_group(events, known)
        outcomes = dict.fromkeys(plan.ignored, ProcessingOutcome.IGNORED)
        if not plan.writes:
            return outcomes
        try:
            if retrier is None:
                store.commit(plan.writes, plan.deltas)
            else:
                # A throttle or conflict is tried again here, within the invocation's time,
                # before the records go back to SQS. The same request: nothing to re-plan.
                retrier.call(partial(store.commit, plan.writes, plan.deltas), TransientStoreError)
        except CommitConflict as conflict:
            known.update(conflict.current)
            continue
        except TransientStoreError:
            return dict.fromkeys((message_id for message_id, _ in events), ProcessingOutcome.RETRY)
        return outcomes | dict.fromkeys(plan.applied, ProcessingOutcome.APPLIED)
    # Still contended after re-planning: fall back to one transaction per ledger key, so one
    # hot key cannot hold back the rest of the batch.
    keys = {entry.key for _, entry in events}
    if len(keys) == 1:
        return dict.fromkeys((message_id for message_id, _ in events), ProcessingOutcome.RETRY)
    outcomes = {}
    for key in sorted(keys):
        outcomes |= _commit_group([e for e in events if e[1].key == key], store, retrier)
    return outcomes


def _groups(events: list[tuple[str, LedgerEntry]]) -> list[list[tuple[str, LedgerEntry]]]:
    """Split into transactions of at most ``MAX_KEYS_PER_TRANSACTION`` keys, each key whole."""
    by_key: dict[str, list[tuple[str, LedgerEntry]]] = {}
    for item in events:
        by_key.setdefault(item[1].key, []).append(item)
    keys = list(by_key)
    return [
        [item for key in keys[i : i + MAX_KEYS_PER_TRANSACTION] for item in by_key[key]]
        for i in range(0, len(keys), MAX_KEYS_PER_TRANSACTION)
    ]


def ingest_batch(
    messages: Sequence[IncomingMessage],
    store: LedgerStore,
    quarantine: Quarantine,
    *,
    councils: CouncilRegistry,
    today: date | None = None,
    now: datetime | None = None,
    retrier: Retrier | None = None,
    allowed_hosts: frozenset[str] | None = None,
) -> list[MessageResult]:
    """Apply a batch: every message ends applied, ignored, quarantined, or marked for retry.

    With a ``retrier``, a commit that fails transiently is retried within the invocation first.
    An event whose council did not exist on its date (in ``councils``) is quarantined like any
    invalid event, so an amendment moving a decision onto such a code leaves the version before
    it counted; replayed after the registry is corrected, it applies.
    """
    results: dict[str, MessageResult] = {}
    valid: list[tuple[str, LedgerEntry]] = []
    received_at = (now or datetime.now(UTC)).isoformat(timespec="seconds")

    def keep(message: IncomingMessage, errors: list[str], detail_type: str | None) -> None:
        kept = QuarantinedEvent(
            body=message.body,
            errors=errors,
            message_id=message.message_id,
            received_at=received_at,
            detail_type=detail_type,
        )
        try:
            quarantine.keep(kept)
            outcome = ProcessingOutcome.QUARANTINED
        except TransientStoreError:
            outcome = ProcessingOutcome.RETRY  # not kept anywhere yet, so it must come back
        results[message.message_id] = MessageResult(message.message_id, outcome, errors=errors)

    for message in messages:
        try:
            event = parse_event(message.body, today=today, allowed_hosts=allowed_hosts)
        except InvalidEvent as invalid:
            keep(message, invalid.errors, invalid.detail_type)
            continue
        if (error := council_error(event.detail, councils)) is not None:
            keep(message, [error], event.detail_type)
            continue
        entry = ledger_entry(event.detail_type, event.detail)
        results[message.message_id] = MessageResult(
            message.message_id, ProcessingOutcome.RETRY, entry
        )
        valid.append((message.message_id, entry))
    for group in _groups(valid):
        for message_id, outcome in _commit_group(group, store, retrier).items():
            results[message_id].outcome = outcome
    return [results[m.message_id] for m in messages]
