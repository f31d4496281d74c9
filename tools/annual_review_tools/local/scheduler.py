"""EventBridge Scheduler as AWS documents it, for the local stack and the tests.

moto stores schedules but neither validates them nor fires them. This stand-in does both, on top
of moto's store, through botocore event hooks (so the product code talks to a real boto3
client, unchanged):

**Validation** (``CreateSchedule`` / ``UpdateSchedule``, as the Scheduler API reference's request
parameters and errors say): the name (1 to 64 of ``[0-9a-zA-Z-_.]``); the schedule group exists
(``ResourceNotFoundException``); ``ScheduleExpression`` is ``at(yyyy-mm-ddThh:mm:ss)``,
``rate(value unit)`` or a six-field ``cron(...)``, and ``at()`` names a real date and time;
``ScheduleExpressionTimezone`` is a time zone Scheduler knows (IANA names); ``FlexibleTimeWindow``
is present with ``Mode`` ``OFF`` or ``FLEXIBLE`` (which needs ``MaximumWindowInMinutes`` 1 to
1440); ``Target`` has an ``Arn`` and a ``RoleArn``; ``RetryPolicy`` within 0 to 185 attempts and
60 to 86,400 seconds; ``State`` ``ENABLED``/``DISABLED``; ``ActionAfterCompletion``
``NONE``/``DELETE``. Each refusal is a ``ValidationException`` naming the field.

**A past ``at()``.** Looked up for this stand-in (Scheduler User Guide, "Schedule types on
EventBridge Scheduler", one-time schedules; API reference, ``CreateSchedule``): a one-time
schedule invokes its target once at the date, time and time zone given, with 60-second
precision; ``StartDate`` and ``EndDate`` are ignored for one-time schedules; nothing in either
page says what happens to an ``at()`` already past (neither a validation error nor an immediate
or skipped invocation is documented). The design must not depend on an undocumented answer, so
this stand-in refuses an ``at()`` at or before its clock with a ``ValidationException``: any code
path that would hand Scheduler a past time fails loudly in the tests and the local run, instead
of silently relying on one behaviour or the other. The product never does (see
``annual_review.calendar.schedules``).

**Firing** (``fire_due``): every enabled one-time schedule whose moment has come, soonest first,
is delivered to ``invoke`` with its target and its ``Input`` parsed, at its moment (the clock
is set to it); Scheduler's part ends when the target accepts the asynchronous invocation, so the
schedule then completes whatever the function does, and ``ActionAfterCompletion: DELETE``
deletes it (``NONE`` keeps it, never fired again). Delivery is at least once (as the team's
AWS notes in docs/local-aws.md record: a step may be invoked twice): ``deliver_twice`` names
schedules delivered a second time, as a duplicate delivery would be.

Use from the local run and the tests::

    stand_in = SchedulerStandIn(clock_start)
    with stand_in.validating_every_client():     # or stand_in.attach(client)
        ... annual-review calendar set / change_calendar(...) ...   # validated
        stand_in.fire_due(scheduler_client, group, until, invoke, deliver_twice={"2019-20-letters"})
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from annual_review_tools.local.metering import on_every_client

_NAME = re.compile(r"^[0-9a-zA-Z\-_.]{1,64}$")
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_RATE = re.compile(r"^rate\(([1-9]\d*) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((\S+ ){5}\S+\)$")
_VALIDATED = ("CreateSchedule", "UpdateSchedule")
_REFUSAL = "scheduler_stand_in_refusal"


class ScheduleRefused(Exception):
    """What Scheduler would answer instead of storing the schedule."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def at_moment(expression: str, timezone: str | None) -> datetime | None:
    """The moment of a one-time schedule (None for rate and cron)."""
    match = _AT.match(expression)
    if match is None:
        return None
    return datetime.fromisoformat(match[1]).replace(tzinfo=ZoneInfo(timezone or "UTC"))


