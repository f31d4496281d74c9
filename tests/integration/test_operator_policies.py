"""The operator policies grant exactly what the commands call: every command of the CLI is run
against template.yaml deployed into moto, each AWS call it makes recorded (``operator_iam.py``),
and the calls compared both ways with the template's ``OperatorPolicy`` (every command) and
``StatusPolicy`` (the read-only ones)."""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.deliveries import DynamoDeliveryLog
from annual_review.commands import recovery
from annual_review.commands.cli import main
from annual_review.fiscal import FinancialYear
from annual_review.publication.mail.delivery import MailFeedback
from annual_review.registry.councils import load_registry, packaged_registry_text
from annual_review_tools.local.mailbox import LOCAL_SENDER, prepare
from annual_review_tools.local.metering import on_every_client
from annual_review_tools.local.stack import LocalStack
from tests.builders import decision
from tests.integration.casework_year import a_year_of_casework
from tests.integration.iam import TRANSLATED
from tests.integration.operator_iam import CommandRecorder, covered, policy_grants
from tests.integration.sqs_lambda import drain, put_events

pytestmark = pytest.mark.integration
YEAR = "2019-20"
# The commands that only read: what StatusPolicy is for.
# (Not `quarantine list`: a quarantined event may hold personal data.)
READ_ONLY = ("status", "verify", "calendar show", "letters deliveries")
# Granted to operators but not called here, each with its reason.
NOT_CALLED_HERE = {
    ("sqs:ChangeMessageVisibility", "IngestDeadLetterQueue"): (
        "redrive hides a message whose re-send failed for --visibility-timeout; here every "
        "re-send succeeds (tests/e2e/test_operator.py's flaky redrive makes them fail)"
    ),
    ("sqs:ChangeMessageVisibility", "UndeliveredEventsQueue"): (
        "as for the dead-letter queue: only after a failed re-send"
    ),
}


@contextlib.contextmanager
def recording(stack: LocalStack) -> Iterator[CommandRecorder]:
    recorder = CommandRecorder(stack)
    with on_every_client("provide-client-params", recorder.record):
        yield recorder


def run(recorder: CommandRecorder, name: str, *args: str) -> int:
    token = recorder.running(name)
    try:
        return main([*name.split(), *args, "--stack", "annual-review-local"])
    finally:
        recorder.done(token)


def put_body(decision_id: str) -> str:
    """An event as the casework rule delivers it to the queue."""
    return json.dumps(
        {"version": "0", "id": f"e-{decision_id}", "source": "ombudsman.casework",
         "account": "123456789012", "time": "2020-05-01T09:00:00Z", "region": "eu-west-2",
         "resources": [], "detail-type": "DecisionRecorded", "detail": decision(decision_id)}
    )  # fmt: skip


def bounced(stack: LocalStack, code: str) -> None:
    """SES reports the council's letter bounced (what makes a resend allowed)."""
    log = DynamoDeliveryLog(stack.physical("DeliveriesTable"), AwsClients().dynamodb)
    [record] = [r for r in log.list(YEAR) if r.code == code and r.message == "officers"]
    assert record.message_id is not None
    bounce = MailFeedback(kind="bounce", at="2020-07-22T08:00:00Z", message_id=record.message_id)
    assert log.feedback(YEAR, record.revision, code, bounce)


