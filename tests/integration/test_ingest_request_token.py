"""A commit that succeeded but whose answer was lost is retried and reports its events applied.

botocore fills in a fresh ``ClientRequestToken`` for each call (the parameter is an idempotency
token), so its own retries of one call repeat it; but once every attempt of the call has timed
out, ingestion's retrier calls again, and only a token derived from the plan is the same then.
moto does not model the token, so the hook below plays DynamoDB's documented part
(TransactWriteItems API reference): a repeat with a token already carried out, and the same
items, within 10 minutes, succeeds and changes nothing; any other request goes to moto, which
finds the ledger item there and cancels the transaction.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, cast

import boto3
import pytest
from botocore import handlers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import ReadTimeoutError
from moto.core.botocore_stubber import MockRawResponse

from annual_review.adapters import dynamo
from functions.ingest import app
from tests.builders import decision
from tests.integration.sqs_lambda import aggregates, context, one_batch, put_events

pytestmark = pytest.mark.integration
HOOK = "before-send.dynamodb.TransactWriteItems"  # runs before moto's own before-send stub


class AnswerLostOnce:
    def __init__(self) -> None:
        self.direct = boto3.client("dynamodb")  # made before the hook: carries requests to moto
        self.carried_out: dict[str, dict[str, Any]] = {}
        self.attempts = 0  # HTTP requests, botocore's retries included
        self.calls = 0  # TransactWriteItems calls the adapter made

    def count_call(self, **_: Any) -> None:
        self.calls += 1

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        self.attempts += 1
        body = json.loads(cast(bytes, request.body or b"{}"))
        token = body.get("ClientRequestToken")
        if self.attempts == 1:  # carried out, but the answer is lost
            self.direct.transact_write_items(**body)
            self.carried_out[token] = body
        if self.calls == 1:  # and every attempt of this call times out
            raise ReadTimeoutError(endpoint_url=request.url)
        if self.carried_out.get(token) == body:
            return AWSResponse(request.url, 200, cast(Any, {}), MockRawResponse(b"{}"))
        return None


def ingest_with_lost_answer(stack: Any) -> tuple[AnswerLostOnce, list[str]]:
    put_events(stack, [("DecisionRecorded", decision(f"D-{n}")) for n in range(2)])
    event = one_batch(stack)
    lost = AnswerLostOnce()
    outcomes: list[str] = []
    entries = [(HOOK, lost), ("before-call.dynamodb.TransactWriteItems", lost.count_call)]
    handlers.BUILTIN_HANDLERS.extend(entries)
    real_report = app.report
    try:

        def report(result: Any) -> None:
            outcomes.append(result.outcome.value)
            real_report(result)

        app.report = report
        assert app.lambda_handler(event, context()) == {"batchItemFailures": []}
    finally:
        app.report = real_report
        for entry in entries:
            handlers.BUILTIN_HANDLERS.remove(entry)
    return lost, outcomes


def test_a_retried_commit_whose_first_answer_was_lost_reports_its_events_applied(
    stack: Any,
) -> None:
    # Given two decisions in one batch, and the first commit's answer lost after it succeeded
    lost, outcomes = ingest_with_lost_answer(stack)
    # Then botocore tried the call until it gave up, ingestion called again, DynamoDB
    # recognised the token, and both events are applied
    assert lost.calls == 2
    assert lost.attempts > 2
    assert outcomes == ["applied", "applied"]
    # and counted once
    assert aggregates(stack) == {
        "2019-20#E09000021": {"decisions_upheld": 2, "decisions_area_housing": 2}
    }


def test_with_a_token_of_botocores_own_the_same_retry_would_report_them_ignored(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The control: a fresh token per call, as botocore makes when none is given
    monkeypatch.setattr(dynamo, "request_token", lambda _items: str(uuid.uuid4()))
    lost, outcomes = ingest_with_lost_answer(stack)
    assert lost.calls == 2
    assert outcomes == ["ignored", "ignored"]
    assert aggregates(stack) == {
        "2019-20#E09000021": {"decisions_upheld": 2, "decisions_area_housing": 2}
    }
