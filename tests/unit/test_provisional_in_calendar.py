"""The announced provisional releases in the public release calendar: each its own event of
calendar.ics (at 09:30 London, in UTC), listed and labelled provisional in calendar.json, shown on
the /calendar/ page with a link to each published quarter's page, and the latest one linked from
the home page. Moments worked out by hand (BST is UTC+1 until 25 October 2020)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annual_review.calendar.calendar_files import save_calendar, write_public_calendars
from annual_review.calendar.provisional import ProvisionalCalendar
from annual_review.calendar.release_calendar import LONDON
from annual_review.fiscal import FinancialYear
from annual_review.publication.calendar_pages import refresh_calendar_pages
from annual_review.publication.freeze.snapshot import read_snapshot
from annual_review.publication.letters.letter import default_content, write_letters
from annual_review.publication.provisional import release_provisional, save_provisional_calendar
from annual_review.publication.release import release
from annual_review.registry.councils import parse_registry
from annual_review.site import map_page as site
from tests.builders import calendar_entry, release_calendar, signed_settings
from tests.constructed_case import FixedAggregates
from tests.fakes import MemoryObjectStore

SITE = "https://stats.example.org"
ANNOUNCED = datetime(2020, 5, 1, 10, tzinfo=UTC)
MOVED = datetime(2020, 6, 1, 10, tzinfo=UTC)
Q1 = datetime(2020, 7, 16, 9, 30, tzinfo=LONDON)  # Thursday, BST: 08:30 UTC
Q2 = datetime(2020, 10, 15, 9, 30, tzinfo=LONDON)  # Thursday, BST; moved to Friday 16th
Q3 = datetime(2021, 1, 14, 9, 30, tzinfo=LONDON)  # Thursday, GMT: 09:30 UTC
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "snapshot-v1" / "2019-20-r1.json"
KINGSTON = "E09000021"
REGISTRY = parse_registry(
    "code,name,type,comparison_group,formed_on,abolished_on,successors,lat,lon,region,"
    "population_2020_21\n"
    f"{KINGSTON},Kingston,London borough,London boroughs,,,,51.4,-0.3,London,200000\n"
)


def _provisional() -> ProvisionalCalendar:
    calendar = ProvisionalCalendar()
    for quarter, moment in ((1, Q1), (2, Q2), (3, Q3)):
        calendar = calendar.announce("2020-21", quarter, moment, now=ANNOUNCED, by="tests")
    return calendar.announce(
        "2020-21", 2, Q2.replace(day=16), now=MOVED, by="tests", reason="Staff training day"
    )


def _stores() -> tuple[MemoryObjectStore, MemoryObjectStore]:
    private, public = MemoryObjectStore(), MemoryObjectStore()
    save_calendar(private, release_calendar(2019, 2020))
    save_provisional_calendar(private, _provisional())
    return private, public


def _events(ics: bytes) -> dict[str, str]:
    """Each VEVENT of a feed (lines unfolded), by its UID."""
    unfolded = ics.decode().replace("\r\n ", "")
    events = {}
    for event in unfolded.split("BEGIN:VEVENT\r\n")[1:]:
        uid = re.search(r"^UID:(.*)\r$", event, re.M)
        assert uid is not None
        events[uid[1]] = event
    return events


def _body(store: MemoryObjectStore, key: str) -> bytes:
    body = store.get(key)
    assert body is not None, key
    return body


def test_each_announced_quarter_is_its_own_event_at_0930_london_in_utc() -> None:
    private, public = _stores()
    write_public_calendars(private, public, MOVED, SITE)
    events = _events(_body(public, "calendar.ics"))
    assert sorted(events) == [
        "annual-review-provisional-2020-21-q1",
        "annual-review-provisional-2020-21-q2",
        "annual-review-provisional-2020-21-q3",
        "annual-review-release-2019-20",
        "annual-review-release-2020-21",
    ]
    q1 = events["annual-review-provisional-2020-21-q1"]
    assert "DTSTART:20200716T083000Z\r\n" in q1
    assert "SUMMARY:Provisional figures\\, Q1 2020-21 (April to June 2020)\r\n" in q1
    assert "SEQUENCE:0\r\n" in q1
    assert "STATUS:CONFIRMED\r\n" in q1
    assert f"URL:{SITE}/calendar/#provisional-2020-21-q1\r\n" in q1
    # Moved once, with its reason: the sequence grows and the new moment replaces the old.
    q2 = events["annual-review-provisional-2020-21-q2"]
    assert "DTSTART:20201016T083000Z\r\n" in q2
    assert "SEQUENCE:1\r\n" in q2
    assert "DTSTAMP:20200601T100000Z\r\n" in q2
    assert "Staff training day" in q2
    # After the clocks go back, 09:30 in London is 09:30 UTC.
    assert "DTSTART:20210114T093000Z\r\n" in events["annual-review-provisional-2020-21-q3"]
    # The annual releases keep their own events, untouched.
    assert "DTSTART:20200729T083000Z\r\n" in events["annual-review-release-2019-20"]
    assert "SUMMARY:Council complaint statistics 2019-20" in events["annual-review-release-2019-20"]


def test_calendar_json_lists_the_provisional_releases_labelled_provisional() -> None:
    private, public = _stores()
    write_public_calendars(private, public, MOVED, SITE)
    document = json.loads(_body(public, "calendar.json"))
    assert [r["year"] for r in document["releases"]] == ["2019-20", "2020-21"]
    assert [
        (r["quarter"], r["label"], r["release_at"], r["status"], r["published"], r["page"])
        for r in document["provisional_releases"]
    ] == [
        (1, "Provisional figures, Q1 2020-21 (April to June 2020)", "2020-07-16T09:30:00+01:00",
         "provisional", False, None),
        (2, "Provisional figures, Q2 2020-21 (July to September 2020)",
         "2020-10-16T09:30:00+01:00", "provisional", False, None),
        (3, "Provisional figures, Q3 2020-21 (October to December 2020)",
         "2021-01-14T09:30:00+00:00", "provisional", False, None),
    ]  # fmt: skip
    [moved] = [c for c in document["provisional_changes"] if c["reason"]]
    assert (moved["quarter"], moved["old_release_at"], moved["new_release_at"]) == (
        2, "2020-10-15T09:30:00+01:00", "2020-10-16T09:30:00+01:00")  # fmt: skip
    assert "replaced by the annual release" in document["provisional_revisions_summary"]
    assert "replaces them all" in document["provisional_revisions_policy"]
    # provisional/calendar.json is written with them
    assert len(json.loads(_body(public, "provisional/calendar.json"))["provisional_releases"]) == 3
    # Once Q1 is out, the public calendar links its page (the release rewrites it).
    release_provisional(FinancialYear(2020), 1, aggregates=FixedAggregates({}), registry=REGISTRY,
                        private=private, public=public, now=Q1, site_url=SITE)  # fmt: skip
    document = json.loads(_body(public, "calendar.json"))
    assert [r["page"] for r in document["provisional_releases"]] == [
        "/provisional/2020-21/q1/", None, None]  # fmt: skip
    assert "annual-review-provisional-2020-21-q1" in _events(_body(public, "calendar.ics"))


@pytest.fixture(scope="module")
def site_after_release() -> MemoryObjectStore:
    """2019-20 released on 29 July 2020, after 2020-21's Q1 provisional release (16 July)."""
    private, public = _stores()
    release_provisional(FinancialYear(2020), 1, aggregates=FixedAggregates({}), registry=REGISTRY,
                        private=private, public=public, now=Q1, site_url=SITE)  # fmt: skip
    snapshot = read_snapshot(FIXTURE.read_bytes())
    settings = signed_settings(site_url=SITE)
    write_letters(snapshot.financial_year, private=private, contacts={},
                  content=default_content(), settings=settings, snapshot=snapshot,
                  entry=calendar_entry(2019))  # fmt: skip
    release(snapshot, private=private, public=public, site=site, settings=settings,
            now=datetime(2020, 7, 29, 8, 30, tzinfo=UTC),
            calendar=release_calendar(2019, 2020))  # fmt: skip
    return public


