"""Acting as the Lambda service in tests: put events on the bus, drain the queue through the
ingestion handler honouring its partial batch response, and read back what was stored."""

from __future__ import annotations

import io
import json
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer

from annual_review.adapters.clients import AwsClients
from annual_review_tools.local.execution import FakeLambdaContext, imported_function
from annual_review_tools.local.runner import IngestPoller, IngestTally
from annual_review_tools.local.server import REGION
from annual_review_tools.local.stack import LocalStack
from functions.ingest import app


def context(remaining_ms: int = 30_000) -> FakeLambdaContext:
    """A Lambda context for a handler called directly, with this much time left."""
    return FakeLambdaContext(
        "IngestFunction",
        memory_limit_in_mb=512,
        timeout_seconds=remaining_ms // 1000,
        aws_request_id="test-request",
    )


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


def drain(stack: LocalStack) -> IngestTally:
    """Act as the Lambda service (the local stack's poller): batches from the queue into the
    ingestion handler, honouring its partial batch response, until the queue is empty."""
    aws = AwsClients(region=REGION)
    poller = IngestPoller(
        imported_function(stack, "IngestFunction", app),
        aws.sqs(),
        stack.physical("IngestQueue"),
        stack.physical("IngestDeadLetterQueue"),
        io.StringIO(),
    )
    return poller.drain()


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


def one_batch(stack: LocalStack) -> dict[str, Any]:
    """Receive the queue's messages as one SQS batch, in the Lambda event's shape."""
    sqs = boto3.client("sqs")
    messages = sqs.receive_message(
        QueueUrl=stack.physical("IngestQueue"), MaxNumberOfMessages=10, AttributeNames=["All"]
    )["Messages"]
    return {
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
