"""The transaction paths the local moto patches touch, as one scenario whose every result is
printed as JSON: run it in a process with the patches and in one without, and compare.

``python -m tests.integration.moto_patch_scenario [--patched]``
"""

from __future__ import annotations

import json
import sys
from typing import Any

from moto import mock_aws

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.dynamo import DynamoLedgerStore
from annual_review.figures.aggregates import AggregateKey
from annual_review.ingestion.contract import DecisionRecordedDetail
from annual_review.ingestion.planner import CommitConflict, LedgerWrite, ledger_entry
from annual_review_tools.local.stack import load_template

REGION = "eu-west-2"


def _decision(decision_id: str, version: int, outcome: str = "upheld") -> Any:
    detail = DecisionRecordedDetail.model_validate(
        {
            "decision_id": decision_id,
            "version": version,
            "authority_code": "E09000021",
            "decided_on": "2019-10-01",
            "outcome": outcome,
            "service_area": "housing",
            "satisfactory_remedy_by_authority": False,
        },
        strict=False,
    )
    return ledger_entry("DecisionRecorded", detail)


def _outcome(detail: Any) -> str:
    """A decision's outcome (the scenario's ledger holds decisions only)."""
    return str(detail.outcome)


def create_tables(aws: AwsClients) -> dict[str, str]:
    """The ledger and aggregates tables with the keys template.yaml gives them; their names."""
    resources = load_template()["Resources"]
    names = {"LedgerTable": "ledger", "AggregatesTable": "aggregates"}
    for logical_id, name in names.items():
        properties = resources[logical_id]["Properties"]
        aws.dynamodb().create_table(
            TableName=name,
            AttributeDefinitions=properties["AttributeDefinitions"],
            KeySchema=properties["KeySchema"],
            BillingMode="PAY_PER_REQUEST",
        )
    return names


def scenario() -> dict[str, Any]:
    results: dict[str, Any] = {}
    with mock_aws():
        aws = AwsClients(region=REGION)
        names = create_tables(aws)
        store = DynamoLedgerStore(names["LedgerTable"], names["AggregatesTable"], aws.dynamodb)
        year = AggregateKey("2019-20", "E09000021")

        def attempt(name: str, writes: list[LedgerWrite], deltas: dict[Any, Any]) -> None:
            try:
                store.commit(writes, deltas)
                results[name] = "committed"
            except CommitConflict as conflict:
                results[name] = {
                    key: None if entry is None else [entry.version, _outcome(entry.detail)]
                    for key, entry in sorted(conflict.current.items())
                }
            except Exception as error:
                results[name] = type(error).__name__

        first, second = _decision("D-1", 1), _decision("D-2", 1)
        attempt("two new", [LedgerWrite(first, None), LedgerWrite(second, None)],
                {year: {"decisions_upheld": 2}})  # fmt: skip
        # A duplicate among new writes: the whole transaction is cancelled, nothing is written,
        # and DynamoDB returns what the ledger holds for the failed condition.
        attempt("one new, one duplicate", [LedgerWrite(_decision("D-3", 1), None),
                LedgerWrite(first, None)], {year: {"decisions_upheld": 2}})  # fmt: skip
        amended = _decision("D-1", 2, "not_upheld")
        attempt("amendment", [LedgerWrite(amended, 1)],
                {year: {"decisions_upheld": -1, "decisions_not_upheld": 1}})  # fmt: skip
        attempt("stale amendment", [LedgerWrite(_decision("D-1", 2), 1)],
                {year: {"decisions_upheld": 1}})  # fmt: skip
        attempt("two writes to one item", [LedgerWrite(first, 1), LedgerWrite(first, 1)], {})
        results["ledger"] = sorted(
            [entry.key, entry.version, _outcome(entry.detail)] for entry in store.scan_ledger()
        )
        items = aws.dynamodb().scan(TableName=names["AggregatesTable"])["Items"]
        results["aggregates"] = sorted(json.dumps(item, sort_keys=True) for item in items)
        results |= _paged_scans(aws)
        results |= _item_sizes(aws)
        results |= _queues(aws)
        results |= _bus(aws)
    return results


# Queue attributes that hold the moment they were read or set: they differ run to run.
_MOMENTS = {"CreatedTimestamp", "LastModifiedTimestamp"}


def _counts(aws: AwsClients, url: str) -> dict[str, str]:
    attributes = aws.sqs().get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    return {k: v for k, v in attributes["Attributes"].items() if k not in _MOMENTS}


