"""The template's Scheduler schedules, acted out: moto stores schedules but never fires them.

Each ``ScheduleV2`` event is a cron expression (Europe/London) built from template parameters;
it is resolved here with the parameters' defaults, so a local run invokes each publication
function with its schedule's payload at the moment the schedule would fire in a given year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from annual_review.fiscal import FinancialYear
from annual_review_tools.local.stack import LocalStack

LONDON = ZoneInfo("Europe/London")
# Yearly schedules only: cron(minutes hours day-of-month month ? *).
_YEARLY_CRON = re.compile(r"^cron\((\d+) (\d+) (\d+) (\d+) \? \*\)$")


@dataclass(frozen=True)
class ScheduledInvocation:
    logical_id: str
    payload: dict[str, Any]
    at: datetime


def _resolve(value: Any, parameters: dict[str, str]) -> Any:
    """The few intrinsic functions schedule expressions use: Ref, Select, Split and Sub."""
    if not isinstance(value, dict):
        return value
    if "Ref" in value:
        return parameters[value["Ref"]]
    if "Fn::Select" in value:
        index, items = value["Fn::Select"]
        return _resolve(items, parameters)[int(index)]
    if "Fn::Split" in value:
        separator, text = value["Fn::Split"]
        return str(_resolve(text, parameters)).split(separator)
    if "Fn::Sub" in value:
        text, variables = (
            value["Fn::Sub"] if isinstance(value["Fn::Sub"], list) else (value["Fn::Sub"], {})
        )
        names = parameters | {name: str(_resolve(v, parameters)) for name, v in variables.items()}
        return re.sub(r"\$\{([^}]+)\}", lambda match: names[match[1]], text)
    raise ValueError(f"unsupported intrinsic function in a schedule: {sorted(value)}")


def yearly_invocations(stack: LocalStack, year: FinancialYear) -> list[ScheduledInvocation]:
    """Every scheduled invocation for ``year``'s publication, in the order they would fire."""
    parameters = {
        name: str(parameter.get("Default", ""))
        for name, parameter in stack.template.get("Parameters", {}).items()
    }
    payloads = dict(stack.schedules())
    found = []
    for logical_id, resource in stack.template["Resources"].items():
        for event in resource.get("Properties", {}).get("Events", {}).values():
            if event.get("Type") != "ScheduleV2":
                continue
            expression = _resolve(event["Properties"]["ScheduleExpression"], parameters)
            match = _YEARLY_CRON.match(expression)
            if match is None:
                raise ValueError(f"{logical_id}: {expression!r} is not a yearly cron expression")
            minute, hour, day, month = (int(part) for part in match.groups())
            # The publication of a financial year happens in the summer after it ends.
            at = datetime(year.start_year + 1, month, day, hour, minute, tzinfo=LONDON)
            found.append(ScheduledInvocation(logical_id, payloads[logical_id], at))
    return sorted(found, key=lambda invocation: invocation.at)
