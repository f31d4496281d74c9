"""The release calendar acted out locally: moto stores Scheduler schedules but never fires them.

A local run sets each replayed year's dates with the same code as ``annual-review calendar set``
(so the one-time ``at(...)`` schedules are really created in the stack's schedule group, checked
by the Scheduler stand-in as AWS checks them), then the stand-in fires them: each target function
is invoked with the schedule's own payload at the schedule's own moment, soonest first, and each
schedule is deleted once it ran (``ActionAfterCompletion``). ``fire_year`` is the one entry
point: pass ``deliver_twice`` to deliver a schedule twice, as Scheduler may.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.scheduler import moment_of
from annual_review.calendar.release_calendar import LONDON, ReleaseCalendar, default_dates, london
from annual_review.commands.calendar import CalendarPlace, calendar_place, change_calendar
from annual_review.fiscal import FinancialYear
from annual_review.settings import Settings
from annual_review_tools.local.scheduler import Delivery, SchedulerStandIn
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


def scheduler_stand_in(aws: AwsClients, year: FinancialYear) -> SchedulerStandIn:
    """A stand-in validating what the local run's Scheduler client creates, its clock at the
    moment the year's dates are announced."""
    stand_in = SchedulerStandIn(now=announced_on(year))
    stand_in.attach(aws.scheduler())
    return stand_in


def fire_year(
    stack: LocalStack,
    aws: AwsClients,
    stand_in: SchedulerStandIn,
    year: FinancialYear,
    invoke: Callable[[ScheduledInvocation], Any],
    deliver_twice: Collection[str] = (),
) -> list[Delivery]:
    """Fire every schedule due up to the day after the year's release, each at its moment."""
    _, release = default_dates(year)
    calendar = stack_place(stack, aws)
    from annual_review.calendar.calendar_files import load_calendar

    entry = load_calendar(calendar.private).entry(year.label)
    until = (entry.release_at if entry else release) + timedelta(days=1)

    def deliver(delivery: Delivery) -> None:
        logical_id = stack.logical_id_of_function(delivery.target_arn)
        if logical_id is None:
            raise ValueError(f"{delivery.name}: its target is not a function of this stack")
        invoke(ScheduledInvocation(delivery.name, logical_id, delivery.payload, delivery.at))

    group = stack.outputs["PublicationScheduleGroupName"]
    return stand_in.fire_due(aws.scheduler(), group, until, deliver, deliver_twice)


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


def move_release(
    stack: LocalStack,
    aws: AwsClients,
    stand_in: SchedulerStandIn,
    year: FinancialYear,
    release_at: datetime,
    now: datetime,
    reason: str,
) -> list[str]:
    """Move a year's release at ``now`` as an operator would with `calendar set` (the letters'
    date kept), with the stand-in's clock at ``now``: what changed in the schedules. After the
    letters went, only the release schedule (and its check) moves."""
    stand_in.now = now

    def move(calendar: ReleaseCalendar) -> ReleaseCalendar:
        entry = calendar.entry(year.label)
        if entry is None:
            raise ValueError(f"{year.label} has no dates to move")
        return calendar.set_dates(
            year.label, entry.letters_at, release_at, now=now, by=LOCAL_OPERATOR, reason=reason
        )

    _, done = change_calendar(stack_place(stack, aws), year.label, move, now)
    return done
