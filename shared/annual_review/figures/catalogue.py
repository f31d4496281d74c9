"""The published statistics, each defined once.

A statistic here says what it counts (numerator and denominator, as named counts of a council's
year), its unit and how it is rounded for people, its small-base rule, how the average of similar
authorities is formed, its words in letters and on the page, and its entry in the data
dictionary. Everything else is derived from it: the figures and intervals (``figure``), the group
averages (``group_averages``), the letters' sentences, the CSV columns, the JSON Schema, the
dictionary, and every label, figure and plain-words sentence of the site's pages
(``publication/pages.py``, ``publication/plain_words.py``), which its scripts only show.

Adding a statistic means adding one ``Statistic`` here, its wording, and tests.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, Protocol

from annual_review.figures.rates import SMALL_BASE, Rate, rate, round_half_up, whole_percent

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


# The counts a statistic is made of: the aggregates' derived counts (the int properties of
# ``CouncilYearAggregate``; a unit test holds the two together) and ``population``.
CountName = Literal[
    "decisions_total",
    "upheld",
    "detailed_investigations",
    "not_for_us",
    "assessed_and_closed",
    "satisfactory_remedies",
    "service_improvements",
    "case_system_service_improvements",
    "compliance_total",
    "complied",
    "complied_late",
    "complaints_received",
    "population",
]


class Counts(Protocol):
    """A council's (or an area's) counts for a year, by name: the aggregates' derived counts
    (``upheld``, ``detailed_investigations``, ``complied`` …) and ``population``. An aggregate
    is not ``Counts``: its raw lookup is ``counter`` (a key of its counters)."""

    def count(self, name: CountName) -> int | None: ...


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
    note: tuple[CountName, Noun] | None = None


@dataclass(frozen=True)
class PageWording:
    id: str  # the page's name for it, in links (``#/2019-20/E09000021/upheld``)
    label: str  # short: a column heading, a choice of statistic
    legend: str  # what the map's colours show
    # The plain-words reading on a council page (publication/plain_words.py): "7 of the 11
    # {complaints we investigated} were {upheld}", and the sentence when there is no figure.
    counted: Noun | None = None
    outcome: str = ""
    when_none: str = ""
    definition: str = ""  # the methodology's definition (HTML-escaped when rendered)


@dataclass(frozen=True)
class Statistic:
    key: str  # stable name: the averages' key, the GeoJSON property, the page's id
    record: str  # the object of a council's JSON record the statistic lives in
    numerator: CountName
    denominator: CountName  # for a per-residents figure, the population
    unit: Unit
    description: str  # the dictionary's description of the record object
    letter: LetterWording
    page: PageWording
    # Counts published beside the figure: (field in the record, count name, description).
    extras: tuple[tuple[str, CountName, str], ...] = ()
    # The key of the statistic whose letter section says this one, in one sentence and only
    # when its count is not zero (``letter.sentence`` with ``{figure}``, ``{count}``, ``{of}``);
    # None: the statistic has its own section.
    letter_beside: str | None = None

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
        sentence="We upheld {figure} of the complaints we investigated.",
        none="We did not complete any detailed investigations of complaints about your authority "
        "this year, so there is no upheld rate to report.",
        figure_when_none="none investigated",
        counted_as="upheld",
        base=Noun("detailed investigation", "detailed investigations"),
    ),
    page=PageWording(
        "upheld",
        "Upheld rate",
        "Share of detailed investigations upheld",
        counted=Noun("complaint we investigated", "complaints we investigated"),
        outcome="upheld",
        when_none="We did not investigate any complaints about this council in detail this year, "
        "so there is no upheld rate.",
        definition="decisions upheld out of detailed investigations (decisions upheld plus not "
        "upheld). Complaints closed after initial enquiries, referred back for local "
        "resolution, or incomplete or invalid are counted among decisions but are not "
        "investigations.",
    ),
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
        "per100k",
        "Upheld per 100,000 residents",
        "Upheld decisions per 100,000 residents",
        counted=Noun("complaint", "complaints"),
        outcome="upheld",
        when_none="There is no population estimate for this council's area, so there is no "
        "figure per 100,000 residents.",
        definition="upheld decisions divided by the council's population in the year, times "
        "100,000 (see Populations).",
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
        # Not complied with, and complied with late: said in the letter (publication/letters.py).
    ),
    page=PageWording(
        "compliance",
        "Compliance rate",
        "Share of our recommendations the council carried out",
        counted=Noun("recommendation we checked", "recommendations we checked"),
        outcome="carried out by the council",
        when_none="We had no recommendations to check with this council this year, so there is "
        "no compliance rate.",
        definition="recommendations the council carried out, out of the compliance outcomes we "
        "recorded in the year. Recommendations carried out late count as carried out; the "
        "number done late is published beside the rate.",
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
        counted=Noun("complaint we upheld", "complaints we upheld"),
        outcome="already put right by the council before we became involved",
        when_none="We upheld no complaints about this council this year, so there is no "
        "satisfactory remedy rate.",
        definition="upheld decisions where the council had already put things right before the "
        "complaint reached us, out of upheld decisions.",
    ),
)

LATE_REMEDY = Statistic(
    key="late_remedy_rate",
    record="late_remedy",
    numerator="complied_late",
    denominator="compliance_total",
    unit=Unit.FRACTION,
    description="Compliance outcomes where the council carried out our recommendations later "
    "than agreed (complied late over all compliance outcomes)",
    letter=LetterWording(
        title="Remedies carried out late",
        sentence="We recorded {figure} of compliance outcomes ({count} of {of}) as "
        "recommendations carried out later than agreed. The compliance rate above counts a "
        "remedy carried out late as carried out.",
        none="There were no recommendations for us to check compliance with this year.",
        figure_when_none="none checked",
        counted_as="late",
        base=Noun("compliance outcome", "compliance outcomes"),
    ),
    page=PageWording(
        "late",
        "Late remedy rate",
        "Share of our recommendations the council carried out late",
        counted=Noun("recommendation we checked", "recommendations we checked"),
        outcome="carried out late",
        when_none="We had no recommendations to check with this council this year, so there is "
        "no late remedy rate.",
        definition="compliance outcomes where the council carried out our recommendations later "
        "than agreed, out of all compliance outcomes recorded in the year (the compliance rate's "
        "base), with the same small-base rule as every rate. A late remedy still counts as "
        "complied in the compliance rate. Letters say it in one sentence, only where any were "
        "late.",
    ),
    letter_beside="compliance_rate",
)

# In the order letters give them.
STATISTICS: tuple[Statistic, ...] = (
    UPHELD,
    COMPLIANCE,
    SATISFACTORY_REMEDY,
    UPHELD_PER_100K,
    LATE_REMEDY,
)


def letter_sections() -> tuple[Statistic, ...]:
    """The statistics with a section of their own in a letter, in order."""
    return tuple(s for s in STATISTICS if s.letter_beside is None)


def sentences_beside(statistic: Statistic, counts: Counts) -> list[str]:
    """The sentences the letter's section for ``statistic`` carries for the statistics said
    beside it: one each, only when its count is not zero (for example late remedies)."""
    found = []
    for other in STATISTICS:
        if other.letter_beside != statistic.key:
            continue
        count, of = other.counts_of(counts)
        if count:
            shown = other.shown(other.value(counts))
            found.append(other.letter.sentence.format(figure=shown, count=count, of=of))
    return found


@dataclass(frozen=True)
class OverviewCount:
    """A line of the complaint overview, as the ombudsman presents a council's year."""

    field: str  # in the record's ``overview`` object, and ``overview_{field}`` in the CSV
    count: CountName
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
        "per_residents": PER_RESIDENTS,
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


