"""Figures as published beside the unrounded ones, and the "[x]" marker for no figure, in the
CSVs, their dictionaries and Table Schemas, and the spreadsheet: against hand-worked values."""

from __future__ import annotations

import csv
import io
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest

from annual_review.figures.catalogue import COMPLIANCE, UPHELD, UPHELD_PER_100K
from annual_review.publication.open_data.dictionaries import rounded
from annual_review.publication.steps import Adapters, run_year
from tests.builders import signed_settings, store_calendar
from tests.constructed_case import ADUR, CITY, KINGSTON
from tests.released_case import RELEASE_DAY, YEAR, adapters
from tests.xlsx_reader import read_sheets

BASE = "data/2019-20/r1/"


@pytest.fixture(scope="module")
def released() -> Adapters:
    found = adapters()
    run_year(YEAR, found, signed_settings(site_url="https://performance.example.org.uk"),
             RELEASE_DAY)  # fmt: skip
    return found


def rows(found: Adapters, name: str, key: str) -> dict[str, dict[str, str]]:
    body = found.public.get(BASE + name)
    assert body is not None, name
    return {row[key]: row for row in csv.DictReader(io.StringIO(body.decode()))}


def test_rounding_is_half_up_as_published_not_to_even() -> None:
    # 137 / 200 = 0.685: 68.5% is 69% (Python's round() would give 68).
    assert rounded(UPHELD, 137 / 200) == 69
    # 21 upheld for 400,000 residents: 5.25 per 100,000 is 5.3 (round() gives 5.2).
    assert rounded(UPHELD_PER_100K, 21 * 100_000 / 400_000) == Decimal("5.3")
    assert rounded(COMPLIANCE, None) is None


def test_councils_csv_has_each_figure_rounded_beside_it_and_x_for_none(
    released: Adapters,
) -> None:
    councils = rows(released, "councils.csv", "code")
    kingston, city, adur = councils[KINGSTON], councils[CITY], councils[ADUR]
    # Kingston: 9 of 13 upheld = 69.23% -> 69; 9 per 177,507 residents = 5.0702 -> 5.1;
    # 7 of 7 complied = 100; 0 of 9 remedied = 0.
    assert (kingston["upheld_rate"][:6], kingston["upheld_rate_rounded"]) == ("0.6923", "69")
    assert kingston["upheld_per_100k_rounded"] == "5.1"
    assert kingston["compliance_rate_rounded"] == "100"
    assert kingston["satisfactory_remedy_rate_rounded"] == "0"
    # The City: nothing investigated, checked or upheld: no rate, blank unrounded, [x] rounded;
    # 0 upheld for 10,000 residents is 0.0.
    assert (city["upheld_rate"], city["upheld_rate_rounded"]) == ("", "[x]")
    assert city["compliance_rate_rounded"] == "[x]"
    assert city["satisfactory_remedy_rate_rounded"] == "[x]"
    assert city["upheld_per_100k_rounded"] == "0.0"
    # Adur: no population estimate; 1 of 1 upheld = 100.
    assert (adur["upheld_per_100k"], adur["upheld_per_100k_rounded"]) == ("", "[x]")
    assert adur["upheld_rate_rounded"] == "100"
    header = list(councils[KINGSTON])
    assert header.index("upheld_rate_rounded") == header.index("upheld_rate") + 1


def independent_round(text: str, percent: bool) -> str:
    if text == "":
        return "[x]"
    value = Decimal(text) * 100 if percent else Decimal(text)
    return str(value.quantize(Decimal(1) if percent else Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_averages_and_national_csv_round_every_statistic_beside_it(released: Adapters) -> None:
    london = rows(released, "averages.csv", "group")["London boroughs"]
    # (9 + 25) upheld of (13 + 27) = 85%; (7 + 20) complied of (7 + 22) = 93.1% -> 93.
    assert (london["upheld_rate_rounded"], london["compliance_rate_rounded"]) == ("85", "93")
    # 34 upheld for 287,507 residents = 11.826 -> 11.8
    assert london["upheld_per_100k_rounded"] == "11.8"
    for area, row in rows(released, "national.csv", "area").items():
        for key in ("upheld_rate", "compliance_rate", "satisfactory_remedy_rate"):
            assert row[f"{key}_rounded"] == independent_round(row[key], True), (area, key)
        assert row["upheld_per_100k_rounded"] == independent_round(row["upheld_per_100k"], False), (
            area
        )


def test_dictionaries_and_table_schemas_describe_the_rounded_columns_and_the_marker(
    released: Adapters,
) -> None:
    dictionary = rows(released, "data-dictionary.csv", "column")
    entry = dictionary["upheld_rate_rounded"]
    assert entry["type"] == "integer"
    assert entry["unit"] == "percent, whole number (rounded half up)"
    assert entry["allowed_values"] == "0 to 100"
    assert "[x] when there is no figure" in entry["description"]
    assert dictionary["upheld_per_100k_rounded"]["type"] == "number"
    for name in ("national-dictionary.csv",):
        assert "upheld_rate_rounded" in rows(released, name, "column")
    package = json.loads(released.public.get(BASE + "datapackage.json") or b"{}")
    councils = next(r for r in package["resources"] if r["name"] == "councils")
    assert councils["schema"]["missingValues"] == ["", "[x]"]
    field = next(f for f in councils["schema"]["fields"] if f["name"] == "upheld_rate_rounded")
    assert field["constraints"] == {"minimum": 0, "maximum": 100}


def test_the_spreadsheet_has_rounded_figures_x_a_cover_with_dates_and_fitted_widths(
    released: Adapters,
) -> None:
    sheets = read_sheets(released.public.get(BASE + "council-complaint-statistics.xlsx") or b"")
    councils = sheets["Councils"]
    kingston, city = councils.row(KINGSTON), councils.row(CITY)
    headings = councils.row("Code")
    at = next(i for i, h in enumerate(headings) if h.startswith("Upheld rate\n"))
    assert headings[at + 1].startswith("Upheld rate, rounded\n(percent)")
    assert float(kingston[at]) == pytest.approx(9 / 13)
    assert kingston[at + 1] == "69"
    assert (city[at], city[at + 1]) == ("[x]", "[x]")
    assert "[x] means there is no figure" in sheets["Notes"].text()
    assert sheets["Averages"].row("London boroughs")[1:3] == ["0.85", "85"]
    cover = sheets["Cover"].text()
    # Released 29 July 2020; the calendar announces 2020-21 for 29 July 2021.
    assert "Released: 29 July 2020 at 09:30" in cover
    assert "Next release: 29 July 2021 at 09:30 (2020-21 figures)" in cover
    assert "https://performance.example.org.uk/methodology/" in cover
    assert "Contact details:" in cover
    # Widths fit the content: the code column is narrow, the name column as wide as the
    # longest name (Royal Borough of Kingston upon Thames, 37 characters), not one width.
    widths = councils.widths
    assert widths[1] < 15
    assert 37 <= widths[2] <= 45
    assert len(set(widths.values())) > 3


def test_the_spreadsheet_says_to_be_announced_without_a_next_release() -> None:
    found = adapters()
    store_calendar(found.private, 2019)  # no year after it announced
    run_year(YEAR, found, signed_settings(), RELEASE_DAY)
    sheets = read_sheets(found.public.get(BASE + "council-complaint-statistics.xlsx") or b"")
    assert "Next release: to be announced" in sheets["Cover"].text()
