"""The calendar acted on: which one-time schedules a year needs, and the next steps to run.

``next_scheduled_steps`` is what ``annual-review status`` shows as the next publication steps.
"""

from __future__ import annotations

from datetime import datetime

from annual_review.calendar.release_calendar import ReleaseCalendar, ScheduledStep, planned_steps
from annual_review.publication.ports import ScheduleStore


def apply_calendar(
    store: ScheduleStore, calendar: ReleaseCalendar, year: str, now: datetime
) -> list[str]:
    """Make the year's schedules what the calendar says: future steps scheduled, none if held."""
    entry = calendar.entry(year)
    planned = [p for p in planned_steps(entry) if p.at > now] if entry else []
    return store.apply(year, planned)


def next_scheduled_steps(store: ScheduleStore, now: datetime) -> list[ScheduledStep]:
    """Every schedule still to run, soonest first (disabled ones are marked, not hidden)."""
    return [s for s in store.upcoming() if s.at > now]