def _row(page: str, row_id: str) -> str:
    found = re.search(rf'<tr class="govuk-table__row" id="{row_id}">(.*?)</tr>', page, re.S)
    assert found is not None, row_id
    return found[1]


def test_the_calendar_page_lists_the_provisional_releases_and_links_the_published_one(
    site_after_release: MemoryObjectStore,
) -> None:
    page = _body(site_after_release, "calendar/index.html").decode()
    assert "Provisional figures each quarter" in page
    assert "replaced by the annual release, whose figures are the official ones" in page
    q1 = _row(page, "provisional-2020-21-q1")
    assert "Provisional figures, Q1 2020-21 (April to June 2020)" in q1
    assert "16 July 2020 at 09:30" in q1
    assert 'href="/provisional/2020-21/q1/"' in q1
    assert "Provisional, published" in q1
    q3 = _row(page, "provisional-2020-21-q3")
    assert "14 January 2021 at 09:30" in q3
    assert "Provisional, announced" in q3
    assert "href=" not in q3
    assert "16 October 2020 at 09:30" in _row(page, "provisional-2020-21-q2")
    # The annual rows are still there.
    assert "29 July 2020 at 09:30" in _row(page, "release-2019-20")


def test_the_home_page_links_the_latest_provisional_release_labelled_provisional(
    site_after_release: MemoryObjectStore,
) -> None:
    home = _body(site_after_release, "index.html").decode()
    found = re.search(r'<p class="govuk-body" data-field="latest_provisional">(.*?)</p>', home)
    assert found is not None
    assert ">Provisional</strong>" in found[1]
    assert 'href="/provisional/2020-21/q1/"' in found[1]
    assert "Provisional figures, Q1 2020-21 (April to June 2020)" in found[1]


