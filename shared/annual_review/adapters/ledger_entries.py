"""A year's ledger entries, read with a strongly consistent scan: the cases behind its figures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from annual_review.adapters.dynamo import decode_ledger_item
from annual_review.events import Detail

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoLedgerEntries:
    def __init__(self, table: str, dynamodb: Callable[[], DynamoDBClient]) -> None:
        self.table = table
        self._dynamodb = dynamodb

    def entries(self, year: str) -> Iterator[tuple[Detail, int]]:
        """The year's entries, the next year's (a decision there may name a complaint of this
        year: the case lists' join), and those with no year attribute: withdrawals (which count
        in no year) and any entry written before entries carried one. Two years: the cost does
        not grow with history."""
        start = int(year[:4]) + 1
        following = f"{start}-{(start + 1) % 100:02d}"
        client = self._dynamodb()
        for page in client.get_paginator("scan").paginate(
            TableName=self.table,
            ConsistentRead=True,
            FilterExpression="#year IN (:year, :next) OR attribute_not_exists(#year)",
            ExpressionAttributeNames={"#year": "year"},
            ExpressionAttributeValues={":year": {"S": year}, ":next": {"S": following}},
        ):
            for item in page.get("Items", []):
                entry = decode_ledger_item(item)
                yield entry.detail, entry.version
