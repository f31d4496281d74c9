"""The calendar's schedules in EventBridge Scheduler, the delivery record in DynamoDB and the
SES feedback handler, against template.yaml deployed into moto."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.deliveries import DynamoDeliveryLog
from annual_review.adapters.scheduler import EventBridgeSchedules
from annual_review.calendar.release_calendar import LONDON
from annual_review.calendar.schedules import apply_calendar, next_scheduled_steps
from annual_review.publication.mail.delivery import DeliveryRecord
from annual_review_tools.local.stack import LocalStack
from functions.mail_feedback import app as feedback_app
from tests.builders import release_calendar
from tests.integration.sqs_lambda import context

pytestmark = pytest.mark.integration
YEAR = "2019-20"
MAY = datetime(2020, 5, 1, 9, 0, tzinfo=UTC)


def schedules(stack: LocalStack) -> EventBridgeSchedules:
    group = stack.outputs["PublicationScheduleGroupName"]
    boto3.client("scheduler").create_schedule_group(Name=group)  # moto's deploy skips it
    return EventBridgeSchedules(
        group,
        stack.outputs["PublicationSchedulerRoleArn"],
        stack.outputs["PublicationFailureQueueArn"],
        {
            "freeze": stack.outputs["FreezeFunctionArn"],
            "letters": stack.outputs["LettersFunctionArn"],
            "release": stack.outputs["ReleaseFunctionArn"],
        },
        AwsClients().scheduler,
    )


def test_the_calendar_creates_moves_and_disables_one_time_schedules(stack: LocalStack) -> None:
    store = schedules(stack)
    calendar = release_calendar(2019)
    # Three steps, each with the check at its deadline (30 min, 2 h, 30 min after it).
    assert [line.split()[1] for line in apply_calendar(store, calendar, YEAR, MAY)] == [
        "2019-20-freeze",
        "2019-20-freeze-check",
        "2019-20-letters",
        "2019-20-letters-check",
        "2019-20-release",
        "2019-20-release-check",
    ]
    check = boto3.client("scheduler").get_schedule(
        GroupName=store.group, Name="2019-20-letters-check"
    )
    assert check["ScheduleExpression"] == "at(2020-07-22T11:00:00)"
    assert check["Target"]["Arn"] == stack.outputs["ReleaseFunctionArn"]
    assert (
        check["Target"]["Input"] == '{"overdue": "letters", "step": "release", "year": "2019-20"}'
    )
    client = boto3.client("scheduler")
    release = client.get_schedule(GroupName=store.group, Name="2019-20-release")
    assert release["ScheduleExpression"] == "at(2020-07-29T09:30:00)"
    assert release["ScheduleExpressionTimezone"] == "Europe/London"
    assert release["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert release["ActionAfterCompletion"] == "DELETE"
    assert release["Target"]["Arn"] == stack.outputs["ReleaseFunctionArn"]
    assert release["Target"]["Input"] == '{"step": "release", "year": "2019-20"}'
    assert (
        release["Target"]["DeadLetterConfig"]["Arn"] == stack.outputs["PublicationFailureQueueArn"]
    )
    # Applying the same calendar again changes nothing.
    assert apply_calendar(store, calendar, YEAR, MAY) == []
    # Moved: only the release schedule changes.
    moved = calendar.set_dates(
        YEAR,
        datetime(2020, 7, 22, 9, 0, tzinfo=LONDON),
        datetime(2020, 8, 4, 9, 30, tzinfo=LONDON),
        now=MAY,
        by="tests",
        reason="registry correction",
    )
    assert apply_calendar(store, moved, YEAR, MAY) == [
        "moved 2019-20-release to at(2020-08-04T09:30:00)",
        "moved 2019-20-release-check to at(2020-08-04T10:00:00)",
    ]
    upcoming = next_scheduled_steps(store, MAY)
    assert [(s.step, s.at.isoformat(), s.enabled) for s in upcoming] == [
        ("freeze", "2020-07-22T06:00:00+01:00", True),
        ("letters", "2020-07-22T09:00:00+01:00", True),
        ("release", "2020-08-04T09:30:00+01:00", True),
    ]
    # Held: every schedule of the year is disabled, and still listed as such.
    held = moved.hold(YEAR, now=MAY, by="tests", reason="court order")
    assert len(apply_calendar(store, held, YEAR, MAY)) == 6
    assert [s.enabled for s in next_scheduled_steps(store, MAY)] == [False, False, False]


def record(code: str = "E09000021") -> DeliveryRecord:
    return DeliveryRecord(
        year=YEAR,
        revision=1,
        code=code,
        attempt=1,
        state="intent",
        intent_at="2020-07-22T09:00:00+01:00",
        roles=["chief executive", "leader"],
    )


def test_the_delivery_record_is_conditional_and_ses_events_land_on_it(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = DynamoDeliveryLog(stack.physical("DeliveriesTable"), AwsClients().dynamodb)
    assert log.begin(record(), None) is True
    assert log.begin(record(), None) is False  # another run already intends to send it
    log.accepted(record(), "ses-1", datetime(2020, 7, 22, 8, 0, 5, tzinfo=UTC))
    assert log.begin(record("E09000022"), None) is True
    # The handler SES's events reach, with the function's environment from the template.
    for name, value in stack.function_settings("MailFeedbackFunction").items():
        monkeypatch.setenv(name, value)
    bounce = {
        "source": "aws.ses",
        "detail-type": "Email Bounced",
        "detail": {
            "eventType": "Bounce",
            "bounce": {"bounceType": "Permanent", "bounceSubType": "General",
                       "timestamp": "2020-07-22T08:03:00.000Z"},
            "mail": {"messageId": "ses-1", "timestamp": "2020-07-22T08:00:05.000Z",
                     "tags": {"year": [YEAR], "revision": ["1"], "council": ["E09000021"]}},
        },
    }  # fmt: skip
    send = {
        "source": "aws.ses",
        "detail-type": "Email Sent",
        "detail": {
            "eventType": "Send",
            "send": {},
            "mail": {"messageId": "ses-2", "timestamp": "2020-07-22T08:00:06.000Z",
                     "tags": {"year": [YEAR], "revision": ["1"], "council": ["E09000022"]}},
        },
    }  # fmt: skip
    assert feedback_app.lambda_handler(bounce, context()) == {"recorded": True}
    assert feedback_app.lambda_handler(send, context()) == {"recorded": True}
    bounced, settled = log.list(YEAR, 1)
    assert (bounced.state, bounced.message_id, bounced.bounced_or_complained) == (
        "sent",
        "ses-1",
        True,
    )
    assert bounced.feedback[0].detail == "Permanent General"
    # A crash left E09000022 as an intent with no message id; SES's Send event settles it.
    assert (settled.state, settled.message_id) == ("sent", "ses-2")
