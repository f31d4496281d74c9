"""A realistic synthetic year of casework events, seeded so the same seed gives the same year.

Volumes follow the ombudsman's published rhythm (about 17,000 complaints received and 16,000
decisions a year, 4,300 of them detailed investigations, 60% of those upheld), spread over
councils by population. The noise real feeds have is added on top: duplicate deliveries,
amendments (some arriving before the version they replace, some moving a decision to another
council or year), withdrawals and a few malformed events.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from annual_review.fiscal import FinancialYear
from annual_review.ingestion.contract import SOURCE
from annual_review.ingestion.fields import ComplianceOutcome, DecisionOutcome, ServiceArea
from annual_review.registry.councils import Council, Registry, load_registry
from annual_review_tools.local.synth_learning import learning_for

# A PutEvents entry as the case system sends it (the sender adds the bus name).
Entry = dict[str, str]

COMPLAINTS_PER_YEAR = 17_000
DECISIONS_PER_YEAR = 16_000
# Decisions by outcome: 4,300 detailed investigations of which 60% upheld.
OUTCOME_WEIGHTS: dict[DecisionOutcome, float] = {
    DecisionOutcome.UPHELD: 2_580,
    DecisionOutcome.NOT_UPHELD: 1_720,
    DecisionOutcome.CLOSED_AFTER_INITIAL_ENQUIRIES: 4_900,
    DecisionOutcome.REFERRED_BACK_FOR_LOCAL_RESOLUTION: 5_200,
    DecisionOutcome.INCOMPLETE_INVALID: 1_600,
}
# Roughly the ombudsman's split of complaints by service area.
SERVICE_AREA_WEIGHTS: dict[ServiceArea, float] = {
    ServiceArea.ADULT_CARE_SERVICES: 16,
    ServiceArea.BENEFITS_AND_TAX: 8,
    ServiceArea.CORPORATE_AND_OTHER_SERVICES: 5,
    ServiceArea.EDUCATION_AND_CHILDRENS_SERVICES: 20,
    ServiceArea.ENVIRONMENTAL_SERVICES: 9,
    ServiceArea.HIGHWAYS_AND_TRANSPORT: 10,
    ServiceArea.HOUSING: 13,
    ServiceArea.PLANNING_AND_DEVELOPMENT: 14,
    ServiceArea.OTHER: 5,
}
SATISFACTORY_REMEDY_SHARE = 0.13  # of upheld decisions
NOT_COMPLIED_SHARE = 0.01  # of compliance outcomes
COMPLIED_LATE_SHARE = 0.08
DUPLICATE_SHARE = 0.02  # of all events, delivered twice
AMENDMENT_SHARE = 0.01  # of decisions
EARLY_AMENDMENT_SHARE = 0.3  # of amendments, arriving before the version they replace
WITHDRAWAL_SHARE = 0.002  # of decisions
MALFORMED_PER_YEAR = 8
# Councils with no population estimate (abolished before one was made) weigh like a district.
DEFAULT_POPULATION = 100_000


@cache
def packaged_registry() -> Registry:
    return load_registry(None)


def councils_for(year: FinancialYear) -> list[Council]:
    """The councils that existed in ``year``, from the registry the publication uses."""
    return packaged_registry().for_year(year)


def council_on(registry: Registry, code: str, day: date, rng: random.Random) -> str | None:
    """The council that answered for ``code``'s area on ``day``: itself, or (after a
    reorganisation) one of its successors, or (before one) one of its predecessors."""
    council = registry.by_code.get(code)
    if council is None:
        return None
    if council.exists_on(day):
        return code
    if council.abolished_on is not None and day >= council.abolished_on:
        successors = sorted(council.successors)
        return council_on(registry, rng.choice(successors), day, rng) if successors else None
    before = sorted(p.code for p in registry.predecessors_of(code) if p.exists_on(day))
    return rng.choice(before) if before else None


@dataclass(frozen=True)
class SyntheticYear:
    """The entries to put on the bus, in delivery order, and what went into them."""

    year: FinancialYear
    entries: list[Entry]
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(order=True)
class _Timed:
    """An entry with the moment the case system sends it, for ordering the stream."""

    at: float
    entry: Entry = field(compare=False)


def _entry(detail_type: str, detail: dict[str, Any]) -> Entry:
    return {"Source": SOURCE, "DetailType": detail_type, "Detail": json.dumps(detail)}


def _day(year: FinancialYear, rng: random.Random) -> date:
    return year.start + timedelta(days=rng.randrange(year.days()))


def _moment(day: date, rng: random.Random) -> float:
    return day.toordinal() + rng.random()


def _other_year_day(day: date, today: date) -> date:
    """The same day a year later (or earlier, when later would be in the future)."""
    later = day + timedelta(days=365)
    return later if later <= today else day - timedelta(days=365)


# Ways the case system gets an event wrong; each ends in the quarantine.
_MALFORMED: tuple[Callable[[dict[str, Any]], tuple[str, dict[str, Any]]], ...] = (
    lambda d: ("DecisionRecorded", d | {"outcome": "partly_upheld"}),
    lambda d: ("DecisionRecorded", d | {"authority_code": d["authority_code"].lower()}),
    lambda d: ("DecisionRecorded", d | {"version": 0}),
    lambda d: (
        "DecisionRecorded",
        d | {"outcome": "not_upheld"} | {"satisfactory_remedy_by_authority": True},
    ),
    lambda d: ("DecisionRecorded", {k: v for k, v in d.items() if k != "decided_on"}),
    lambda d: ("DecisionRecorded", d | {"decided_on": d["decided_on"].replace("-", "/")}),
    lambda d: ("DecisionRecorded", d | {"version": str(d["version"])}),
    lambda d: ("DecisionReopened", d),
)


@dataclass
class _YearDraw:
    """One year's draw: the parts of the year, in the order the seeded generator draws them (the
    order is what keeps a seed's year the same)."""

    year: FinancialYear
    rng: random.Random
    today: date
    registry: Registry
    codes: list[str]
    weights: list[int]
    stream: list[_Timed] = field(default_factory=list)
    decisions: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def short(self) -> str:
        return f"{self.year.start_year % 100:02d}"

    def _areas(self, k: int) -> list[ServiceArea]:
        return self.rng.choices(
            list(SERVICE_AREA_WEIGHTS), list(SERVICE_AREA_WEIGHTS.values()), k=k
        )

    def complaints(self, scale: float) -> None:
        rng, n = self.rng, round(COMPLAINTS_PER_YEAR * scale)
        for number, (code, area) in enumerate(
            zip(rng.choices(self.codes, self.weights, k=n), self._areas(n), strict=True)
        ):
            received = _day(self.year, rng)
            complaint: dict[str, Any] = {
                "complaint_id": f"C{self.short}-{number:06d}",
                "authority_code": code,
                "received_on": received.isoformat(),
                "service_area": area.value,
            }
            self.stream.append(
                _Timed(_moment(received, rng), _entry("ComplaintReceived", complaint))
            )
        self.counts["complaints"] = n

    def decisions_and_compliance(self, scale: float) -> None:
        rng, n = self.rng, round(DECISIONS_PER_YEAR * scale)
        self.counts["compliance"] = 0
        for number, (code, area, outcome) in enumerate(
            zip(
                rng.choices(self.codes, self.weights, k=n),
                self._areas(n),
                rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()), k=n),
                strict=True,
            )
        ):
            decided = _day(self.year, rng)
            upheld = outcome is DecisionOutcome.UPHELD
            remedied = upheld and rng.random() < SATISFACTORY_REMEDY_SHARE
            detail: dict[str, Any] = {
                "decision_id": f"{self.short}-{number:06d}",
                "version": 1,
                "authority_code": code,
                "decided_on": decided.isoformat(),
                "outcome": outcome.value,
                "service_area": area.value,
                "satisfactory_remedy_by_authority": remedied,
                "service_improvements": rng.choice((0, 0, 0, 1, 1, 2)) if upheld else 0,
            }
            at = _moment(decided, rng)
            self.decisions.append((at, detail))
            self.stream.append(_Timed(at, _entry("DecisionRecorded", detail)))
            if upheld and not remedied:
                self._compliance(detail, decided, code)
            else:
                # The same draws as for an upheld decision, so the seed's year does not shift.
                recorded = decided + timedelta(days=rng.randint(14, 120))
                council_on(self.registry, code, recorded, rng)
        self.counts["decisions"] = n

    def _compliance(self, detail: dict[str, Any], decided: date, code: str) -> None:
        """The council's compliance with our recommendations, recorded some weeks later; it
        counts in the year it is recorded, which may be the next one."""
        rng = self.rng
        recorded = decided + timedelta(days=rng.randint(14, 120))
        answering = council_on(self.registry, code, recorded, rng)
        if recorded > self.today or answering is None:
            return
        draw = rng.random()
        result = (
            ComplianceOutcome.NOT_COMPLIED
            if draw < NOT_COMPLIED_SHARE
            else ComplianceOutcome.COMPLIED_LATE
            if draw < NOT_COMPLIED_SHARE + COMPLIED_LATE_SHARE
            else ComplianceOutcome.COMPLIED
        )
        compliance = {
            "decision_id": detail["decision_id"],
            "version": 1,
            "authority_code": answering,
            "recorded_on": recorded.isoformat(),
            "outcome": result.value,
        }
        self.stream.append(_Timed(_moment(recorded, rng), _entry("ComplianceRecorded", compliance)))
        self.counts["compliance"] += 1

    def amendments(self) -> None:
        rng = self.rng
        amended = rng.sample(self.decisions, round(len(self.decisions) * AMENDMENT_SHARE))
        for at, detail in amended:
            new: dict[str, Any]
            change = rng.random()
            if change < 0.2:
                new = detail | {"authority_code": rng.choice(self.codes)}
            elif change < 0.4:
                moved = _other_year_day(date.fromisoformat(detail["decided_on"]), self.today)
                answering = council_on(self.registry, detail["authority_code"], moved, rng)
                if answering is None:
                    continue
                new = detail | {"decided_on": moved.isoformat(), "authority_code": answering}
            else:
                outcome = rng.choice([o for o in DecisionOutcome if o.value != detail["outcome"]])
                new = detail | {"outcome": outcome.value, "satisfactory_remedy_by_authority": False}
            new["version"] = 2
            early = rng.random() < EARLY_AMENDMENT_SHARE
            self.stream.append(
                _Timed(
                    at - 0.5 if early else at + rng.uniform(1, 30), _entry("DecisionRecorded", new)
                )
            )
        self.counts["amendments"] = len(amended)

    def withdrawals(self) -> None:
        rng = self.rng
        withdrawn = rng.sample(self.decisions, round(len(self.decisions) * WITHDRAWAL_SHARE))
        for at, detail in withdrawn:
            # Above any amendment's version, so it wins whatever the order of arrival.
            withdrawal = {"decision_id": detail["decision_id"], "version": 3}
            self.stream.append(
                _Timed(at + rng.uniform(1, 60), _entry("DecisionWithdrawn", withdrawal))
            )
        self.counts["withdrawals"] = len(withdrawn)

    def malformed(self, scale: float) -> None:
        n = max(1, round(MALFORMED_PER_YEAR * scale)) if self.decisions else 0
        for index in range(n):
            at, detail = self.rng.choice(self.decisions)
            detail_type, bad = _MALFORMED[index % len(_MALFORMED)](detail)
            self.stream.append(_Timed(at + self.rng.random(), _entry(detail_type, bad)))
        self.counts["malformed"] = n

    def duplicates(self) -> None:
        rng = self.rng
        duplicated = rng.sample(self.stream, round(len(self.stream) * DUPLICATE_SHARE))
        self.stream += [_Timed(timed.at + rng.uniform(0, 3), timed.entry) for timed in duplicated]
        self.counts["duplicates"] = len(duplicated)


