"""Rates, Wilson intervals and rounding for people."""

from __future__ import annotations

import math

import pytest

from annual_review.figures.rates import rate, round_half_up, whole_percent, wilson_interval


def test_wilson_interval_matches_the_formula_worked_by_hand() -> None:
    # 9 of 13, z = 1.96: centre (p + z²/2n) / (1 + z²/n),
    # half-width z√(p(1-p)/n + z²/4n²) / (1 + z²/n).
    z, n, p = 1.959963984540054, 13, 9 / 13
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low, high = wilson_interval(9, 13) or (0.0, 0.0)
    assert low == pytest.approx(centre - half) == pytest.approx(0.4237, abs=1e-4)
    assert high == pytest.approx(centre + half) == pytest.approx(0.8732, abs=1e-4)


def test_wilson_interval_at_the_edges_stays_inside_zero_and_one() -> None:
    # 0 of 10: the interval is [0, z²/(n + z²)].
    z2 = 1.959963984540054**2
    assert wilson_interval(0, 10) == pytest.approx((0.0, z2 / (10 + z2)), abs=1e-12)
    low, high = wilson_interval(10, 10) or (0.0, 0.0)
    assert (low, high) == pytest.approx((10 / (10 + z2), 1.0))
    assert wilson_interval(0, 0) is None


def test_a_zero_denominator_has_no_rate_and_a_small_base() -> None:
    found = rate(0, 0)
    assert (found.rate, found.ci_low, found.ci_high, found.small_base) == (None, None, None, True)
    assert rate(5, 9).small_base is True
    assert rate(5, 10).small_base is False
    with pytest.raises(ValueError, match="not a proportion"):
        rate(3, 2)


@pytest.mark.parametrize(
    ("fraction", "percent"),
    [(0.685, 69), (0.125, 13), (0.145, 15), (0.6923076923076923, 69), (0.994, 99), (0.995, 100)],
)
def test_whole_percent_rounds_halves_up(fraction: float, percent: int) -> None:
    assert whole_percent(fraction) == percent


def test_round_half_up_to_one_place() -> None:
    assert str(round_half_up(5.05, 1)) == "5.1"
    assert str(round_half_up(11.825, 1)) == "11.8"
