"""The learning change records in DynamoDB: one query per day (its partition)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from annual_review.learning.changes import Change, decode_change

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoChangeSource:
    def __init__(self, table: str, dynamodb: Callable[[], DynamoDBClient]) -> None:
        self.table = table
        self._dynamodb = dynamodb

    def changes_on(self, day: date) -> list[Change]:
        paginator = self._dynamodb().get_paginator("query")
        found = []
        for page in paginator.paginate(
            TableName=self.table,
            ConsistentRead=True,
            KeyConditionExpression="#day = :day",
            ExpressionAttributeNames={"#day": "day"},
            ExpressionAttributeValues={":day": {"S": day.isoformat()}},
        ):
            found += [decode_change(item) for item in page.get("Items", [])]
        return found
