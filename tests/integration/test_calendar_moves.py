"""The calendar moves safely, with EventBridge Scheduler played by the stand-in (validating
schedules and firing them at their moment) and the real publication handlers as targets.

2019-20's dates (tests.builders): letters Wednesday 22 July 2020 09:00 London, so the freeze
at 06:00 that morning; release Wednesday 29 July 09:30. Checks: 30 min after the freeze and the
release, 2 h after the letters.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from annual_review.adapters.clients import AwsClients
from annual_review.calendar.release_calendar import LONDON, CalendarError, ReleaseCalendar
from annual_review.commands.calendar import change_calendar
from annual_review.fiscal import FinancialYear
from annual_review_tools.local.scheduler import SchedulerStandIn
from annual_review_tools.local.schedules import ScheduledInvocation, move_release, stack_place
from annual_review_tools.local.stack import LocalStack
from functions.freeze import app as freeze_app
from functions.letters import app as letters_app
from functions.release import app as release_app
from tests.integration.publication_steps import seed, use_function
from tests.integration.sqs_lambda import context

pytestmark = pytest.mark.integration
YEAR = FinancialYear(2019)
HANDLERS = {"FreezeFunction": freeze_app, "LettersFunction": letters_app}


def london(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


class Steps:
    """Runs each delivery with the target's handler, as Lambda would; keeps what each said."""

    def __init__(self, stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> None:
        self.stack = stack
        self.monkeypatch = monkeypatch
        self.ran: list[tuple[str, str, Any]] = []

    def __call__(self, invocation: ScheduledInvocation) -> None:
        use_function(self.stack, self.monkeypatch, invocation.logical_id, invocation.at.isoformat())
        handler = HANDLERS.get(invocation.logical_id, release_app)
        result = handler.lambda_handler(invocation.payload, context())
        when = invocation.at.astimezone(LONDON).isoformat(timespec="minutes")
        self.ran.append((invocation.name, when, result.get("completed", "ran")))


def set_up(stack: LocalStack, now: str) -> tuple[AwsClients, SchedulerStandIn]:
    seed(stack)
    aws = AwsClients()
    aws.scheduler().create_schedule_group(Name=stack.outputs["PublicationScheduleGroupName"])
    stand_in = SchedulerStandIn(now=london(now))
    stand_in.attach(aws.scheduler())
    return aws, stand_in


def change(
    stack: LocalStack, aws: AwsClients, now: str, edit: Any
) -> tuple[ReleaseCalendar, list[str]]:
    return change_calendar(stack_place(stack, aws), YEAR.label, edit, london(now))


def schedules(stack: LocalStack) -> list[str]:
    group = stack.outputs["PublicationScheduleGroupName"]
    found = boto3.client("scheduler").list_schedules(GroupName=group)["Schedules"]
    return sorted(s["Name"] for s in found)


def index_years(stack: LocalStack) -> list[tuple[str, int, str]]:
    body = (
        boto3.client("s3")
        .get_object(Bucket=stack.physical("PublicBucket"), Key="data/index.json")["Body"]
        .read()
    )
    return [(e["year"], e["revision"], e["released_at"]) for e in json.loads(body)["years"]]


def test_moving_the_release_after_the_letters_went_creates_the_release_schedule_only(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the dates announced on 1 May, and letters day acted out by the stand-in to noon
    aws, stand_in = set_up(stack, "2020-05-01T10:00")
    _, made = change(stack, aws, "2020-05-01T10:00", lambda calendar: calendar)
    assert len(made) == 6  # three steps, three checks
    steps = Steps(stack, monkeypatch)
    group = stack.outputs["PublicationScheduleGroupName"]
    stand_in.fire_due(aws.scheduler(), group, london("2020-07-22T12:00"), _run(stack, steps))
    assert steps.ran == [
        ("2019-20-freeze", "2020-07-22T06:00+01:00", "ran"),
        ("2019-20-freeze-check", "2020-07-22T06:30+01:00", True),
        ("2019-20-letters", "2020-07-22T09:00+01:00", "ran"),
        ("2019-20-letters-check", "2020-07-22T11:00+01:00", True),
    ]
    assert schedules(stack) == ["2019-20-release", "2019-20-release-check"]

    # When, that afternoon, the release moves a week later (as the local run's helper does it)
    made = move_release(
        stack,
        aws,
        stand_in,
        YEAR,
        london("2020-08-05T09:30"),
        london("2020-07-22T15:00"),
        "a correction to the registry",
    )
    # Then only the release (and its check) moved: the freeze and letters are not made again
    assert made == [
        "moved 2019-20-release to at(2020-08-05T09:30:00)",
        "moved 2019-20-release-check to at(2020-08-05T10:00:00)",
    ]
    assert schedules(stack) == ["2019-20-release", "2019-20-release-check"]
    # and the letters, which went, cannot move
    with pytest.raises(CalendarError, match="the letters of 2019-20 went on 2020-07-22"):
        change(
            stack,
            aws,
            "2020-07-22T15:05",
            lambda calendar: calendar.set_dates(
                YEAR.label,
                london("2020-07-23T09:00"),
                london("2020-08-05T09:30"),
                now=london("2020-07-22T15:05"),
                by="tests",
                reason="again",
            ),
        )
    # When the rest of the year is acted out, nothing fires on the old date and the release
    # runs on the new one, once
    stand_in.fire_due(aws.scheduler(), group, london("2020-08-06T00:00"), _run(stack, steps))
    assert steps.ran[4:] == [
        ("2019-20-release", "2020-08-05T09:30+01:00", "ran"),
        ("2019-20-release-check", "2020-08-05T10:00+01:00", True),
    ]
    assert index_years(stack) == [("2019-20", 1, "2020-08-05T09:30:00+01:00")]
    assert schedules(stack) == []


def test_lifting_a_hold_schedules_what_had_not_run_and_a_late_step_is_refused(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws, stand_in = set_up(stack, "2020-05-01T10:00")
    change(stack, aws, "2020-05-01T10:00", lambda calendar: calendar)

    # Given the year held the day before its letters: nothing fires on letters day
    def hold(calendar: ReleaseCalendar) -> ReleaseCalendar:
        return calendar.hold(YEAR.label, now=london("2020-07-21T12:00"), by="tests", reason="court")

    _, made = change(stack, aws, "2020-07-21T12:00", hold)
    assert len(made) == 6
    assert [line.split()[0] for line in made] == ["disabled"] * 6
    steps = Steps(stack, monkeypatch)
    group = stack.outputs["PublicationScheduleGroupName"]
    assert (
        stand_in.fire_due(aws.scheduler(), group, london("2020-07-23T12:00"), _run(stack, steps))
        == []
    )

    # When the hold is lifted on the 23rd with the same dates: the letters' moment has passed
    def lift(letters: str) -> Any:
        return lambda calendar: calendar.set_dates(
            YEAR.label,
            london(letters),
            london("2020-07-29T09:30"),
            now=london("2020-07-23T12:00"),
            by="tests",
            reason="the court allowed it",
        )

    # Then it is refused (the freeze cannot run before letters that were due yesterday)
    with pytest.raises(CalendarError, match="2019-20 is not frozen"):
        change(stack, aws, "2020-07-23T12:00", lift("2020-07-22T09:00"))
    # and with new letters on Friday 24th, what had not run is scheduled, at the new moments
    _, made = change(stack, aws, "2020-07-23T12:00", lift("2020-07-24T09:00"))
    assert made == [
        "moved 2019-20-freeze to at(2020-07-24T06:00:00)",
        "moved 2019-20-freeze-check to at(2020-07-24T06:30:00)",
        "moved 2019-20-letters to at(2020-07-24T09:00:00)",
        "moved 2019-20-letters-check to at(2020-07-24T11:00:00)",
        "moved 2019-20-release to at(2020-07-29T09:30:00)",
        "moved 2019-20-release-check to at(2020-07-29T10:00:00)",
    ]
    stand_in.fire_due(aws.scheduler(), group, london("2020-07-30T00:00"), _run(stack, steps))
    assert [(name, when) for name, when, _ in steps.ran] == [
        ("2019-20-freeze", "2020-07-24T06:00+01:00"),
        ("2019-20-freeze-check", "2020-07-24T06:30+01:00"),
        ("2019-20-letters", "2020-07-24T09:00+01:00"),
        ("2019-20-letters-check", "2020-07-24T11:00+01:00"),
        ("2019-20-release", "2020-07-29T09:30+01:00"),
        ("2019-20-release-check", "2020-07-29T10:00+01:00"),
    ]
    assert index_years(stack) == [("2019-20", 1, "2020-07-29T09:30:00+01:00")]


def test_scheduler_refuses_a_schedule_in_the_past_as_the_client_s_own_exception(
    stack: LocalStack,
) -> None:
    aws, _ = set_up(stack, "2020-07-22T10:00")
    client = aws.scheduler()
    with pytest.raises(ClientError) as refused:
        client.create_schedule(
            Name="2019-20-letters",
            GroupName=stack.outputs["PublicationScheduleGroupName"],
            ScheduleExpression="at(2020-07-22T09:00:00)",
            ScheduleExpressionTimezone="Europe/London",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={
                "Arn": stack.outputs["LettersFunctionArn"],
                "RoleArn": stack.outputs["PublicationSchedulerRoleArn"],
            },
        )
    assert isinstance(refused.value, client.exceptions.ValidationException)
    assert schedules(stack) == []


def test_a_missed_overdue_check_alarms_when_the_step_did_not_complete(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the freeze never ran (its delivery lost), the check at 06:30 finds no snapshot
    aws, stand_in = set_up(stack, "2020-05-01T10:00")
    change(stack, aws, "2020-05-01T10:00", lambda calendar: calendar)
    boto3.client("scheduler").delete_schedule(
        GroupName=stack.outputs["PublicationScheduleGroupName"], Name="2019-20-freeze"
    )
    steps = Steps(stack, monkeypatch)
    group = stack.outputs["PublicationScheduleGroupName"]
    capsys.readouterr()
    stand_in.fire_due(aws.scheduler(), group, london("2020-07-22T07:00"), _run(stack, steps))
    assert steps.ran == [("2019-20-freeze-check", "2020-07-22T06:30+01:00", False)]
    assert '"PublicationStepOverdue":[1.0]' in capsys.readouterr().out


def _run(stack: LocalStack, steps: Steps) -> Any:
    """The stand-in's deliveries as the local run's invocations (the target's logical id)."""
    from annual_review_tools.local.scheduler import Delivery

    def deliver(delivery: Delivery) -> None:
        logical_id = stack.logical_id_of_function(delivery.target_arn)
        assert logical_id is not None
        steps(ScheduledInvocation(delivery.name, logical_id, delivery.payload, delivery.at))

    return deliver
