"""The Scheduler stand-in refuses what EventBridge Scheduler's API reference says it refuses,
and every at() not after its clock (undocumented on AWS: refused, so nothing relies on it)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from annual_review_tools.local.scheduler import ScheduleRefused, at_moment, problems_of

NOW = datetime(2020, 7, 22, 8, 0, tzinfo=UTC)  # 09:00 in London (BST)


def schedule(**changes: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "Name": "2019-20-release",
        "GroupName": "stack-publication",
        "ScheduleExpression": "at(2020-07-29T09:30:00)",
        "ScheduleExpressionTimezone": "Europe/London",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "ActionAfterCompletion": "DELETE",
        "State": "ENABLED",
        "Target": {
            "Arn": "arn:aws:lambda:eu-west-2:123456789012:function:release",
            "RoleArn": "arn:aws:iam::123456789012:role/scheduler",
            "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
        },
    }
    return params | changes


def refusal(params: dict[str, Any], group_exists: bool = True) -> tuple[str, str]:
    with pytest.raises(ScheduleRefused) as refused:
        problems_of(params, NOW, group_exists)
    return refused.value.code, str(refused.value)


def test_a_well_formed_future_schedule_is_accepted() -> None:
    problems_of(schedule(), NOW, group_exists=True)
    problems_of(schedule(ScheduleExpression="cron(30 9 ? 7 WED 2020)"), NOW, True)
    problems_of(schedule(ScheduleExpression="rate(5 minutes)"), NOW, True)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"Name": "a name with spaces"}, "Name"),
        ({"Name": "x" * 65}, "Name"),
        ({"ScheduleExpression": "at(2020-07-29 09:30)"}, "ScheduleExpression"),
        ({"ScheduleExpression": "at(2020-02-30T09:30:00)"}, "ScheduleExpression"),
        ({"ScheduleExpression": "rate(0 minutes)"}, "ScheduleExpression"),
        ({"ScheduleExpression": "cron(30 9 * *)"}, "ScheduleExpression"),
        ({"ScheduleExpressionTimezone": "Europe/Londres"}, "ScheduleExpressionTimezone"),
        ({"FlexibleTimeWindow": {}}, "FlexibleTimeWindow"),
        ({"FlexibleTimeWindow": {"Mode": "FLEXIBLE"}}, "FlexibleTimeWindow"),
        ({"State": "PAUSED"}, "State"),
        ({"ActionAfterCompletion": "ARCHIVE"}, "ActionAfterCompletion"),
    ],
)
def test_malformed_schedules_are_refused_naming_the_field(
    changes: dict[str, Any], field: str
) -> None:
    code, message = refusal(schedule(**changes))
    assert code == "ValidationException"
    assert message.startswith(field)


def test_a_target_needs_its_arn_and_the_role_scheduler_invokes_it_with() -> None:
    target = schedule()["Target"]
    assert refusal(schedule(Target=target | {"RoleArn": ""}))[1] == "Target.RoleArn: required"
    retry = target | {"RetryPolicy": {"MaximumRetryAttempts": 186}}
    assert refusal(schedule(Target=retry))[1].startswith("Target.RetryPolicy")


def test_the_group_must_exist() -> None:
    assert refusal(schedule(), group_exists=False) == (
        "ResourceNotFoundException",
        "Schedule group stack-publication does not exist.",
    )


def test_an_at_time_not_after_the_clock_is_refused_in_the_schedules_own_time_zone() -> None:
    # 09:00 London is 08:00 UTC: at(09:00:00) London is now, refused; 09:01 London is after.
    code, message = refusal(schedule(ScheduleExpression="at(2020-07-22T09:00:00)"))
    assert code == "ValidationException"
    assert "is not after the current time 2020-07-22T09:00:00+01:00" in message
    problems_of(schedule(ScheduleExpression="at(2020-07-22T09:01:00)"), NOW, True)
    # The same wall-clock time in UTC is an hour later than in London: still refused in Tokyo.
    tokyo = schedule(
        ScheduleExpression="at(2020-07-22T16:59:00)", ScheduleExpressionTimezone="Asia/Tokyo"
    )
    assert refusal(tokyo)[0] == "ValidationException"


def test_at_moment_reads_the_expression_in_its_time_zone() -> None:
    found = at_moment("at(2020-07-29T09:30:00)", "Europe/London")
    assert found is not None
    assert found.astimezone(UTC) == datetime(2020, 7, 29, 8, 30, tzinfo=UTC)
    assert at_moment("rate(5 minutes)", "UTC") is None