def test_between_annual_releases_the_calendar_and_home_pages_follow_the_provisional_calendar(
) -> None:  # fmt: skip
    private, public = MemoryObjectStore(), MemoryObjectStore()
    save_calendar(private, release_calendar(2019, 2020))
    settings = signed_settings(site_url=SITE)
    assert refresh_calendar_pages(private, public, settings, ANNOUNCED) == []  # no site yet
    snapshot = read_snapshot(FIXTURE.read_bytes())
    write_letters(snapshot.financial_year, private=private, contacts={},
                  content=default_content(), settings=settings, snapshot=snapshot,
                  entry=calendar_entry(2019))  # fmt: skip
    release(snapshot, private=private, public=public, site=site, settings=settings,
            now=datetime(2020, 7, 29, 8, 30, tzinfo=UTC),
            calendar=release_calendar(2019, 2020))  # fmt: skip
    assert "provisional-2020-21" not in _body(public, "calendar/index.html").decode()
    # Q2 announced on 3 August, after the annual release: the calendar page lists it.
    announced_on = datetime(2020, 8, 3, 10, tzinfo=UTC)
    save_provisional_calendar(private, ProvisionalCalendar().announce(
        "2020-21", 2, Q2, now=announced_on, by="tests"))  # fmt: skip
    written = refresh_calendar_pages(private, public, settings, announced_on)
    # Only the calendar page changes: the home pages render again byte for byte.
    assert written == ["calendar/index.html"]
    q2 = _row(_body(public, "calendar/index.html").decode(), "provisional-2020-21-q2")
    assert "15 October 2020 at 09:30" in q2
    assert "Provisional, announced" in q2
    assert 'data-field="latest_provisional"' not in _body(public, "index.html").decode()
    # Released on 15 October: the home page links it, labelled provisional.
    release_provisional(FinancialYear(2020), 2, aggregates=FixedAggregates({}), registry=REGISTRY,
                        private=private, public=public, now=Q2, site_url=SITE)  # fmt: skip
    written = refresh_calendar_pages(private, public, settings, Q2)
    assert sorted(written) == ["calendar/index.html", "index.html", "years/2019-20/index.html"]
    home = _body(public, "index.html").decode()
    assert 'href="/provisional/2020-21/q2/">Provisional figures, Q2 2020-21' in home
    assert 'href="/provisional/2020-21/q2/"' in _body(public, "calendar/index.html").decode()
