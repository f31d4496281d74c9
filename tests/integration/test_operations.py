"""Operations on a deployed stack: list and replay the quarantine, redrive the dead letters."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from annual_review.commands.cli import main
from annual_review_tools.local.stack import LocalStack
from tests.builders import decision
from tests.integration.sqs_lambda import aggregates, drain, put_events, quarantined

pytestmark = pytest.mark.integration


def cli(*args: str) -> int:
    return main([*args, "--stack", "annual-review-local"])


def test_a_quarantined_event_is_listed_with_its_errors(
    stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    put_events(stack, [("DecisionRecorded", decision("D-7", outcome="partly"))])
    drain(stack)
    capsys.readouterr()  # the handler's own log lines
    assert cli("quarantine", "list", "--json") == 0
    [line] = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    assert record["detail_type"] == "DecisionRecorded"
    assert record["errors"] == [
        "detail.outcome: Input should be 'upheld', 'not_upheld', 'closed_after_initial_enquiries',"
        " 'referred_back_for_local_resolution' or 'incomplete_invalid'"
        " (given a string of 6 characters)"
    ]


def test_a_corrected_replay_applies_once_and_leaves_the_quarantine(
    stack: LocalStack, tmp_path: Path
) -> None:
    # Given a decision quarantined for a lower-case council code
    put_events(stack, [("DecisionRecorded", decision("D-8", authority_code="e09000021"))])
    drain(stack)
    [record] = quarantined(stack)
    # When an operator replays it corrected, and the bus happens to deliver it twice
    corrected = tmp_path / "corrected.json"
    corrected.write_text(json.dumps(decision("D-8", authority_code="E09000021")))
    assert cli("quarantine", "replay", "--id", record["id"], "--corrected", str(corrected)) == 0
    sqs = boto3.client("sqs")
    [message] = sqs.receive_message(QueueUrl=stack.physical("IngestQueue"))["Messages"]
    sqs.change_message_visibility(
        QueueUrl=stack.physical("IngestQueue"),
        ReceiptHandle=message["ReceiptHandle"],
        VisibilityTimeout=0,
    )
    sqs.send_message(QueueUrl=stack.physical("IngestQueue"), MessageBody=message["Body"])
    drain(stack)
    # Then it counts once, and the quarantine keeps only the record of the replay
    assert aggregates(stack)["2019-20#E09000021"]["decisions_upheld"] == 1
    assert quarantined(stack) == []
    s3 = boto3.client("s3")
    replayed = s3.list_objects_v2(
        Bucket=stack.physical("PrivateBucket"), Prefix="quarantine-replayed/"
    )["Contents"]
    assert [o["Key"] for o in replayed] == [f"quarantine-replayed/{record['id']}.json"]


def test_replaying_everything_unchanged_requarantines_what_is_still_wrong(
    stack: LocalStack,
) -> None:
    put_events(stack, [("DecisionRecorded", decision("D-9", version=0))])
    drain(stack)
    assert cli("quarantine", "replay", "--all") == 0
    drain(stack)
    [record] = quarantined(stack)
    assert "detail.version" in record["errors"][0]


def test_redrive_moves_dead_letters_back_and_they_then_apply(
    stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given two events that ended in the dead-letter queue after failed deliveries
    sqs = boto3.client("sqs")
    put_events(stack, [("DecisionRecorded", decision(f"D-{n}")) for n in range(2)])
    for message in sqs.receive_message(
        QueueUrl=stack.physical("IngestQueue"), MaxNumberOfMessages=10
    )["Messages"]:
        sqs.send_message(
            QueueUrl=stack.physical("IngestDeadLetterQueue"), MessageBody=message["Body"]
        )
        sqs.delete_message(
            QueueUrl=stack.physical("IngestQueue"), ReceiptHandle=message["ReceiptHandle"]
        )
    # When the operator redrives them
    capsys.readouterr()
    assert cli("redrive", "--wait", "0") == 0
    output = capsys.readouterr().out
    assert "no SQS message-move task here" in output
    assert "redrive (receive and re-send): moved 2, failed 0, left in the dead-letter queue 0" in (
        output
    )
    # Then the dead-letter queue is empty and the events apply
    assert "Messages" not in sqs.receive_message(QueueUrl=stack.physical("IngestDeadLetterQueue"))
    drain(stack)
    assert aggregates(stack)["2019-20#E09000021"]["decisions_upheld"] == 2


def test_undelivered_events_are_redriven_to_the_ingest_queue(
    stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an event the bus could not deliver, in the rule's dead-letter queue
    sqs = boto3.client("sqs")
    put_events(stack, [("DecisionRecorded", decision("D-20"))])
    [message] = sqs.receive_message(QueueUrl=stack.physical("IngestQueue"))["Messages"]
    sqs.send_message(QueueUrl=stack.physical("UndeliveredEventsQueue"), MessageBody=message["Body"])
    sqs.delete_message(
        QueueUrl=stack.physical("IngestQueue"), ReceiptHandle=message["ReceiptHandle"]
    )
    # When the operator redrives the undelivered events
    capsys.readouterr()
    assert cli("redrive", "--from", "undelivered", "--wait", "0") == 0
    assert "moved 1, failed 0" in capsys.readouterr().out
    # Then it is ingested
    drain(stack)
    assert aggregates(stack)["2019-20#E09000021"]["decisions_upheld"] == 1
