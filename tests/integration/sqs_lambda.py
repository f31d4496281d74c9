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


def context() -> FakeLambdaContext:
    return FakeLambdaContext("IngestFunction", memory_limit_in_mb=512, timeout_seconds=30)


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
