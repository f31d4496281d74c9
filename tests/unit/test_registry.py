"""The council registry: who existed in which year, comparison groups, populations, contacts."""

from __future__ import annotations

from datetime import date

import pytest

from annual_review.fiscal import FinancialYear
from annual_review.registry.councils import REGIONS, load_registry, parse_contacts, parse_registry
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


# ONS mid-year estimates as published (the reference data's check values), by code and mid-year.
ONS = {
    ("E09000021", 2018): 175_470, ("E09000021", 2022): 168_302,  # Kingston upon Thames
    ("E07000004", 2018): 199_448,  # Aylesbury Vale, abolished 1 April 2020
    ("E07000154", 2019): 224_610,  # Northampton, abolished 1 April 2021
    ("E06000060", 2019): 543_973,  # Buckinghamshire Council's area, before it existed
    ("E06000065", 2022): 623_501,  # North Yorkshire Council's area, before it existed
}  # fmt: skip


@pytest.mark.parametrize(
    ("code", "year", "estimate"),
    [
        ("E09000021", "2019-20", 2018),
        ("E09000021", "2023-24", 2022),
        ("E07000004", "2019-20", 2018),
        ("E07000154", "2020-21", 2019),
        ("E06000060", "2020-21", 2019),
        ("E06000065", "2023-24", 2022),
    ],
)
def test_a_year_uses_the_estimate_of_the_june_before(code: str, year: str, estimate: int) -> None:
    registry = load_registry(None)
    assert registry.by_code[code].population_in(FinancialYear.parse(year)) == ONS[code, estimate]


def test_every_council_has_a_population_in_every_year_it_existed() -> None:
    registry = load_registry(None)
    for start_year in range(2019, 2026):
        year = FinancialYear(start_year)
        missing = [c.code for c in registry.for_year(year) if c.population_in(year) is None]
        assert missing == [], year
    # No estimate yet for 2026-27 (mid-2025): null, not last year's figure.
    assert registry.by_code["E09000021"].population_in(FinancialYear(2026)) is None
    # Nor for a year the council did not exist.
    assert registry.by_code["E07000004"].population_in(FinancialYear(2020)) is None


def test_a_county_has_the_sum_of_its_districts_populations() -> None:
    registry = load_registry(None)
    bucks_2019 = FinancialYear(2019)
    districts = sum(registry.by_code[c].population_in(bucks_2019) or 0 for c in BUCKS_DISTRICTS)
    assert districts > 0
    assert registry.by_code[BUCKS_COUNTY].population_in(bucks_2019) == districts
    # Northamptonshire in 2020-21 (mid-2019): its seven districts.
    northants = [f"E0700015{n}" for n in range(7)]
    year = FinancialYear(2020)
    assert registry.by_code["E10000021"].population_in(year) == sum(
        registry.by_code[c].population_in(year) or 0 for c in northants
    )


def test_lineage_says_who_replaced_whom_and_when() -> None:
    registry = load_registry(None)
    assert registry.lineage_notes("E07000004") == [
        "Aylesbury Vale District Council became part of Buckinghamshire Council on 1 April 2020."
    ]
    assert registry.lineage_notes("E06000062") == [
        "West Northamptonshire Council was formed on 1 April 2021 from Daventry District Council,"
        " Northampton Borough Council, South Northamptonshire Council and part of"
        " Northamptonshire County Council."
    ]
    assert registry.lineage_notes("E10000021") == [
        "Northamptonshire County Council was replaced by North Northamptonshire Council and"
        " West Northamptonshire Council on 1 April 2021."
    ]
    assert registry.lineage_notes("E09000021") == []
    lineage = registry.lineage("E06000060")
    assert lineage is not None
    assert lineage["formed_on"] == "2020-04-01"
    assert [p["code"] for p in lineage["predecessors"]] == [*BUCKS_DISTRICTS, BUCKS_COUNTY]  # type: ignore[attr-defined]
    # Cumbria, North Yorkshire and Somerset in 2023.
    for county, successors in {
        "E10000006": ["E06000063", "E06000064"],
        "E10000023": ["E06000065"],
        "E10000027": ["E06000066"],
    }.items():
        assert [c.code for c in registry.successors_of(county)] == successors
        assert registry.by_code[county].abolished_on == date(2023, 4, 1)


