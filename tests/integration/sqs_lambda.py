"""Acting as the Lambda service in tests: put events on the bus, drain the queue through the
ingestion handler honouring its partial batch response, and read back what was stored."""

from __future__ import annotations

import json
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer

from annual_review_tools.local.stack import LocalStack
from functions.ingest import app


class FakeContext:
    function_name = "ingest"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-2:123456789012:function:ingest"
    aws_request_id = "test-request"

    def __init__(self, remaining_ms: int = 30_000) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def put_events(stack: LocalStack, entries: list[tuple[str, Any]]) -> None:
    events = boto3.client("events")
    bus = stack.outputs["CaseworkBusName"]
    for start in range(0, len(entries), 10):
        response = events.put_events(
            Entries=[
                {
                    "EventBusName": bus,
                    "Source": "ombudsman.casework",
                    "DetailType": detail_type,
                    "Detail": detail if isinstance(detail, str) else json.dumps(detail),
                }
                for detail_type, detail in entries[start : start + 10]
            ]
        )
        assert response["FailedEntryCount"] == 0


def drain(stack: LocalStack, queue: str = "IngestQueue") -> list[dict[str, Any]]:
    """Act as the Lambda service: receive batches, invoke, delete what succeeded."""
    sqs = boto3.client("sqs")
    url = stack.physical(queue)
    responses = []
    while messages := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]
    ).get("Messages", []):
        event = {
            "Records": [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": m["Attributes"],
                    "messageAttributes": {},
                    "md5OfBody": m["MD5OfBody"],
                    "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:eu-west-2:123456789012:ingest",
                    "awsRegion": "eu-west-2",
                }
                for m in messages
            ]
        }
        response = app.lambda_handler(event, FakeContext())
        failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
        for m in messages:
            if m["MessageId"] not in failed:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        responses.append(response)
        if failed:
            break
    return responses


def aggregates(stack: LocalStack) -> dict[str, dict[str, int]]:
    """Every aggregate item as ``{"year#code": {counter: value}}``, zero counters left out."""
    items = boto3.client("dynamodb").scan(TableName=stack.physical("AggregatesTable"))["Items"]
    plain = [{k: TypeDeserializer().deserialize(v) for k, v in item.items()} for item in items]
    return {
        f"{p['year']}#{p['authority_code']}": {
            k: int(v) for k, v in p.items() if k not in ("year", "authority_code") and v
        }
        for p in plain
    }


def quarantined(stack: LocalStack) -> list[dict[str, Any]]:
    s3 = boto3.client("s3")
    bucket = stack.physical("PrivateBucket")
    keys = [
        o["Key"]
        for o in s3.list_objects_v2(Bucket=bucket, Prefix="quarantine/").get("Contents", [])
    ]
    return [json.loads(s3.get_object(Bucket=bucket, Key=k)["Body"].read()) for k in keys]
