"""One-time EventBridge Scheduler schedules for the publication steps, kept as the calendar says.

Each step of each year is a schedule ``{year}-{step}`` in the stack's schedule group:
``at(...)`` in Europe/London, no flexible window, deleted by the Scheduler once it has run,
invoking the step's function with ``{"step": ..., "year": ...}`` through the scheduler role,
with retries and the publication dead-letter queue for invocations that could not be made.
Each has a check ``{year}-{step}-check`` at its deadline, invoking the release function with
``{"step": "release", "year": ..., "overdue": step}``: it only looks whether the step completed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from annual_review.calendar.release_calendar import LONDON, PlannedStep, ScheduledStep, Step

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient

STEPS: tuple[Step, ...] = ("freeze", "letters", "release")
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")


CHECK = "-check"


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

    def _definition(
        self, planned: PlannedStep, enabled: bool, check: bool = False
    ) -> dict[str, Any]:
        payload: dict[str, str] = planned.payload()
        if check:
            payload = {"step": "release", "year": planned.year, "overdue": planned.step}
        what = f"check that {planned.step} completed" if check else planned.step
        return {
            "Name": schedule_name(planned.year, planned.step) + (CHECK if check else ""),
            "GroupName": self.group,
            "ScheduleExpression": at_expression(planned.at),
            "ScheduleExpressionTimezone": "Europe/London",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "ActionAfterCompletion": "DELETE",
            "State": "ENABLED" if enabled else "DISABLED",
            "Description": f"Annual Review {planned.year}: {what} (release calendar)",
            "Target": {
                "Arn": self.targets[payload["step"]],
                "RoleArn": self.role_arn,
                "Input": json.dumps(payload, sort_keys=True),
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

    def apply(self, year: str, planned: Sequence[PlannedStep], now: datetime) -> list[str]:
        from annual_review.calendar.schedules import checks_for

        wanted = {p.step: p for p in planned}
        done = []
        for step in STEPS:
            for check in (False, True):
                name = schedule_name(year, step) + (CHECK if check else "")
                current = self._get(name)
                if step in wanted:
                    moment = checks_for(wanted[step]) if check else wanted[step]
                    definition = self._definition(moment, enabled=True, check=check)
                    if current is None:
                        self.client.create_schedule(**definition)
                        done.append(f"created {name} {definition['ScheduleExpression']}")
                    elif (current.get("ScheduleExpression"), current.get("State")) != (
                        definition["ScheduleExpression"],
                        "ENABLED",
                    ):
                        self.client.update_schedule(**definition)
                        done.append(f"moved {name} to {definition['ScheduleExpression']}")
                elif current is not None:
                    done += self._set_aside(current, name, year, step, check, now)
        return done

    def _set_aside(
        self, current: dict[str, Any], name: str, year: str, step: Step, check: bool, now: datetime
    ) -> list[str]:
        """A schedule no longer wanted: disabled while its moment is to come (a held year's
        steps stay listed), deleted once it has passed (Scheduler is never given a past time)."""
        moment = moment_of(
            str(current["ScheduleExpression"]), str(current.get("ScheduleExpressionTimezone", ""))
        )
        if moment is None:
            return []
        if moment <= now:
            self.client.delete_schedule(GroupName=self.group, Name=name)
            return [f"deleted {name}"]
        if current.get("State") != "ENABLED":
            return []
        kept = PlannedStep(year=year, step=step, at=moment)
        self.client.update_schedule(**self._definition(kept, enabled=False, check=check))
        return [f"disabled {name}"]

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
                if moment is None or payload.get("step") not in STEPS or "overdue" in payload:
                    continue  # not a step: a check of one, or another kind of schedule
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
