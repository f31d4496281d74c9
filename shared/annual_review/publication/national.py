"""England's figures for a frozen year: the totals the ombudsman's annual Review of Local
Government Complaints is built on.

For England and for each comparison group: councils, complaints received, decisions by outcome,
the complaint overview, decisions by service area and every catalogue statistic over the area's
totals (pooled: every case weighs the same, whatever the averaging method of the council
comparisons), each with the change on the year before when that year was published.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from annual_review import catalogue
from annual_review.aggregates import CouncilYearAggregate
from annual_review.catalogue import STATISTICS, AverageMethod
from annual_review.events import DecisionOutcome, ServiceArea
from annual_review.publication.open_data import (
    ROUNDED,
    dictionary_csv,
    rounded_cell,
    rounded_description,
    rows_csv,
)
from annual_review.publication.snapshot import CouncilFigures, Snapshot
from annual_review.registry import GROUP_ORDER

JsonObject = dict[str, Any]
ENGLAND = "England"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class AreaCounts:
    """An area's counts: its councils' counters summed (``Counts`` for the catalogue)."""

    totals: CouncilYearAggregate
    population: int | None

    @classmethod
    def of(cls, councils: Sequence[CouncilFigures]) -> AreaCounts:
        summed: Counter[str] = Counter()
        for council in councils:
            summed.update(council.counts.counters)
        known = [c.population for c in councils if c.population]
        return cls(CouncilYearAggregate("", "", dict(summed)), sum(known) if known else None)

    def count(self, name: str) -> int | None:
        if name == "population":
            return self.population
        found: int = getattr(self.totals, name)
        return found


def _area(name: str, level: str, councils: Sequence[CouncilFigures]) -> JsonObject:
    counts = AreaCounts.of(councils)
    totals = counts.totals
    return {
        "area": name,
        "level": level,
        "councils": len(councils),
        # Only councils with an estimate count toward a per-100,000 figure.
        "population": counts.population,
        "complaints_received": totals.complaints_received,
        "decisions": {"total": totals.decisions_total}
        | {o.value: totals.decisions(o) for o in DecisionOutcome},
        "overview": catalogue.overview(counts),
        "service_areas": {a.value: totals.decisions_by_area().get(a.value, 0) for a in ServiceArea},
        "statistics": {s.key: s.group_average(councils, AverageMethod.POOLED) for s in STATISTICS},
    }


def _areas(snapshot: Snapshot) -> list[JsonObject]:
    groups = [
        _area(group, "comparison group", members)
        for group in GROUP_ORDER
        if (members := [c for c in snapshot.councils if c.comparison_group == group])
    ]
    return [_area(ENGLAND, "country", snapshot.councils), *groups]


def _change(now: float | int | None, before: float | int | None) -> float | int | None:
    return None if now is None or before is None else now - before


def _compared(area: JsonObject, before: JsonObject | None) -> JsonObject:
    if before is None:
        return area | {"previous_year": None, "change": None}
    headline = {
        "complaints_received": area["complaints_received"],
        "decisions_total": area["decisions"]["total"],
        **{f"overview_{k}": v for k, v in area["overview"].items()},
        **area["statistics"],
    }
    previous = {
        "complaints_received": before["complaints_received"],
        "decisions_total": before["decisions"]["total"],
        **{f"overview_{k}": v for k, v in before["overview"].items()},
        **before["statistics"],
    }
    return area | {
        "previous_year": previous,
        "change": {name: _change(value, previous.get(name)) for name, value in headline.items()},
    }


def national_document(snapshot: Snapshot, previous: Snapshot | None) -> JsonObject:
    """``data/{year}/r{n}/national.json``; ``previous`` is the year before's latest snapshot."""
    before = {a["area"]: a for a in _areas(previous)} if previous is not None else {}
    return {
        "schema_version": SCHEMA_VERSION,
        "year": snapshot.year,
        "revision": snapshot.revision,
        "previous_year": None
        if previous is None
        else {"year": previous.year, "revision": previous.revision},
        "areas": [_compared(area, before.get(area["area"])) for area in _areas(snapshot)],
    }


# -------------------------------------------------------------------------------------- CSV
Column = tuple[str, str, Callable[[JsonObject], Any]]


def _value(*path: str) -> Callable[[JsonObject], Any]:
    def get(row: JsonObject) -> Any:
        found: Any = row
        for part in path:
            found = None if found is None else found.get(part)
        return found

    return get


def _headline_columns() -> list[Column]:
    names = [
        ("complaints_received", "Complaints and enquiries received"),
        ("decisions_total", "Decisions made, all outcomes"),
        *((f"overview_{o.field}", f"{o.label}: {o.description}") for o in catalogue.OVERVIEW),
        *((s.key, f"{s.description} ({s.unit.value}), over the area's totals") for s in STATISTICS),
    ]
    return [
        column
        for name, description in names
        for column in (
            (
                f"{name}_previous_year",
                f"{description}, the year before",
                _value("previous_year", name),
            ),
            (f"{name}_change", f"{description}: change on the year before", _value("change", name)),
        )
    ]


def _rounded_columns() -> list[Column]:
    """Each statistic as published (``open_data.rounded``), beside the unrounded columns."""
    return [
        (
            s.key + ROUNDED,
            rounded_description(s, f"{s.description}, over the area's totals"),
            _rounded_value(s),
        )
        for s in STATISTICS
    ]


def _rounded_value(statistic: catalogue.Statistic) -> Callable[[JsonObject], Any]:
    return lambda a: rounded_cell(statistic, a["statistics"][statistic.key])


NATIONAL_COLUMNS: Sequence[Column] = (
    ("year", "Financial year, 1 April to 31 March", _value("year")),
    ("area", "England, or a group of similar authorities", _value("area")),
    ("level", "country or comparison group", _value("level")),
    ("councils", "Councils in the area that year", _value("councils")),
    ("population", "Residents of the councils with an estimate", _value("population")),
    ("complaints_received", "Complaints and enquiries received", _value("complaints_received")),
    ("decisions_total", "Decisions made, all outcomes", _value("decisions", "total")),
    *(
        (f"decisions_{o.value}", f"Decisions with outcome {o.value.replace('_', ' ')}",
         _value("decisions", o.value))
        for o in DecisionOutcome
    ),
    *(
        (f"overview_{o.field}", f"{o.label}: {o.description}", _value("overview", o.field))
        for o in catalogue.OVERVIEW
    ),
    *(
        (f"decisions_area_{a.value}",
         f"Decisions about {catalogue.service_area_label(a.value).lower()}",
         _value("service_areas", a.value))
        for a in ServiceArea
    ),
    *(
        (s.key, f"{s.description} ({s.unit.value}), over the area's totals",
         _value("statistics", s.key))
        for s in STATISTICS
    ),
    *_rounded_columns(),
    *_headline_columns(),
)  # fmt: skip


def national_csv(document: JsonObject) -> bytes:
    return rows_csv(NATIONAL_COLUMNS, (a | {"year": document["year"]} for a in document["areas"]))


def national_dictionary_csv() -> bytes:
    """Each column's description, type, unit and allowed values."""
    return dictionary_csv([(name, description) for name, description, _ in NATIONAL_COLUMNS])
