"""What a revision changed: per council, each figure's old and new value; the scale overall."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annual_review.figures.catalogue import CountName
from annual_review.publication.freeze.snapshot import CouncilFigures, Snapshot

# The figures a council's letter rests on, in the order a reader meets them.
FIGURES: tuple[tuple[CountName, str], ...] = (
    ("complaints_received", "complaints received"),
    ("detailed_investigations", "detailed investigations"),
    ("upheld", "complaints upheld"),
    ("satisfactory_remedies", "satisfactory remedies by the council"),
    ("compliance_total", "compliance outcomes"),
    ("complied", "recommendations complied with"),
    ("complied_late", "recommendations complied with late"),
    ("service_improvements", "service improvements"),
    ("decisions_total", "decisions"),
    ("population", "population estimate"),
)


@dataclass(frozen=True)
class FigureChange:
    figure: str
    label: str
    old: int | None
    new: int | None

    def sentence(self) -> str:
        return f"{self.label}: {_show(self.old)} before, {_show(self.new)} now"


def _show(value: int | None) -> str:
    return "not available" if value is None else f"{value:,}"


def _value(figures: CouncilFigures | None, name: CountName) -> int | None:
    return figures.count(name) if figures is not None else None


def council_changes(old: CouncilFigures | None, new: CouncilFigures) -> list[FigureChange]:
    """Each letter figure that differs; a difference anywhere in the counts (a service area, an
    outcome) with no headline change is still a change, reported as the decisions by outcome."""
    changes = [
        FigureChange(name, label, _value(old, name), _value(new, name))
        for name, label in FIGURES
        if _value(old, name) != _value(new, name)
    ]
    if not changes and (old is None or old.counts.counters != new.counts.counters):
        changes.append(FigureChange("cases", "cases by outcome or service area", None, None))
    return changes


def changed_councils(previous: Snapshot | None, current: Snapshot) -> dict[str, list[FigureChange]]:
    """Councils whose own figures changed between two revisions (all of them for a first one)."""
    before = {c.code: c for c in previous.councils} if previous else {}
    found = {}
    for figures in current.councils:
        changes = council_changes(before.get(figures.code), figures) if previous else []
        if previous is None or changes:
            found[figures.code] = changes
    return found


def revision_scale(previous: Snapshot, current: Snapshot) -> dict[str, Any]:
    """The published scale of a revision: councils affected and each figure's change in total."""
    changed = changed_councils(previous, current)
    before = {c.code: c for c in previous.councils}
    figures = []
    for name, label in FIGURES:
        moved = [
            code
            for code in changed
            if _value(before.get(code), name) != _value(current_by(current, code), name)
        ]
        if not moved:
            continue
        figures.append(
            {
                "figure": name,
                "label": label,
                "councils_changed": len(moved),
                "england_before": _total(previous.councils, name),
                "england_after": _total(current.councils, name),
            }
        )
    return {
        "revision": current.revision,
        "reason": current.revisions[-1].reason,
        "councils_affected": len(changed),
        "councils": sorted(changed),
        "figures": figures,
    }


def current_by(snapshot: Snapshot, code: str) -> CouncilFigures | None:
    return next((c for c in snapshot.councils if c.code == code), None)


def _total(councils: Sequence[CouncilFigures], name: CountName) -> int:
    return sum(_value(c, name) or 0 for c in councils)
