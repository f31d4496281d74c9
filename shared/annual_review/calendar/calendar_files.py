"""The release calendar's files: private (the record, with who changed what) and public (the
dates, the history of changes and their reasons, as JSON and as an iCalendar feed)."""

from __future__ import annotations

from datetime import datetime

from annual_review.calendar.icalendar import calendar_ics
from annual_review.calendar.release_calendar import (
    ReleaseCalendar,
    parse_calendar,
    public_calendar_bytes,
)
from annual_review.publication import bucket_keys as keys
from annual_review.publication.ports import ObjectStore


def load_calendar(private: ObjectStore) -> ReleaseCalendar:
    return parse_calendar(private.get(keys.CALENDAR))


def save_calendar(private: ObjectStore, calendar: ReleaseCalendar) -> bool:
    return private.put(keys.CALENDAR, calendar.to_bytes(), keys.JSON, keys.PRIVATE)


def write_public_calendar(
    public: ObjectStore, calendar: ReleaseCalendar, now: datetime, site_url: str = ""
) -> tuple[int, int]:
    """calendar.json and calendar.ics on the public site; (written, unchanged). ``site_url``
    gives each event its URL (the release's row of the calendar page)."""
    written = 0
    for key, body, content_type in (
        (keys.PUBLIC_CALENDAR_JSON, public_calendar_bytes(calendar, now), keys.JSON),
        (keys.PUBLIC_CALENDAR_ICS, calendar_ics(calendar, site_url), keys.ICS),
    ):
        written += public.put(key, body, content_type, keys.SHORT_LIVED)
    return written, 2 - written
