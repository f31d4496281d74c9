"""One-time EventBridge Scheduler schedules for the publication steps, kept as the calendar says.

Each step of each year is a schedule ``{year}-{step}`` in the stack's schedule group:
``at(...)`` in Europe/London, no flexible window, deleted by the Scheduler once it has run,
invoking the step's function with ``{"step": ..., "year": ...}`` through the scheduler role,
with retries and the publication dead-letter queue for invocations that could not be made.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from annual_review.calendar.release_calendar import LONDON, PlannedStep, ScheduledStep

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient

STEPS = ("freeze", "letters", "release")
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")


def schedule_name(year: str, step: str) -> str:
    return f"{year}-{step}"


def at_expression(moment: datetime) -> str:
    return f"at({moment.astimezone(LONDON).replace(tzinfo=None).isoformat(timespec='seconds')})"


def moment_of(expression: str, timezone: str) -> datetime | None:
    match = _AT.match(expression)
    if match is None:
        return None
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(match[1]).replace(tzinfo=ZoneInfo(timezone or "UTC"))


class EventBridgeSchedules:
    def __init__(
        self,
        group: str,
        role_arn: str,
        dead_letter_arn: str,
        targets: Mapping[str, str],
        scheduler: Callable[[], EventBridgeSchedulerClient],
    ) -> None:
        self.group = group
        self.role_arn = role_arn
        self.dead_letter_arn = dead_letter_arn
        self.targets = dict(targets)
        self._scheduler = scheduler

    @property
    def client(self) -> EventBridgeSchedulerClient:
        return self._scheduler()

    def _definition(self, planned: PlannedStep, enabled: bool) -> dict[str, Any]:
        return {
            "Name": schedule_name(planned.year, planned.step),
            "GroupName": self.group,
            "ScheduleExpression": at_expression(planned.at),
            "ScheduleExpressionTimezone": "Europe/London",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "ActionAfterCompletion": "DELETE",
            "State": "ENABLED" if enabled else "DISABLED",
            "Description": f"Annual Review {planned.year}: {planned.step} (release calendar)",
            "Target": {
                "Arn": self.targets[planned.step],
                "RoleArn": self.role_arn,
                "Input": json.dumps(planned.payload(), sort_keys=True),
                "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
                "DeadLetterConfig": {"Arn": self.dead_letter_arn},
            },
        }

    def _get(self, name: str) -> dict[str, Any] | None:
        try:
            found: dict[str, Any] = dict(self.client.get_schedule(GroupName=self.group, Name=name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                return None
            raise
        return found

    def apply(self, year: str, planned: Sequence[PlannedStep]) -> list[str]:
        wanted = {p.step: p for p in planned}
        done = []
        for step in STEPS:
            name = schedule_name(year, step)
            current = self._get(name)
            if step in wanted:
                definition = self._definition(wanted[step], enabled=True)
                if current is None:
                    self.client.create_schedule(**definition)
                    done.append(f"created {name} {definition['ScheduleExpression']}")
                elif (current.get("ScheduleExpression"), current.get("State")) != (
                    definition["ScheduleExpression"],
                    "ENABLED",
                ):
                    self.client.update_schedule(**definition)
                    done.append(f"moved {name} to {definition['ScheduleExpression']}")
            elif current is not None and current.get("State") == "ENABLED":
                moment = moment_of(
                    str(current["ScheduleExpression"]),
                    str(current.get("ScheduleExpressionTimezone", "")),
                )
                if moment is None:
                    continue
                kept = PlannedStep(year=year, step=step, at=moment)
                self.client.update_schedule(**self._definition(kept, enabled=False))
                done.append(f"disabled {name}")
        return done

    def upcoming(self) -> list[ScheduledStep]:
        found = []
        pages = self.client.get_paginator("list_schedules").paginate(GroupName=self.group)
        for page in pages:
            for summary in page.get("Schedules", []):
                schedule = self._get(summary["Name"])
                if schedule is None:
                    continue
                moment = moment_of(
                    str(schedule["ScheduleExpression"]),
                    str(schedule.get("ScheduleExpressionTimezone", "")),
                )
                payload = json.loads(schedule["Target"].get("Input") or "{}")
                if moment is None or payload.get("step") not in STEPS:
                    continue
                found.append(
                    ScheduledStep(
                        name=summary["Name"],
                        year=str(payload.get("year", "")),
                        step=payload["step"],
                        at=moment,
                        enabled=schedule.get("State") == "ENABLED",
                    )
                )
        return sorted(found, key=lambda s: (s.at, s.name))