# The words a council page explains, in the order a reader meets them (the site's glossary).
TERMS: tuple[tuple[str, str], ...] = (
    (
        "Investigated",
        "A complaint we looked into in detail and decided whether the council was at fault. "
        "Complaints we closed after initial enquiries or sent back to the council are not "
        "investigated.",
    ),
    (
        "Upheld",
        "We found fault in what the council did or failed to do, including where it accepted "
        "fault before we looked into it.",
    ),
    (
        "Recommendation",
        "What we asked the council to do to put things right for the person who complained, or "
        "to improve its service. We check that the council does it.",
    ),
    (
        "Satisfactory remedy",
        "The council had already put things right before the complaint reached us, and we "
        "agreed that what it offered was enough.",
    ),
    (
        "Similar councils",
        "The average of councils of the same kind (county councils, district councils, "
        "metropolitan boroughs, unitary councils or London boroughs), over all their cases.",
    ),
    (
        "95% interval",
        "The range the figure could well have fallen in by chance, given how few cases it "
        "rests on. When the similar councils' average is inside it, the council is not clearly "
        "different from them.",
    ),
    (
        "Small base",
        f"Fewer than {SMALL_BASE} cases: one case more or less moves the figure a long way.",
    ),
    (
        "Received and dealt with",
        "Complaints received are those that reached us in the year; those dealt with are the "
        "decisions we made in the year. A complaint received late in one year is often decided "
        "in the next, so the two counts differ, and dealt with can be the larger.",
    ),
)


# ------------------------------------------------------------ service improvements (issue 23)
# The one definition, in the words every page, file and letter uses.
SERVICE_IMPROVEMENTS_LABEL = "Service improvements the council agreed to"
SERVICE_IMPROVEMENTS_DEFINITION = (
    "Service improvements the council agreed to: the improvements recorded after our "
    "investigations and agreed in the year (each counted once, at its newest version; a "
    "withdrawn one is not counted). The count the case system gives on each decision is its "
    "own and is not published as this figure"
)