def _queues(aws: AwsClients) -> dict[str, Any]:
    """SQS paths the patches touch: attributes (all, and one), sends to a standard and a FIFO
    queue with content-based deduplication, receives (handles), deletes and retention."""
    from moto.sqs.models import sqs_backends

    sqs, found = aws.sqs(), dict[str, Any]()
    url = sqs.create_queue(
        QueueName="work", Attributes={"VisibilityTimeout": "30", "MessageRetentionPeriod": "60"}
    )["QueueUrl"]
    fifo = sqs.create_queue(
        QueueName="work.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    for number in range(6):
        sqs.send_message(QueueUrl=url, MessageBody=f"message {number}")
    for body in ("same", "same", "other"):
        sqs.send_message(QueueUrl=fifo, MessageBody=body, MessageGroupId="g")
    found["after sends"] = _counts(aws, url)
    found["fifo after sends"] = _counts(aws, fifo)
    found["one attribute"] = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=3)["Messages"]
    found["received"] = sorted(m["Body"] for m in received)
    handles = [m["ReceiptHandle"] for m in received]
    found["handles"] = sorted({(len(h), h.isascii() and h.isalnum()) for h in handles})
    found["distinct handles"] = len(set(handles))
    found["after receive"] = _counts(aws, url)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=handles[0])
    found["after delete"] = _counts(aws, url)
    found["fifo received"] = [
        m["Body"] for m in sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]
    ]
    # Retention (60 s): the last waiting message, sent 61 s ago, is not received (moto stops
    # reading the queue at the first expired message: so the expired one is the last).
    queue = sqs_backends["123456789012"][REGION].queues["work"]
    aged: list[Any] = [m for m in queue._messages if m.body == "message 5"]
    for message in aged:
        message.sent_timestamp -= 61_000
    left = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    found["after retention"] = sorted(m["Body"] for m in left)
    return found


def _bus(aws: AwsClients) -> dict[str, Any]:
    """EventBridge delivering to SQS: the default input (the patched JSONPath parse) and an
    input transformer, for events that match the rule and one that does not."""
    events, sqs = aws.events(), aws.sqs()
    events.create_event_bus(Name="casework")
    urls = {name: sqs.create_queue(QueueName=name)["QueueUrl"] for name in ("whole", "transformed")}
    arns = {
        name: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        for name, url in urls.items()
    }
    events.put_rule(
        Name="decisions",
        EventBusName="casework",
        EventPattern=json.dumps({"source": ["ombudsman.casework"], "detail-type": ["Decision"]}),
    )
    events.put_targets(
        Rule="decisions",
        EventBusName="casework",
        Targets=[
            {"Id": "whole", "Arn": arns["whole"]},
            {
                "Id": "transformed",
                "Arn": arns["transformed"],
                "InputTransformer": {
                    "InputPathsMap": {"id": "$.detail.decision_id", "kind": "$.detail-type"},
                    "InputTemplate": '{"decision": "<id>", "kind": "<kind>"}',
                },
            },
        ],
    )
    entries: list[Any] = [
        {
            "Source": "ombudsman.casework",
            "DetailType": kind,
            "Detail": json.dumps({"decision_id": f"D-{n}", "version": n}),
            "EventBusName": "casework",
        }
        for n, kind in enumerate(["Decision", "Decision", "Complaint", "Decision"])
    ]
    put = events.put_events(Entries=entries)
    found: dict[str, Any] = {"failed puts": put["FailedEntryCount"]}
    for name, url in urls.items():
        bodies = [
            json.loads(m["Body"])
            for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        ]
        for body in bodies:  # the event's id and time are the bus's own, new each run
            body.pop("id", None)
            body.pop("time", None)
        found[f"delivered {name}"] = sorted(json.dumps(b, sort_keys=True) for b in bodies)
    return found


