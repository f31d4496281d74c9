"""The Lambda service's SQS poller, acted out: real batches from the queue into the handler.

As the event-source mapping would: receive up to 10 messages with the queue's visibility timeout,
build the SQS event exactly as Lambda does, invoke the handler, delete what succeeded and leave
the ``batchItemFailures`` to come back. One local shortcut: a failed message's visibility is
set to 0 instead of waiting out the timeout (180 s), so retries happen at once; after
``maxReceiveCount`` receives moto's redrive moves it to the dead-letter queue, as SQS would.

Outcomes come from the function's own structured log lines (one per message, with
``message_id`` and ``outcome``: the ingestion contract), observed as log records, not parsed text.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from annual_review.adapters.messaging import Queue
from annual_review.ingestion.redrive import redrive
from annual_review_tools.local.execution import Function, environment, logs_to
from annual_review_tools.local.server import REGION

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

TERMINAL_OUTCOMES = ("applied", "ignored", "quarantined", "heartbeat")


class _OutcomeRecorder(logging.Handler):
    """Keeps the ``outcome`` each log record of the function reports for a ``message_id``."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.outcomes: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        message_id = getattr(record, "message_id", None)
        outcome = getattr(record, "outcome", None)
        if isinstance(message_id, str) and outcome in TERMINAL_OUTCOMES:
            self.outcomes[message_id] = outcome


@dataclass
class IngestTally:
    """The first terminal outcome of every event (by EventBridge event id) and what it took."""

    outcomes: dict[str, str] = field(default_factory=dict)
    item_failures: int = 0
    handler_errors: int = 0

    def count(self, outcome: str) -> int:
        return sum(1 for value in self.outcomes.values() if value == outcome)


def sqs_event(messages: Sequence[MessageTypeDef], queue_arn: str) -> dict[str, Any]:
    """The event Lambda's SQS poller hands the function for one batch."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": dict(message.get("Attributes", {})),
                "messageAttributes": {},
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for message in messages
        ]
    }


def _event_id(body: str, message_id: str) -> str:
    """The EventBridge id of the event a message carries: stable across resends and redrives."""
    try:
        event = json.loads(body)
    except ValueError:
        return message_id
    return str(event.get("id", message_id)) if isinstance(event, dict) else message_id


class IngestPoller:
    """Polls the ingestion queue and invokes the ingestion function until the queue is empty."""

    def __init__(
        self,
        function: Function,
        sqs: SQSClient,
        queue_url: str,
        dead_letter_queue_url: str,
        log_stream: IO[str],
    ) -> None:
        self.function = function
        self.sqs = sqs
        self.queue_url = queue_url
        self.dead_letter_queue_url = dead_letter_queue_url
        self.queue = Queue(queue_url, lambda: sqs)
        self.dead_letter_queue = Queue(dead_letter_queue_url, lambda: sqs)
        self.log_stream = log_stream
        attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])[
            "Attributes"
        ]
        self.queue_arn = attributes["QueueArn"]
        self.visibility_timeout = int(attributes["VisibilityTimeout"])
        self.tally = IngestTally()
        # Fault injection: whether this invocation "dies" after its work, before any delete.
        self.crash_after_commit: Callable[[], bool] = lambda: False

    @contextmanager
    def _running(self, recorder: _OutcomeRecorder) -> Iterator[None]:
        loggers = [logging.getLogger(logger.service) for logger in self.function.loggers()]
        for logger in loggers:
            logger.addHandler(recorder)
        try:
            with environment(self.function.environment), logs_to(self.function, self.log_stream):
                yield
        finally:
            for logger in loggers:
                logger.removeHandler(recorder)

    def drain(
        self,
        on_outcomes: Callable[[list[tuple[str, str]]], None] = lambda _: None,
        more_coming: Callable[[], bool] = lambda: False,
    ) -> IngestTally:
        """Invoke the function on batches until no message is left in flight and, while
        ``more_coming()`` (the case system is still sending), keep polling as Lambda does.
        ``on_outcomes`` gets each batch's new (event id, outcome) pairs."""
        recorder = _OutcomeRecorder()
        with self._running(recorder):
            while True:
                messages = self._receive()
                if not messages:
                    if more_coming():
                        time.sleep(0.02)
                        continue
                    if self._in_flight() == 0:
                        return self.tally
                    time.sleep(0.05)  # messages still invisible: let their timeout run out
                    continue
                on_outcomes(self._invoke(messages, recorder))

    def _receive(self) -> list[MessageTypeDef]:
        return self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=self.visibility_timeout,
            WaitTimeSeconds=0,
            MessageSystemAttributeNames=["All"],
        ).get("Messages", [])

    def _in_flight(self) -> int:
        return sum(self.queue.counts())

    def _invoke(
        self, messages: list[MessageTypeDef], recorder: _OutcomeRecorder
    ) -> list[tuple[str, str]]:
        """One invocation; the (event id, outcome) pairs it added to the tally."""
        recorder.outcomes.clear()
        new: list[tuple[str, str]] = []
        try:
            response = self.function.handler(
                sqs_event(messages, self.queue_arn), self.function.context()
            )
            failed = {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}
        except Exception:
            logging.getLogger(__name__).exception("ingestion handler raised; batch retried")
            self.tally.handler_errors += 1
            failed = {message["MessageId"] for message in messages}
        if self.crash_after_commit():
            # The function's work (and its log lines) happened, but nothing was deleted: the whole
            # batch comes back once its visibility timeout runs out (here, at once).
            self._make_visible(messages)
            return new
        self.tally.item_failures += len(failed)
        done = [m for m in messages if m["MessageId"] not in failed]
        for message in done:
            outcome = recorder.outcomes.get(message["MessageId"])
            if outcome is None:
                raise RuntimeError(
                    f"the ingestion function reported no outcome for message {message['MessageId']}"
                    " (is POWERTOOLS_LOG_LEVEL above INFO?)"
                )
            event_id = _event_id(message["Body"], message["MessageId"])
            if event_id not in self.tally.outcomes:
                self.tally.outcomes[event_id] = outcome
                new.append((event_id, outcome))
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
                ],
            )
        retry = [m for m in messages if m["MessageId"] in failed]
        if retry:
            self._make_visible(retry)
        return new

    def _make_visible(self, messages: list[MessageTypeDef]) -> None:
        self.sqs.change_message_visibility_batch(
            QueueUrl=self.queue_url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                for i, m in enumerate(messages)
            ],
        )

    def dead_letters(self) -> int:
        """Messages waiting in the dead-letter queue (visible or not)."""
        return sum(self.dead_letter_queue.counts())

    def redrive_dead_letters(self) -> int:
        """Move every dead-lettered message back to the queue, as ``annual-review redrive`` does
        (moto has no message-move task: receive, re-send, delete what was re-sent)."""
        report = redrive(
            self.dead_letter_queue,
            self.queue,
            wait_seconds=0,
            use_move_task=False,
        )
        return report.moved
