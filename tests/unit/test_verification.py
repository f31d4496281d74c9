"""Verification compares counters recomputed from the ledger with stored and frozen ones."""

from __future__ import annotations

from annual_review.figures.aggregates import CouncilYearAggregate
from annual_review.figures.verification import Difference, compare, recompute, verify_year
from tests.builders import complaint, decision, withdrawal
from tests.parsing import parsed

LEDGER = [
    parsed("DecisionRecorded", decision("D-1")),
    parsed("DecisionRecorded", decision("D-2", decided_on="2020-04-01")),  # next year
    parsed("DecisionWithdrawn", withdrawal("D-3")),
    parsed("ComplaintReceived", complaint("C-1", authority_code="E08000035")),
]


def test_recompute_keeps_one_year_by_council() -> None:
    assert recompute(LEDGER, "2019-20") == {
        "E09000021": {"decisions_upheld": 1, "decisions_area_housing": 1},
        "E08000035": {"complaints_area_housing": 1},
    }


def test_matching_aggregates_give_no_differences() -> None:
    stored = {
        "E09000021": CouncilYearAggregate(
            "2019-20", "E09000021", {"decisions_upheld": 1, "decisions_area_housing": 1}
        ),
        "E08000035": CouncilYearAggregate(
            "2019-20", "E08000035", {"complaints_area_housing": 1, "decisions_upheld": 0}
        ),
    }
    assert verify_year(LEDGER, "2019-20", stored, snapshot=None) == []


def test_a_counter_counted_twice_and_a_missing_council_are_both_reported() -> None:
    stored = {
        "E09000021": CouncilYearAggregate(
            "2019-20", "E09000021", {"decisions_upheld": 2, "decisions_area_housing": 1}
        )
    }
    assert verify_year(LEDGER, "2019-20", stored, snapshot=None) == [
        Difference("aggregates", "E08000035", "complaints_area_housing", 1, 0),
        Difference("aggregates", "E09000021", "decisions_upheld", 1, 2),
    ]


def test_compare_can_be_limited_to_some_councils() -> None:
    assert (
        compare({"A": {"x": 1}, "B": {"x": 1}}, {"A": {"x": 1}}, "snapshot r1", codes=["A"]) == []
    )
    assert (
        str(Difference("snapshot r1", "B", "x", 1, 0))
        == "snapshot r1: B x: ledger gives 1, found 0"
    )
