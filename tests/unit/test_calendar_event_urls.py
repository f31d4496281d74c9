"""Each event of the public release calendar links the release's row of the calendar page."""

from __future__ import annotations

from annual_review.calendar.icalendar import calendar_ics
from annual_review.calendar.release_calendar import ReleaseCalendar
from tests.builders import release_calendar


def test_every_event_has_the_calendar_pages_absolute_url_when_the_site_is_known() -> None:
    calendar: ReleaseCalendar = release_calendar(2019, 2020)
    unfolded = calendar_ics(calendar, "https://stats.example.org/").decode().replace("\r\n ", "")
    events = unfolded.split("BEGIN:VEVENT")[1:]
    assert len(events) == 2
    for year, event in zip(("2019-20", "2020-21"), events, strict=True):
        assert f"URL:https://stats.example.org/calendar/#release-{year}\r\n" in event
    # Without a site address the feed has no URL lines (a URL must be absolute)
    assert "URL:" not in calendar_ics(calendar).decode()
