"""What a learning run reads its changes from, and what it reports having done."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from annual_review.learning.changes import Change


class ChangeSource(Protocol):
    def changes_on(self, day: date) -> list[Change]:
        """Every change record of one day (UTC)."""
        ...


@dataclass
class LearningResult:
    days: list[str]
    changes: int
    scopes: list[str]
    councils: int
    written: int
    objects: int
    released_now: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "days": len(self.days),
            "changes": self.changes,
            "council_years": len(self.scopes),
            "councils": self.councils,
            "objects": self.objects,
            "written": self.written,
            "released_now": self.released_now,
        }
