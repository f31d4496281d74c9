"""The ledger and the aggregates in DynamoDB: one transaction per committed group."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import BotoCoreError, ClientError

from annual_review.figures.aggregates import (
    AggregateKey,
    Contribution,
    CouncilYearAggregate,
    contribution_of,
)
from annual_review.ingestion.contract import (
    DecisionWithdrawnDetail,
    Detail,
    detail_model,
)
from annual_review.ingestion.planner import (
    CommitConflict,
    LedgerEntry,
    LedgerWrite,
    TransientStoreError,
)
from annual_review.learning.changes import ANY_HOST, change_record
from annual_review.learning.contract import LearningWithdrawal

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# Codes that mean "the same request may succeed later".
TRANSIENT_CODES = frozenset(
    {
        "TransactionConflict",
        "TransactionInProgressException",
        "ThrottlingException",
        "ThrottlingError",
        "ProvisionedThroughputExceededException",
        "ProvisionedThroughputExceeded",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
_deserialize = TypeDeserializer().deserialize


def decode_ledger_item(item: Mapping[str, Any]) -> LedgerEntry:
    """A ledger item in DynamoDB's wire format back to the entry it stores."""
    detail_type = item["detail_type"]["S"]
    # Stored details were valid when written; "today" is lifted so an old entry never fails.
    text = item["detail"]["S"]
    detail = detail_model(detail_type, json.loads(text)).model_validate_json(
        text, context={"today": date.max, "allowed_hosts": ANY_HOST}
    )
    return LedgerEntry(item["key"]["S"], int(item["version"]["N"]), detail_type, detail)


def _year_attribute(detail: Detail) -> dict[str, Any]:
    """The financial year an entry counts in, as its own attribute, so a freeze can read one
    year's entries with a filter rather than decode every year's (a withdrawal has none)."""
    if isinstance(detail, DecisionWithdrawnDetail | LearningWithdrawal):
        return {}
    return {"year": {"S": detail.year.label}}


def request_token(items: Sequence[Any]) -> str:
    """The transaction's ``ClientRequestToken``: a digest of its items, so of the batch's plan.

    DynamoDB answers a repeat of a successful ``TransactWriteItems`` with the same token and the
    same items, within 10 minutes, with success and changes nothing (TransactWriteItems API
    reference, ``ClientRequestToken``). So when botocore retries a commit whose first attempt
    succeeded but timed out, the retry reports success and its events count as applied, not as
    duplicates of themselves. The same plan made again by another invocation within those 10
    minutes gets the same answer, which is as true (it was applied); the conditional ledger
    writes stay the guard beyond that window. At most 36 characters, as the API allows.
    """
    canonical = json.dumps(items, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:36]


def counted_in(detail: Detail | None) -> AggregateKey | None:
    """The council-year an entry counts in (the key of its contribution), or None."""
    return next(iter(contribution_of(detail)), None)


def case_sort_key(place: AggregateKey, ledger_key: str) -> str:
    return f"{place.authority_code}#{ledger_key}"


