"""The council registry: who existed in which year, comparison groups, populations, contacts."""

from __future__ import annotations

import pytest

from annual_review.fiscal import FinancialYear
from annual_review.registry import load_registry, parse_contacts, parse_registry
from annual_review_tools.registry_builder import build_registry_rows

BUCKS_COUNTY = "E10000002"
BUCKS_DISTRICTS = ("E07000004", "E07000005", "E07000006", "E07000007")
BUCKINGHAMSHIRE_COUNCIL = "E06000060"


@pytest.mark.parametrize(
    ("start_year", "councils"),
    [(2019, 343), (2020, 339), (2021, 333), (2022, 333), (2023, 317), (2024, 317), (2025, 317)],
)
def test_packaged_registry_has_the_councils_of_each_year(start_year: int, councils: int) -> None:
    assert len(load_registry(None).for_year(FinancialYear(start_year))) == councils


def test_buckinghamshire_reorganisation_falls_in_the_right_years() -> None:
    registry = load_registry(None)
    in_2019 = {c.code for c in registry.for_year(FinancialYear(2019))}
    in_2020 = {c.code for c in registry.for_year(FinancialYear(2020))}
    assert {BUCKS_COUNTY, *BUCKS_DISTRICTS} <= in_2019
    assert BUCKINGHAMSHIRE_COUNCIL not in in_2019
    assert BUCKINGHAMSHIRE_COUNCIL in in_2020
    assert not ({BUCKS_COUNTY, *BUCKS_DISTRICTS} & in_2020)


def test_populations_of_abolished_counties_come_from_their_successors() -> None:
    registry = load_registry(None)
    assert (
        registry.by_code[BUCKS_COUNTY].population
        == registry.by_code[BUCKINGHAMSHIRE_COUNCIL].population
    )
    northants = registry.by_code["E10000021"].population
    assert northants == (registry.by_code["E06000061"].population or 0) + (
        registry.by_code["E06000062"].population or 0
    )
    # Abolished districts have no estimate: their per-100,000 figure is not available.
    assert all(registry.by_code[code].population is None for code in BUCKS_DISTRICTS)


def test_comparison_groups_put_scilly_with_unitaries_and_the_city_with_london() -> None:
    registry = load_registry(None)
    assert registry.by_code["E06000053"].comparison_group == "Unitary councils"
    assert registry.by_code["E09000001"].comparison_group == "London boroughs"
    assert registry.by_code["E09000021"].name == "Royal Borough of Kingston upon Thames"


def test_an_uploaded_registry_replaces_the_packaged_one() -> None:
    uploaded = (
        b"code,name,type,comparison_group,first_year,last_year,population,lat,lon\n"
        b"E09000021,Kingston,London borough,London boroughs,2019-20,,1000,51.4,-0.3\n"
    )
    registry = load_registry(uploaded)
    assert [c.code for c in registry.for_year(FinancialYear(2030))] == ["E09000021"]


def test_a_bad_registry_line_is_named() -> None:
    with pytest.raises(ValueError, match="registry line 2"):
        parse_registry(
            "code,name,type,comparison_group,first_year,last_year,population,lat,lon\n"
            "E1,X,County council,County councils,2019/20,,,,\n"
        )


def _reference_row(code: str, register: str, kind: str, years: str, **extra: str) -> dict[str, str]:
    flags = dict(zip(("fy2019_20", "fy2020_21", "fy2021_22"), years, strict=True))
    return {
        "gss_code": code,
        "register_code": register,
        "name": f"{register} council",
        "type": kind,
        "end_date": extra.get("end_date", ""),
        "replaced_by": extra.get("replaced_by", ""),
        "lat": "52.0",
        "lon": "-1.0",
    } | flags


def test_builder_keeps_only_the_needed_facts() -> None:
    rows = build_registry_rows(
        [
            _reference_row("E10000002", "BKM", "County council", "100", end_date="2020-03-31",
                           replaced_by="BUC"),
            _reference_row("E06000060", "BUC", "Unitary authority", "011"),
            _reference_row("E07000004", "AYL", "District council", "100", end_date="2020-03-31"),
        ],
        {"E06000060": 547_060},
    )  # fmt: skip
    assert rows == [
        {"code": "E06000060", "name": "BUC council", "type": "Unitary authority",
         "comparison_group": "Unitary councils", "first_year": "2020-21", "last_year": "",
         "population": "547060", "lat": "52.0", "lon": "-1.0"},
        {"code": "E07000004", "name": "AYL council", "type": "District council",
         "comparison_group": "District councils", "first_year": "2019-20", "last_year": "2019-20",
         "population": "", "lat": "52.0", "lon": "-1.0"},
        {"code": "E10000002", "name": "BKM council", "type": "County council",
         "comparison_group": "County councils", "first_year": "2019-20", "last_year": "2019-20",
         "population": "547060", "lat": "52.0", "lon": "-1.0"},
    ]  # fmt: skip


def test_contacts_are_read_by_code() -> None:
    contacts = parse_contacts(
        "code,salutation,chief_executive,address,email\n"
        "E09000021,Mr Thomas,Ian Thomas,Guildhall; Kingston,ce@example.org\n"
    )
    assert contacts["E09000021"].salutation == "Mr Thomas"
    assert contacts["E09000021"].email == "ce@example.org"
