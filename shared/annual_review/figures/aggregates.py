"""Running aggregates as sums of contributions.

Every ledger entry (the newest version of a decision, of a compliance outcome, or a complaint)
contributes counters to one council-year. An amendment contributes the difference between its
contribution and the one it replaces, so exactly-once reduces to "apply each delta once".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from annual_review.ingestion.contract import (
    ComplaintReceivedDetail,
    ComplianceRecordedDetail,
    DecisionRecordedDetail,
    DecisionWithdrawnDetail,
    Detail,
)
from annual_review.ingestion.fields import ComplianceOutcome, DecisionOutcome, ServiceArea
from annual_review.learning.contract import (
    DecisionPublishedDetail,
    LearningWithdrawal,
    PublicReportIssuedDetail,
    ServiceImprovementRecordedDetail,
)


class AggregateKey(NamedTuple):
    year: str  # financial year label, e.g. "2019-20"
    authority_code: str


Contribution = Mapping[AggregateKey, Mapping[str, int]]

# Counter names, as stored (one DynamoDB number attribute each).
SATISFACTORY_REMEDIES = "satisfactory_remedies"
# The published figure: ServiceImprovementRecorded items (newest version, not withdrawn), counted
# in the financial year they were agreed. The count a DecisionRecorded carries is the case
# system's own, kept beside it (and in the case lists) but never published as the figure.
SERVICE_IMPROVEMENTS = "service_improvements"
CASE_SYSTEM_SERVICE_IMPROVEMENTS = "case_system_service_improvements"


def decisions_counter(outcome: DecisionOutcome) -> str:
    return f"decisions_{outcome.value}"


def decisions_area_counter(area: ServiceArea) -> str:
    return f"decisions_area_{area.value}"


def compliance_counter(outcome: ComplianceOutcome) -> str:
    return f"compliance_{outcome.value}"


def complaints_area_counter(area: ServiceArea) -> str:
    return f"complaints_area_{area.value}"


def contribution_of(detail: Detail | None) -> Contribution:
    """What one ledger entry adds to the aggregates (nothing for a withdrawal or no entry)."""
    match detail:
        case DecisionRecordedDetail():
            counters = {
                decisions_counter(detail.outcome): 1,
                decisions_area_counter(detail.service_area): 1,
            }
            if detail.satisfactory_remedy_by_authority:
                counters[SATISFACTORY_REMEDIES] = 1
            if detail.service_improvements:
                counters[CASE_SYSTEM_SERVICE_IMPROVEMENTS] = detail.service_improvements
            return {AggregateKey(detail.year.label, detail.authority_code): counters}
        case ComplianceRecordedDetail():
            key = AggregateKey(detail.year.label, detail.authority_code)
            return {key: {compliance_counter(detail.outcome): 1}}
        case ComplaintReceivedDetail():
            key = AggregateKey(detail.year.label, detail.authority_code)
            return {key: {complaints_area_counter(detail.service_area): 1}}
        case ServiceImprovementRecordedDetail():
            key = AggregateKey(detail.year.label, detail.authority_code)
            return {key: {SERVICE_IMPROVEMENTS: 1}}
        case (
            DecisionWithdrawnDetail()
            | DecisionPublishedDetail()
            | PublicReportIssuedDetail()
            | LearningWithdrawal()
            | None
        ):
            return {}


def combine(parts: Iterable[Contribution], sign: Iterable[int] | None = None) -> Contribution:
    """Sum contributions (each times its sign), dropping counters and keys that come to zero."""
    total: dict[AggregateKey, Counter[str]] = {}
    signs = iter(sign) if sign is not None else None
    for part in parts:
        factor = next(signs) if signs is not None else 1
        for key, counters in part.items():
            bucket = total.setdefault(key, Counter())
            for name, value in counters.items():
                bucket[name] += factor * value
    return {
        key: {name: value for name, value in sorted(bucket.items()) if value}
        for key, bucket in sorted(total.items())
        if any(bucket.values())
    }


def delta(new: Detail | None, old: Detail | None) -> Contribution:
    """What replacing ledger entry ``old`` by ``new`` changes in the aggregates."""
    return combine([contribution_of(new), contribution_of(old)], sign=[1, -1])


@dataclass(frozen=True)
class CouncilYearAggregate:
    """One council's counters for one financial year, with the figures derived from them."""

    year: str
    authority_code: str
    counters: Mapping[str, int] = field(default_factory=dict)

    def counter(self, name: str) -> int:
        """The raw counter ``name`` (a key of ``counters``); the derived counts the statistics
        are made of are the int properties below (``catalogue.CountName``)."""
        return int(self.counters.get(name, 0))

    def decisions(self, outcome: DecisionOutcome) -> int:
        return self.counter(decisions_counter(outcome))

    @property
    def decisions_total(self) -> int:
        return sum(self.decisions(o) for o in DecisionOutcome)

    @property
    def upheld(self) -> int:
        return self.decisions(DecisionOutcome.UPHELD)

    @property
    def detailed_investigations(self) -> int:
        return self.upheld + self.decisions(DecisionOutcome.NOT_UPHELD)

    @property
    def not_for_us(self) -> int:
        """Complaints that were not for us (yet): referred back, or incomplete or invalid."""
        return self.decisions(DecisionOutcome.REFERRED_BACK_FOR_LOCAL_RESOLUTION) + self.decisions(
            DecisionOutcome.INCOMPLETE_INVALID
        )

    @property
    def assessed_and_closed(self) -> int:
        return self.decisions(DecisionOutcome.CLOSED_AFTER_INITIAL_ENQUIRIES)

    @property
    def satisfactory_remedies(self) -> int:
        return self.counter(SATISFACTORY_REMEDIES)

    @property
    def service_improvements(self) -> int:
        return self.counter(SERVICE_IMPROVEMENTS)

    @property
    def case_system_service_improvements(self) -> int:
        return self.counter(CASE_SYSTEM_SERVICE_IMPROVEMENTS)

    def decisions_by_area(self) -> dict[str, int]:
        return {a.value: n for a in ServiceArea if (n := self.counter(decisions_area_counter(a)))}

    def compliance(self, outcome: ComplianceOutcome) -> int:
        return self.counter(compliance_counter(outcome))

    @property
    def compliance_total(self) -> int:
        return sum(self.compliance(o) for o in ComplianceOutcome)

    @property
    def complied(self) -> int:
        """Late compliance counts as complied."""
        return self.compliance(ComplianceOutcome.COMPLIED) + self.compliance(
            ComplianceOutcome.COMPLIED_LATE
        )

    @property
    def complied_late(self) -> int:
        return self.compliance(ComplianceOutcome.COMPLIED_LATE)

    @property
    def complaints_received(self) -> int:
        return sum(self.counter(complaints_area_counter(a)) for a in ServiceArea)

    def complaints_by_area(self) -> dict[str, int]:
        return {a.value: n for a in ServiceArea if (n := self.counter(complaints_area_counter(a)))}


def aggregates_from(entries: Iterable[Detail | None]) -> dict[AggregateKey, CouncilYearAggregate]:
    """Aggregates recomputed from scratch from ledger entries (for verification and tests)."""
    summed = combine(contribution_of(entry) for entry in entries)
    return {
        key: CouncilYearAggregate(key.year, key.authority_code, counters)
        for key, counters in summed.items()
    }