def problems_of(params: dict[str, Any], now: datetime, group_exists: bool) -> None:
    """Raise ``ScheduleRefused`` for the first rule ``params`` break, as Scheduler would."""

    def refuse(message: str) -> None:
        raise ScheduleRefused("ValidationException", message)

    if not _NAME.match(str(params.get("Name", ""))):
        refuse("Name: 1 to 64 letters, digits, '-', '_' or '.'")
    if not group_exists:
        raise ScheduleRefused(
            "ResourceNotFoundException",
            f"Schedule group {params.get('GroupName', 'default')} does not exist.",
        )
    expression = str(params.get("ScheduleExpression", ""))
    timezone = params.get("ScheduleExpressionTimezone")
    if timezone is not None and (timezone not in available_timezones()):
        refuse(f"ScheduleExpressionTimezone: {timezone!r} is not a supported time zone")
    if _AT.match(expression):
        try:
            moment = at_moment(expression, timezone)
        except (ValueError, ZoneInfoNotFoundError):
            refuse("ScheduleExpression: at() must name a real date and time")
            raise  # unreachable
        assert moment is not None
        if moment <= now:
            refuse(
                f"ScheduleExpression: {expression} is not after the current time "
                f"{now.astimezone(moment.tzinfo).isoformat(timespec='seconds')} in {timezone}"
            )
    elif not (_RATE.match(expression) or _CRON.match(expression)):
        refuse("ScheduleExpression: expected at(yyyy-mm-ddThh:mm:ss), rate(...) or cron(...)")
    window = params.get("FlexibleTimeWindow")
    if not isinstance(window, dict) or window.get("Mode") not in ("OFF", "FLEXIBLE"):
        refuse("FlexibleTimeWindow: Mode must be OFF or FLEXIBLE")
    assert isinstance(window, dict)
    minutes = int(window.get("MaximumWindowInMinutes", 0))
    if window["Mode"] == "FLEXIBLE" and not 1 <= minutes <= 1440:
        refuse("FlexibleTimeWindow: MaximumWindowInMinutes 1 to 1440 is needed with FLEXIBLE")
    target = params.get("Target") or {}
    for name in ("Arn", "RoleArn"):
        if not target.get(name):
            refuse(f"Target.{name}: required")
    retry = target.get("RetryPolicy") or {}
    if not 0 <= int(retry.get("MaximumRetryAttempts", 0)) <= 185:
        refuse("Target.RetryPolicy.MaximumRetryAttempts: 0 to 185")
    if not 60 <= int(retry.get("MaximumEventAgeInSeconds", 86400)) <= 86400:
        refuse("Target.RetryPolicy.MaximumEventAgeInSeconds: 60 to 86400")
    if params.get("State", "ENABLED") not in ("ENABLED", "DISABLED"):
        refuse("State: ENABLED or DISABLED")
    if params.get("ActionAfterCompletion", "NONE") not in ("NONE", "DELETE"):
        refuse("ActionAfterCompletion: NONE or DELETE")


@dataclass(frozen=True)
class Delivery:
    """One invocation Scheduler makes: the schedule, its target, its Input, when, which time."""

    name: str
    target_arn: str
    payload: dict[str, Any]
    at: datetime
    attempt: int  # 1, or 2 for a duplicate delivery


