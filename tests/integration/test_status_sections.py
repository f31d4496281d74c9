"""`status` reads the next scheduled steps and the alarms in ALARM from the AWS APIs."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.deployment import DeployedStack
from annual_review.commands.status import alarms_section, schedules_section

pytestmark = pytest.mark.integration

NOW = datetime(2027, 7, 1, 12, 0, tzinfo=UTC)


def test_the_next_steps_come_from_the_stacks_schedule_group() -> None:
    with mock_aws():
        scheduler = boto3.client("scheduler")
        scheduler.create_schedule_group(Name="annual-review-publication")
        for name, at, step in (
            ("release-2026-27", "2027-07-29T09:30:00", "release"),
            ("freeze-2026-27", "2027-07-22T06:00:00", "freeze"),
            ("freeze-2025-26", "2026-07-22T06:00:00", "freeze"),  # already run
        ):
            scheduler.create_schedule(
                Name=name,
                GroupName="annual-review-publication",
                ScheduleExpression=f"at({at})",
                ScheduleExpressionTimezone="Europe/London",
                FlexibleTimeWindow={"Mode": "OFF"},
                Target={
                    "Arn": "arn:aws:lambda:eu-west-2:123456789012:function:f",
                    "RoleArn": "arn:aws:iam::123456789012:role/r",
                    "Input": json.dumps({"step": step, "year": "2026-27"}),
                },
            )
        stack = DeployedStack(
            "annual-review", {}, {"PublicationScheduleGroupName": "annual-review-publication"}
        )
        found = schedules_section(stack, AwsClients(), NOW)
    assert [(s["step"], s["at"]) for s in found["next"]] == [
        ("freeze", "2027-07-22T06:00+01:00"),
        ("release", "2027-07-29T09:30+01:00"),
    ]
    assert found["note"] is None


def test_only_the_stacks_alarms_in_alarm_are_listed() -> None:
    with mock_aws():
        cloudwatch = boto3.client("cloudwatch")
        for name in ("annual-review-IngestDeadLetterAlarm-A1", "annual-review-Quiet-B2", "other-X"):
            cloudwatch.put_metric_alarm(
                AlarmName=name,
                MetricName="ApproximateNumberOfMessagesVisible",
                Namespace="AWS/SQS",
                Statistic="Maximum",
                Period=60,
                EvaluationPeriods=1,
                Threshold=0,
                ComparisonOperator="GreaterThanThreshold",
            )
        for name in ("annual-review-IngestDeadLetterAlarm-A1", "other-X"):
            cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="4 > 0")
        stack = DeployedStack("annual-review", {}, {})
        found = alarms_section(stack, AwsClients())
    assert [(a["name"], a["reason"]) for a in found["in_alarm"]] == [
        ("annual-review-IngestDeadLetterAlarm-A1", "4 > 0")
    ]
