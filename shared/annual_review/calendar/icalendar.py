"""The release calendar as an iCalendar feed (RFC 5545), built by hand: it is a few lines.

One VEVENT per announced release (and one per announced provisional quarterly release, its own
UID ``annual-review-provisional-{year}-q{n}``, titled provisional), at its moment in UTC
(``DTSTART:...Z``, so no VTIMEZONE is needed). A held release stays in the feed with
``STATUS:CANCELLED`` and the reason, and a higher ``SEQUENCE``, so a calendar that subscribed
to it removes it rather than keeping a stale date.
Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

from datetime import UTC, datetime

from annual_review.calendar.provisional import (
    REVISIONS_SUMMARY,
    ProvisionalCalendar,
    ProvisionalEntry,
)
from annual_review.calendar.release_calendar import CalendarEntry, ReleaseCalendar

PRODID = "-//Local Government and Social Care Ombudsman//Annual Review release calendar//EN"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> list[str]:
    """One content line as lines of at most 75 octets (continuations start with a space)."""
    parts: list[str] = []
    current = ""
    limit = MAX_OCTETS
    for char in line:
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = " "
            limit = MAX_OCTETS  # the leading space counts towards the 75
        current += char
    parts.append(current)
    return parts


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(entry: CalendarEntry, calendar: ReleaseCalendar, site_url: str) -> list[str]:
    changes = [c for c in calendar.changes if c.year == entry.year]
    stamp = changes[-1].changed_at if changes else entry.release_at
    history = [
        f"{c.changed_at.astimezone(UTC):%Y-%m-%d}: "
        + (
            f"held ({c.reason})"
            if c.action == "hold"
            else (
                f"release set for {c.new_release_at:%d %B %Y %H:%M}"
                + (f" (was {c.old_release_at:%d %B %Y %H:%M})" if c.old_release_at else "")
                + (f": {c.reason}" if c.reason else "")
            )
        )
        for c in changes
    ]
    summary = f"Council complaint statistics {entry.year}: annual review data published"
    description = (
        f"Release of the {entry.year} annual review statistics and letters for every council "
        "in England."
    )
    if entry.status == "held":
        summary = f"HELD: {summary}"
        description = f"This release is on hold: {entry.hold_reason}. " + description
    if history:
        description += " Changes: " + "; ".join(history) + "."
    return [
        "BEGIN:VEVENT",
        f"UID:annual-review-release-{entry.year}",
        f"DTSTAMP:{utc_stamp(stamp)}",
        f"DTSTART:{utc_stamp(entry.release_at)}",
        f"SEQUENCE:{max(len(changes) - 1, 0)}",
        f"STATUS:{'CANCELLED' if entry.status == 'held' else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        *([f"URL:{site_url.rstrip('/')}/calendar/#release-{entry.year}"] if site_url else []),
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def _provisional_event(
    entry: ProvisionalEntry, calendar: ProvisionalCalendar, site_url: str
) -> list[str]:
    """A quarter's provisional release: SEQUENCE grows with each change of its date (a
    provisional release cannot be held or withdrawn, so it is always CONFIRMED)."""
    changes = [c for c in calendar.changes if (c.year, c.quarter) == (entry.year, entry.quarter)]
    stamp = changes[-1].changed_at if changes else entry.release_at
    history = [
        f"{c.changed_at.astimezone(UTC):%Y-%m-%d}: release set for "
        f"{c.new_release_at:%d %B %Y %H:%M}"
        + (f" (was {c.old_release_at:%d %B %Y %H:%M})" if c.old_release_at else "")
        + (f": {c.reason}" if c.reason else "")
        for c in changes
    ]
    description = (
        f"Provisional complaint statistics for every council in England, {entry.label}, "
        f"to date. {REVISIONS_SUMMARY}"
    )
    if history:
        description += " Changes: " + "; ".join(history) + "."
    anchor = f"provisional-{entry.year}-q{entry.quarter}"
    return [
        "BEGIN:VEVENT",
        f"UID:annual-review-provisional-{entry.year}-q{entry.quarter}",
        f"DTSTAMP:{utc_stamp(stamp)}",
        f"DTSTART:{utc_stamp(entry.release_at)}",
        f"SEQUENCE:{max(len(changes) - 1, 0)}",
        "STATUS:CONFIRMED",
        f"SUMMARY:{escape_text(f'Provisional figures, {entry.label}')}",
        f"DESCRIPTION:{escape_text(description)}",
        *([f"URL:{site_url.rstrip('/')}/calendar/#{anchor}"] if site_url else []),
        "CATEGORIES:PROVISIONAL",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendar_ics(
    calendar: ReleaseCalendar,
    site_url: str = "",
    provisional: ProvisionalCalendar | None = None,
) -> bytes:
    """The calendar as iCalendar (RFC 5545), the announced provisional releases included; each
    event's URL (the release's row of the calendar page) when the site's address is known."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Council complaint statistics: release calendar",
        "X-WR-TIMEZONE:Europe/London",
    ]
    for entry in calendar.entries:
        lines += _event(entry, calendar, site_url)
    if provisional is not None:
        for quarter in provisional.entries:
            lines += _provisional_event(quarter, provisional, site_url)
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in fold(line)).encode()
