"""The casework bus and the ingestion queues, for the operator's commands."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient

CASEWORK_SOURCE = "ombudsman.casework"


@dataclass(frozen=True)
class BusEntry:
    """One event to put on the casework bus."""

    detail_type: str
    detail: str  # the JSON text of the detail


@dataclass(frozen=True)
class PutFailure:
    index: int  # in the entries given
    error_code: str
    error_message: str


class CaseworkBus:
    def __init__(self, bus_name: str, events: Callable[[], EventBridgeClient]) -> None:
        self.bus_name = bus_name
        self._events = events

    def put(self, entries: Sequence[BusEntry]) -> list[PutFailure]:
        """Put up to 10 entries in one call; the entries the bus reported failed, by index."""
        response = self._events().put_events(
            Entries=[
                {
                    "EventBusName": self.bus_name,
                    "Source": CASEWORK_SOURCE,
                    "DetailType": entry.detail_type,
                    "Detail": entry.detail,
                }
                for entry in entries
            ]
        )
        return [
            PutFailure(i, result.get("ErrorCode", ""), result.get("ErrorMessage", ""))
            for i, result in enumerate(response["Entries"])
            if "ErrorCode" in result
        ]


@dataclass(frozen=True)
class QueueMessage:
    message_id: str
    body: str
    receipt_handle: str


class Queue:
    def __init__(self, url: str, sqs: Callable[[], SQSClient]) -> None:
        self.url = url
        self._sqs = sqs

    def receive(self, most: int = 10, wait_seconds: int = 0) -> list[QueueMessage]:
        response = self._sqs().receive_message(
            QueueUrl=self.url, MaxNumberOfMessages=most, WaitTimeSeconds=wait_seconds
        )
        return [
            QueueMessage(m["MessageId"], m["Body"], m["ReceiptHandle"])
            for m in response.get("Messages", [])
        ]

    def send(self, bodies: Sequence[str]) -> set[int]:
        """Send up to 10 messages in one call; the indexes of those SQS reported failed."""
        response = self._sqs().send_message_batch(
            QueueUrl=self.url,
            Entries=[{"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies)],
        )
        return {int(failed["Id"]) for failed in response.get("Failed", [])}

    def delete(self, messages: Sequence[QueueMessage]) -> set[int]:
        """Delete up to 10 received messages; the indexes of those SQS reported failed."""
        if not messages:
            return set()
        response = self._sqs().delete_message_batch(
            QueueUrl=self.url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m.receipt_handle} for i, m in enumerate(messages)
            ],
        )
        return {int(failed["Id"]) for failed in response.get("Failed", [])}

    def attributes(self, *names: str) -> dict[str, Any]:
        response = self._sqs().get_queue_attributes(QueueUrl=self.url, AttributeNames=list(names))  # type: ignore[arg-type]
        return {str(name): value for name, value in response.get("Attributes", {}).items()}
