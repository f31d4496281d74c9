"""Which accepted entries the bus's rules route anywhere, judged by the deployed rules' own
event patterns (moto's matcher, the one that delivers them). An entry the bus accepts but no rule
matches (another ``Source``) is neither lost nor dead-lettered: it is counted as unrouted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from moto.events.models import EventPattern

from annual_review_tools.local.synth import Entry

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient


class Routes:
    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = [EventPattern.load(raw) for raw in patterns]

    @classmethod
    def of_bus(cls, client: EventBridgeClient, bus_name: str) -> Routes:
        paginator = client.get_paginator("list_rules")
        patterns = [
            rule["EventPattern"]
            for page in paginator.paginate(EventBusName=bus_name)
            for rule in page.get("Rules", [])
            if rule.get("EventPattern") and rule.get("State", "ENABLED") == "ENABLED"
        ]
        return cls(patterns)

    def routes(self, entry: Entry) -> bool:
        """True when some rule's pattern matches the event the bus makes of ``entry``."""
        try:
            detail: Any = json.loads(entry.get("Detail", "{}"))
        except ValueError:
            detail = {}
        event = {
            "source": entry.get("Source"),
            "detail-type": entry.get("DetailType"),
            "detail": detail,
        }
        return any(pattern.matches_event(event) for pattern in self.patterns)  # type: ignore[arg-type]
