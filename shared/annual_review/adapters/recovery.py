"""AWS access for recovery: the bus's archive and its replays, whole aggregate items, and the
ingestion function's event-source mapping (paused while the aggregates are rebuilt)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from annual_review.rebuild import AggregateRewrite

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_lambda import LambdaClient

# BatchWriteItem takes at most 25 requests.
BATCH_SIZE = 25


@dataclass(frozen=True)
class ReplayState:
    name: str
    state: str  # STARTING, RUNNING, CANCELLING, COMPLETED, CANCELLED, FAILED
    last_replayed: datetime | None
    reason: str = ""

    @property
    def finished(self) -> bool:
        return self.state in ("COMPLETED", "CANCELLED", "FAILED")


class CaseworkArchive:
    def __init__(self, archive_name: str, events: Callable[[], EventBridgeClient]) -> None:
        self.archive_name = archive_name
        self._events = events

    def start_replay(self, name: str, start: datetime, end: datetime) -> None:
        """Replay the archive's events from ``start`` to ``end`` into the bus they came from."""
        client = self._events()
        archive = client.describe_archive(ArchiveName=self.archive_name)
        client.start_replay(
            ReplayName=name,
            Description=f"annual-review replay {start.isoformat()} to {end.isoformat()}",
            EventSourceArn=archive["ArchiveArn"],
            EventStartTime=start,
            EventEndTime=end,
            Destination={"Arn": archive["EventSourceArn"]},
        )

    def replay(self, name: str) -> ReplayState:
        found = self._events().describe_replay(ReplayName=name)
        last: Any = found.get("EventLastReplayedTime")
        return ReplayState(
            name, str(found.get("State", "")), last, str(found.get("StateReason", ""))
        )


class AggregatesWriter:
    """Puts or deletes whole aggregate items (a rebuild's writes)."""

    def __init__(self, table: str, dynamodb: Callable[[], DynamoDBClient]) -> None:
        self.table = table
        self._dynamodb = dynamodb

    def write(self, year: str, rewrites: Iterable[AggregateRewrite]) -> int:
        requests: list[Any] = []
        for rewrite in rewrites:
            key = {"year": {"S": year}, "authority_code": {"S": rewrite.code}}
            if rewrite.delete:
                requests.append({"DeleteRequest": {"Key": key}})
            else:
                counters = {name: {"N": str(value)} for name, value in rewrite.counters.items()}
                requests.append({"PutRequest": {"Item": key | counters}})
        client = self._dynamodb()
        for start in range(0, len(requests), BATCH_SIZE):
            pending: Any = {self.table: requests[start : start + BATCH_SIZE]}
            while pending:  # unprocessed requests (throttling) are sent again
                pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems")
        return len(requests)


@dataclass(frozen=True)
class SourceMapping:
    uuid: str
    enabled: bool


class IngestionSwitch:
    """The event-source mapping that feeds the ingestion queue to the ingestion function."""

    def __init__(
        self, function_name: str, queue_name: str, lambda_: Callable[[], LambdaClient]
    ) -> None:
        self.function_name = function_name
        self.queue_name = queue_name
        self._lambda = lambda_

    def mapping(self) -> SourceMapping:
        found = self._lambda().list_event_source_mappings(FunctionName=self.function_name)
        for mapping in found["EventSourceMappings"]:
            if str(mapping.get("EventSourceArn", "")).endswith(f":{self.queue_name}"):
                state = str(mapping.get("State", ""))
                return SourceMapping(mapping["UUID"], state in ("Enabled", "Enabling", "Updating"))
        raise LookupError(f"no event-source mapping from {self.queue_name} to {self.function_name}")

    def set_enabled(self, uuid: str, enabled: bool) -> None:
        self._lambda().update_event_source_mapping(UUID=uuid, Enabled=enabled)

    def state(self, uuid: str) -> str:
        return str(self._lambda().get_event_source_mapping(UUID=uuid).get("State", ""))


class LedgerCopy:
    """Makes the stack's ledger hold exactly the items of another table (a restored copy)."""

    def __init__(self, ledger_table: str, dynamodb: Callable[[], DynamoDBClient]) -> None:
        self.ledger_table = ledger_table
        self._dynamodb = dynamodb

    def _items(self, table: str) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for page in self._dynamodb().get_paginator("scan").paginate(TableName=table):
            for item in page.get("Items", []):
                found[item["key"]["S"]] = dict(item)
        return found

    def copy_from(self, source_table: str) -> tuple[int, int]:
        """Put every item of ``source_table`` that differs, delete what it does not hold;
        (items put, items deleted)."""
        source, live = self._items(source_table), self._items(self.ledger_table)
        requests: list[Any] = [
            {"PutRequest": {"Item": item}}
            for key, item in sorted(source.items())
            if live.get(key) != item
        ]
        puts = len(requests)
        requests += [
            {"DeleteRequest": {"Key": {"key": {"S": key}}}}
            for key in sorted(set(live) - set(source))
        ]
        client = self._dynamodb()
        for start in range(0, len(requests), BATCH_SIZE):
            pending: Any = {self.ledger_table: requests[start : start + BATCH_SIZE]}
            while pending:
                pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems")
        return puts, len(requests) - puts
