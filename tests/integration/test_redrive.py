"""Redrive never loses a message: only what SQS accepted again leaves the dead-letter queue."""

from __future__ import annotations

import time
from collections.abc import Sequence

import boto3
import pytest
from moto import mock_aws

from annual_review.adapters.messaging import Queue
from annual_review.ingestion.redrive import redrive

pytestmark = pytest.mark.integration


class FlakyQueue(Queue):
    """A queue whose sends fail as SQS's can: some entries reported failed, some calls raising."""

    def __init__(self, url: str, failing_calls: set[int], failing_entries: set[int]) -> None:
        super().__init__(url, lambda: boto3.client("sqs"))
        self.calls = 0
        self.failing_calls = failing_calls
        self.failing_entries = failing_entries

    def send(self, bodies: Sequence[str]) -> set[int]:
        self.calls += 1
        if self.calls in self.failing_calls:
            raise boto3.client("sqs").exceptions.ClientError(
                {"Error": {"Code": "ServiceUnavailable", "Message": "injected"}},
                "SendMessageBatch",
            )
        kept = [i for i in range(len(bodies)) if i not in self.failing_entries]
        refused = super().send([bodies[i] for i in kept]) if kept else set()
        return {i for i in range(len(bodies)) if i in self.failing_entries} | {
            kept[i] for i in refused
        }


def bodies(url: str) -> list[str]:
    sqs = boto3.client("sqs")
    found: list[str] = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        found += [m["Body"] for m in messages]
    return found


def test_failed_sends_stay_in_the_dead_letter_queue_and_a_second_run_moves_them() -> None:
    with mock_aws():
        sqs = boto3.client("sqs")
        dlq_url = sqs.create_queue(QueueName="dlq")["QueueUrl"]
        ingest_url = sqs.create_queue(QueueName="ingest")["QueueUrl"]
        sent = [f'{{"id": "{n}"}}' for n in range(25)]
        for body in sent:
            sqs.send_message(QueueUrl=dlq_url, MessageBody=body)
        dead_letters = Queue(dlq_url, lambda: boto3.client("sqs"))

        # When a redrive meets a failing call and two entries refused in every other call
        flaky = FlakyQueue(ingest_url, failing_calls={2}, failing_entries={0, 3})
        report = redrive(dead_letters, flaky, wait_seconds=0, visibility_seconds=1)

        # Then what failed is reported and still dead-lettered (out of sight for a while)
        assert report.method == "receive and re-send"
        assert report.failed > 0
        assert report.moved + report.failed == len(sent)
        assert report.left == report.failed
        # And once visible again, a clean run moves the rest: every body arrives, once each
        time.sleep(1.1)  # the failed messages' visibility timeout
        second = redrive(
            dead_letters, Queue(ingest_url, lambda: boto3.client("sqs")), wait_seconds=0
        )
        assert (second.moved, second.failed, second.left) == (report.failed, 0, 0)
        assert sorted(bodies(ingest_url)) == sorted(sent)
        assert bodies(dlq_url) == []


def test_most_bounds_a_run() -> None:
    with mock_aws():
        sqs = boto3.client("sqs")
        dlq_url = sqs.create_queue(QueueName="dlq")["QueueUrl"]
        ingest_url = sqs.create_queue(QueueName="ingest")["QueueUrl"]
        for n in range(15):
            sqs.send_message(QueueUrl=dlq_url, MessageBody=str(n))
        report = redrive(
            Queue(dlq_url, lambda: boto3.client("sqs")),
            Queue(ingest_url, lambda: boto3.client("sqs")),
            most=12,
            wait_seconds=0,
        )
        assert (report.moved, report.failed, report.left) == (12, 0, 3)