@dataclass
class SchedulerStandIn:
    now: datetime  # the clock the past-time rule reads; fire_due moves it to each moment
    groups: Callable[[], Collection[str]] | None = None  # existing groups (default: ask moto)
    delivered: list[Delivery] = field(default_factory=list)
    _fired: set[tuple[str, str]] = field(default_factory=set)

    # ------------------------------------------------------------------ validation
    def _check(self, params: dict[str, Any], client: Any) -> None:
        group = params.get("GroupName", "default")
        if self.groups is not None:
            exists = group in self.groups()
        else:
            try:
                client.get_schedule_group(Name=group)
                exists = True
            except ClientError:
                exists = group == "default"
        problems_of(params, self.now, exists)

    def _hooks(self, lookup: Callable[[], Any]) -> list[tuple[str, Callable[..., Any]]]:
        """Check the API parameters before botocore serialises them, and answer the call with
        Scheduler's error instead of sending it (what the client raises is then the same
        modelled exception, ``client.exceptions.ValidationException`` and so on)."""

        def check(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
            try:
                self._check(params, lookup())
            except ScheduleRefused as refused:
                context[_REFUSAL] = refused

        def answer(context: dict[str, Any], **_: Any) -> Any:
            refused = context.pop(_REFUSAL, None)
            if refused is None:
                return None
            parsed = {
                "Error": {"Code": refused.code, "Message": str(refused)},
                "ResponseMetadata": {"HTTPStatusCode": 400},
            }
            return AWSResponse("http://scheduler.local/", 400, {}, None), parsed  # type: ignore[arg-type]

        hooks: list[tuple[str, Callable[..., Any]]] = []
        for operation in _VALIDATED:
            hooks.append((f"before-parameter-build.scheduler.{operation}", check))
            hooks.append((f"before-call.scheduler.{operation}", answer))
        return hooks

    def attach(self, client: Any) -> None:
        """Validate what ``client`` creates and updates from now on."""
        for event, hook in self._hooks(lambda: client):
            client.meta.events.register(event, hook)

    @contextlib.contextmanager
    def validating_every_client(self, lookup: Callable[[], Any]) -> Iterator[None]:
        """Validate the schedules of every client made while the block runs; ``lookup`` makes
        the client that checks that groups exist (made before, or outside, the block)."""
        with contextlib.ExitStack() as stack:
            for event, hook in self._hooks(lookup):
                stack.enter_context(on_every_client(event, hook))
            yield

    # ---------------------------------------------------------------------- firing
    def due(
        self, client: Any, group: str, until: datetime
    ) -> list[tuple[datetime, dict[str, Any]]]:
        """Enabled one-time schedules of ``group`` whose moment is at or before ``until``."""
        found = []
        for page in client.get_paginator("list_schedules").paginate(GroupName=group):
            for summary in page.get("Schedules", []):
                schedule = client.get_schedule(GroupName=group, Name=summary["Name"])
                moment = at_moment(
                    schedule["ScheduleExpression"], schedule.get("ScheduleExpressionTimezone")
                )
                key = (schedule["Name"], schedule["ScheduleExpression"])
                if (
                    moment is None
                    or schedule.get("State") != "ENABLED"
                    or moment > until
                    or key in self._fired
                ):
                    continue
                found.append((moment, schedule))
        return sorted(found, key=lambda pair: (pair[0], pair[1]["Name"]))

    def fire_due(
        self,
        client: Any,
        group: str,
        until: datetime,
        invoke: Callable[[Delivery], Any],
        deliver_twice: Collection[str] = (),
    ) -> list[Delivery]:
        """Deliver every schedule due by ``until``, soonest first, each at its moment; a
        schedule a step creates or moves meanwhile is fired too if it is due. Returns the
        deliveries made."""
        made: list[Delivery] = []
        while due := self.due(client, group, until):
            moment, schedule = due[0]
            self.now = max(self.now, moment)
            target = schedule["Target"]
            payload = json.loads(target.get("Input") or "{}")
            self._fired.add((schedule["Name"], schedule["ScheduleExpression"]))
            try:
                for attempt in (1, 2) if schedule["Name"] in deliver_twice else (1,):
                    delivery = Delivery(schedule["Name"], target["Arn"], payload, moment, attempt)
                    made.append(delivery)
                    self.delivered.append(delivery)
                    invoke(delivery)
            finally:
                if schedule.get("ActionAfterCompletion") == "DELETE":
                    client.delete_schedule(GroupName=group, Name=schedule["Name"])
        return made
