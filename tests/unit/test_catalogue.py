"""The statistics catalogue: figures, rounding and the averages of similar authorities."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from annual_review.figures.catalogue import (
    COMPLIANCE,
    SATISFACTORY_REMEDY,
    STATISTICS,
    UPHELD,
    UPHELD_PER_100K,
    AverageMethod,
    group_averages,
    record_objects,
)
from annual_review.settings import Settings


@dataclass(frozen=True)
class Counts:
    upheld: int
    detailed_investigations: int
    complied: int
    compliance_total: int
    satisfactory_remedies: int
    population: int | None
    complied_late: int = 0

    def count(self, name: str) -> int | None:
        found: int | None = getattr(self, name)
        return found


MEMBERS = [
    Counts(upheld=9, detailed_investigations=13, complied=7, compliance_total=7,
           satisfactory_remedies=0, population=177_507, complied_late=2),
    Counts(upheld=25, detailed_investigations=27, complied=20, compliance_total=22,
           satisfactory_remedies=5, population=100_000),
    Counts(upheld=0, detailed_investigations=0, complied=0, compliance_total=0,
           satisfactory_remedies=0, population=None),
]  # fmt: skip


def averages(members: list[Counts], method: AverageMethod) -> dict[str, float | None]:
    return group_averages((("Group", m) for m in members), method, ["Group"])["Group"]


def test_per_100k_needs_a_population() -> None:
    assert UPHELD_PER_100K.value(MEMBERS[0]) == pytest.approx(5.0702, abs=1e-4)
    assert UPHELD_PER_100K.value(MEMBERS[2]) is None
    assert UPHELD_PER_100K.shown(9 * 100_000 / 168_302) == "5.3"


def test_rates_are_shown_as_whole_percentages_rounded_half_up() -> None:
    assert UPHELD.shown(9 / 13) == "69%"
    assert UPHELD.shown(0.685) == "69%"
    assert UPHELD.shown(None) is None


def test_pooled_averages_weigh_every_case_the_same() -> None:
    found = averages(MEMBERS, AverageMethod.POOLED)
    assert found[UPHELD.key] == pytest.approx(34 / 40)
    assert found[COMPLIANCE.key] == pytest.approx(27 / 29)
    assert found[SATISFACTORY_REMEDY.key] == pytest.approx(5 / 34)
    # The council without a population is left out of both sums.
    assert found[UPHELD_PER_100K.key] == pytest.approx(34 / 277_507 * 100_000)


def test_mean_of_rates_weighs_every_council_with_a_figure_the_same() -> None:
    found = averages(MEMBERS, AverageMethod.MEAN_OF_RATES)
    assert found[UPHELD.key] == pytest.approx((9 / 13 + 25 / 27) / 2)
    assert found[COMPLIANCE.key] == pytest.approx((1 + 20 / 22) / 2)
    assert found[SATISFACTORY_REMEDY.key] == pytest.approx((0 + 5 / 25) / 2)
    assert found[UPHELD_PER_100K.key] == pytest.approx((9 / 177_507 + 25 / 100_000) / 2 * 100_000)


def test_a_group_with_no_cases_has_no_averages() -> None:
    found = averages([MEMBERS[2]], AverageMethod.POOLED)
    assert set(found) == {s.key for s in STATISTICS}
    assert all(value is None for value in found.values())


def test_an_unknown_averaging_method_is_an_error_not_a_silent_fallback() -> None:
    with pytest.raises(ValueError, match="median"):
        UPHELD.group_average(MEMBERS, "median")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="average_method"):
        Settings.from_environment({"AVERAGE_METHOD": "median"})


def test_a_record_carries_each_statistic_with_its_base_interval_and_extras() -> None:
    found = record_objects(MEMBERS[0])
    assert set(found) == {"upheld", "compliance", "satisfactory_remedy", "late_remedy"}
    assert (found["upheld"]["count"], found["upheld"]["of"]) == (9, 13)
    assert found["upheld"]["small_base"] is False
    assert found["upheld"]["per_100k"] == pytest.approx(900_000 / 177_507)
    assert found["compliance"]["late"] == 2
    # Late remedies: 2 of 7 compliance outcomes, a small base (under 10).
    assert (found["late_remedy"]["count"], found["late_remedy"]["of"]) == (2, 7)
    assert found["late_remedy"]["rate"] == pytest.approx(2 / 7)
    assert found["late_remedy"]["small_base"] is True
    assert found["satisfactory_remedy"]["rate"] == 0.0
    assert found["satisfactory_remedy"]["small_base"] is True
