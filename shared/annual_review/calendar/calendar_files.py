"""The release calendar's files: private (the record, with who changed what) and public (the
dates, the history of changes and their reasons, as JSON and as an iCalendar feed).

The public files are made from both private records, the annual calendar and the provisional
one (``calendar/provisional.json``): whenever either changes, ``write_public_calendars``
rewrites calendar.json, calendar.ics and provisional/calendar.json from both, so the public
calendar always lists every announced release, annual and provisional.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from annual_review.calendar.icalendar import calendar_ics
from annual_review.calendar.provisional import (
    REVISIONS_POLICY,
    REVISIONS_SUMMARY,
    ProvisionalCalendar,
    public_provisional_calendar,
    public_provisional_changes,
)
from annual_review.calendar.release_calendar import (
    ReleaseCalendar,
    _canonical,
    parse_calendar,
    public_calendar,
)
from annual_review.publication import bucket_keys as keys
from annual_review.publication.ports import ObjectStore


def load_calendar(private: ObjectStore) -> ReleaseCalendar:
    return parse_calendar(private.get(keys.CALENDAR))


def save_calendar(private: ObjectStore, calendar: ReleaseCalendar) -> bool:
    return private.put(keys.CALENDAR, calendar.to_bytes(), keys.JSON, keys.PRIVATE)


def public_calendar_document(
    public: ObjectStore,
    calendar: ReleaseCalendar,
    provisional: ProvisionalCalendar,
    now: datetime,
) -> dict[str, Any]:
    """calendar.json: the annual releases (``public_calendar``) and, labelled provisional, each
    announced provisional release, with its page once that quarter is published (its figures
    file is in the public bucket) and the changes to its date with their reasons."""
    from annual_review.publication.provisional import data_dir, page_path

    releases = []
    for item in public_provisional_calendar(provisional):
        published = public.exists(data_dir(item["year"], item["quarter"]) + "councils.json")
        releases.append(
            item
            | {
                "published": published,
                "page": page_path(item["year"], item["quarter"]) if published else None,
            }
        )
    return public_calendar(calendar, now) | {
        "provisional_revisions_policy": REVISIONS_POLICY,
        "provisional_revisions_summary": REVISIONS_SUMMARY,
        "provisional_releases": releases,
        "provisional_changes": public_provisional_changes(provisional),
    }


def write_public_calendar(
    public: ObjectStore,
    calendar: ReleaseCalendar,
    now: datetime,
    site_url: str = "",
    provisional: ProvisionalCalendar | None = None,
) -> tuple[int, int]:
    """calendar.json and calendar.ics on the public site; (written, unchanged). ``site_url``
    gives each event its URL (the release's row of the calendar page)."""
    provisional = provisional or ProvisionalCalendar()
    document = public_calendar_document(public, calendar, provisional, now)
    written = 0
    for key, body, content_type in (
        (keys.PUBLIC_CALENDAR_JSON, _canonical(document), keys.JSON),
        (keys.PUBLIC_CALENDAR_ICS, calendar_ics(calendar, site_url, provisional), keys.ICS),
    ):
        written += public.put(key, body, content_type, keys.SHORT_LIVED)
    return written, 2 - written


def write_public_calendars(
    private: ObjectStore, public: ObjectStore, now: datetime, site_url: str = ""
) -> tuple[int, int]:
    """Every public calendar file from both private calendars: calendar.json, calendar.ics
    and provisional/calendar.json; (written, unchanged)."""
    from annual_review.publication.provisional import (
        load_provisional_calendar,
        write_public_provisional_calendar,
    )

    provisional = load_provisional_calendar(private)
    written, unchanged = write_public_calendar(
        public, load_calendar(private), now, site_url, provisional
    )
    if write_public_provisional_calendar(public, provisional):
        return written + 1, unchanged
    return written, unchanged + 1
