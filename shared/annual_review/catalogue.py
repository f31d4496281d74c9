"""The published statistics, each defined once.

A statistic here says what it counts (numerator and denominator, as named counts of a council's
year), its unit and how it is rounded for people, its small-base rule, how the average of similar
authorities is formed, its words in letters and on the page, and its entry in the data
dictionary. Everything else is derived from it: the figures and intervals (``figure``), the group
averages (``group_averages``), the letters' sentences, the CSV columns, the JSON Schema, the
dictionary and the page's labels (``page_catalogue``, published as ``data/catalogue.json``).

Adding a statistic means adding one ``Statistic`` here, its wording, and tests.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from annual_review.statistics import SMALL_BASE, Rate, rate, round_half_up, whole_percent

PER_RESIDENTS = 100_000


class AverageMethod(StrEnum):
    """How the average of similar authorities is formed."""

    POOLED = "pooled"  # every case weighs the same: sum of numerators over sum of denominators
    MEAN_OF_RATES = "mean_of_rates"  # every council weighs the same: the mean of their figures


class Unit(StrEnum):
    FRACTION = "fraction"  # 0 to 1; shown to people as a whole percentage
    PER_100K = "per 100,000 residents"  # shown to one decimal place


# Decimal places people see: of a percentage for a fraction, of the figure itself otherwise.
SHOWN_DECIMALS = {Unit.FRACTION: 0, Unit.PER_100K: 1}


class Counts(Protocol):
    """A council's (or an area's) counts for a year, by name: the aggregates' derived counts
    (``upheld``, ``detailed_investigations``, ``complied`` …) and ``population``."""

    def count(self, name: str) -> int | None: ...


@dataclass(frozen=True)
class Noun:
    singular: str
    plural: str

    def of(self, count: int) -> str:
        return f"{count} {self.singular if count == 1 else self.plural}"


@dataclass(frozen=True)
class LetterWording:
    """How a letter says the statistic. ``{figure}`` is the council's figure as shown."""

    title: str
    sentence: str  # the figure in a sentence
    none: str  # when there is no figure (a zero denominator, or no population)
    figure_when_none: str  # the table cell when there is no figure
    counted_as: str  # "upheld" in "6 upheld of 9 detailed investigations" ("" for "6 of 9")
    base: Noun  # what the denominator counts
    # A count worth mentioning when it is not zero: (count name, sentence for 1, for more).
    note: tuple[str, Noun] | None = None


@dataclass(frozen=True)
class PageWording:
    id: str  # the page's name for it, in links (``#/2019-20/E09000021/upheld``)
    label: str  # short: a column heading, a choice of statistic
    legend: str  # what the map's colours show


@dataclass(frozen=True)
class Statistic:
    key: str  # stable name: the averages' key, the GeoJSON property, the page's id
    record: str  # the object of a council's JSON record the statistic lives in
    numerator: str  # a count of ``Counts``
    denominator: str  # a count of ``Counts``; for a per-residents figure, the population
    unit: Unit
    description: str  # the dictionary's description of the record object
    letter: LetterWording
    page: PageWording
    # Counts published beside the figure: (field in the record, count name, description).
    extras: tuple[tuple[str, str, str], ...] = ()

    @property
    def is_proportion(self) -> bool:
        return self.unit is Unit.FRACTION

    @property
    def field(self) -> str:
        """The figure's field in the record object."""
        return "rate" if self.is_proportion else "per_100k"

    def counts_of(self, counts: Counts) -> tuple[int, int | None]:
        return counts.count(self.numerator) or 0, counts.count(self.denominator)

    def proportion(self, counts: Counts) -> Rate:
        """The figure with its 95% Wilson interval and small-base flag (proportions only)."""
        count, of = self.counts_of(counts)
        return rate(count, of or 0)

    def value(self, counts: Counts) -> float | None:
        """The unrounded figure: None when there is none (a zero denominator, no population)."""
        count, of = self.counts_of(counts)
        if not of:
            return None
        return count / of if self.is_proportion else count * PER_RESIDENTS / of

    def shown(self, value: float | None) -> str | None:
        """The figure as people read it: a whole percentage, halves up, or one decimal place."""
        if value is None:
            return None
        if self.is_proportion:
            return f"{whole_percent(value)}%"
        return str(round_half_up(value, SHOWN_DECIMALS[self.unit]))

    def group_average(self, members: Sequence[Counts], method: AverageMethod) -> float | None:
        # Councils without a denominator (no population estimate) cannot contribute.
        counted = [m for m in members if self.is_proportion or m.count(self.denominator)]
        if method is AverageMethod.POOLED:
            top: int = sum(self.counts_of(m)[0] for m in counted)
            bottom: int = sum(self.counts_of(m)[1] or 0 for m in counted)
            if not bottom:
                return None
            return top / bottom if self.is_proportion else top * PER_RESIDENTS / bottom
        if method is AverageMethod.MEAN_OF_RATES:
            known = [v for m in counted if (v := self.value(m)) is not None]
            return math.fsum(known) / len(known) if known else None
        raise ValueError(
            f"average_method: {method!r} is not one of {[m.value for m in AverageMethod]}"
        )


