"""Provisional figures each quarter: the calendar's rules (a weekend refused), the quarter's
figures to date worked out by hand, labelled provisional everywhere, and nothing public before
the announced moment."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest

from annual_review.calendar.provisional import (
    ProvisionalCalendar,
    provisional_payload,
    quarter_label,
    quarter_months,
)
from annual_review.calendar.release_calendar import CalendarError, london
from annual_review.figures.catalogue import AverageMethod
from annual_review.fiscal import FinancialYear
from annual_review.publication.freeze.snapshot import freeze
from annual_review.publication.provisional import (
    NotAnnounced,
    NotYetPublic,
    Superseded,
    release_provisional,
    save_provisional_calendar,
)
from annual_review.registry.councils import parse_registry
from tests.constructed_case import FixedAggregates
from tests.fakes import MemoryObjectStore

YEAR = FinancialYear(2021)
ANNOUNCED_ON = datetime(2021, 5, 4, 9, tzinfo=UTC)
Q1_RELEASE = london(date(2021, 7, 15), datetime.min.time().replace(hour=9, minute=30))


def test_quarters_run_april_to_june_and_so_on() -> None:
    assert quarter_months(YEAR, 1) == (date(2021, 4, 1), date(2021, 6, 30))
    assert quarter_months(YEAR, 3) == (date(2021, 10, 1), date(2021, 12, 31))
    assert quarter_months(YEAR, 4) == (date(2022, 1, 1), date(2022, 3, 31))
    assert quarter_label(YEAR, 2) == "Q2 2021-22 (July to September 2021)"


def test_the_calendar_refuses_a_provisional_release_on_a_weekend() -> None:
    saturday = Q1_RELEASE.replace(day=17)  # Saturday 17 July 2021
    with pytest.raises(CalendarError, match="Saturday 2021-07-17 is a weekend day"):
        ProvisionalCalendar().announce("2021-22", 1, saturday, now=ANNOUNCED_ON, by="me")


def test_the_calendar_keeps_the_annual_releases_other_rules() -> None:
    calendar = ProvisionalCalendar()
    with pytest.raises(CalendarError, match="released at 09:30, not 10:00"):
        calendar.announce(
            "2021-22", 1, Q1_RELEASE.replace(hour=10, minute=0), now=ANNOUNCED_ON, by="me"
        )
    with pytest.raises(CalendarError, match="not after the quarter's end \\(2021-06-30\\)"):
        calendar.announce("2021-22", 1, Q1_RELEASE.replace(month=6, day=30), now=ANNOUNCED_ON,
                          by="me")  # fmt: skip
    with pytest.raises(CalendarError, match="bank holiday"):  # Late Summer Bank Holiday
        calendar.announce("2021-22", 1, Q1_RELEASE.replace(month=8, day=30), now=ANNOUNCED_ON,
                          by="me")  # fmt: skip
    with pytest.raises(CalendarError, match="fewer than 28 days"):
        calendar.announce("2021-22", 1, Q1_RELEASE, now=datetime(2021, 7, 1, tzinfo=UTC), by="me")
    announced = calendar.announce("2021-22", 1, Q1_RELEASE, now=ANNOUNCED_ON, by="me")
    with pytest.raises(CalendarError, match="needs a stated reason"):
        announced.announce("2021-22", 1, Q1_RELEASE.replace(day=16), now=ANNOUNCED_ON, by="me")
    # A schedule per announced quarter still to come, carrying the quarter.
    [step] = announced.planned_steps(ANNOUNCED_ON)
    assert (step.year, step.step, step.at) == ("2021-22", "release", Q1_RELEASE)
    assert announced.planned_steps(Q1_RELEASE) == []
    assert provisional_payload("2021-22", 1) == {"step": "release", "year": "2021-22",
                                                  "quarter": 1}  # fmt: skip


KINGSTON, LAMBETH = "E09000021", "E09000022"
REGISTRY = parse_registry(
    "code,name,type,comparison_group,formed_on,abolished_on,successors,lat,lon,region,"
    "population_2021_22\n"
    f"{KINGSTON},Kingston,London borough,London boroughs,,,,51.4,-0.3,London,200000\n"
    f"{LAMBETH},Lambeth,London borough,London boroughs,,,,51.5,-0.1,London,300000\n"
)
COUNTERS = {
    KINGSTON: {"decisions_upheld": 3, "decisions_not_upheld": 1, "complaints_area_housing": 5,
               "compliance_complied": 1, "compliance_complied_late": 1},
    LAMBETH: {"decisions_not_upheld": 2},
}  # fmt: skip


def _stores() -> tuple[MemoryObjectStore, MemoryObjectStore]:
    private, public = MemoryObjectStore(), MemoryObjectStore()
    calendar = ProvisionalCalendar().announce("2021-22", 1, Q1_RELEASE, now=ANNOUNCED_ON, by="me")
    save_provisional_calendar(private, calendar)
    return private, public


def _release(private: MemoryObjectStore, public: MemoryObjectStore, now: datetime) -> object:
    return release_provisional(YEAR, 1, aggregates=FixedAggregates(COUNTERS), registry=REGISTRY,
                               private=private, public=public, now=now,
                               site_url="https://example.org")  # fmt: skip


def test_nothing_of_a_quarter_is_public_before_its_moment_and_an_unannounced_one_is_refused(
) -> None:  # fmt: skip
    private, public = _stores()
    with pytest.raises(NotYetPublic, match="not public until 2021-07-15T09:30:00\\+01:00"):
        _release(private, public, Q1_RELEASE.astimezone(UTC).replace(minute=29))
    assert public.objects == {}
    with pytest.raises(NotAnnounced):
        release_provisional(YEAR, 2, aggregates=FixedAggregates(COUNTERS), registry=REGISTRY,
                            private=private, public=public, now=Q1_RELEASE)  # fmt: skip
    assert public.objects == {}


def test_the_quarters_figures_to_date_worked_by_hand_and_labelled_provisional() -> None:
    private, public = _stores()
    before = set(private.objects)
    _release(private, public, Q1_RELEASE)
    document = json.loads(public.objects["data/2021-22/provisional/q1/councils.json"][0])
    assert (document["status"], document["quarter"]) == ("provisional", 1)
    assert "replaces them all" in document["revisions_policy"]
    kingston = next(c for c in document["councils"] if c["code"] == KINGSTON)
    assert kingston["status"] == "provisional"
    assert kingston["complaints_received"] == 5
    assert kingston["upheld"]["rate"] == pytest.approx(3 / 4)
    assert kingston["upheld"]["per_100k"] == pytest.approx(3 * 100_000 / 200_000)  # 1.5
    assert kingston["late_remedy"]["rate"] == pytest.approx(1 / 2)
    assert "letter" not in kingston
    rows = list(csv.DictReader(io.StringIO(
        public.objects["data/2021-22/provisional/q1/councils.csv"][0].decode())))  # fmt: skip
    assert {r["status"] for r in rows} == {"provisional"}
    assert next(r for r in rows if r["code"] == LAMBETH)["upheld_rate"] == "0.0"
    page = public.objects["provisional/2021-22/q1/index.html"][0].decode()
    assert "Provisional figures, Q1 2021-22 (April to June 2021)" in page
    assert "75%" in page  # Kingston's upheld rate as people read it
    assert "Revisions policy" in page
    feed = public.objects["provisional/feed.atom"][0].decode()
    assert "(provisional)</title>" in feed
    # Never letters: nothing was written to the private bucket.
    assert set(private.objects) == before
    # A rerun writes nothing (the quarter's files are immutable).
    count = len(public.objects)
    assert _release(private, public, Q1_RELEASE).created is False  # type: ignore[attr-defined]
    assert len(public.objects) == count


def test_once_the_year_is_frozen_for_its_annual_release_no_provisional_figures_go_out() -> None:
    private, public = _stores()
    frozen_at = datetime(2022, 7, 20, 5, tzinfo=UTC)
    freeze(YEAR, aggregates=FixedAggregates(COUNTERS), registry=REGISTRY, private=private,
           average_method=AverageMethod.POOLED, now=frozen_at)  # fmt: skip
    with pytest.raises(Superseded):
        _release(private, public, Q1_RELEASE)
    assert public.objects == {}
