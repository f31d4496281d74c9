"""The operator's toolkit against one running local stack, as on AWS.

One small year is run through the local stack, which then stays up with the ingestion poller
draining the queue in the background (as ``annual-review local run --serve`` does), and every
command runs as a separate process with no AWS variables (``tests.e2e.operator.run_cli``). The
tests share the stack and run in file order: each leaves it as the next expects.
"""

from __future__ import annotations

import json
import math
import re
import shlex
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.dynamo import DynamoAggregatesReader
from annual_review.fiscal import FinancialYear
from annual_review.registry.councils import packaged_registry_text
from annual_review_tools.local.background import BackgroundIngestion
from annual_review_tools.local.harness import RunOptions, RunResult, run_on
from annual_review_tools.local.server import LocalServer
from tests.e2e.expected import expected_figures
from tests.e2e.operator import Ran, run_cli

pytestmark = pytest.mark.e2e

YEAR = FinancialYear(2019)
EVENTS_FILE = Path(__file__).with_name("events.jsonl")


@dataclass
class Running:
    endpoint: str
    result: RunResult
    home: Path  # an empty HOME: no AWS configuration or credentials
    aws: AwsClients

    def cli(self, *args: str, flaky: bool = False, cwd: Path | None = None) -> Ran:
        on_stack = args[:2] != ("registry", "validate")  # the one command without a stack
        return run_cli(args, self.endpoint, self.home, flaky=flaky, cwd=cwd, on_stack=on_stack)

    def physical(self, logical_id: str) -> str:
        assert self.result.stack is not None
        return self.result.stack.physical(logical_id)

    def upheld(self) -> int:
        reader = DynamoAggregatesReader(self.physical("AggregatesTable"), self.aws.dynamodb)
        return sum(a.upheld for a in reader.year(YEAR.label).values())

    def settled(self, timeout: float = 60) -> None:
        """Wait until the background poller has drained the ingest queue."""
        sqs = self.aws.sqs()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = sqs.get_queue_attributes(
                QueueUrl=self.physical("IngestQueue"),
                AttributeNames=[
                    "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible",
                ],
            )["Attributes"]
            if not any(int(v) for v in found.values()):
                time.sleep(0.5)  # a batch received just before may still be committing
                return
            time.sleep(0.2)
        raise AssertionError("the ingest queue was not drained")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    out = tmp_path_factory.mktemp("operator-run")
    home = tmp_path_factory.mktemp("operator-home")
    with LocalServer() as server:
        result = run_on(
            server, RunOptions(years=[YEAR], out_dir=out, seed=11, scale=0.01, progress=False)
        )
        assert result.stack is not None
        assert result.aws is not None
        running = Running(server.url, result, home, server.clients())
        with BackgroundIngestion(result.stack, result.aws, out, idle_seconds=0.2):
            yield running


def status(stack: Running, *args: str) -> dict[str, Any]:
    ran = stack.cli("status", "--json", *args)
    assert ran.code in (0, 1), ran.err
    return json.loads(ran.out)  # type: ignore[no-any-return]


def test_send_good_duplicate_and_malformed_lines_then_status_shows_them(stack: Running) -> None:
    # Given the stack after its year, and what status says of it
    before = status(stack, "--year", YEAR.label)
    assert before["queues"]["ingest"]["oldest_age_note"].startswith("not available")
    assert before["publication"][YEAR.label]["state"] == "released"
    assert before["years"][YEAR.label]["upheld"] == stack.upheld()

    # When the operator sends a file with good, duplicate and malformed lines
    sent = stack.cli("send", "--events", str(EVENTS_FILE))
    stack.settled()

    # Then good lines are sent, and the bad ones are named by line with the reason
    assert sent.code == 1, sent.err
    # (the last line's Source is another system's: the bus accepts it and no rule routes it)
    assert "sent 10 of 11 event(s)" in sent.out
    assert "rejected by the bus 1; unreadable lines 1" in sent.out
    assert "line 10: not a PutEvents entry" in sent.out
    assert "line 11: " in sent.out
    # And ingestion applied each event once (duplicate ignored, poison quarantined)
    entries = [
        {k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(line).items()}
        for line in EVENTS_FILE.read_text().splitlines()
        if line.startswith("{")
    ]
    added = sum(c["decisions_upheld"] for c in expected_figures(entries, YEAR.label).values())
    after = status(stack, "--year", YEAR.label)
    assert after["years"][YEAR.label]["upheld"] == before["years"][YEAR.label]["upheld"] + added
    assert after["quarantine"]["count"] == before["quarantine"]["count"] + 1
    assert after["queues"]["ingest"]["visible"] == 0

    # When the same file is sent again, nothing counts twice
    again = stack.cli("send", "--events", str(EVENTS_FILE), "--rate", "50")
    stack.settled()
    assert again.code == 1
    assert status(stack, "--year", YEAR.label)["years"] == after["years"]

    # And the human status fits one screen
    screen = stack.cli("status")
    assert screen.code == 0, screen.out + screen.err
    assert len(screen.out.splitlines()) <= 40
    for heading in ("queues", "quarantine", "years", "schedules", "alarms", "attention"):
        assert heading in screen.out


