"""No two publication steps at once, with no reserved concurrency: the lease item in the
template's lease table, taken by the scheduled handlers and the publish command alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest

from annual_review.adapters.leases import DynamoLeaseStore
from annual_review.commands.cli import main
from annual_review.publication.lease import StepAlreadyRunning, lease_for
from annual_review_tools.local.stack import LocalStack
from tests.integration.publication_steps import LETTERS_MORNING, invoke, seed
from tests.integration.sqs_lambda import context

pytestmark = pytest.mark.integration
MORNING = datetime.fromisoformat(LETTERS_MORNING)


def hold(stack: LocalStack, step: str, since: datetime, minutes: int) -> DynamoLeaseStore:
    client = boto3.client("dynamodb")
    store = DynamoLeaseStore(stack.physical("PublicationLeaseTable"), lambda: client)
    lease = lease_for(step, "2019-20", "another-invocation", since, timedelta(minutes=minutes))
    assert store.take(lease, since) is None
    return store


def test_a_step_is_refused_while_another_runs_and_runs_once_it_has_ended(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the letters of 2019-20 running since 06:55 (lease until 07:05)
    seed(stack)
    since = MORNING - timedelta(minutes=5)
    store = hold(stack, "letters", since, 10)
    # When the freeze schedule fires at 07:00 (London), it is refused without doing anything
    with pytest.raises(
        StepAlreadyRunning,
        match=r"step letters of year 2019-20 is already "
        r"running since 2020-07-22T05:55:00\+00:00",
    ):
        invoke(stack, monkeypatch, "freeze", LETTERS_MORNING)
    private = stack.physical("PrivateBucket")
    assert "Contents" not in boto3.client("s3").list_objects_v2(Bucket=private, Prefix="snapshots/")
    # Then, once the letters have given the lease back, the freeze runs and frees it again
    store.give_back(lease_for("letters", "2019-20", "another-invocation", since, timedelta(0)))
    assert invoke(stack, monkeypatch, "freeze", LETTERS_MORNING)["created"] is True
    items = boto3.client("dynamodb").scan(TableName=stack.physical("PublicationLeaseTable"))
    assert items["Items"] == []


def test_a_lease_left_by_a_dead_invocation_is_taken_over_once_it_lapses(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(stack)
    hold(stack, "freeze", MORNING - timedelta(minutes=6), 5)  # lapsed a minute ago
    assert invoke(stack, monkeypatch, "freeze", LETTERS_MORNING)["revision"] == 1


def test_the_publish_command_takes_the_same_lease(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(stack)
    monkeypatch.setenv("CLOCK", LETTERS_MORNING)
    hold(stack, "release", MORNING - timedelta(minutes=1), 10)
    capsys.readouterr()
    code = main(["publish", "--year", "2019-20", "--step", "freeze", "--stack", stack.stack_name])
    assert code == 1
    assert (
        "annual-review publish freeze: step release of year 2019-20 is already running since "
        "2020-07-22T05:59:00+00:00" in capsys.readouterr().err
    )


def test_an_invocation_holds_the_lease_until_its_timeout_has_certainly_passed(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a freeze invocation with 300 s left, watched while it runs
    seed(stack)
    seen: list[dict[str, str]] = []
    dynamodb = boto3.client("dynamodb")
    table = stack.physical("PublicationLeaseTable")

    from annual_review.wiring import lambda_step

    real_run_step = lambda_step.run_step  # type: ignore[attr-defined]

    def watching(*args: object) -> object:
        [item] = dynamodb.scan(TableName=table)["Items"]
        seen.append({k: v.get("S", v.get("N", "")) for k, v in item.items()})
        return real_run_step(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(lambda_step, "run_step", watching)
    from functions.freeze import app as freeze_app
    from tests.integration.publication_steps import use_function

    use_function(stack, monkeypatch, "FreezeFunction", LETTERS_MORNING)
    freeze_app.lambda_handler({"step": "freeze"}, context(remaining_ms=300_000))
    # Then the lease named the step, the year and the request, and lapsed 310 s after it began
    [lease] = seen
    assert (lease["step"], lease["year"], lease["holder"]) == ("freeze", "2019-20", "test-request")
    began = datetime.fromisoformat(lease["acquired_at"])
    assert began == MORNING.astimezone(UTC)
    assert datetime.fromisoformat(lease["expires_at"]) - began == timedelta(seconds=310)


def test_a_second_delivery_of_the_same_step_finds_the_lease_taken_and_succeeds_quietly(
    stack: LocalStack,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given the freeze of 2019-20 running since 06:58 from the schedule's first delivery
    seed(stack)
    hold(stack, "freeze", MORNING - timedelta(minutes=2), 10)
    capsys.readouterr()
    # When Scheduler delivers the same freeze again (at least once), the invocation returns
    result = invoke(stack, monkeypatch, "freeze", LETTERS_MORNING)
    # Then it did nothing, said so in its log and metrics, and raised nothing for the error alarm
    assert result == {"step": "freeze", "year": "2019-20", "duplicate_of": "another-invocation"}
    private = stack.physical("PrivateBucket")
    assert "Contents" not in boto3.client("s3").list_objects_v2(Bucket=private, Prefix="snapshots/")
    assert "duplicate delivery: the step is already running" in caplog.text
    assert '"DuplicateStepDeliveries":[1.0]' in capsys.readouterr().out
