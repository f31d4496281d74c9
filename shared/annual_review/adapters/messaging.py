"""The casework bus and the ingestion queues, for the operator's commands.

The only place the CLI talks to EventBridge and SQS: the commands (``send``, ``redrive``,
``quarantine replay``, ``status``) and the local stack's poller go through these classes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sqs import SQSClient

CASEWORK_SOURCE = "ombudsman.casework"


@dataclass(frozen=True)
class BusEntry:
    """One event to put on the casework bus."""

    detail_type: str
    detail: str  # the JSON text of the detail (the bus judges it: it may be malformed)
    source: str = CASEWORK_SOURCE


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
        return [result for result in self.put_each(entries) if isinstance(result, PutFailure)]

    def put_each(self, entries: Sequence[BusEntry]) -> list[str | PutFailure]:
        """Put up to 10 entries in one call; for each entry, its event id or its failure."""
        response = self._events().put_events(
            Entries=[
                {
                    "EventBusName": self.bus_name,
                    "Source": entry.source,
                    "DetailType": entry.detail_type,
                    "Detail": entry.detail,
                }
                for entry in entries
            ]
        )
        return [
            PutFailure(i, result["ErrorCode"], result.get("ErrorMessage", ""))
            if "ErrorCode" in result
            else result.get("EventId", "")
            for i, result in enumerate(response["Entries"])
        ]


@dataclass(frozen=True)
class QueueMessage:
    message_id: str
    body: str
    receipt_handle: str


class MoveTasksUnavailable(Exception):
    """SQS message-move tasks cannot be used here (the local stack has none, or no permission)."""


@dataclass(frozen=True)
class MoveTask:
    """An SQS message-move task, as ``ListMessageMoveTasks`` reports it."""

    handle: str
    status: str  # RUNNING, COMPLETED, CANCELLING, CANCELLED or FAILED
    moved: int
    to_move: int | None
    failure_reason: str = ""


# What a service without message-move tasks answers (moto in server mode: HTTP 500 or 501).
_UNAVAILABLE_CODES = frozenset(
    {"InternalFailure", "InternalError", "NotImplemented", "InvalidAction", "UnknownOperation"}
)


class Queue:
    def __init__(self, url: str, sqs: Callable[[], SQSClient]) -> None:
        self.url = url
        self._sqs = sqs

    def receive(
        self, most: int = 10, wait_seconds: int = 0, visibility_timeout: int | None = None
    ) -> list[QueueMessage]:
        """Up to ``most`` messages; ``wait_seconds`` > 0 long-polls (an empty short poll is
        normal on AWS even when messages wait: it samples only some servers)."""
        extra: dict[str, Any] = {}
        if visibility_timeout is not None:
            extra["VisibilityTimeout"] = visibility_timeout
        response = self._sqs().receive_message(
            QueueUrl=self.url, MaxNumberOfMessages=most, WaitTimeSeconds=wait_seconds, **extra
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

    def counts(self) -> tuple[int, int]:
        """(visible, in flight): SQS's approximate numbers of messages."""
        found = self.attributes(
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"
        )
        return (
            int(found.get("ApproximateNumberOfMessages", 0)),
            int(found.get("ApproximateNumberOfMessagesNotVisible", 0)),
        )

    def arn(self) -> str:
        return str(self.attributes("QueueArn")["QueueArn"])

    def start_move_task(self, destination_arn: str) -> str:
        """Start an SQS message-move task from this (dead-letter) queue; its handle.

        Raises ``MoveTasksUnavailable`` where there are none (moto) or they are not allowed.
        """
        try:
            response = self._sqs().start_message_move_task(
                SourceArn=self.arn(), DestinationArn=destination_arn
            )
        except NotImplementedError:  # moto in-process
            raise MoveTasksUnavailable("StartMessageMoveTask is not implemented") from None
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if code in _UNAVAILABLE_CODES or status >= 500 or "AccessDenied" in code:
                raise MoveTasksUnavailable(
                    f"StartMessageMoveTask answered {code or status}"
                ) from None
            raise
        return str(response["TaskHandle"])

    def move_task(self, handle: str) -> MoveTask | None:
        """The move task with this handle: SQS names the handle of a running task only, so a
        finished one is the most recent task of this queue."""
        response = self._sqs().list_message_move_tasks(SourceArn=self.arn(), MaxResults=10)
        results = response.get("Results", [])
        task = next((t for t in results if t.get("TaskHandle") == handle), None)
        if task is None and results and "TaskHandle" not in results[0]:
            task = results[0]
        if task is None:
            return None
        to_move = task.get("ApproximateNumberOfMessagesToMove")
        return MoveTask(
            handle=handle,
            status=str(task.get("Status", "")),
            moved=int(task.get("ApproximateNumberOfMessagesMoved", 0)),
            to_move=None if to_move is None else int(to_move),
            failure_reason=str(task.get("FailureReason", "")),
        )
