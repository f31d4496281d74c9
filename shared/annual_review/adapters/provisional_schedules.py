"""One-time EventBridge Scheduler schedules for the provisional quarterly releases: one per
announced quarter still to come, ``{year}-provisional-q{n}``, in the stack's schedule group, built
like the annual steps' (``at(...)`` in Europe/London, no flexible window, deleted after running,
retries and the publication dead-letter queue), invoking the release function with
``{"step": "release", "year": ..., "quarter": n}``. Only quarters still to come are scheduled;
a moved quarter's schedule is updated; nothing else is touched.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from annual_review.adapters.scheduler import EventBridgeSchedules, at_expression
from annual_review.calendar.provisional import ProvisionalCalendar, provisional_payload


def provisional_schedule_name(year: str, quarter: int) -> str:
    return f"{year}-provisional-q{quarter}"


def provisional_definition(
    schedules: EventBridgeSchedules, year: str, quarter: int, at: datetime
) -> dict[str, Any]:
    return {
        "Name": provisional_schedule_name(year, quarter),
        "GroupName": schedules.group,
        "ScheduleExpression": at_expression(at),
        "ScheduleExpressionTimezone": "Europe/London",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "ActionAfterCompletion": "DELETE",
        "State": "ENABLED",
        "Description": f"Annual Review {year}: provisional figures, Q{quarter} (release calendar)",
        "Target": {
            "Arn": schedules.targets["release"],
            "RoleArn": schedules.role_arn,
            "Input": json.dumps(provisional_payload(year, quarter), sort_keys=True),
            "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
            "DeadLetterConfig": {"Arn": schedules.dead_letter_arn},
        },
    }


def apply_provisional(
    schedules: EventBridgeSchedules, calendar: ProvisionalCalendar, now: datetime
) -> list[str]:
    """Create or move the schedule of every announced quarter still to come; what changed."""
    done = []
    for entry in calendar.entries:
        if entry.release_at <= now:
            continue
        definition = provisional_definition(schedules, entry.year, entry.quarter, entry.release_at)
        current = schedules._get(definition["Name"])
        if current is None:
            schedules.client.create_schedule(**definition)
            done.append(f"created {definition['Name']} {definition['ScheduleExpression']}")
        elif current.get("ScheduleExpression") != definition["ScheduleExpression"]:
            schedules.client.update_schedule(**definition)
            done.append(f"moved {definition['Name']} to {definition['ScheduleExpression']}")
    return done
