"""`annual-review verify` against a deployed stack: agreement, a tampered aggregate, and a
frozen snapshot that later events have overtaken."""

from __future__ import annotations

import boto3
import pytest

from annual_review.commands.cli import main
from annual_review_tools.local.stack import LocalStack
from tests.builders import complaint, decision
from tests.integration.sqs_lambda import drain, put_events

pytestmark = pytest.mark.integration


def verify(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["verify", "--year", "2019-20", "--stack", "annual-review-local", *extra])
    return code, capsys.readouterr().out


def test_verify_agrees_then_catches_a_tampered_aggregate(
    stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a few events applied through the bus, with a duplicate and an amendment
    put_events(
        stack,
        [
            ("DecisionRecorded", decision("D-1")),
            ("DecisionRecorded", decision("D-1")),
            ("DecisionRecorded", decision("D-2", version=2, outcome="not_upheld")),
            ("DecisionRecorded", decision("D-2")),
            ("ComplaintReceived", complaint("C-1")),
        ],
    )
    drain(stack)
    code, out = verify(capsys)
    assert code == 0
    assert "2019-20: the ledger agrees with the stored aggregates (no snapshot yet)" in out
    # When someone adds one to a counter behind the ledger's back
    boto3.client("dynamodb").update_item(
        TableName=stack.physical("AggregatesTable"),
        Key={"year": {"S": "2019-20"}, "authority_code": {"S": "E09000021"}},
        UpdateExpression="ADD decisions_upheld :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    # Then verify names the council, the counter and both figures, and fails
    code, out = verify(capsys)
    assert code == 1
    assert "aggregates: E09000021 decisions_upheld: ledger gives 1, found 2" in out


def test_verify_reports_a_snapshot_overtaken_by_later_events(
    stack: LocalStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a year frozen after one decision
    put_events(stack, [("DecisionRecorded", decision("D-1"))])
    drain(stack)
    monkeypatch.setenv("CLOCK", "2020-07-22T06:00:00+01:00")
    assert (
        main(["publish", "--year", "2019-20", "--step", "freeze", "--stack", "annual-review-local"])
        == 0
    )
    code, out = verify(capsys)
    assert code == 0, out
    assert "and snapshot r1" in out
    # When a late decision for that year arrives
    put_events(stack, [("DecisionRecorded", decision("D-2", outcome="not_upheld"))])
    drain(stack)
    # Then the aggregates agree but the snapshot no longer does, until a revision is issued
    code, out = verify(capsys)
    assert code == 1
    assert "snapshot r1: E09000021 decisions_not_upheld: ledger gives 1, found 0" in out
    assert "aggregates:" not in out
    assert (
        main(
            [
                "publish",
                "--year",
                "2019-20",
                "--step",
                "freeze",
                "--revise",
                "late decision",
                "--stack",
                "annual-review-local",
            ]
        )
        == 0
    )
    code, out = verify(capsys)
    assert code == 0, out
    assert "and snapshot r2" in out
    # and a second revision with nothing changed is refused, writing nothing
    private = stack.physical("PrivateBucket")
    before = boto3.client("s3").list_object_versions(Bucket=private).get("Versions", [])
    again = ["publish", "--year", "2019-20", "--step", "freeze", "--revise", "second look"]
    assert main([*again, "--stack", "annual-review-local"]) == 1
    assert "have not changed since revision 2" in capsys.readouterr().err
    assert boto3.client("s3").list_object_versions(Bucket=private).get("Versions", []) == before
