"""The publication lease as one DynamoDB item: a conditional put takes it, a conditional delete
gives it back. The condition is ``may_take`` of ``annual_review.publication.lease``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from annual_review.publication.lease import Lease

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

LEASE_KEY = "publication"
_FAILED = "ConditionalCheckFailedException"


def _epoch(moment: datetime) -> str:
    return f"{moment.timestamp():.3f}"


def decode_lease(item: Mapping[str, Any]) -> Lease:
    return Lease(
        step=item["step"]["S"],
        year=item["year"]["S"],
        holder=item["holder"]["S"],
        acquired_at=datetime.fromisoformat(item["acquired_at"]["S"]),
        expires_at=datetime.fromisoformat(item["expires_at"]["S"]),
    )


class DynamoLeaseStore:
    def __init__(self, table: str, dynamodb: Callable[[], DynamoDBClient]) -> None:
        self.table = table
        self._dynamodb = dynamodb

    @property
    def client(self) -> DynamoDBClient:
        return self._dynamodb()

    def take(self, lease: Lease, now: datetime) -> Lease | None:
        try:
            self.client.put_item(
                TableName=self.table,
                Item={
                    "lease": {"S": LEASE_KEY},
                    "step": {"S": lease.step},
                    "year": {"S": lease.year},
                    "holder": {"S": lease.holder},
                    "acquired_at": {"S": lease.acquired_at.isoformat()},
                    "expires_at": {"S": lease.expires_at.isoformat()},
                    "expires_epoch": {"N": _epoch(lease.expires_at)},
                },
                ConditionExpression="attribute_not_exists(#lease) OR #expires <= :now",
                ExpressionAttributeNames={"#lease": "lease", "#expires": "expires_epoch"},
                ExpressionAttributeValues={":now": {"N": _epoch(now)}},
                # A refusal says who holds the lease, with no second request.
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != _FAILED:
                raise
            held: Mapping[str, Any] = error.response.get("Item", {})  # type: ignore[assignment]
            return decode_lease(held)
        return None

    def give_back(self, lease: Lease) -> None:
        try:
            self.client.delete_item(
                TableName=self.table,
                Key={"lease": {"S": LEASE_KEY}},
                ConditionExpression="#holder = :holder AND #acquired = :acquired",
                ExpressionAttributeNames={"#holder": "holder", "#acquired": "acquired_at"},
                ExpressionAttributeValues={
                    ":holder": {"S": lease.holder},
                    ":acquired": {"S": lease.acquired_at.isoformat()},
                },
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != _FAILED:
                raise
            # Our lease lapsed and someone took it over: theirs stays.