def generate_year(
    year: FinancialYear,
    councils: Sequence[Council],
    *,
    seed: int,
    scale: float = 1.0,
    today: date | None = None,
    registry: Registry | None = None,
) -> SyntheticYear:
    """One financial year of events for ``councils``; ``scale`` multiplies every volume.

    Every event names a council that existed on its date (in ``registry``, the packaged one by
    default): compliance recorded after a reorganisation, or a decision moved into another
    year, goes to the council that answered for the area then.
    """
    draw = _YearDraw(
        year=year,
        rng=random.Random(f"{seed}:{year.label}"),
        today=today or date.today(),
        registry=registry or packaged_registry(),
        codes=[c.code for c in councils],
        weights=[c.population_in(year) or DEFAULT_POPULATION for c in councils],
    )
    draw.complaints(scale)
    draw.decisions_and_compliance(scale)
    draw.amendments()
    draw.withdrawals()
    draw.malformed(scale)
    draw.duplicates()
    # The learning behind the year (statements, reports, improvements), from a generator of its
    # own so the counting events above stay exactly what the seed gave before.
    learning = learning_for(
        draw.decisions,
        seed=f"{seed}:{year.label}",
        year_short=draw.short,
        today=draw.today,
        scale=scale,
    )
    draw.stream += [_Timed(at, entry) for at, entry in learning.timed]
    draw.stream.sort()
    counts = {
        name: draw.counts[name]
        for name in (
            "complaints",
            "decisions",
            "compliance",
            "amendments",
            "withdrawals",
            "malformed",
            "duplicates",
        )
    }
    counts |= learning.counts
    return SyntheticYear(year, [timed.entry for timed in draw.stream], counts)