class DynamoLedgerStore:
    """Commits ledger writes and aggregate deltas together, all or nothing.

    With a ``cases_table``, the same transaction keeps each counted entry under its financial
    year too (partition ``year``, sort key ``{council}#{ledger key}``, the entry's version and
    detail): put where the new version counts, deleted where the version it replaces counted
    when that was another council or year, deleted when a withdrawal replaces it. So a Query of
    one year, strongly consistent, reads exactly that year's counted cases, whatever arrived
    twice, was amended across years or was withdrawn.
    """

    def __init__(
        self,
        ledger_table: str,
        aggregates_table: str,
        dynamodb: Callable[[], DynamoDBClient],
        cases_table: str | None = None,
        *,
        changes_table: str = "",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.ledger_table = ledger_table
        self.aggregates_table = aggregates_table
        self.cases_table = cases_table
        self._dynamodb = dynamodb
        # Learning items also leave a change record, keyed by the day, in the same transaction.
        self.changes_table = changes_table
        self.clock = clock

    @property
    def client(self) -> DynamoDBClient:
        return self._dynamodb()

    def _ledger_put(self, write: LedgerWrite) -> dict[str, Any]:
        entry = write.entry
        put: dict[str, Any] = {
            "TableName": self.ledger_table,
            "Item": {
                "key": {"S": entry.key},
                "version": {"N": str(entry.version)},
                "detail_type": {"S": entry.detail_type},
                "detail": {"S": entry.detail.model_dump_json()},
                **_year_attribute(entry.detail),
            },
            # On a failed condition DynamoDB returns what is there, so we never read first.
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if write.expected_version is None:
            put["ConditionExpression"] = "attribute_not_exists(#key)"
            put["ExpressionAttributeNames"] = {"#key": "key"}
        else:
            put["ConditionExpression"] = "#version = :expected"
            put["ExpressionAttributeNames"] = {"#version": "version"}
            put["ExpressionAttributeValues"] = {":expected": {"N": str(write.expected_version)}}
        return {"Put": put}

    def _case_items(self, write: LedgerWrite) -> list[dict[str, Any]]:
        """The year-case puts and deletes that follow one ledger write."""
        if self.cases_table is None:
            return []
        entry = write.entry
        was = write.previous.detail if write.previous else None
        now_in, was_in = counted_in(entry.detail), counted_in(was)
        items: list[dict[str, Any]] = []
        if now_in is not None:
            item = self._ledger_put(LedgerWrite(entry, None))["Put"]["Item"]
            item.pop("year", None)
            items.append(
                {
                    "Put": {
                        "TableName": self.cases_table,
                        "Item": {
                            "year": {"S": now_in.year},
                            "case": {"S": case_sort_key(now_in, entry.key)},
                            **item,
                        },
                    }
                }
            )
        if was_in is not None and was_in != now_in:
            key = {"year": {"S": was_in.year}, "case": {"S": case_sort_key(was_in, entry.key)}}
            items.append({"Delete": {"TableName": self.cases_table, "Key": key}})
        return items

    def _aggregate_update(self, key: AggregateKey, counters: Mapping[str, int]) -> dict[str, Any]:
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        adds = []
        for i, (name, amount) in enumerate(sorted(counters.items())):
            names[f"#c{i}"] = name
            values[f":c{i}"] = {"N": str(amount)}
            adds.append(f"#c{i} :c{i}")
        return {
            "Update": {
                "TableName": self.aggregates_table,
                "Key": {"year": {"S": key.year}, "authority_code": {"S": key.authority_code}},
                "UpdateExpression": "ADD " + ", ".join(adds),
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }

    def commit(self, writes: Sequence[LedgerWrite], deltas: Contribution) -> None:
        # Ledger puts first: CancellationReasons are read against ``writes`` by index.
        items: list[Any] = [self._ledger_put(w) for w in writes]
        items += [item for w in writes for item in self._case_items(w)]
        items += [self._aggregate_update(key, counters) for key, counters in deltas.items()]
        if self.changes_table:
            now = self.clock()
            for write in writes:
                if (record := change_record(write, now)) is not None:
                    items.append({"Put": {"TableName": self.changes_table, "Item": record}})
        try:
            self.client.transact_write_items(
                TransactItems=items, ClientRequestToken=request_token(items)
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code == "TransactionCanceledException":
                self._raise_cancelled(writes, error.response.get("CancellationReasons", []))
            if code in TRANSIENT_CODES:
                raise TransientStoreError(code) from error
            raise
        except BotoCoreError as error:  # timeouts and dropped connections
            raise TransientStoreError(type(error).__name__) from error

    @staticmethod
    def _raise_cancelled(writes: Sequence[LedgerWrite], reasons: Sequence[Any]) -> None:
        current: dict[str, LedgerEntry | None] = {}
        other_codes = set()
        for index, reason in enumerate(reasons):
            code = reason.get("Code", "None")
            if code == "ConditionalCheckFailed" and index < len(writes):
                old = reason.get("Item")
                current[writes[index].entry.key] = decode_ledger_item(old) if old else None
            elif code not in ("None", ""):
                other_codes.add(code)
        if current:
            raise CommitConflict(current)
        raise TransientStoreError(",".join(sorted(other_codes)) or "TransactionCanceled")

    def scan_ledger(self) -> Iterator[LedgerEntry]:
        """Every ledger entry (for verification: the ledger is the source of truth)."""
        paginator = self.client.get_paginator("scan")
        for page in paginator.paginate(TableName=self.ledger_table):
            for item in page.get("Items", []):
                yield decode_ledger_item(item)


class DynamoAggregatesReader:
    """Reads one year's aggregates for every council with one strongly consistent query."""

    def __init__(self, table: str, dynamodb: Callable[[], DynamoDBClient]) -> None:
        self.table = table
        self._dynamodb = dynamodb

    def year(self, year: str) -> dict[str, CouncilYearAggregate]:
        client = self._dynamodb()
        paginator = client.get_paginator("query")
        found: dict[str, CouncilYearAggregate] = {}
        for page in paginator.paginate(
            TableName=self.table,
            ConsistentRead=True,
            KeyConditionExpression="#year = :year",
            ExpressionAttributeNames={"#year": "year"},
            ExpressionAttributeValues={":year": {"S": year}},
        ):
            for item in page.get("Items", []):
                plain = {name: _deserialize(value) for name, value in item.items()}
                code = str(plain.pop("authority_code"))
                plain.pop("year", None)
                counters = {name: int(value) for name, value in plain.items()}
                found[code] = CouncilYearAggregate(year, code, counters)
        return found