def test_the_operator_policies_grant_exactly_what_the_commands_call(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Given a year of casework, a poison event, a stack that emails its letters
    a_year_of_casework(stack)
    put_events(stack, [("DecisionRecorded", decision("D-7", outcome="partly"))])
    drain(stack)
    aws = AwsClients()
    councils = load_registry(None).for_year(FinancialYear(2019))
    prepare(stack, aws.client("sesv2"), aws.client("scheduler"), aws.s3(), councils)
    recipients = (
        aws.s3()
        .get_object(Bucket=stack.physical("PrivateBucket"), Key="recipients/recipients.csv")["Body"]
        .read()
    )
    (tmp_path / "recipients.csv").write_bytes(recipients)
    (tmp_path / "councils.csv").write_text(packaged_registry_text())
    (tmp_path / "history.jsonl").write_text(
        '{"DetailType": "DecisionRecorded", "Detail": {"decision_id": "D-8", "version": 1,'
        ' "authority_code": "E09000021", "decided_on": "2019-06-10", "outcome": "upheld",'
        ' "service_area": "housing", "satisfactory_remedy_by_authority": false}}\n'
    )
    lambda_ = boto3.client("lambda")
    for function in ("LettersFunction",):
        name = stack.physical(function)
        variables = lambda_.get_function_configuration(FunctionName=name)["Environment"][
            "Variables"
        ]
        lambda_.update_function_configuration(
            FunctionName=name,
            Environment={"Variables": variables | {"SENDER_ADDRESS": LOCAL_SENDER}},
        )
    # The Lambda service draining the queue while a command waits: not the operator's calls.
    monkeypatch.setattr(recovery, "pause", lambda seconds: contextvars.Context().run(drain, stack))
    sqs = boto3.client("sqs")
    for queue in ("IngestDeadLetterQueue", "UndeliveredEventsQueue"):
        sqs.send_message(QueueUrl=stack.physical(queue), MessageBody=put_body("D-9"))
    monkeypatch.setenv("CLOCK", "2020-05-01T10:00:00+01:00")
    # When every command runs
    with recording(stack) as recorder:
        run(recorder, "send", "--events", str(tmp_path / "history.jsonl"), "--no-progress")
        drain(stack)
        run(recorder, "status", "--year", YEAR, "--json")
        run(recorder, "quarantine list")
        run(recorder, "quarantine replay", "--all")
        run(recorder, "redrive", "--wait", "0")
        run(recorder, "redrive", "--from", "undelivered", "--wait", "0")
        run(recorder, "registry upload", str(tmp_path / "councils.csv"))
        run(recorder, "recipients upload", str(tmp_path / "recipients.csv"), "--year", YEAR)
        run(recorder, "calendar set", "--year", YEAR, "--letters", "2020-07-22",
            "--release", "2020-07-29", "--reason", "the usual dates")  # fmt: skip
        run(recorder, "calendar show")
        monkeypatch.setenv("CLOCK", "2020-07-22T06:00:00+01:00")
        run(recorder, "publish", "--year", YEAR, "--step", "freeze")
        run(recorder, "publish", "--year", YEAR, "--step", "letters")
        run(recorder, "publish", "--year", YEAR, "--step", "release", "--force", "a test")
        run(recorder, "letters deliveries", "--year", YEAR)
        bounced(stack, "E09000021")
        run(recorder, "letters resend", "--year", YEAR, "--council", "E09000021",
            "--reason", "the chief executive asked")  # fmt: skip
        run(recorder, "verify", "--year", YEAR)
        run(recorder, "verify", "--year", YEAR, "--whole-ledger")  # the old full scan, kept
        run(recorder, "calendar hold", "--year", YEAR, "--reason", "an error found")
        run(recorder, "replay", "--from", "2020-07-01")
        boto3.client("dynamodb").put_item(
            TableName=stack.physical("AggregatesTable"),
            Item={
                "year": {"S": YEAR},
                "authority_code": {"S": "E09000033"},
                "decisions_upheld": {"N": "5"},
            },
        )  # fmt: skip  (a stray item the rebuild deletes)
        run(recorder, "rebuild aggregates", "--year", YEAR, "--in-flight-seconds", "0")
        run(recorder, "smoke", "--timeout", "30")
        ledger = stack.physical("LedgerTable")
        boto3.client("dynamodb").restore_table_to_point_in_time(
            SourceTableName=ledger, TargetTableName=f"{ledger}-restored",
            UseLatestRestorableTime=True,
        )  # fmt: skip
        boto3.client("dynamodb").delete_item(TableName=ledger, Key={"key": {"S": "decision#D-2"}})
        run(recorder, "restore ledger", "--from-table", f"{ledger}-restored",
            "--in-flight-seconds", "0")  # fmt: skip
    calls = recorder.calls
    for command, made in sorted(calls.items()):
        print(command, sorted(made))
    # Then the operator policy grants every call of every command, and nothing else
    operator = policy_grants(TRANSLATED, "OperatorPolicy")
    everything = set().union(*calls.values())
    assert {call for call in everything if not covered(call, operator)} == set()
    unused = {g for g in operator if not any(covered(c, {g}) for c in everything)}
    assert unused == set(NOT_CALLED_HERE)
    # and the status policy exactly what the read-only commands call
    status = policy_grants(TRANSLATED, "StatusPolicy")
    reads = set().union(*(calls[c] for c in READ_ONLY))
    assert {call for call in reads if not covered(call, status)} == set()
    assert {g for g in status if not any(covered(c, {g}) for c in reads)} == set()
    # and publish only invokes the step functions: it runs no step on the operator's machine
    assert {a for a, _ in calls["publish"]} == {
        "cloudformation:DescribeStacks",
        "cloudformation:ListStackResources",
        "lambda:GetFunctionConfiguration",
        "lambda:InvokeFunction",
    }