def dead_letter(stack: Running, count: int) -> list[str]:
    """``count`` new upheld decisions put straight into the dead-letter queue, as the rule
    delivers them (the whole EventBridge event as the body)."""
    sqs = stack.aws.sqs()
    ids = [f"19-dlq-{uuid.uuid4().hex[:8]}" for _ in range(count)]
    for decision_id in ids:
        body = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "DecisionRecorded",
            "source": "ombudsman.casework",
            "account": "123456789012",
            "time": "2020-02-03T10:15:00Z",
            "region": "eu-west-2",
            "resources": [],
            "detail": {
                "decision_id": decision_id,
                "version": 1,
                "authority_code": "E09000021",
                "decided_on": "2020-02-03",
                "outcome": "upheld",
                "service_area": "housing",
                "satisfactory_remedy_by_authority": False,
            },
        }
        sqs.send_message(
            QueueUrl=stack.physical("IngestDeadLetterQueue"), MessageBody=json.dumps(body)
        )
    return ids


def test_redrive_with_failing_sends_loses_nothing(stack: Running) -> None:
    # Given 25 decisions waiting in the dead-letter queue
    upheld = stack.upheld()
    dead_letter(stack, 25)
    assert status(stack)["queues"]["dead_letter"]["visible"] == 25

    # When a redrive meets refused entries and a failing call
    first = stack.cli("redrive", "--wait", "1", "--visibility-timeout", "2", flaky=True)

    # Then it says what moved, failed and was left, and deleted only what was re-sent
    assert first.code == 1, first.out + first.err
    assert "no SQS message-move task here" in first.out
    report = first.out.splitlines()[-1]
    moved, failed, left = (
        int(report.split(word)[1].split(",")[0].split()[0])
        for word in ("moved ", "failed ", "dead-letter queue ")
    )
    assert failed > 0
    assert moved + failed == 25
    assert left == failed

    # When the operator runs it again once the failed messages are visible again
    time.sleep(2.5)
    second = stack.cli("redrive", "--wait", "1")
    stack.settled()

    # Then everything arrived, and each decision counts once
    assert second.code == 0, second.out + second.err
    assert f"moved {failed}, failed 0, left in the dead-letter queue 0" in second.out
    assert stack.upheld() == upheld + 25
    assert status(stack)["queues"]["dead_letter"] == {"visible": 0, "in_flight": 0}


def test_registry_validate_and_upload(stack: Running, tmp_path: Path) -> None:
    good = tmp_path / "councils.csv"
    good.write_text(packaged_registry_text())
    lines = packaged_registry_text().splitlines()
    broken = tmp_path / "broken.csv"
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("type")] = "Parish council"
    broken.write_text("\n".join([lines[0], ",".join(row), *lines[2:], lines[3]]) + "\n")

    valid = stack.cli("registry", "validate", str(good))
    assert valid.code == 0, valid.out
    assert "valid," in valid.out
    invalid = stack.cli("registry", "validate", str(broken))
    assert invalid.code == 1
    assert "line 2: type: 'Parish council'" in invalid.out
    assert f"line {len(lines) + 1}: code: " in invalid.out  # line 3's council again
    refused = stack.cli("registry", "upload", str(broken))
    assert (refused.code, "not uploaded" in refused.out) == (1, True)

    uploaded = stack.cli("registry", "upload", str(good))
    assert uploaded.code == 0, uploaded.out + uploaded.err
    s3 = stack.aws.s3()
    versions = json.loads(
        s3.get_object(Bucket=stack.physical("PrivateBucket"), Key="registry/versions.json")[
            "Body"
        ].read()
    )["versions"]
    assert versions[-1]["sha256"] in uploaded.out or versions[-1]["sha256"][:12] in uploaded.out


