"""A year's counted cases, read with one strongly consistent Query of the year's partition.

The cases table keeps each counted ledger entry under the financial year it counts in, written
in the ledger's own transaction (``adapters.dynamo.DynamoLedgerStore``), so a freeze or
``verify --year`` reads and is billed for that year's items only, however many years the
ledger holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from annual_review.adapters.dynamo import decode_ledger_item
from annual_review.ingestion.contract import Detail

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoLedgerEntries:
    def __init__(self, table: str, dynamodb: Callable[[], DynamoDBClient]) -> None:
        self.table = table  # the cases table
        self._dynamodb = dynamodb

    def entries(self, year: str) -> Iterator[tuple[Detail, int]]:
        """The year's counted entries (details and versions), then the next year's (a decision
        there may name a complaint of this year: the case lists' join); one Query of each
        partition, strongly consistent. Two years: the cost does not grow with history."""
        start = int(year[:4]) + 1
        following = f"{start}-{(start + 1) % 100:02d}"
        client = self._dynamodb()
        for partition in (year, following):
            for page in client.get_paginator("query").paginate(
                TableName=self.table,
                ConsistentRead=True,
                KeyConditionExpression="#year = :year",
                ExpressionAttributeNames={"#year": "year"},
                ExpressionAttributeValues={":year": {"S": partition}},
            ):
                for item in page.get("Items", []):
                    entry = decode_ledger_item(item)
                    yield entry.detail, entry.version
