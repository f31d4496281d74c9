"""The small facts the learning publication summarises: an item's financial year, the decisions
counted per service area, and the wording of a number of decisions.
"""

from __future__ import annotations

from collections.abc import Iterable

from annual_review.learning.changes import StoredItem


def _item_year(item: StoredItem) -> str:
    d = item.detail
    day = d.get("decided_on") or d.get("issued_on") or d.get("agreed_on") or ""
    y, m = int(day[:4]), int(day[5:7])
    start = y if m >= 4 else y - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _area_counts(items: Iterable[StoredItem]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        if item.kind == "decision":
            area = item.detail["service_area"]
            counts[area] = counts.get(area, 0) + 1
    return counts


def _decisions(n: int) -> str:
    return f"{n} decision{'s' if n != 1 else ''}"
