"""A year's per-100,000 figures use that year's population: the ONS mid-year estimate for the
June before it starts, from the packaged registry, through freeze, the letter and the data."""

from __future__ import annotations

from datetime import UTC, datetime

from annual_review.figures.catalogue import AverageMethod
from annual_review.fiscal import FinancialYear
from annual_review.publication.freeze.snapshot import freeze, load_snapshot
from annual_review.publication.letters.letter import build_letter, default_content, render_letter
from annual_review.publication.open_data.year_files import year_document
from annual_review.registry.councils import load_registry
from tests.builders import calendar_entry, signed_settings
from tests.constructed_case import FixedAggregates
from tests.fakes import MemoryObjectStore

KINGSTON = "E09000021"
# The ombudsman's published 2023-24 figures for Royal Borough of Kingston upon Thames.
COUNTERS = {KINGSTON: {"decisions_upheld": 9, "decisions_not_upheld": 4}}
ONS_MID_2022 = 168_302  # ONS mid-2022 estimate for Kingston upon Thames
ONS_MID_2018 = 175_470


def frozen(year: FinancialYear) -> tuple[str, dict[str, object]]:
    private = MemoryObjectStore()
    freeze(year, aggregates=FixedAggregates(COUNTERS), registry=load_registry(None),
           private=private, average_method=AverageMethod.POOLED,
           now=datetime(year.start_year + 1, 7, 22, 6, tzinfo=UTC))  # fmt: skip
    snapshot = load_snapshot(private, year.label)
    assert snapshot is not None
    figures = next(c for c in snapshot.councils if c.code == KINGSTON)
    letter = build_letter(
        figures,
        snapshot,
        contact=None,
        content=default_content(),
        settings=signed_settings(),
        entry=calendar_entry(year.start_year),
    )
    _, text = render_letter(letter)
    record = next(r for r in year_document(snapshot)["councils"] if r["code"] == KINGSTON)
    return text.decode(), record


def test_kingston_2023_24_publishes_69_percent_and_5_3_per_100000() -> None:
    text, record = frozen(FinancialYear(2023))
    # 9 upheld of 13 investigations = 69.2% -> 69%; 9 / 168,302 x 100,000 = 5.35 -> 5.3
    assert "We upheld 69% of the complaints we investigated." in text
    assert "We upheld 5.3 complaints for every 100,000 residents." in text
    assert "estimated population of 168,302." in text
    assert record["population"] == ONS_MID_2022
    assert record["upheld"]["per_100k"] == 9 * 100_000 / ONS_MID_2022  # type: ignore[index]


def test_the_same_counts_in_2019_20_use_the_mid_2018_estimate() -> None:
    text, record = frozen(FinancialYear(2019))
    # 9 / 175,470 x 100,000 = 5.13 -> 5.1
    assert "We upheld 5.1 complaints for every 100,000 residents." in text
    assert record["population"] == ONS_MID_2018
