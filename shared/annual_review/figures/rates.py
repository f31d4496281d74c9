"""Rates with their uncertainty, and rounding for people (what each statistic is: ``catalogue``).

A rate is a count out of a denominator. With a denominator of zero there is no rate (``None``),
never 0. Each rate carries a 95% Wilson score interval, which stays inside 0..1 and behaves well
for the small counts many councils have; a denominator under 10 is flagged as a small base.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SMALL_BASE = 10
# The two-sided 95% normal quantile.
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Rate:
    count: int
    of: int
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    small_base: bool


def wilson_interval(count: int, of: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for ``count`` successes in ``of`` trials (None when of is 0)."""
    if of <= 0:
        return None
    p = count / of
    z2 = z * z
    centre = (p + z2 / (2 * of)) / (1 + z2 / of)
    half = z * math.sqrt(p * (1 - p) / of + z2 / (4 * of * of)) / (1 + z2 / of)
    return max(0.0, centre - half), min(1.0, centre + half)


def rate(count: int, of: int) -> Rate:
    if count < 0 or of < 0 or count > of:
        raise ValueError(f"rate: {count} out of {of} is not a proportion")
    interval = wilson_interval(count, of)
    return Rate(
        count=count,
        of=of,
        rate=count / of if of else None,
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
        small_base=of < SMALL_BASE,
    )


def _decimal(value: float | int) -> Decimal:
    # repr gives the shortest decimal that round-trips, so 0.145 is 0.145 here, not 0.14499...
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def whole_percent(fraction: float) -> int:
    """A fraction as a whole percentage, halves rounded up (0.685 -> 69), as people expect."""
    return int((_decimal(fraction) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_half_up(value: float, places: int) -> Decimal:
    return _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