def test_a_council_exists_from_the_day_it_was_formed_until_the_day_it_was_abolished() -> None:
    registry = load_registry(None)
    northampton = registry.by_code["E07000154"]
    assert northampton.exists_on(date(2021, 3, 31))
    assert not northampton.exists_on(date(2021, 4, 1))
    aylesbury = registry.by_code["E07000004"]  # the reference gives its last day, 2020-03-31
    assert aylesbury.exists_on(date(2020, 3, 31))
    assert not aylesbury.exists_on(date(2020, 4, 1))
    assert registry.existence_error("E07000154", date(2021, 5, 1)) == (
        "authority_code E07000154 (Northampton Borough Council) did not exist on 2021-05-01:"
        " replaced by West Northamptonshire Council (E06000062) on 2021-04-01"
    )
    assert registry.existence_error("E06000060", date(2020, 3, 31)) == (
        "authority_code E06000060 (Buckinghamshire Council) did not exist on 2020-03-31: formed on"
        " 2020-04-01 replacing Aylesbury Vale District Council (E07000004), Chiltern District"
        " Council (E07000005), South Bucks District Council (E07000006), Wycombe District Council"
        " (E07000007) and Buckinghamshire County Council (E10000002)"
    )
    assert registry.existence_error("E06000099", date(2021, 5, 1)) == (
        "authority_code E06000099 is not a council in the registry (on 2021-05-01)"
    )
    assert registry.existence_error("E06000062", date(2021, 5, 1)) is None


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
        "county_gss": extra.get("county_gss", ""),
        "start_date": extra.get("start_date", ""),
        "end_date": extra.get("end_date", ""),
        "replaced_by": extra.get("replaced_by", ""),
        "region": extra.get("region", "South East"),
        "lat": "52.0",
        "lon": "-1.0",
    } | flags


def test_builder_keeps_only_the_needed_facts() -> None:
    # Given a county and its two districts abolished for a unitary on 1 April 2020 (the
    # reference gives the last day), and estimates for mid-2018 and mid-2019
    rows = build_registry_rows(
        [
            _reference_row("E10000002", "BKM", "County council", "100", end_date="2020-03-31",
                           replaced_by="BUC", region=""),
            _reference_row("E06000060", "BUC", "Unitary authority", "011",
                           start_date="2020-04-01"),
            _reference_row("E07000004", "AYL", "District council", "100", end_date="2020-03-31",
                           replaced_by="BUC", county_gss="E10000002"),
            _reference_row("E07000005", "CHN", "District council", "100", end_date="2020-03-31",
                           replaced_by="BUC", county_gss="E10000002"),
        ],
        {("E07000004", 2018): 200, ("E07000005", 2018): 100, ("E06000060", 2019): 303,
         ("E06000060", 2018): 300},
    )  # fmt: skip
    # (the county's region left blank, as the reference leaves Buckinghamshire's)
    common = {"lat": "52.0", "lon": "-1.0", "region": "South East"}
    # Then the county's population is its districts' sum, each year uses the June before it,
    # the county takes its districts' region,
    # and the unitary (still existing) carries on into the years the estimates cover
    assert rows == [
        {"code": "E06000060", "name": "BUC council", "type": "Unitary authority",
         "comparison_group": "Unitary councils", "formed_on": "2020-04-01", "abolished_on": "",
         "successors": "", "population_2019_20": "", "population_2020_21": "303"} | common,
        {"code": "E07000004", "name": "AYL council", "type": "District council",
         "comparison_group": "District councils", "formed_on": "", "abolished_on": "2020-04-01",
         "successors": "E06000060", "population_2019_20": "200", "population_2020_21": ""}
        | common,
        {"code": "E07000005", "name": "CHN council", "type": "District council",
         "comparison_group": "District councils", "formed_on": "", "abolished_on": "2020-04-01",
         "successors": "E06000060", "population_2019_20": "100", "population_2020_21": ""}
        | common,
        {"code": "E10000002", "name": "BKM council", "type": "County council",
         "comparison_group": "County councils", "formed_on": "", "abolished_on": "2020-04-01",
         "successors": "E06000060", "population_2019_20": "300", "population_2020_21": ""}
        | common,
    ]  # fmt: skip


