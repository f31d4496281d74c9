"""England's figures and each comparison group's, worked out by hand from the letters' case."""

from __future__ import annotations

import csv
import io

import pytest

from annual_review.publication.open_data.national import national_csv, national_document
from tests.constructed_case import frozen_case


def test_england_and_group_totals_and_rates_match_the_hand_worked_case() -> None:
    document = national_document(frozen_case(), previous=None)
    # Groups in the order the ombudsman lists them: districts before London boroughs.
    england, districts, london = document["areas"]
    assert (england["area"], districts["area"], london["area"]) == (
        "England",
        "District councils",
        "London boroughs",
    )
    assert london["councils"] == 3
    # Kingston 9+4+5+1+1, Lambeth 25+2, Adur 1, the City of London nothing.
    assert england["councils"] == 4
    assert england["decisions"]["total"] == 48
    assert england["overview"] == {
        "dealt_with": 48,
        "not_for_us": 2,  # Kingston: one referred back, one incomplete or invalid
        "assessed_and_closed": 5,
        "investigated": 41,  # 13 + 27 + 1
    }
    assert england["service_areas"]["housing"] == 33
    assert england["service_areas"]["planning_and_development"] == 1
    statistics = england["statistics"]
    assert statistics["upheld_rate"] == pytest.approx(35 / 41)
    assert statistics["compliance_rate"] == pytest.approx(27 / 29)  # late counts as complied
    assert statistics["satisfactory_remedy_rate"] == pytest.approx(5 / 35)
    # Adur has no population estimate, so neither its upheld decision nor residents count.
    assert england["population"] == 287_507
    assert statistics["upheld_per_100k"] == pytest.approx(34 / 287_507 * 100_000)
    assert districts["statistics"]["compliance_rate"] is None
    assert districts["statistics"]["upheld_rate"] == 1.0
    assert england["previous_year"] is None
    assert england["change"] is None


def test_the_change_on_the_year_before_is_the_difference_of_each_figure() -> None:
    snapshot = frozen_case()
    document = national_document(snapshot, previous=snapshot)
    england = document["areas"][0]
    assert document["previous_year"] == {"year": "2019-20", "revision": 1}
    assert england["previous_year"]["decisions_total"] == 48
    assert england["change"]["decisions_total"] == 0
    assert england["change"]["upheld_rate"] == 0.0


def test_the_csv_has_a_row_per_area_with_its_year() -> None:
    rows = list(
        csv.DictReader(io.StringIO(national_csv(national_document(frozen_case(), None)).decode()))
    )
    assert [r["area"] for r in rows] == ["England", "District councils", "London boroughs"]
    assert {r["year"] for r in rows} == {"2019-20"}
    assert rows[0]["overview_investigated"] == "41"
    assert rows[0]["decisions_total_change"] == ""