UPHELD = Statistic(
    key="upheld_rate",
    record="upheld",
    numerator="upheld",
    denominator="detailed_investigations",
    unit=Unit.FRACTION,
    description="Upheld detailed investigations",
    letter=LetterWording(
        title="Complaints upheld",
        sentence="{figure} of complaints we investigated were upheld.",
        none="We did not complete any detailed investigations of complaints about your authority "
        "this year, so there is no upheld rate to report.",
        figure_when_none="none investigated",
        counted_as="upheld",
        base=Noun("detailed investigation", "detailed investigations"),
    ),
    page=PageWording("upheld", "Upheld rate", "Share of detailed investigations upheld"),
)
UPHELD_PER_100K = Statistic(
    key="upheld_per_100k",
    record="upheld",
    numerator="upheld",
    denominator="population",
    unit=Unit.PER_100K,
    description="Upheld decisions per 100,000 residents; blank when no population",
    letter=LetterWording(
        title="Upheld decisions per 100,000 residents",
        sentence="We upheld {figure} complaints for every 100,000 residents.",
        none="We cannot give upheld decisions per 100,000 residents for your authority, because "
        "there is no population estimate for its area.",
        figure_when_none="not available",
        counted_as="",
        base=Noun("upheld decision", "upheld decisions"),
    ),
    page=PageWording(
        "per100k", "Upheld per 100,000 residents", "Upheld decisions per 100,000 residents"
    ),
)
COMPLIANCE = Statistic(
    key="compliance_rate",
    record="compliance",
    numerator="complied",
    denominator="compliance_total",
    unit=Unit.FRACTION,
    description="Compliance with recommendations (late counts as complied)",
    letter=LetterWording(
        title="Compliance with recommendations",
        sentence="In {figure} of cases we were satisfied that the authority had carried out our "
        "recommendations.",
        none="There were no recommendations for us to check compliance with this year, "
        "so there is no compliance rate to report.",
        figure_when_none="none checked",
        counted_as="complied",
        base=Noun("compliance outcome", "compliance outcomes"),
        note=(
            "complied_late",
            Noun(
                "recommendation was carried out later than agreed.",
                "recommendations were carried out later than agreed.",
            ),
        ),
    ),
    page=PageWording(
        "compliance", "Compliance rate", "Share of our recommendations the council carried out"
    ),
    extras=(("late", "complied_late", "Recommendations complied with late"),),
)
SATISFACTORY_REMEDY = Statistic(
    key="satisfactory_remedy_rate",
    record="satisfactory_remedy",
    numerator="satisfactory_remedies",
    denominator="upheld",
    unit=Unit.FRACTION,
    description="Upheld cases remedied by the council before we were involved",
    letter=LetterWording(
        title="Satisfactory remedies provided by the authority",
        sentence="In {figure} of upheld cases the authority had already provided a satisfactory "
        "remedy before the complaint reached us.",
        none="We did not uphold any complaints about your authority this year, so there is no "
        "satisfactory remedy rate to report.",
        figure_when_none="none upheld",
        counted_as="",
        base=Noun("upheld decision", "upheld decisions"),
    ),
    page=PageWording(
        "remedy",
        "Satisfactory remedy rate",
        "Share of upheld complaints the council had already put right",
    ),
)

# In the order letters give them.
STATISTICS: tuple[Statistic, ...] = (UPHELD, COMPLIANCE, SATISFACTORY_REMEDY, UPHELD_PER_100K)


@dataclass(frozen=True)
class OverviewCount:
    """A line of the complaint overview, as the ombudsman presents a council's year."""

    field: str  # in the record's ``overview`` object, and ``overview_{field}`` in the CSV
    count: str  # a count of ``Counts``
    label: str
    description: str