def test_builder_refuses_a_county_that_is_not_the_sum_of_its_districts() -> None:
    with pytest.raises(ValueError, match=r"E10000002 mid-2018: 301 is not the sum .* \(300\)"):
        build_registry_rows(
            [
                _reference_row("E10000002", "BKM", "County council", "111"),
                _reference_row("E07000004", "AYL", "District council", "111",
                               county_gss="E10000002"),
            ],
            {("E07000004", 2018): 300, ("E10000002", 2018): 301},
        )  # fmt: skip


HEADER = (
    "code,name,type,comparison_group,formed_on,abolished_on,successors,lat,lon,"
    "population_2019_20,population_2020_21\n"
)
KINGSTON_ROW = "E09000021,Kingston,London borough,London boroughs,,,,51.4,-0.3,175470,177507\n"


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("E09000021,K,London borough,London boroughs,,,,51.4,-0.3,1x,2\n",
         "registry line 3: population_2019_20: '1x' is not a whole number of residents above 0"),
        ("E06000060,B,Unitary authority,Unitary councils,2020-04-01,,,51,-1,5,6\n",
         "registry line 3: population_2019_20: 5 given for a year the council did not exist"),
        ("E07000004,A,District council,District councils,,2020/04/01,,51,-1,5,\n",
         "registry line 3: abolished_on: '2020/04/01' is not a date such as 2020-04-01"),
        ("E07000004,A,District council,District councils,,2020-04-01,E06000099,51,-1,5,\n",
         "registry line 3: successors: E06000099 is not a council in the registry"),
        ("E07000004,A,District council,County councils,,,,51,-1,5,6\n",
         "registry line 3: comparison_group: 'County councils' is not the group of a District"),
        ("E09000021,K,London borough,London boroughs,,,,51.4,-0.3,1,2\n",
         "registry line 3: code: E09000021 is already on line 2"),
        ("W06000001,K,Unitary authority,Unitary councils,,,,51.4,-0.3,1,2\n",
         "registry line 3: code: 'W06000001' is not the ONS code of an English principal"),
    ],
)  # fmt: skip
def test_a_bad_registry_field_is_named_with_its_value(line: str, error: str) -> None:
    with pytest.raises(ValueError, match=r"^registry line 3: ") as raised:
        parse_registry(HEADER + KINGSTON_ROW + line)
    assert str(raised.value).startswith(error)


def test_a_registry_column_that_is_not_known_is_refused() -> None:
    with pytest.raises(ValueError, match="registry: column 'population_2019' is not"):
        parse_registry(HEADER.replace("population_2020_21", "population_2019") + KINGSTON_ROW)


def test_contacts_are_read_by_code() -> None:
    contacts = parse_contacts(
        "code,salutation,chief_executive,address,email\n"
        "E09000021,Mr Thomas,Ian Thomas,Guildhall; Kingston,ce@example.org\n"
    )
    assert contacts["E09000021"].salutation == "Mr Thomas"
    assert contacts["E09000021"].email == "ce@example.org"


def test_a_district_with_a_blank_region_takes_its_countys() -> None:
    rows = build_registry_rows(
        [
            _reference_row("E10000021", "NTH", "County council", "110", region="East Midlands"),
            _reference_row("E07000153", "KET", "District council", "110",
                           county_gss="E10000021", region=""),
        ],
        {},
    )  # fmt: skip
    assert [r["region"] for r in rows] == ["East Midlands", "East Midlands"]


def test_the_region_column_is_read_and_checked_and_older_files_have_none() -> None:
    header = "code,name,type,comparison_group,formed_on,abolished_on,successors,lat,lon"
    line = "E09000021,Kingston,London borough,London boroughs,,,,51.4,-0.3"
    # Version 2 (no region column): still read, no region.
    assert parse_registry(f"{header}\n{line}\n").councils[0].region is None
    found = parse_registry(f"{header},region\n{line},London\n").councils[0]
    assert found.region == "London"
    with pytest.raises(ValueError, match=r"registry line 2: region: 'Greater London' is not"):
        parse_registry(f"{header},region\n{line},Greater London\n")


def test_the_packaged_registry_puts_every_council_in_an_ons_region() -> None:
    councils = load_registry(None).councils
    assert all(c.region in REGIONS for c in councils)
    by_code = {c.code: c for c in councils}
    # The two the reference leaves blank: Buckinghamshire CC and Kettering (Northamptonshire).
    assert by_code["E10000002"].region == "South East"
    assert by_code["E07000153"].region == "East Midlands"
    assert by_code["E09000021"].region == "London"
    assert by_code["E06000001"].region == "North East"
