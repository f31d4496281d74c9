"""England's figures for a frozen year: the totals the ombudsman's annual Review of Local
Government Complaints is built on.

For England, each ONS region and each comparison group: councils, complaints received,
decisions by outcome, the complaint overview, decisions by service area and every catalogue
statistic over the area's totals (pooled: every case weighs the same, whatever the averaging
method of the council comparisons), each with the change on the year before when that year was
published.

Residents are counted once. A county council's residents are also its districts' residents, so
in an area holding both tiers (England, a region) the population is the sum of the councils'
other than the counties', while complaints about a county count for the county (the area's
per-100,000 figures divide every complaint by residents counted once). An area of counties only
(the county councils' group) counts the counties' residents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from annual_review.figures import catalogue
from annual_review.figures.aggregates import CouncilYearAggregate
from annual_review.figures.catalogue import STATISTICS, AverageMethod, CountName
from annual_review.ingestion.fields import DecisionOutcome, ServiceArea
from annual_review.publication.freeze.snapshot import CouncilFigures, Snapshot
from annual_review.publication.open_data.dictionaries import (
    ROUNDED,
    dictionary_csv,
    rounded_cell,
    rounded_description,
    rows_csv,
)
from annual_review.registry.councils import COUNTY, GROUP_ORDER, REGIONS

JsonObject = dict[str, Any]
ENGLAND = "England"
REGION = "region"
# The pooled figures of every region together (England's, as the ombudsman labels them).
ALL_REGIONS = "Average across all regions"
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
        return cls(CouncilYearAggregate("", "", dict(summed)), residents(councils))

    def count(self, name: CountName) -> int | None:
        if name == "population":
            return self.population
        found: int = getattr(self.totals, name)
        return found


def residents_once(members: Sequence[tuple[str, int | None]]) -> int | None:
    """An area's residents, each counted once, from its councils' (type, population): the
    estimates of the councils other than the counties (whose residents live in their
    districts), or the counties' when the area holds nothing else. Only councils with an
    estimate count (None when none has one)."""
    lower = [m for m in members if m[0] != COUNTY]
    known = [population for _, population in (lower or members) if population]
    return sum(known) if known else None


def counts_per_residents(kind: str, population: int | None, mixed: bool) -> bool:
    """Whether a council's complaints count toward its area's per-100,000 figure: when it has
    an estimate, and a county (its residents counted through its districts) in an area that
    holds other councils too."""
    return bool(population) or (mixed and kind == COUNTY)


def residents(councils: Sequence[CouncilFigures]) -> int | None:
    return residents_once([(c.type, c.population) for c in councils])


def _per_residents(councils: Sequence[CouncilFigures]) -> list[CouncilFigures]:
    mixed = any(c.type != COUNTY for c in councils)
    return [c for c in councils if counts_per_residents(c.type, c.population, mixed)]


def area_statistics(councils: Sequence[CouncilFigures]) -> dict[str, float | None]:
    """Every catalogue statistic over an area's totals (pooled), residents counted once."""
    counts = AreaCounts.of(councils)
    found: dict[str, float | None] = {}
    for statistic in STATISTICS:
        if statistic.is_proportion:
            found[statistic.key] = statistic.group_average(councils, AverageMethod.POOLED)
        else:
            counted = AreaCounts.of(_per_residents(councils))
            found[statistic.key] = statistic.value(AreaCounts(counted.totals, counts.population))
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
        "statistics": area_statistics(councils),
    }


def _areas(snapshot: Snapshot) -> list[JsonObject]:
    groups = [
        _area(group, "comparison group", members)
        for group in GROUP_ORDER
        if (members := [c for c in snapshot.councils if c.comparison_group == group])
    ]
    regions = [
        _area(region, REGION, members)
        for region in REGIONS
        if (members := [c for c in snapshot.councils if c.region == region])
    ]
    england = _area(ENGLAND, "country", snapshot.councils)
    placed = [c for c in snapshot.councils if c.region]
    # The regions pooled: England's figures when every council has its region.
    every_region = [_area(ALL_REGIONS, "all regions", placed)] if regions else []
    return [england, *groups, *regions, *every_region]


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
    ("area", "England, a group of similar authorities, an ONS region, or the average across "
     "all regions", _value("area")),
    ("level", "country, comparison group, region or all regions", _value("level")),
    ("councils", "Councils in the area that year", _value("councils")),
    ("population", "Residents of the councils with an estimate, each counted once (a county's "
     "residents are its districts')", _value("population")),
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