# Beside the five outcomes: how the complaints we dealt with were dealt with.
OVERVIEW: tuple[OverviewCount, ...] = (
    OverviewCount(
        "dealt_with", "decisions_total", "Complaints dealt with", "Decisions made, all outcomes"
    ),
    OverviewCount(
        "not_for_us",
        "not_for_us",
        "Not for us",
        "Referred back for local resolution, or incomplete or invalid",
    ),
    OverviewCount(
        "assessed_and_closed",
        "assessed_and_closed",
        "Assessed and closed",
        "Closed after initial enquiries",
    ),
    OverviewCount(
        "investigated",
        "detailed_investigations",
        "Investigated",
        "Detailed investigations: upheld plus not upheld",
    ),
)


# How people read each service area (the data keeps its stable key).
SERVICE_AREA_LABELS: Mapping[str, str] = {
    "adult_care_services": "Adult care services",
    "benefits_and_tax": "Benefits and tax",
    "corporate_and_other_services": "Corporate and other services",
    "education_and_childrens_services": "Education and children's services",
    "environmental_services": "Environmental services",
    "highways_and_transport": "Highways and transport",
    "housing": "Housing",
    "planning_and_development": "Planning and development",
    "other": "Other",
}


def service_area_label(key: str) -> str:
    return SERVICE_AREA_LABELS.get(key) or key.replace("_", " ").capitalize()


def overview(counts: Counts) -> dict[str, int]:
    return {line.field: counts.count(line.count) or 0 for line in OVERVIEW}


def records() -> list[str]:
    """The record objects, in the order their columns appear (first statistic to name each)."""
    return list(dict.fromkeys(s.record for s in (UPHELD, UPHELD_PER_100K, *STATISTICS)))


def in_record(record: str) -> list[Statistic]:
    """The statistics that live in one record object, the proportion first."""
    return sorted((s for s in STATISTICS if s.record == record), key=lambda s: not s.is_proportion)


def group_averages(
    councils: Iterable[tuple[str, Counts]], method: AverageMethod, groups: Sequence[str]
) -> dict[str, dict[str, float | None]]:
    """Each comparison group's average of every statistic, for the groups that have councils."""
    members: dict[str, list[Counts]] = {}
    for group, counts in councils:
        members.setdefault(group, []).append(counts)
    return {
        group: {s.key: s.group_average(members[group], method) for s in STATISTICS}
        for group in groups
        if group in members
    }


def page_catalogue() -> dict[str, Any]:
    """What the page needs to label and format every statistic (``data/catalogue.json``)."""
    return {
        "statistics": [
            {
                "id": s.page.id,
                "key": s.key,
                "record": s.record,
                "field": s.field,
                "unit": s.unit.value,
                "decimals": SHOWN_DECIMALS[s.unit],
                "label": s.page.label,
                "legend": s.page.legend,
                "title": s.letter.title,
                "none": s.letter.figure_when_none,
                "small_base": SMALL_BASE if s.is_proportion else None,
            }
            for s in STATISTICS
        ],
        "overview": [{"field": o.field, "label": o.label} for o in OVERVIEW],
        "service_areas": dict(SERVICE_AREA_LABELS),
    }


def rate_object(found: Rate) -> dict[str, Any]:
    return {
        "count": found.count,
        "of": found.of,
        "rate": found.rate,
        "ci_low": found.ci_low,
        "ci_high": found.ci_high,
        "small_base": found.small_base,
    }


def record_objects(counts: Counts) -> dict[str, dict[str, Any]]:
    """A council's statistics as its JSON record's objects (``upheld``, ``compliance`` …)."""
    objects: dict[str, dict[str, Any]] = {}
    for name in records():
        found: dict[str, Any] = {}
        for statistic in in_record(name):
            if statistic.is_proportion:
                found |= rate_object(statistic.proportion(counts))
            else:
                found[statistic.field] = statistic.value(counts)
            found |= {field: counts.count(count) for field, count, _ in statistic.extras}
        objects[name] = found
    return objects


def mapping_of(values: Mapping[str, float | None]) -> dict[str, float | None]:
    """A group's averages in catalogue order (what the year's JSON publishes)."""
    return {s.key: values.get(s.key) for s in STATISTICS}


# ------------------------------------------------------------ service improvements (issue 23)
# The one definition, in the words every page, file and letter uses.
SERVICE_IMPROVEMENTS_LABEL = "Service improvements the council agreed to"
SERVICE_IMPROVEMENTS_DEFINITION = (
    "Service improvements the council agreed to: the improvements recorded after our "
    "investigations and agreed in the year (each counted once, at its newest version; a "
    "withdrawn one is not counted). The count the case system gives on each decision is its "
    "own and is not published as this figure"
)
