"""Restoring the ledger, as far as moto allows: deletion protection holds, a point-in-time
restore makes a new table (moto copies the table as it is now, not as it was), and
`annual-review restore ledger` makes the stack's ledger that copy again and rebuilds the figures."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from annual_review.commands import recovery
from annual_review.commands.cli import main
from annual_review_tools.local.stack import LocalStack
from tests.integration.casework_year import EXPECTED, YEAR, a_year_of_casework, items
from tests.integration.sqs_lambda import aggregates

pytestmark = pytest.mark.integration


def test_the_three_tables_refuse_to_be_deleted(stack: LocalStack) -> None:
    dynamodb = boto3.client("dynamodb")
    for table in ("LedgerTable", "AggregatesTable", "DeliveriesTable"):
        name = stack.physical(table)
        assert dynamodb.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"]
        with pytest.raises(ClientError, match="DeletionProtectionEnabled is set to True"):
            dynamodb.delete_table(TableName=name)


def test_a_restored_ledger_copied_back_gives_the_figures_again(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a year applied and the ledger restored to a table of its own
    a_year_of_casework(stack)
    dynamodb = boto3.client("dynamodb")
    ledger = stack.physical("LedgerTable")
    restored = f"{ledger}-restored"
    dynamodb.restore_table_to_point_in_time(
        SourceTableName=ledger, TargetTableName=restored, UseLatestRestorableTime=True
    )
    good = items(stack, "LedgerTable")
    # When the live ledger is damaged (an entry lost, one that never happened, a wrong figure)
    complaint = next(i for i in good if i["key"]["S"] == "complaint#C-1")
    dynamodb.delete_item(TableName=ledger, Key={"key": {"S": "decision#D-2"}})
    dynamodb.put_item(TableName=ledger, Item=complaint | {"key": {"S": "complaint#C-99"}})
    dynamodb.put_item(
        TableName=stack.physical("AggregatesTable"),
        Item={"year": {"S": YEAR}, "authority_code": {"S": "E09000007"},
              "complaints_area_housing": {"N": "7"}},
    )  # fmt: skip
    assert main(["verify", "--year", YEAR, "--stack", stack.stack_name]) == 1
    # and the restored copy is put back
    monkeypatch.setattr(recovery, "pause", lambda seconds: None)
    capsys.readouterr()
    command = ["restore", "ledger", "--from-table", restored, "--in-flight-seconds", "0"]
    assert main([*command, "--stack", stack.stack_name]) == 0
    out = capsys.readouterr().out
    # Then the ledger is what it was, the figures are those worked out by hand, verify passes
    assert "ledger: 1 item(s) put, 1 deleted" in out
    assert items(stack, "LedgerTable") == good
    assert aggregates(stack) == EXPECTED
    assert main(["verify", "--year", YEAR, "--stack", stack.stack_name]) == 0
