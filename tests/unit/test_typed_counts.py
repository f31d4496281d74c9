"""Count names are a type held to the aggregate's derived counts; an aggregate is not Counts."""

from __future__ import annotations

from typing import get_args

import pytest

from annual_review.figures.aggregates import CouncilYearAggregate
from annual_review.figures.catalogue import STATISTICS, UPHELD, CountName


def test_count_names_are_the_aggregates_derived_counts_and_the_population() -> None:
    derived = {
        name
        for name, member in vars(CouncilYearAggregate).items()
        if isinstance(member, property) and member.fget is not None
        if member.fget.__annotations__.get("return") in (int, "int")
    }
    assert set(get_args(CountName)) == derived | {"population"}


def test_every_statistic_is_made_of_named_counts() -> None:
    for statistic in STATISTICS:
        assert {statistic.numerator, statistic.denominator} <= set(get_args(CountName))


def test_an_aggregate_is_not_counts_and_its_raw_lookup_has_another_name() -> None:
    # 2 detailed investigations (1 upheld, 1 not upheld): the statistic needs "upheld" and
    # "detailed_investigations", which only the derived counts know.
    aggregate = CouncilYearAggregate(
        "2019-20", "E06000001", {"decisions_upheld": 1, "decisions_not_upheld": 1}
    )
    assert aggregate.counter("upheld") == 0  # no raw counter has that name
    assert (aggregate.upheld, aggregate.detailed_investigations) == (1, 2)
    # mypy (strict, so warn_unused_ignores) checks tests/: if an aggregate were accepted where the
    # catalogue wants Counts, this ignore would be unused and `make lint` would fail.
    with pytest.raises(AttributeError, match="count"):
        UPHELD.counts_of(aggregate)  # type: ignore[arg-type]
