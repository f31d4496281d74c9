"""The ingestion function under moto: events put on the real bus travel the real rule to the
real queue, arrive in real SQS batches, and the handler's partial batch response is honoured."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from annual_review.ingestion.planner import WholeBatchRetry
from annual_review_tools.local.stack import LocalStack
from functions.ingest import app
from tests.bad_input import BAD_INPUT
from tests.builders import complaint, compliance, decision, withdrawal
from tests.handlers import load_event
from tests.integration.sqs_lambda import aggregates, context, drain, put_events, quarantined

pytestmark = pytest.mark.integration


def test_the_sam_invoke_fixture_applies_one_decision(stack: LocalStack) -> None:
    response = app.lambda_handler(load_event("sqs/decision-recorded.json"), context())
    assert response == {"batchItemFailures": []}
    assert aggregates(stack) == {
        "2019-20#E09000021": {
            "decisions_upheld": 1,
            "decisions_area_housing": 1,
            "case_system_service_improvements": 1,
        }
    }


def test_events_travel_bus_rule_queue_and_handler_exactly_once(stack: LocalStack) -> None:
    # Given a decision, a duplicate, an amendment arriving before its original, a withdrawal of
    # another decision, a compliance outcome and a complaint sent twice
    put_events(
        stack,
        [
            ("DecisionRecorded", decision("D-1", version=2, outcome="not_upheld")),
            ("DecisionRecorded", decision("D-1", version=1)),
            ("DecisionRecorded", decision("D-2", authority_code="E08000035")),
            ("DecisionRecorded", decision("D-2", authority_code="E08000035")),
            ("DecisionRecorded", decision("D-3", decided_on="2020-04-02")),
            ("DecisionWithdrawn", withdrawal("D-3", version=2)),
            ("ComplianceRecorded", compliance("D-2", authority_code="E08000035")),
            ("ComplaintReceived", complaint("C-1")),
            ("ComplaintReceived", complaint("C-1")),
        ],
    )
    # When the queue is drained through the handler
    tally = drain(stack)
    # Then each counted once, by its newest version, with no retries on the way
    assert (tally.item_failures, tally.handler_errors) == (0, 0)
    assert aggregates(stack) == {
        "2019-20#E09000021": {
            "decisions_not_upheld": 1,
            "decisions_area_housing": 1,
            "complaints_area_housing": 1,
        },
        "2019-20#E08000035": {
            "decisions_upheld": 1,
            "decisions_area_housing": 1,
            "compliance_complied": 1,
        },
    }
    assert quarantined(stack) == []


def test_an_unknown_detail_type_reaches_the_quarantine_rather_than_vanishing(
    stack: LocalStack,
) -> None:
    put_events(stack, [("DecisionReopened", decision())])
    drain(stack)
    [record] = quarantined(stack)
    assert record["detail_type"] == "DecisionReopened"
    # the error names the field; the value is kept in the record, never in the error
    assert record["errors"][0].startswith("detail-type: a string of 16 characters that is not")
    assert "DecisionReopened" not in record["errors"][0]


def test_every_kind_of_bad_input_is_quarantined_while_good_events_in_the_batch_apply(
    stack: LocalStack,
) -> None:
    # Given one batch per kind of bad input, each with a good complaint beside it
    for n, (kind, (raw, _)) in enumerate(BAD_INPUT.items()):
        good_body = json.dumps(
            load_event("eventbridge/complaint-received.json") | {"detail": complaint(f"C-{n}")}
        )
        event = {
            "Records": [
                {
                    "messageId": f"bad-{n}",
                    "receiptHandle": "r",
                    "body": raw,
                    "attributes": {"ApproximateReceiveCount": "1"},
                    "messageAttributes": {},
                    "md5OfBody": "",
                    "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:eu-west-2:123456789012:ingest",
                    "awsRegion": "eu-west-2",
                },
                {
                    "messageId": f"good-{n}",
                    "receiptHandle": "r",
                    "body": good_body,
                    "attributes": {"ApproximateReceiveCount": "1"},
                    "messageAttributes": {},
                    "md5OfBody": "",
                    "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:eu-west-2:123456789012:ingest",
                    "awsRegion": "eu-west-2",
                },
            ]
        }
        # When the handler takes the batch
        response = app.lambda_handler(event, context())
        # Then nothing is retried: poison is acknowledged, kept with its errors
        assert response == {"batchItemFailures": []}, kind
    records = quarantined(stack)
    assert {r["message_id"] for r in records} == {f"bad-{n}" for n in range(len(BAD_INPUT))}
    for record in records:
        kind = list(BAD_INPUT)[int(record["message_id"].removeprefix("bad-"))]
        message = "; ".join(record["errors"])
        for fragment in BAD_INPUT[kind][1]:
            assert fragment in message, kind
        assert record["received_at"]
    # and every good complaint of those batches was applied
    assert aggregates(stack)["2019-20#E09000021"]["complaints_area_housing"] == len(BAD_INPUT)


def test_a_throttled_transaction_is_reported_as_batch_item_failures(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given DynamoDB throttling every transaction
    def throttled(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "slow down"}},
            "TransactWriteItems",
        )

    store, _, _ = app.dependencies()
    monkeypatch.setattr(store.client, "transact_write_items", throttled)
    good = load_event("sqs/decision-recorded.json")["Records"][0]
    poison = good | {"messageId": "poison", "body": "not json"}
    # When a batch with a good event and a poisoned one arrives
    response = app.lambda_handler({"Records": [good, poison]}, context())
    # Then the good one is retried and the poisoned one is acknowledged into the quarantine
    assert response == {"batchItemFailures": [{"itemIdentifier": good["messageId"]}]}
    assert [r["message_id"] for r in quarantined(stack)] == ["poison"]
    assert aggregates(stack) == {}


def test_a_batch_that_fails_entirely_fails_the_invocation(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _, _ = app.dependencies()
    monkeypatch.setattr(
        store.client,
        "transact_write_items",
        lambda **_: (_ for _ in ()).throw(
            ClientError({"Error": {"Code": "TransactionConflict", "Message": ""}}, "Tx")
        ),
    )
    with pytest.raises(WholeBatchRetry):
        app.lambda_handler(load_event("sqs/decision-recorded.json"), context())


def test_a_real_conditional_failure_replans_from_the_returned_item(stack: LocalStack) -> None:
    # Given version 2 already applied, then a batch holding version 1 and a new decision
    app.lambda_handler(load_event("sqs/decision-amended.json"), context())
    original = load_event("sqs/decision-recorded.json")["Records"][0]
    other = original | {
        "messageId": "other",
        "body": json.dumps(json.loads(original["body"]) | {"detail": decision("D-9")}),
    }
    # When it arrives
    response = app.lambda_handler({"Records": [original, other]}, context())
    # Then the stale version changes nothing and the new decision is counted once
    assert response == {"batchItemFailures": []}
    assert aggregates(stack) == {
        "2019-20#E09000021": {
            "decisions_not_upheld": 1,
            "decisions_upheld": 1,
            "decisions_area_housing": 2,
        }
    }
