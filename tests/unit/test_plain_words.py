"""The plain-words reading of a council's figures, against figures worked out by hand."""

from __future__ import annotations

from typing import Any

from annual_review.figures.catalogue import COMPLIANCE, SATISFACTORY_REMEDY, UPHELD, UPHELD_PER_100K
from annual_review.site.plain_words import reading


def upheld(count: int, of: int, low: float | None, high: float | None) -> dict[str, Any]:
    return {
        "upheld": {
            "count": count,
            "of": of,
            "rate": count / of if of else None,
            "ci_low": low,
            "ci_high": high,
            "per_100k": None,
        }
    }


def test_seven_of_eleven_upheld_beside_a_54_percent_average_is_not_clearly_different() -> None:
    # 7/11 = 63.6% -> 64%. Wilson 95% by hand: centre (0.63636 + 3.8416/22) / (1 + 3.8416/11)
    # = 0.60106, half-width 1.96 * sqrt(0.231405/11 + 3.8416/484) / 1.34924 = 0.24727, so
    # 35% to 85%: 54% is inside, and the interval is 49 points wide (few cases).
    record = upheld(7, 11, 0.3538, 0.8483)
    assert reading(UPHELD, record, 0.54) == (
        "7 of the 11 complaints we investigated were upheld (64%); similar councils 54%; "
        "with so few cases this is not clearly different."
    )


def test_a_figure_whose_interval_lies_above_the_average_is_clearly_higher() -> None:
    # 80 of 100 = 80%; Wilson by hand: 71.1% to 86.7%; the average 50% is below it.
    record = upheld(80, 100, 0.7112, 0.8666)
    assert reading(UPHELD, record, 0.5) == (
        "80 of the 100 complaints we investigated were upheld (80%); similar councils 50%; "
        "this is clearly higher than similar councils."
    )


def test_a_narrow_interval_around_the_average_is_not_clearly_different_without_few_cases() -> None:
    record = upheld(55, 100, 0.4524, 0.6438)
    assert reading(UPHELD, record, 0.5).endswith(
        "similar councils 50%; this is not clearly different from similar councils."
    )


def test_one_case_and_no_case_read_as_words() -> None:
    assert reading(UPHELD, upheld(1, 1, 0.2065, 1.0), 0.6).startswith(
        "The only complaint we investigated was upheld (100%)"
    )
    assert reading(UPHELD, upheld(0, 1, 0.0, 0.7935), None) == (
        "The only complaint we investigated was not upheld (0%)."
    )
    assert reading(UPHELD, upheld(0, 0, None, None), 0.5) == (
        "We did not investigate any complaints about this council in detail this year, so "
        "there is no upheld rate."
    )


def test_compliance_remedy_and_per_100k_read_with_their_own_words() -> None:
    compliance = {"compliance": {"count": 1, "of": 4, "rate": 0.25, "ci_low": 0.0456,
                                 "ci_high": 0.6994, "late": 0}}  # fmt: skip
    assert reading(COMPLIANCE, compliance, 0.99) == (
        "1 of the 4 recommendations we checked was carried out by the council (25%); "
        "similar councils 99%; this is clearly lower than similar councils."
    )
    remedy = {"satisfactory_remedy": {"count": 3, "of": 6, "rate": 0.5, "ci_low": 0.1876,
                                      "ci_high": 0.8124}}  # fmt: skip
    assert reading(SATISFACTORY_REMEDY, remedy, None) == (
        "3 of the 6 complaints we upheld were already put right by the council before we "
        "became involved (50%)."
    )
    # 12 upheld in 307,000 residents: 12 * 100000 / 307000 = 3.908... -> 3.9
    per_100k = {"upheld": {"count": 12, "of": 20, "rate": 0.6, "ci_low": 0.39,
                           "ci_high": 0.78, "per_100k": 12 * 100_000 / 307_000}}  # fmt: skip
    assert reading(UPHELD_PER_100K, per_100k, 4.25) == (
        "We upheld 12 complaints: 3.9 for every 100,000 residents; similar councils 4.3."
    )
    none_upheld = {"upheld": {"count": 0, "of": 3, "rate": 0.0, "ci_low": 0.0,
                              "ci_high": 0.5615, "per_100k": 0.0}}  # fmt: skip
    assert reading(UPHELD_PER_100K, none_upheld, None) == (
        "We upheld no complaints: 0.0 for every 100,000 residents."
    )
