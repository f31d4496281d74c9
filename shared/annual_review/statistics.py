"""Rates with their uncertainty, the average of similar authorities, and rounding for people.

A rate is a count out of a denominator. With a denominator of zero there is no rate (``None``),
never 0. Each rate carries a 95% Wilson score interval, which stays inside 0..1 and behaves well
for the small counts many councils have; a denominator under 10 is flagged as a small base.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

AverageMethod = Literal["pooled", "mean_of_rates"]
SMALL_BASE = 10
# The two-sided 95% normal quantile.
Z_95 = 1.959963984540054
PER_RESIDENTS = 100_000


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


def per_100k(count: int, population: int | None) -> float | None:
    if not population:
        return None
    return count * PER_RESIDENTS / population


def pooled(numerators: Iterable[int], denominators: Iterable[int], scale: int = 1) -> float | None:
    """Sum of numerators over sum of denominators: every case weighs the same."""
    top, bottom = sum(numerators), sum(denominators)
    return top * scale / bottom if bottom else None


def mean_of_rates(rates: Iterable[float | None]) -> float | None:
    """The plain mean of the councils' own rates (councils with no rate left out)."""
    known = [r for r in rates if r is not None]
    return math.fsum(known) / len(known) if known else None


@dataclass(frozen=True)
class GroupMember:
    """What one council contributes to its comparison group's averages."""

    upheld: int
    investigated: int
    complied: int
    compliance_checked: int
    satisfactory_remedies: int
    population: int | None


@dataclass(frozen=True)
class GroupAverages:
    upheld_rate: float | None
    compliance_rate: float | None
    satisfactory_remedy_rate: float | None
    upheld_per_100k: float | None


def group_averages(members: Sequence[GroupMember], method: AverageMethod) -> GroupAverages:
    # Councils without a population estimate cannot contribute to a per-100,000 average.
    with_population = [m for m in members if m.population]
    if method == "pooled":
        return GroupAverages(
            upheld_rate=pooled((m.upheld for m in members), (m.investigated for m in members)),
            compliance_rate=pooled(
                (m.complied for m in members), (m.compliance_checked for m in members)
            ),
            satisfactory_remedy_rate=pooled(
                (m.satisfactory_remedies for m in members), (m.upheld for m in members)
            ),
            upheld_per_100k=pooled(
                (m.upheld for m in with_population),
                (m.population or 0 for m in with_population),
                scale=PER_RESIDENTS,
            ),
        )
    return GroupAverages(
        upheld_rate=mean_of_rates(rate(m.upheld, m.investigated).rate for m in members),
        compliance_rate=mean_of_rates(rate(m.complied, m.compliance_checked).rate for m in members),
        satisfactory_remedy_rate=mean_of_rates(
            rate(m.satisfactory_remedies, m.upheld).rate for m in members
        ),
        upheld_per_100k=mean_of_rates(per_100k(m.upheld, m.population) for m in with_population),
    )


def _decimal(value: float | int) -> Decimal:
    # repr gives the shortest decimal that round-trips, so 0.145 is 0.145 here, not 0.14499...
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def whole_percent(fraction: float) -> int:
    """A fraction as a whole percentage, halves rounded up (0.685 -> 69), as people expect."""
    return int((_decimal(fraction) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_half_up(value: float, places: int) -> Decimal:
    return _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
