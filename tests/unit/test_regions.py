"""England and the ONS regions, residents counted once: figures worked out by hand from a small
registry, and England's population worked out independently from the ONS reference data."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annual_review.figures.catalogue import AverageMethod
from annual_review.fiscal import FinancialYear
from annual_review.publication.freeze.snapshot import Snapshot, freeze, load_snapshot
from annual_review.publication.open_data.national import national_csv, national_document
from annual_review.registry.councils import Registry, load_registry, parse_registry
from tests.constructed_case import FixedAggregates
from tests.fakes import MemoryObjectStore

REFERENCE = Path("/work/shared/data/reference")
YEAR = FinancialYear(2021)
COUNTY, DISTRICT_1, DISTRICT_2 = "E10000008", "E07000040", "E07000041"
UNITARY, LONDON = "E06000022", "E09000021"
HEADER = "code,name,type,comparison_group,formed_on,abolished_on,successors,lat,lon,region,"
HEADER += "population_2021_22\n"
REGISTRY = parse_registry(
    HEADER
    + f"{COUNTY},Devon,County council,County councils,,,,50.7,-3.5,South West,300\n"
    + f"{DISTRICT_1},East Devon,District council,District councils,,,,50.7,-3.3,South West,100\n"
    + f"{DISTRICT_2},Exeter,District council,District councils,,,,50.7,-3.5,South West,200\n"
    + f"{UNITARY},Bath,Unitary authority,Unitary councils,,,,51.4,-2.4,South West,50\n"
    + f"{LONDON},Kingston,London borough,London boroughs,,,,51.4,-0.3,London,1000\n"
)
COUNTERS = {
    COUNTY: {"decisions_upheld": 2, "decisions_not_upheld": 1, "complaints_area_housing": 4,
             "compliance_complied": 3, "compliance_complied_late": 1},
    DISTRICT_1: {"decisions_upheld": 1, "complaints_area_housing": 1},
    UNITARY: {"decisions_upheld": 1, "decisions_not_upheld": 3, "complaints_area_other": 2},
    LONDON: {"decisions_upheld": 5, "decisions_not_upheld": 5, "complaints_area_housing": 10,
             "compliance_complied": 1, "compliance_complied_late": 2,
             "compliance_not_complied": 1},
}  # fmt: skip


def _snapshot(
    registry: Registry, year: FinancialYear, counters: dict[str, dict[str, int]]
) -> Snapshot:
    private = MemoryObjectStore()
    freeze(year, aggregates=FixedAggregates(counters), registry=registry, private=private,
           average_method=AverageMethod.POOLED, now=datetime(2022, 6, 1, tzinfo=UTC))  # fmt: skip
    found = load_snapshot(private, year.label)
    assert found is not None
    return found


def _areas() -> dict[str, dict]:  # type: ignore[type-arg]
    document = national_document(_snapshot(REGISTRY, YEAR, COUNTERS), previous=None)
    return {a["area"]: a for a in document["areas"]}


def test_each_region_counts_its_councils_and_its_residents_once() -> None:
    areas = _areas()
    south_west = areas["South West"]
    assert south_west["level"] == "region"
    # Devon, East Devon, Exeter and Bath; Devon's 300 residents are East Devon's and Exeter's.
    assert south_west["councils"] == 4
    assert south_west["population"] == 100 + 200 + 50
    assert south_west["complaints_received"] == 4 + 1 + 2
    assert south_west["decisions"]["upheld"] == 2 + 1 + 1
    assert south_west["overview"]["investigated"] == 3 + 1 + 4
    assert south_west["statistics"]["upheld_rate"] == pytest.approx(4 / 8)
    # The county's complaints count for the county: 4 upheld over 350 residents.
    assert south_west["statistics"]["upheld_per_100k"] == pytest.approx(4 * 100_000 / 350)
    london = areas["London"]
    assert (london["councils"], london["population"]) == (1, 1000)
    assert london["statistics"]["upheld_per_100k"] == pytest.approx(500.0)


def test_england_and_the_average_across_all_regions_count_residents_once() -> None:
    areas = _areas()
    for name in ("England", "Average across all regions"):
        assert areas[name]["population"] == 1350  # not 1650 (Devon's residents twice)
        assert areas[name]["complaints_received"] == 17
        assert areas[name]["statistics"]["upheld_per_100k"] == pytest.approx(9 * 100_000 / 1350)
        assert areas[name]["statistics"]["upheld_rate"] == pytest.approx(9 / 18)
    # The county councils' group is counties only: its own residents.
    counties = areas["County councils"]
    assert counties["population"] == 300
    assert counties["statistics"]["upheld_per_100k"] == pytest.approx(2 * 100_000 / 300)


def test_late_remedies_for_each_area_are_late_over_compliance_outcomes() -> None:
    areas = _areas()
    late = {name: area["statistics"]["late_remedy_rate"] for name, area in areas.items()}
    assert late["South West"] == pytest.approx(1 / 4)  # Devon: 1 late of 3 + 1
    assert late["London"] == pytest.approx(2 / 4)  # Kingston: 2 late of 1 + 2 + 1
    assert late["England"] == pytest.approx(3 / 8)
    assert late["County councils"] == pytest.approx(1 / 4)
    assert late["District councils"] is None  # no compliance outcomes: no figure
    # Late remedies count as complied in the compliance rate.
    assert areas["England"]["statistics"]["compliance_rate"] == pytest.approx(7 / 8)


def test_the_areas_come_in_order_with_regions_named_as_ons_names_them() -> None:
    document = national_document(_snapshot(REGISTRY, YEAR, COUNTERS), previous=None)
    assert [(a["area"], a["level"]) for a in document["areas"]] == [
        ("England", "country"),
        ("County councils", "comparison group"),
        ("District councils", "comparison group"),
        ("Unitary councils", "comparison group"),
        ("London boroughs", "comparison group"),
        ("London", "region"),
        ("South West", "region"),
        ("Average across all regions", "all regions"),
    ]
    rows = list(csv.DictReader(io.StringIO(national_csv(document).decode())))
    south_west = next(r for r in rows if r["area"] == "South West")
    assert (south_west["level"], south_west["population"]) == ("region", "350")


def _england_population_from_reference(year: FinancialYear) -> int:
    """Every council's ONS estimate for the June before the year, counties left out (their
    residents are their districts'), for the councils that existed in the year."""
    flag = f"fy{year.start_year}_{(year.start_year + 1) % 100:02d}"
    with (REFERENCE / "england_principal_councils_2019_2025.csv").open(encoding="utf-8") as f:
        existing = {
            row["gss_code"]
            for row in csv.DictReader(f)
            if row[flag] == "1" and row["type"] != "County council"
        }
    with (REFERENCE / "ons_mid_year_population_england_2018_2024.csv").open(encoding="utf-8") as f:
        return sum(
            int(row["population"])
            for row in csv.DictReader(f)
            if row["gss_code"] in existing and int(row["estimate_year"]) == year.start_year - 1
        )


@pytest.mark.parametrize("start", range(2019, 2025))
def test_englands_population_is_the_ons_estimate_with_each_resident_once(start: int) -> None:
    year = FinancialYear(start)
    expected = _england_population_from_reference(year)
    if start == 2021:
        assert expected == 56_550_138  # ONS mid-2020 estimate for England
    # 1,000 upheld decisions about Kent County Council, none elsewhere.
    snapshot = _snapshot(load_registry(None), year, {"E10000016": {"decisions_upheld": 1000}})
    document = national_document(snapshot, previous=None)
    england = document["areas"][0]
    assert england["area"] == "England"
    assert england["population"] == expected
    assert england["statistics"]["upheld_per_100k"] == pytest.approx(1000 * 100_000 / expected)
    row = next(csv.DictReader(io.StringIO(national_csv(document).decode())))
    assert row["population"] == str(expected)
    # The nine regions' residents add up to England's.
    regions = [a for a in document["areas"] if a["level"] == "region"]
    assert len(regions) == 9
    assert sum(a["population"] for a in regions) == expected
