"""Recovery: replaying the bus's archive, rebuilding the aggregates, and the heartbeat, against
template.yaml deployed into moto (events drained through the ingestion handler in-process)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from annual_review.adapters.clients import AwsClients
from annual_review.commands import recovery
from annual_review.commands.cli import main
from annual_review_tools.local.execution import imported_function
from annual_review_tools.local.runner import IngestPoller
from annual_review_tools.local.server import REGION
from annual_review_tools.local.stack import LocalStack
from functions.ingest import app
from tests.builders import decision
from tests.integration.casework_year import EXPECTED, YEAR, a_year_of_casework, empty, items
from tests.integration.sqs_lambda import aggregates, drain, put_events, quarantined

pytestmark = pytest.mark.integration
STACK = "annual-review-local"


def cli(*args: str) -> int:
    return main([*args, "--stack", STACK])


def test_replay_from_the_archive_into_a_fresh_ledger_reproduces_the_figures(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a year of casework applied, then a ledger and aggregates as fresh as a new stack's
    a_year_of_casework(stack)
    assert aggregates(stack) == EXPECTED
    empty(stack, "LedgerTable", ("key",))
    empty(stack, "AggregatesTable", ("year", "authority_code"))
    assert aggregates(stack) == {}
    # When the archive is replayed from yesterday and ingestion drains the queue
    monkeypatch.setattr(recovery, "pause", lambda seconds: None)
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    capsys.readouterr()
    assert cli("replay", "--from", yesterday) == 0
    out = capsys.readouterr().out
    assert "completed" in out
    drain(stack)
    # Then the figures are those of the casework, amendment included
    assert aggregates(stack) == EXPECTED
    # and replaying again (everything already applied) changes nothing
    assert cli("replay", "--from", yesterday) == 0
    drain(stack)
    assert aggregates(stack) == EXPECTED
    assert quarantined(stack) == []
    assert cli("verify", "--year", YEAR) == 0


def test_replay_refuses_a_window_that_ends_before_it_starts(stack: LocalStack) -> None:
    with pytest.raises(SystemExit, match="--from must be before --to"):
        cli("replay", "--from", "2026-05-02", "--to", "2026-05-01")


def test_rebuild_after_emptying_the_aggregates_restores_them_byte_for_byte(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a year applied, its aggregate items as stored, then emptied, and one stray item for a
    # council the ledger has nothing for
    a_year_of_casework(stack)
    before = items(stack, "AggregatesTable")
    assert aggregates(stack) == EXPECTED
    empty(stack, "AggregatesTable", ("year", "authority_code"))
    boto3.client("dynamodb").put_item(
        TableName=stack.physical("AggregatesTable"),
        Item={"year": {"S": YEAR}, "authority_code": {"S": "E09000033"},
              "decisions_upheld": {"N": "5"}},
    )  # fmt: skip
    assert cli("verify", "--year", YEAR) == 1
    monkeypatch.setattr(recovery, "pause", lambda seconds: None)
    # When the aggregates are rebuilt (ingestion left paused, as the local stack has it)
    capsys.readouterr()
    assert cli("rebuild", "aggregates", "--year", YEAR, "--leave-paused") == 0
    out = capsys.readouterr().out
    # Then every item is back exactly as ingestion wrote it, the stray one gone, verify passes
    assert items(stack, "AggregatesTable") == before
    assert f"{YEAR}: 2 councils from 5 ledger entries; 3 item(s) written" in out
    assert cli("verify", "--year", YEAR) == 0
    # and a second run (every year in the ledger) writes nothing and enables ingestion again
    assert cli("rebuild", "aggregates") == 0
    out = capsys.readouterr().out
    assert f"{YEAR}: 2 councils from 5 ledger entries; 0 item(s) written" in out
    assert "ingestion enabled" in out
    mappings = boto3.client("lambda").list_event_source_mappings(
        FunctionName=stack.physical("IngestFunction")
    )["EventSourceMappings"]
    assert [m["State"] for m in mappings] == ["Enabled"]


def test_the_heartbeat_reaches_ingestion_and_leaves_every_figure_unchanged(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a year applied
    a_year_of_casework(stack)
    ledger, figures = items(stack, "LedgerTable"), items(stack, "AggregatesTable")
    # When the smoke test puts a heartbeat on the bus (the Lambda service draining the queue
    # while the command waits)
    monkeypatch.setattr(recovery, "pause", lambda seconds: drain(stack))
    capsys.readouterr()
    assert cli("smoke", "--timeout", "60") == 0
    # Then ingestion recorded that heartbeat, and nothing else changed
    out = capsys.readouterr().out
    heartbeat_id = out.split("heartbeat ", 1)[1].split(" ", 1)[0]
    body = boto3.client("s3").get_object(
        Bucket=stack.physical("PrivateBucket"), Key="heartbeat/latest.json"
    )["Body"]
    recorded = json.loads(body.read())
    assert recorded["heartbeat_id"] == heartbeat_id
    assert recorded["sent_by"] == "smoke"
    assert items(stack, "LedgerTable") == ledger
    assert items(stack, "AggregatesTable") == figures
    assert aggregates(stack) == EXPECTED
    assert quarantined(stack) == []


def test_a_scheduled_heartbeat_is_recorded_without_any_figure(stack: LocalStack) -> None:
    # The schedule's payload (template.yaml, HeartbeatSchedule) as the scheduler sends it
    put_events(stack, [("Heartbeat", {"heartbeat_id": "exec-1", "sent_by": "schedule"})])
    tally = drain(stack)
    assert tally.count("heartbeat") == 1
    body = boto3.client("s3").get_object(
        Bucket=stack.physical("PrivateBucket"), Key="heartbeat/latest.json"
    )["Body"]
    assert json.loads(body.read())["heartbeat_id"] == "exec-1"
    assert aggregates(stack) == {}
    assert items(stack, "LedgerTable") == []
    assert quarantined(stack) == []


def test_a_quarantined_free_text_field_is_logged_by_name_never_by_value(stack: LocalStack) -> None:
    # Given a decision carrying a field the contract does not have, holding a person's name
    name = "Jane Quinlan-Public of 4 Acacia Avenue"
    put_events(stack, [("DecisionRecorded", decision("D-9", complainant_name=name))])
    # When ingestion handles it, its log lines captured as its log group would hold them
    logs = io.StringIO()
    poller = IngestPoller(
        imported_function(stack, "IngestFunction", app),
        AwsClients(region=REGION).sqs(),
        stack.physical("IngestQueue"),
        stack.physical("IngestDeadLetterQueue"),
        logs,
    )
    poller.drain()
    # Then the quarantine line names the field and holds nothing of its value
    [line] = [json.loads(x) for x in logs.getvalue().splitlines() if "event quarantined" in x]
    assert line["level"] == "WARNING"
    assert any("detail.complainant_name" in error for error in line["errors"])
    assert "Jane" not in logs.getvalue()
    assert "Acacia" not in logs.getvalue()
    # and the event itself is kept, whole, in the quarantine (where access is recorded)
    [record] = quarantined(stack)
    assert name in record["body"]
    assert all("Jane" not in error for error in record["errors"])
