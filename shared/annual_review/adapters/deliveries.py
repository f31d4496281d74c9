"""The delivery record in DynamoDB: one item per year, revision, council and message.

Key: ``year`` (partition) and ``delivery`` (sort): ``r{revision:03d}#{code}`` for the "officers"
message (the key every record had before the letter was split in two messages, so older records
read as that message: the one with the case lists) and ``r{revision:03d}#{code}#councillors``
for the councillors' message. One query lists a year's deliveries, or one revision's with
``begins_with``. Every state change is
conditional on the attempt it belongs to, so two runs never both send.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from annual_review.publication.letters.recipients import MessageKind
from annual_review.publication.mail.delivery import DeliveryRecord, MailFeedback

if TYPE_CHECKING:
    from datetime import datetime

    from mypy_boto3_dynamodb import DynamoDBClient

_serialize = TypeSerializer().serialize
_deserialize = TypeDeserializer().deserialize


def sort_key(revision: int, code: str, message: MessageKind = "officers") -> str:
    base = f"r{revision:03d}#{code}"
    return base if message == "officers" else f"{base}#{message}"


def _failed_condition(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class DynamoDeliveryLog:
    def __init__(self, table: str, dynamodb: Callable[[], DynamoDBClient]) -> None:
        self.table = table
        self._dynamodb = dynamodb

    @property
    def client(self) -> DynamoDBClient:
        return self._dynamodb()

    def _key(
        self, year: str, revision: int, code: str, message: MessageKind = "officers"
    ) -> dict[str, Any]:
        return {"year": {"S": year}, "delivery": {"S": sort_key(revision, code, message)}}

    def _record_key(self, record: DeliveryRecord) -> dict[str, Any]:
        return self._key(record.year, record.revision, record.code, record.message)

    def get(
        self, year: str, revision: int, code: str, message: MessageKind = "officers"
    ) -> DeliveryRecord | None:
        item = self.client.get_item(
            TableName=self.table, Key=self._key(year, revision, code, message), ConsistentRead=True
        ).get("Item")
        return _record(item) if item else None

    def begin(self, record: DeliveryRecord, expected_attempt: int | None) -> bool:
        item = {
            name: _serialize(value)
            for name, value in record.model_dump(mode="json").items()
            if value is not None
        } | self._record_key(record)
        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(delivery)"}
            if expected_attempt is None
            else {
                "ConditionExpression": "attempt = :expected",
                "ExpressionAttributeValues": {":expected": {"N": str(expected_attempt)}},
            }
        )
        try:
            self.client.put_item(TableName=self.table, Item=item, **condition)
        except ClientError as error:
            if _failed_condition(error):
                return False
            raise
        return True

    def accepted(self, record: DeliveryRecord, message_id: str, at: datetime) -> None:
        self.client.update_item(
            TableName=self.table,
            Key=self._record_key(record),
            UpdateExpression="SET #state = :sent, message_id = :id, accepted_at = :at",
            ConditionExpression="attempt = :attempt",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={
                ":sent": {"S": "sent"},
                ":id": {"S": message_id},
                ":at": {"S": at.isoformat(timespec="seconds")},
                ":attempt": {"N": str(record.attempt)},
            },
        )

    def failed(self, record: DeliveryRecord, error: str) -> None:
        self.client.update_item(
            TableName=self.table,
            Key=self._record_key(record),
            UpdateExpression="SET #state = :failed, #error = :error",
            ConditionExpression="attempt = :attempt AND #state = :intent",
            ExpressionAttributeNames={"#state": "state", "#error": "error"},
            ExpressionAttributeValues={
                ":failed": {"S": "failed"},
                ":intent": {"S": "intent"},
                ":error": {"S": error[:500]},
                ":attempt": {"N": str(record.attempt)},
            },
        )

    def feedback(
        self,
        year: str,
        revision: int,
        code: str,
        event: MailFeedback,
        message: MessageKind = "officers",
    ) -> bool:
        key = self._key(year, revision, code, message)
        try:
            self.client.update_item(
                TableName=self.table,
                Key=key,
                UpdateExpression="SET feedback = list_append(if_not_exists(feedback, :none), :one)",
                ConditionExpression="attribute_exists(delivery)",
                ExpressionAttributeValues={
                    ":none": {"L": []},
                    ":one": {"L": [_serialize(event.model_dump(mode="json"))]},
                },
            )
        except ClientError as error:
            if _failed_condition(error):
                return False
            raise
        if event.kind == "send":
            # SES's own record that it accepted the message: it settles an unconfirmed intent.
            try:
                self.client.update_item(
                    TableName=self.table,
                    Key=key,
                    UpdateExpression="SET #state = :sent, message_id = :id, accepted_at = :at",
                    ConditionExpression="#state = :intent",
                    ExpressionAttributeNames={"#state": "state"},
                    ExpressionAttributeValues={
                        ":sent": {"S": "sent"},
                        ":intent": {"S": "intent"},
                        ":id": {"S": event.message_id},
                        ":at": {"S": event.at},
                    },
                )
            except ClientError as error:
                if not _failed_condition(error):
                    raise
        return True

    def list(self, year: str, revision: int | None = None) -> list[DeliveryRecord]:
        values: dict[str, Any] = {":year": {"S": year}}
        condition = "#year = :year"
        if revision is not None:
            condition += " AND begins_with(delivery, :revision)"
            values[":revision"] = {"S": sort_key(revision, "")}
        found = []
        for page in self.client.get_paginator("query").paginate(
            TableName=self.table,
            ConsistentRead=True,
            KeyConditionExpression=condition,
            ExpressionAttributeNames={"#year": "year"},
            ExpressionAttributeValues=values,
        ):
            found += [_record(item) for item in page.get("Items", [])]
        return found


def _plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal: whole numbers to int, lists and maps inside too."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if type(value).__name__ == "Decimal":
        return int(value)
    return value


def _record(item: dict[str, Any]) -> DeliveryRecord:
    plain = {name: _plain(_deserialize(value)) for name, value in item.items()}
    plain.pop("delivery", None)
    return DeliveryRecord.model_validate(plain)
