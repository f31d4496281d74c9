"""The release calendar's rules, its public forms, and the iCalendar feed (RFC 5545)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time

import pytest

from annual_review.calendar.icalendar import calendar_ics, escape_text, fold
from annual_review.calendar.release_calendar import (
    LONDON,
    CalendarError,
    ReleaseCalendar,
    default_dates,
    non_working_reason,
    parse_moment,
    planned_steps,
    public_calendar,
)
from annual_review.fiscal import FinancialYear

YEAR = "2022-23"
ANNOUNCED = datetime(2023, 4, 3, 10, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return parse_moment(text, time(9, 30))


def announced() -> ReleaseCalendar:
    return ReleaseCalendar().set_dates(
        YEAR, at("2023-07-20T09:00"), at("2023-07-27"), now=ANNOUNCED, by="statistics team"
    )


def test_weekends_and_england_and_wales_bank_holidays_are_not_working_days() -> None:
    # 22 and 29 July 2023 are a Saturday; 28 August 2023 the Late Summer Bank Holiday;
    # 8 May 2023 the coronation's extra bank holiday; 27 July 2023 a Thursday.
    assert "weekend" in (non_working_reason(at("2023-07-22").date()) or "")
    assert "weekend" in (non_working_reason(at("2029-07-29").date()) or "")
    assert "bank holiday" in (non_working_reason(at("2023-08-28").date()) or "")
    assert "bank holiday" in (non_working_reason(at("2023-05-08").date()) or "")
    assert non_working_reason(at("2023-07-27").date()) is None


def test_a_release_on_a_weekend_or_a_bank_holiday_is_refused_with_the_rule() -> None:
    with pytest.raises(CalendarError, match="Saturday 2023-07-29 is a weekend day"):
        ReleaseCalendar().set_dates(
            YEAR, at("2023-07-20T09:00"), at("2023-07-29"), now=ANNOUNCED, by="me"
        )
    with pytest.raises(CalendarError, match="Late Summer Bank Holiday"):
        ReleaseCalendar().set_dates(
            YEAR, at("2023-08-21T09:00"), at("2023-08-28"), now=ANNOUNCED, by="me"
        )


def test_release_is_at_half_past_nine_and_letters_come_first_after_the_year_ends() -> None:
    with pytest.raises(CalendarError, match="09:30, not 10:00"):
        ReleaseCalendar().set_dates(
            YEAR, at("2023-07-20T09:00"), at("2023-07-27T10:00"), now=ANNOUNCED, by="me"
        )
    with pytest.raises(CalendarError, match="day before the release"):
        ReleaseCalendar().set_dates(
            YEAR, at("2023-07-27T09:00"), at("2023-07-27"), now=ANNOUNCED, by="me"
        )
    with pytest.raises(CalendarError, match="not after the year's end"):
        ReleaseCalendar().set_dates(
            YEAR, at("2023-03-30T09:00"), at("2023-07-27"), now=ANNOUNCED, by="me"
        )
    with pytest.raises(CalendarError, match="outside 07:00 to 17:00"):
        ReleaseCalendar().set_dates(
            YEAR, at("2023-07-20T06:30"), at("2023-07-27"), now=ANNOUNCED, by="me"
        )


def test_fewer_than_28_days_notice_needs_a_reason() -> None:
    soon = datetime(2023, 7, 1, 9, 0, tzinfo=UTC)  # 26 days before 27 July
    with pytest.raises(CalendarError, match="fewer than 28 days"):
        ReleaseCalendar().set_dates(
            YEAR, at("2023-07-20T09:00"), at("2023-07-27"), now=soon, by="me"
        )
    calendar = ReleaseCalendar().set_dates(
        YEAR, at("2023-07-20T09:00"), at("2023-07-27"), now=soon, by="me", reason="late start"
    )
    assert calendar.changes[-1].reason == "late start"


def test_every_change_keeps_old_and_new_dates_when_who_and_why() -> None:
    calendar = announced()
    with pytest.raises(CalendarError, match="needs a stated reason"):
        calendar.set_dates(YEAR, at("2023-07-20T09:00"), at("2023-08-03"), now=ANNOUNCED, by="me")
    moved = calendar.set_dates(
        YEAR,
        at("2023-07-20T09:00"),
        at("2023-08-03"),
        now=datetime(2023, 6, 1, tzinfo=UTC),
        by="head of statistics",
        reason="a correction to the registry",
    )
    change = moved.changes[-1]
    assert (change.old_release_at, change.new_release_at) == (at("2023-07-27"), at("2023-08-03"))
    assert (change.by, change.reason) == ("head of statistics", "a correction to the registry")
    assert change.changed_at == datetime(2023, 6, 1, tzinfo=UTC)
    assert len(moved.changes) == 2
    # The same dates again change nothing and need no reason.
    assert (
        moved.set_dates(YEAR, at("2023-07-20T09:00"), at("2023-08-03"), now=ANNOUNCED, by="me")
        is moved
    )


def test_a_hold_stops_the_schedules_and_setting_dates_again_lifts_it() -> None:
    calendar = announced()
    with pytest.raises(CalendarError, match="stated reason"):
        calendar.hold(YEAR, now=ANNOUNCED, by="me", reason=" ")
    held = calendar.hold(YEAR, now=ANNOUNCED, by="me", reason="awaiting a court ruling")
    entry = held.entry(YEAR)
    assert entry is not None
    assert (entry.status, entry.hold_reason) == ("held", "awaiting a court ruling")
    assert planned_steps(entry) == []
    assert held.next_release(ANNOUNCED) is None
    with pytest.raises(CalendarError, match="lifting the hold"):
        held.set_dates(YEAR, at("2023-07-20T09:00"), at("2023-07-27"), now=ANNOUNCED, by="me")
    lifted = held.set_dates(
        YEAR, at("2023-07-20T09:00"), at("2023-07-27"), now=ANNOUNCED, by="me", reason="ruled"
    )
    lifted_entry = lifted.entry(YEAR)
    assert lifted_entry is not None
    assert [(s.step, s.at) for s in planned_steps(lifted_entry)] == [
        ("freeze", at("2023-07-20T06:00")),
        ("letters", at("2023-07-20T09:00")),
        ("release", at("2023-07-27")),
    ]


def test_a_date_already_passed_is_refused_unless_it_is_unchanged() -> None:
    calendar = announced()
    after_letters = datetime(2023, 7, 21, tzinfo=UTC)
    with pytest.raises(CalendarError, match="already passed"):
        calendar.set_dates(
            YEAR, at("2023-07-19T09:00"), at("2023-07-27"), now=after_letters, by="me", reason="x"
        )
    moved = calendar.set_dates(
        YEAR, at("2023-07-20T09:00"), at("2023-08-01"), now=after_letters, by="me", reason="x"
    )
    entry = moved.entry(YEAR)
    assert entry is not None
    assert entry.release_at == at("2023-08-01")


def test_default_dates_move_off_weekends() -> None:
    # 22 July 2023 is a Saturday: letters on Monday 24, release a week later, Monday 31 July.
    letters, release = default_dates(FinancialYear(2022))
    assert (letters, release) == (
        datetime(2023, 7, 24, 9, 0, tzinfo=LONDON),
        datetime(2023, 7, 31, 9, 30, tzinfo=LONDON),
    )


def test_the_public_calendar_has_the_history_and_reasons_but_not_who() -> None:
    moved = announced().set_dates(
        YEAR, at("2023-07-20T09:00"), at("2023-08-03"), now=ANNOUNCED, by="A Person", reason="why"
    )
    published = public_calendar(moved, ANNOUNCED)
    assert published["next_release"] == {
        "year": YEAR,
        "release_at": "2023-08-03T09:30:00+01:00",
    }
    assert [c["reason"] for c in published["changes"]] == [None, "why"]
    assert published["changes"][1]["old_release_at"] == "2023-07-27T09:30:00+01:00"
    assert "A Person" not in json.dumps(published)


def test_folding_keeps_every_line_within_75_octets_without_splitting_a_character() -> None:
    line = "DESCRIPTION:" + "Équipe d'analyse – " * 12
    parts = fold(line)
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_the_feed_has_one_event_per_release_and_a_held_one_is_cancelled() -> None:
    calendar = announced().set_dates(
        "2023-24", at("2024-07-18T09:00"), at("2024-07-25"), now=ANNOUNCED, by="me"
    )
    held = calendar.hold(YEAR, now=ANNOUNCED, by="me", reason="awaiting a ruling; sorry")
    feed = calendar_ics(held)
    text = feed.decode()
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == 2
    first, second = unfolded.split("BEGIN:VEVENT")[1:]
    assert "UID:annual-review-release-2022-23\r\n" in first
    assert "DTSTART:20230727T083000Z\r\n" in first  # 09:30 BST
    assert "DTSTAMP:20230403T100000Z\r\n" in first
    assert "STATUS:CANCELLED\r\n" in first
    assert "SEQUENCE:1\r\n" in first
    assert "awaiting a ruling\\; sorry" in first
    assert "STATUS:CONFIRMED\r\n" in second
    assert "DTSTART:20240725T083000Z\r\n" in second
