"""A constructed year of four councils (Kingston, Lambeth, the City, Adur) and its counters,
frozen: the case the letters, data and national tests work out by hand."""

from __future__ import annotations

from datetime import UTC, datetime

from annual_review.figures.aggregates import CouncilYearAggregate
from annual_review.figures.catalogue import AverageMethod
from annual_review.fiscal import FinancialYear
from annual_review.publication.freeze.snapshot import Snapshot, freeze, load_snapshot
from annual_review.registry.councils import parse_registry
from tests.fakes import MemoryObjectStore

YEAR = FinancialYear(2019)


KINGSTON, LAMBETH, CITY, ADUR = "E09000021", "E09000022", "E09000001", "E07000223"


REGISTRY_ROWS = [
    ("code", "name", "type", "comparison_group", "first_year", "last_year", "population", "lat",
     "lon"),
    (KINGSTON, "Royal Borough of Kingston upon Thames", "London borough", "London boroughs",
     "2019-20", "", "177507", "51.39", "-0.29"),
    ("E09000022", "Lambeth", "London borough", "London boroughs", "2019-20", "", "100000", "51.46",
     "-0.12"),
    (CITY, "City of London", "City of London", "London boroughs", "2019-20", "", "10000", "51.51",
     "-0.09"),
    (ADUR, '"Adur & <Worthing> ""Joint"""', "District council", "District councils", "2019-20", "",
     "", "50.83", "-0.32"),
]  # fmt: skip


REGISTRY_CSV = "".join(",".join(row) + "\n" for row in REGISTRY_ROWS).encode()


REGISTRY = parse_registry(REGISTRY_CSV.decode())


COUNTERS = {
    KINGSTON: {
        "decisions_upheld": 9, "decisions_not_upheld": 4,
        "decisions_closed_after_initial_enquiries": 5,
        "decisions_referred_back_for_local_resolution": 1, "decisions_incomplete_invalid": 1,
        "decisions_area_housing": 6, "decisions_area_other": 14, "service_improvements": 3,
        "compliance_complied": 6, "compliance_complied_late": 1, "complaints_area_housing": 2,
    },
    LAMBETH: {
        "decisions_upheld": 25, "decisions_not_upheld": 2, "decisions_area_housing": 27,
        "satisfactory_remedies": 5, "compliance_complied": 20, "compliance_not_complied": 2,
    },
    ADUR: {"decisions_upheld": 1, "decisions_area_planning_and_development": 1},
}  # fmt: skip


LETTERS_DAY = datetime(2020, 7, 22, 6, tzinfo=UTC)


class FixedAggregates:
    def __init__(self, counters: dict[str, dict[str, int]]) -> None:
        self.counters = counters

    def year(self, year: str) -> dict[str, CouncilYearAggregate]:
        return {code: CouncilYearAggregate(year, code, c) for code, c in self.counters.items()}


def frozen_case() -> Snapshot:
    private = MemoryObjectStore()
    freeze(YEAR, aggregates=FixedAggregates(COUNTERS), registry=REGISTRY, private=private,
           average_method=AverageMethod.POOLED, now=LETTERS_DAY)  # fmt: skip
    snapshot = load_snapshot(private, YEAR.label)
    assert snapshot is not None
    return snapshot
