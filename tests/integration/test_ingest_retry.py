"""Transient DynamoDB failures inside the ingestion commit are retried within the invocation
(moto's transactions made to fail by a botocore before-call hook, as DynamoDB would)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders

from annual_review.ingestion.planner import WholeBatchRetry
from annual_review_tools.local.metering import on_every_client
from annual_review_tools.local.stack import LocalStack
from functions.ingest import app
from tests.builders import decision
from tests.integration.sqs_lambda import aggregates, context, one_batch, put_events

CONFLICT = {
    "Error": {"Code": "TransactionCanceledException", "Message": "[TransactionConflict]"},
    "CancellationReasons": [{"Code": "TransactionConflict"}],
}
pytestmark = pytest.mark.integration
THROTTLED = {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}


class TransientFailures:
    """Answers the first transactions with the given errors, then lets them through to moto."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self, **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        self.calls += 1
        if not self.errors:
            return None
        parsed = self.errors.pop(0) | {"ResponseMetadata": {"HTTPStatusCode": 400}}
        return AWSResponse("http://fault.local/", 400, HTTPHeaders(), None), parsed


def test_a_conflict_and_a_throttle_are_retried_and_the_batch_succeeds_in_one_invocation(
    stack: LocalStack,
) -> None:
    # Given three decisions in one batch, and DynamoDB answering the first transaction with a
    # conflict and the second with throttling
    put_events(stack, [("DecisionRecorded", decision(f"D-{n}")) for n in range(3)])
    event = one_batch(stack)
    failures = TransientFailures([CONFLICT, THROTTLED])
    # When the handler takes the batch once
    with on_every_client("before-call.dynamodb.TransactWriteItems", failures):
        response = app.lambda_handler(event, context(remaining_ms=30_000))
    # Then nothing goes back to the queue: the third attempt committed every decision, once
    assert response == {"batchItemFailures": []}
    assert failures.calls == 3
    assert aggregates(stack) == {
        "2019-20#E09000021": {"decisions_upheld": 3, "decisions_area_housing": 3}
    }


def test_with_no_time_for_another_slowest_call_the_records_go_back_to_the_queue(
    stack: LocalStack,
) -> None:
    # Given an invocation with 20 s left: 2 s to report leaves 18 s, one slowest call, no retry
    put_events(stack, [("DecisionRecorded", decision("D-1"))])
    event = one_batch(stack)
    failures = TransientFailures([CONFLICT])
    # When the handler takes it, and the one transaction conflicts
    with (
        on_every_client("before-call.dynamodb.TransactWriteItems", failures),
        pytest.raises(WholeBatchRetry, match="all 1 messages of the batch are to be retried"),
    ):
        app.lambda_handler(event, context(remaining_ms=20_000))
    # Then it was tried once, and the record is left for SQS to deliver again
    assert failures.calls == 1
    assert aggregates(stack) == {}