def test_publish_runs_with_the_deployed_settings(stack: Running) -> None:
    # Given the freeze function deployed with AverageMethod=mean_of_rates (not the default)
    lambda_client = stack.aws.lambda_()
    function = stack.physical("FreezeFunction")
    variables = lambda_client.get_function_configuration(FunctionName=function)["Environment"][
        "Variables"
    ]
    lambda_client.update_function_configuration(
        FunctionName=function,
        Environment={"Variables": variables | {"AVERAGE_METHOD": "mean_of_rates"}},
    )

    # When the operator revises the year
    ran = stack.cli("publish", "--year", YEAR.label, "--revise", "deployed with mean of rates")
    assert ran.code == 0, ran.out + ran.err
    steps = [json.loads(line) for line in ran.out.splitlines()]
    assert [s["step"] for s in steps] == ["freeze", "letters", "release"]
    assert steps[0]["revision"] == 2
    assert steps[0]["registry"]["source"] == "uploaded"  # the registry uploaded above

    # Then the published averages are the means of the councils' rates, worked out here
    s3 = stack.aws.s3()
    published = json.loads(
        s3.get_object(
            Bucket=stack.physical("PublicBucket"), Key=f"data/{YEAR.label}/councils.json"
        )["Body"].read()
    )
    assert (published["revision"], published["average_method"]) == (2, "mean_of_rates")
    differs_from_pooled = False
    for group, averages in published["averages"].items():
        members = [c for c in published["councils"] if c["comparison_group"] == group]
        rates = [
            c["decisions"]["upheld"] / investigated
            for c in members
            if (investigated := c["decisions"]["upheld"] + c["decisions"]["not_upheld"])
        ]
        expected = math.fsum(rates) / len(rates) if rates else None
        assert averages["upheld_rate"] == pytest.approx(expected), group
        pooled_base = sum(c["decisions"]["upheld"] + c["decisions"]["not_upheld"] for c in members)
        if pooled_base and expected is not None:
            pooled = sum(c["decisions"]["upheld"] for c in members) / pooled_base
            differs_from_pooled |= not math.isclose(pooled, expected)
    assert differs_from_pooled  # the test could tell the two methods apart

    # And the data-quality report records the registry version the freeze used
    report = json.loads(
        s3.get_object(
            Bucket=stack.physical("PrivateBucket"), Key=f"reports/{YEAR.label}/data-quality.json"
        )["Body"].read()
    )
    assert report["registry"] == steps[0]["registry"]
    shown = status(stack, "--year", YEAR.label)["publication"][YEAR.label]
    assert (shown["state"], shown["revision"], shown["registry"]) == (
        "released",
        2,
        steps[0]["registry"],
    )


README = Path(__file__).resolve().parents[2] / "README.md"
RUNBOOK_COMMAND = re.compile(r"^\$ annual-review ([^#\n]+?)\s*(?:#.*)?$", re.MULTILINE)
# What each runbook command must print (exit 0 for all, on a healthy stack).
RUNBOOK_OUTPUT = {
    "send": "sent 9 of 9 event(s)",
    "status": "attention",
    "quarantine list": "quarantined event(s)",
    "registry validate": "valid,",
    "registry upload": "uploaded",
    "publish": '"step": ',
    "quarantine replay": " replayed",
    "redrive": "moved 0, failed 0, left in the dead-letter queue 0",
    "verify": "the ledger agrees with the stored aggregates and snapshot",
}


def runbook_commands() -> list[list[str]]:
    text = README.read_text()
    section = text[text.index("## Operating the service") :]
    section = section[: section.index("\n## ", 1)]
    return [shlex.split(command) for command in RUNBOOK_COMMAND.findall(section)]


def test_the_runbook(stack: Running, tmp_path: Path) -> None:
    # Given the files the runbook names: a history file, a registry, and a corrected event
    good_lines = EVENTS_FILE.read_text().splitlines()[:9]
    (tmp_path / "history.jsonl").write_text("\n".join(good_lines) + "\n")
    (tmp_path / "councils.csv").write_text(packaged_registry_text())
    corrected = json.loads(good_lines[8])["Detail"] | {"outcome": "upheld"}
    (tmp_path / "fixed.json").write_text(json.dumps(corrected))

    commands = runbook_commands()
    assert [c[0] for c in commands] == [
        "send",
        "status",
        "status",
        "quarantine",
        "registry",
        "registry",
        "publish",
        "publish",
        "publish",
        "publish",
        "publish",
        "quarantine",
        "quarantine",
        "redrive",
        "redrive",
        "verify",
    ]
    for command in commands:
        if command[:2] == ["quarantine", "replay"] and "ID" in command:
            stack.settled()
            command = [_quarantined_id(stack, "19-e2e-004") if a == "ID" else a for a in command]
        if command[0] == "verify":
            stack.settled()  # what the replays sent is ingested, then the year is revised
            stack.cli("publish", "--year", YEAR.label, "--step", "freeze", "--revise", "replays")
        if "--revise" in command:
            # A revision needs a change: a late decision arrives first.
            late = json.loads(good_lines[0])
            late["Detail"] |= {"decision_id": f"19-late-{uuid.uuid4().hex[:8]}"}
            (tmp_path / "late.jsonl").write_text(json.dumps(late) + "\n")
            assert stack.cli("send", "--events", str(tmp_path / "late.jsonl")).code == 0
            stack.settled()
        if command[0] == "redrive":
            command = [*command, "--wait", "1"]  # the long poll, shortened for the test
        ran = stack.cli(*command, cwd=tmp_path)
        name = " ".join(command[:2]) if " ".join(command[:2]) in RUNBOOK_OUTPUT else command[0]
        expected = '"queues": ' if "--json" in command else RUNBOOK_OUTPUT[name]
        assert ran.code == 0, f"{command}: {ran.out}{ran.err}"
        assert expected in ran.out, f"{command}: {ran.out}"


def _quarantined_id(stack: Running, decision_id: str) -> str:
    s3 = stack.aws.s3()
    bucket = stack.physical("PrivateBucket")
    for item in s3.list_objects_v2(Bucket=bucket, Prefix="quarantine/").get("Contents", []):
        record = json.loads(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
        if decision_id in record["body"]:
            return str(record["id"])
    raise AssertionError(f"no quarantined event for {decision_id}")