def _item_sizes(aws: AwsClients) -> dict[str, Any]:
    """DynamoDB's 400 KB item limit, on a put and on updates that grow an item past it (the
    size-bound patch), and many small counter updates that stay far below it."""
    client = aws.dynamodb()
    client.create_table(
        TableName="sizes",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    found: dict[str, Any] = {}

    def attempt(name: str, call: Any, **request: Any) -> None:
        try:
            call(TableName="sizes", **request)
            found[name] = "ok"
        except Exception as error:
            found[name] = getattr(error, "response", {}).get("Error", {}).get("Code", repr(error))

    attempt("put 410 KB", client.put_item, Item={"id": {"S": "big"}, "text": {"S": "x" * 410_000}})
    attempt("put 300 KB", client.put_item, Item={"id": {"S": "grows"}, "a": {"S": "x" * 300_000}})
    grow = {"Key": {"id": {"S": "grows"}}, "UpdateExpression": "SET #b = :b"}
    attempt("add 50 KB", client.update_item, **grow, ExpressionAttributeNames={"#b": "b"},
            ExpressionAttributeValues={":b": {"S": "y" * 50_000}})  # fmt: skip
    attempt("add 60 KB more", client.update_item, **grow, ExpressionAttributeNames={"#b": "c"},
            ExpressionAttributeValues={":b": {"S": "z" * 60_000}})  # fmt: skip
    for round_number in range(200):
        attempt("counters", client.update_item, Key={"id": {"S": "counts"}},
                UpdateExpression="ADD " + ", ".join(f"#c{i} :one" for i in range(40)),
                ExpressionAttributeNames={f"#c{i}": f"counter_{i}" for i in range(40)},
                ExpressionAttributeValues={":one": {"N": str(round_number % 3)}})  # fmt: skip
    item = client.get_item(TableName="sizes", Key={"id": {"S": "counts"}})["Item"]
    found["counter totals"] = sorted({value["N"] for name, value in item.items() if name != "id"})
    found["grown attributes"] = sorted(
        client.get_item(TableName="sizes", Key={"id": {"S": "grows"}})["Item"]
    )
    return found


def _paged_scans(aws: AwsClients) -> dict[str, Any]:
    """Scans page by page (the paging and the plain-items serializer patches): every page as
    the client receives it, from a hash-key table and a hash-and-range table whose items mix
    plain attributes with ones the patch leaves to moto (binary, set, map, list)."""
    client = aws.dynamodb()
    client.create_table(
        TableName="mixed",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.create_table(
        TableName="ranged",
        AttributeDefinitions=[
            {"AttributeName": "year", "AttributeType": "S"},
            {"AttributeName": "code", "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": "year", "KeyType": "HASH"},
            {"AttributeName": "code", "KeyType": "RANGE"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for number in range(40):
        item: dict[str, Any] = {
            "id": {"N": str(number * 7 % 40 - 5)},  # negative too: numeric, not text, order
            "text": {"S": f"value {number}"},
            "flag": {"BOOL": number % 2 == 0},
            "nothing": {"NULL": True},
        }
        if number % 10 == 3:
            item["blob"] = {"B": bytes([number, 0, 255])}
        if number % 10 == 5:
            item["nested"] = {"M": {"list": {"L": [{"N": "1"}, {"SS": ["a", "b"]}]}}}
        client.put_item(TableName="mixed", Item=item)
        client.put_item(
            TableName="ranged",
            Item={"year": {"S": f"20{19 + number % 3}"}, "code": {"S": f"E{number:04d}"}},
        )
    found: dict[str, Any] = {}
    for table, limit in (("mixed", 7), ("ranged", 4)):
        pages = []
        for page in client.get_paginator("scan").paginate(
            TableName=table, ConsistentRead=True, PaginationConfig={"PageSize": limit}
        ):
            pages.append(
                {
                    "items": page["Items"],
                    "count": [page["Count"], page["ScannedCount"]],
                    "next": page.get("LastEvaluatedKey"),
                }
            )
        found[f"{table} pages"] = json.loads(json.dumps(pages, default=repr))
    # Paging while the table changes: a later item deleted after the first page, then one added.
    seen, start = [], None
    for page_number in range(20):
        request: dict[str, Any] = {"TableName": "mixed", "Limit": 7}
        if start is not None:
            request["ExclusiveStartKey"] = start
        page = client.scan(**request)
        seen += [int(item["id"]["N"]) for item in page["Items"]]
        if page_number == 0:
            client.delete_item(TableName="mixed", Key={"id": {"N": "30"}})
        if page_number == 1:
            client.put_item(TableName="mixed", Item={"id": {"N": "40"}, "late": {"S": "yes"}})
        start = page.get("LastEvaluatedKey")
        if start is None:
            break
    found["changing scan"] = seen
    found["ranged filtered"] = client.scan(
        TableName="ranged",
        FilterExpression="#year = :year",
        ExpressionAttributeNames={"#year": "year"},
        ExpressionAttributeValues={":year": {"S": "2020"}},
    )["Count"]
    return found


if __name__ == "__main__":
    if "--patched" in sys.argv:
        from annual_review_tools.local.moto_fork import speedups as moto_speedups

        moto_speedups.install()
    print(json.dumps(scenario(), sort_keys=True))
