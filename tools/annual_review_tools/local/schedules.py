"""The release calendar acted out locally: moto stores Scheduler schedules but never fires them.

A local run sets each replayed year's dates with the same code as ``annual-review calendar set``
(so the one-time ``at(...)`` schedules are really created in the stack's schedule group), then
reads the schedules back and invokes each target function with the schedule's own payload at the
schedule's own moment, soonest first, deleting each once it ran (``ActionAfterCompletion``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.scheduler import moment_of
from annual_review.calendar.release_calendar import LONDON, ReleaseCalendar, default_dates, london
from annual_review.commands.calendar import CalendarPlace, calendar_place, change_calendar
from annual_review.fiscal import FinancialYear
from annual_review.settings import Settings
from annual_review_tools.local.stack import LocalStack

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient

LOCAL_OPERATOR = "local run"


@dataclass(frozen=True)
class ScheduledInvocation:
    name: str
    logical_id: str
    payload: dict[str, Any]
    at: datetime


def stack_place(stack: LocalStack, aws: AwsClients) -> CalendarPlace:
    """The calendar of the local stack, as `annual-review calendar` finds it (--stack)."""
    settings = Settings(
        private_bucket=stack.outputs["PrivateBucketName"],
        public_bucket=stack.outputs["PublicBucketName"],
    )
    return calendar_place(stack.outputs, settings, aws)


def announced_on(year: FinancialYear) -> datetime:
    """When a local run announces a year's dates: 1 May after it ends, well over 28 days ahead."""
    return london(datetime(year.start_year + 1, 5, 1).date(), time(10, 0))


def set_calendar(stack: LocalStack, year: FinancialYear, aws: AwsClients) -> list[str]:
    """Announce the year's usual dates, as an operator would with `calendar set`."""
    letters, release = default_dates(year)
    moment = announced_on(year)

    def announce(calendar: ReleaseCalendar) -> ReleaseCalendar:
        return calendar.set_dates(
            year.label, letters, release, now=moment, by=LOCAL_OPERATOR, reason=None
        )

    _, done = change_calendar(stack_place(stack, aws), year.label, announce, moment)
    return done


def scheduled_invocations(
    stack: LocalStack, scheduler: EventBridgeSchedulerClient
) -> list[ScheduledInvocation]:
    """Every enabled schedule in the stack's group, as the invocation it would make."""
    group = stack.outputs["PublicationScheduleGroupName"]
    found = []
    for page in scheduler.get_paginator("list_schedules").paginate(GroupName=group):
        for summary in page.get("Schedules", []):
            schedule = scheduler.get_schedule(GroupName=group, Name=summary["Name"])
            if schedule.get("State") != "ENABLED":
                continue
            at = moment_of(
                schedule["ScheduleExpression"], schedule.get("ScheduleExpressionTimezone", "UTC")
            )
            logical_id = stack.logical_id_of_function(schedule["Target"]["Arn"])
            if at is None or logical_id is None:
                raise ValueError(f"{summary['Name']}: not a one-time schedule of this stack")
            payload = json.loads(schedule["Target"].get("Input") or "{}")
            found.append(ScheduledInvocation(summary["Name"], logical_id, payload, at))
    return sorted(found, key=lambda i: (i.at.astimezone(UTC), i.name))


def done_with(stack: LocalStack, scheduler: EventBridgeSchedulerClient, name: str) -> None:
    """What ActionAfterCompletion=DELETE does once a one-time schedule has run."""
    scheduler.delete_schedule(GroupName=stack.outputs["PublicationScheduleGroupName"], Name=name)


def london_time(moment: datetime) -> str:
    return moment.astimezone(LONDON).isoformat()
