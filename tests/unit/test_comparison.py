"""Comparison groups on a council's page: the preset groups' pooled figures worked out by hand
from a small year of published records."""

from __future__ import annotations

from typing import Any

import pytest

from annual_review.figures.catalogue import LATE_REMEDY, UPHELD, UPHELD_PER_100K
from annual_review.site.comparison import (
    comparison_view,
    nearest_in_population,
    pooled,
    preset_groups,
)


def _record(
    code: str,
    kind: str,
    group: str,
    region: str,
    population: int | None,
    upheld: int,
    investigated: int,
    late: int = 0,
    checked: int = 0,
) -> dict[str, Any]:
    def rate(count: int, of: int) -> dict[str, Any]:
        return {"count": count, "of": of, "rate": count / of if of else None,
                "ci_low": None, "ci_high": None, "small_base": of < 10}  # fmt: skip

    return {
        "year": "2021-22", "revision": 1, "code": code, "name": f"Council {code}", "type": kind,
        "comparison_group": group, "region": region, "population": population,
        "upheld": rate(upheld, investigated) | {"per_100k": None},
        "compliance": rate(checked, checked) | {"late": late},
        "satisfactory_remedy": rate(0, upheld), "late_remedy": rate(late, checked),
    }  # fmt: skip


D = ("District council", "District councils")
RECORDS = [
    _record("E10000008", "County council", "County councils", "South West", 300, 2, 3, 1, 4),
    _record("E07000040", *D, "South West", 100, 1, 1),
    _record("E07000041", *D, "South West", 200, 0, 2, 1, 2),
    _record("E07000042", *D, "South West", 130, 3, 4),
    _record("E07000043", *D, "South West", 90, 1, 2),
    _record("E07000044", *D, "South West", None, 5, 5),
    _record("E07000223", *D, "South East", 64_000, 1, 10),
]


def test_each_preset_group_pools_its_members_counts() -> None:
    east_devon = RECORDS[1]
    groups = {g.key: g for g in preset_groups(east_devon, RECORDS)}
    # Region: the county and five districts of the South West.
    region = groups["region"]
    assert (region.title, len(region.members)) == ("South West", 6)
    assert pooled(region.members, UPHELD) == pytest.approx((2 + 1 + 0 + 3 + 1 + 5) / 17)
    # Per 100,000: residents once (100 + 200 + 130 + 90; the county's 300 are theirs; the
    # district with no estimate neither adds residents nor its 5 upheld); the county's 2 count.
    assert pooled(region.members, UPHELD_PER_100K) == pytest.approx(
        (2 + 1 + 0 + 3 + 1) * 100_000 / 520
    )
    assert pooled(region.members, LATE_REMEDY) == pytest.approx(2 / 6)
    # Type: every district council, East Devon included.
    kind = groups["type"]
    assert len(kind.members) == 6
    assert pooled(kind.members, UPHELD) == pytest.approx((1 + 0 + 3 + 1 + 5 + 1) / 24)
    assert pooled(kind.members, UPHELD_PER_100K) == pytest.approx(6 * 100_000 / 64_520)
    assert pooled(kind.members, LATE_REMEDY) == pytest.approx(1 / 2)


def test_the_nearest_in_population_are_of_its_type_with_an_estimate_nearest_first() -> None:
    east_devon = RECORDS[1]  # 100 residents
    near = nearest_in_population(east_devon, RECORDS)
    # 90 (10 away), 130 (30), 200 (100), 64,000; not the county, not the one with no estimate.
    assert [r["code"] for r in near] == ["E07000043", "E07000042", "E07000041", "E07000223"]
    assert nearest_in_population(RECORDS[5], RECORDS) == []


def test_the_view_shows_each_groups_figure_as_people_read_it() -> None:
    view = comparison_view(RECORDS[1], RECORDS, lambda code: f"/councils/{code.lower()}/")
    assert [g["title"] for g in view["groups"]] == [
        "South West",
        "District councils",
        "Nearest in population",
    ]
    upheld = next(r for r in view["rows"] if r["key"] == "upheld_rate")
    # Own 1 of 1 = 100%; region 12/17 = 70.6% -> 71%; type 11/24 = 45.8% -> 46%;
    # nearest 90, 130, 200, 64,000: (1 + 3 + 0 + 1) / (2 + 4 + 2 + 10) = 27.8% -> 28%.
    assert (upheld["council"], upheld["groups"]) == ("100%", ["71%", "46%", "28%"])
    assert view["data"] == "/data/2021-22/r1/councils.json"
    nearest = view["groups"][2]["members"]
    assert nearest[0] == {
        "name": "Council E07000043",
        "code": "E07000043",
        "href": "/councils/e07000043/",
    }
