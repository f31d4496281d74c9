"""Faults a production year goes through, injected into a local run (``annual-review local chaos``).

- DynamoDB transactions fail with throttling or a transaction conflict, decided per request
  before it is sent (a botocore ``before-call`` hook answers in the service's place).
- The ingestion function "dies" after its transaction committed but before the messages were
  deleted: the whole batch comes back.
- The bus reports some ``PutEvents`` entries failed (they were not put), and the sender resends.
- Every event is sent one to three times, and the deliveries are shuffled, so amendments and
  withdrawals arrive before the versions they replace.

The faults are seeded, so a failing chaos run can be replayed exactly.
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse, HTTPHeaders

from annual_review_tools.local.metering import on_every_client
from annual_review_tools.local.synth import Entry


@dataclass(frozen=True)
class FaultPlan:
    seed: int = 13
    transaction_failure_rate: float = 0.10
    crash_after_commit_rate: float = 0.05
    put_events_entry_failure_rate: float = 0.05
    max_deliveries: int = 3


@dataclass
class FaultCounts:
    """What was injected, for the report."""

    failed_transactions: int = 0
    crashed_invocations: int = 0
    failed_put_entries: int = 0
    extra_deliveries: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


class Faults:
    """Seeded fault decisions, and the hooks that act them out."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.counts = FaultCounts()

    def deliveries(self, entries: list[Entry]) -> list[Entry]:
        """Each entry one to ``max_deliveries`` times, all shuffled."""
        sent = [
            entry for entry in entries for _ in range(self.rng.randint(1, self.plan.max_deliveries))
        ]
        self.counts.extra_deliveries = len(sent) - len(entries)
        self.rng.shuffle(sent)
        return sent

    def crash_after_commit(self) -> bool:
        crashed = self.rng.random() < self.plan.crash_after_commit_rate
        self.counts.crashed_invocations += crashed
        return crashed

    def failing_transactions(self) -> contextlib.AbstractContextManager[None]:
        """Fail a share of ``TransactWriteItems`` calls as DynamoDB would, without sending them,
        for every client made while the block runs (the functions make their own)."""
        return on_every_client(
            "before-call.dynamodb.TransactWriteItems", self._maybe_fail_transaction
        )

    def _maybe_fail_transaction(self, **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if self.rng.random() >= self.plan.transaction_failure_rate:
            return None
        self.counts.failed_transactions += 1
        if self.rng.random() < 0.5:
            error = {
                "Code": "ThrottlingException",
                "Message": "Rate of requests exceeds the allowed throughput.",
            }
            parsed: dict[str, Any] = {"Error": error}
            kind = "ThrottlingException"
        else:
            error = {
                "Code": "TransactionCanceledException",
                "Message": "Transaction cancelled, please refer cancellation reasons for specific"
                " reasons [TransactionConflict]",
            }
            parsed = {"Error": error, "CancellationReasons": [{"Code": "TransactionConflict"}]}
            kind = "TransactionConflict"
        self.counts.by_kind[kind] = self.counts.by_kind.get(kind, 0) + 1
        parsed["ResponseMetadata"] = {"HTTPStatusCode": 400}
        return AWSResponse("http://fault.local/", 400, HTTPHeaders(), None), parsed


class FlakyEventBridge:
    """An EventBridge client whose ``PutEvents`` reports some entries failed, as the service may.

    A failed entry is not put on the bus (only the others are sent), and the response carries
    its ``ErrorCode`` at its index, so a sender that resends failed entries loses nothing.
    """

    def __init__(self, client: Any, faults: Faults) -> None:
        self.client = client
        self.faults = faults

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803 - boto3's name
        failing = {
            i
            for i in range(len(Entries))
            if self.faults.rng.random() < self.faults.plan.put_events_entry_failure_rate
        }
        self.faults.counts.failed_put_entries += len(failing)
        passed = [entry for i, entry in enumerate(Entries) if i not in failing]
        sent = iter(self.client.put_events(Entries=passed)["Entries"] if passed else [])
        results = [
            {"ErrorCode": "ThrottlingException", "ErrorMessage": "injected"}
            if i in failing
            else next(sent)
            for i in range(len(Entries))
        ]
        failed = sum(1 for result in results if "ErrorCode" in result)
        return {"FailedEntryCount": failed, "Entries": results}
