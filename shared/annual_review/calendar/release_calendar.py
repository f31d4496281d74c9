"""The release calendar: when a year's letters go to councils and its figures go public.

Pure rules, no I/O. The calendar is data (``calendar/calendar.json`` in the private bucket); every
change keeps the old and new dates, when, who and why. A release is at 09:30 Europe/London on a
working day in England (not a Saturday, a Sunday or an England and Wales bank holiday, as the
``holidays`` library knows them); the letters go earlier, on a working day too. Announcing a
release fewer than 28 days ahead, and changing or lifting an announced date, need a stated reason,
as the Code of Practice for Statistics asks.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

import holidays
from pydantic import BaseModel, ConfigDict

from annual_review.fiscal import FinancialYear

LONDON = ZoneInfo("Europe/London")
RELEASE_TIME = time(9, 30)
DEFAULT_LETTERS_TIME = time(9, 0)
# The freeze runs early on the letters day; the letters go between these times.
FREEZE_TIME = time(6, 0)
EARLIEST_LETTERS = time(7, 0)
LATEST_LETTERS = time(17, 0)
NOTICE_DAYS = 28
SCHEMA_VERSION = 1

Step = Literal["freeze", "letters", "release"]
Status = Literal["announced", "held"]


class CalendarError(ValueError):
    """A calendar change the rules refuse; the message says which rule and why."""


@cache
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def non_working_reason(day: date) -> str | None:
    """Why ``day`` is not a working day in England, or None when it is one."""
    if day.weekday() >= 5:
        return f"{day:%A} {day.isoformat()} is a weekend day"
    name = _bank_holidays(day.year).get(day)
    if name:
        return f"{day:%A} {day.isoformat()} is a bank holiday in England and Wales ({name})"
    return None


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while non_working_reason(day):
        day += timedelta(days=1)
    return day


def london(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LONDON)


_MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2}))?$")


def parse_moment(text: str, default_time: time) -> datetime:
    """``2020-07-22`` (at ``default_time``) or ``2020-07-22T09:00``, in London time."""
    match = _MOMENT.match(text.strip())
    if not match:
        raise CalendarError(f"{text!r} is not a date such as 2020-07-22 or 2020-07-22T09:00")
    day = date.fromisoformat(match[1])
    at = time(int(match[2]), int(match[3])) if match[2] else default_time
    return london(day, at)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CalendarEntry(_Model):
    year: str
    letters_at: datetime
    release_at: datetime
    status: Status = "announced"
    hold_reason: str | None = None

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear.parse(self.year)


class CalendarChange(_Model):
    year: str
    action: Literal["set", "hold"]
    changed_at: datetime
    by: str
    reason: str | None
    old_letters_at: datetime | None
    old_release_at: datetime | None
    old_status: Status | None
    new_letters_at: datetime
    new_release_at: datetime
    new_status: Status


class PlannedStep(_Model):
    """One publication step the calendar asks to run: what the schedules carry out."""

    year: str
    step: Step
    at: datetime

    def payload(self) -> dict[str, str]:
        return {"step": self.step, "year": self.year}


class ScheduledStep(_Model):
    """A schedule as it stands: what ``annual-review status`` lists as the next steps."""

    name: str
    year: str
    step: Step
    at: datetime
    enabled: bool


def _given(reason: str | None) -> str | None:
    return reason.strip() if reason and reason.strip() else None


class ReleaseCalendar(_Model):
    schema_version: int = SCHEMA_VERSION
    entries: list[CalendarEntry] = []
    changes: list[CalendarChange] = []

    def entry(self, year: str) -> CalendarEntry | None:
        return next((e for e in self.entries if e.year == year), None)

    def _with(self, entry: CalendarEntry, change: CalendarChange) -> ReleaseCalendar:
        entries = sorted([*(e for e in self.entries if e.year != entry.year), entry], key=_year)
        return ReleaseCalendar(entries=entries, changes=[*self.changes, change])

    def set_dates(
        self,
        year: str,
        letters_at: datetime,
        release_at: datetime,
        *,
        now: datetime,
        by: str,
        reason: str | None = None,
    ) -> ReleaseCalendar:
        """Announce (or move, or lift the hold on) a year's dates; refuse what the rules refuse."""
        financial_year = FinancialYear.parse(year)
        letters_at, release_at = letters_at.astimezone(LONDON), release_at.astimezone(LONDON)
        reason = _given(reason)
        old = self.entry(year)
        if (
            old is not None
            and old.status == "announced"
            and (old.letters_at, old.release_at) == (letters_at, release_at)
        ):
            return self  # nothing changes
        problems = date_problems(financial_year, letters_at, release_at)
        for name, moment, before in (
            ("letters", letters_at, old.letters_at if old else None),
            ("release", release_at, old.release_at if old else None),
        ):
            if moment <= now and moment != before:
                problems.append(f"the {name} moment {moment.isoformat()} has already passed")
        if problems:
            raise CalendarError("; ".join(problems))
        if (
            release_at - now < timedelta(days=NOTICE_DAYS)
            and (old is None or old.release_at != release_at or old.status == "held")
            and reason is None
        ):
            raise CalendarError(
                f"the release on {release_at.date().isoformat()} is fewer than {NOTICE_DAYS} days "
                "ahead: give the reason for the short notice (--reason)"
            )
        if old is not None and reason is None:
            what = "lifting the hold on" if old.status == "held" else "changing"
            raise CalendarError(f"{what} an announced date needs a stated reason (--reason)")
        entry = CalendarEntry(year=year, letters_at=letters_at, release_at=release_at)
        change = CalendarChange(
            year=year,
            action="set",
            changed_at=now.astimezone(UTC),
            by=by,
            reason=reason,
            old_letters_at=old.letters_at if old else None,
            old_release_at=old.release_at if old else None,
            old_status=old.status if old else None,
            new_letters_at=letters_at,
            new_release_at=release_at,
            new_status="announced",
        )
        return self._with(entry, change)

    def hold(self, year: str, *, now: datetime, by: str, reason: str | None) -> ReleaseCalendar:
        """Put an announced release on hold: its schedules stop and the release step refuses."""
        FinancialYear.parse(year)
        old = self.entry(year)
        reason = _given(reason)
        if old is None:
            raise CalendarError(f"{year} has no announced dates to hold")
        if old.status == "held":
            raise CalendarError(f"{year} is already held ({old.hold_reason})")
        if old.release_at <= now:
            raise CalendarError(f"{year} was due for release at {old.release_at.isoformat()}")
        if reason is None:
            raise CalendarError("holding a release needs a stated reason (--reason)")
        entry = old.model_copy(update={"status": "held", "hold_reason": reason})
        change = CalendarChange(
            year=year,
            action="hold",
            changed_at=now.astimezone(UTC),
            by=by,
            reason=reason,
            old_letters_at=old.letters_at,
            old_release_at=old.release_at,
            old_status=old.status,
            new_letters_at=old.letters_at,
            new_release_at=old.release_at,
            new_status="held",
        )
        return self._with(entry, change)

    def next_release(self, now: datetime) -> CalendarEntry | None:
        """The first announced (not held) release after ``now``."""
        upcoming = [e for e in self.entries if e.status == "announced" and e.release_at > now]
        return min(upcoming, key=lambda e: e.release_at, default=None)

    def updated_at(self) -> datetime | None:
        return self.changes[-1].changed_at if self.changes else None

    def to_bytes(self) -> bytes:
        return _canonical(self.model_dump(mode="json"))


def _year(entry: CalendarEntry) -> str:
    return entry.year


def date_problems(year: FinancialYear, letters_at: datetime, release_at: datetime) -> list[str]:
    """Every rule a year's pair of dates breaks (empty when they are fine)."""
    problems = []
    for name, moment in (("letters", letters_at), ("release", release_at)):
        reason = non_working_reason(moment.date())
        if reason:
            problems.append(f"{name}: {reason}; choose a working day in England")
        if moment.date() <= year.end:
            problems.append(f"{name}: {moment.date().isoformat()} is not after the year's end")
    if release_at.timetz().replace(tzinfo=None) != RELEASE_TIME:
        problems.append(f"release: statistics are released at 09:30, not {release_at:%H:%M}")
    letters_time = letters_at.timetz().replace(tzinfo=None)
    if not EARLIEST_LETTERS <= letters_time <= LATEST_LETTERS:
        problems.append(
            f"letters: {letters_at:%H:%M} is outside {EARLIEST_LETTERS:%H:%M} to "
            f"{LATEST_LETTERS:%H:%M} (the year is frozen at {FREEZE_TIME:%H:%M} that morning)"
        )
    if letters_at.date() >= release_at.date():
        problems.append("letters: councils receive their letters on a day before the release")
    return problems


def planned_steps(entry: CalendarEntry) -> list[PlannedStep]:
    """What the schedules run for a year: nothing while it is held."""
    if entry.status == "held":
        return []
    return [
        PlannedStep(
            year=entry.year, step="freeze", at=london(entry.letters_at.date(), FREEZE_TIME)
        ),
        PlannedStep(year=entry.year, step="letters", at=entry.letters_at),
        PlannedStep(year=entry.year, step="release", at=entry.release_at),
    ]


def default_dates(year: FinancialYear) -> tuple[datetime, datetime]:
    """A usual pair: letters on the first working day from 22 July, release a week later."""
    letters_day = next_working_day(date(year.start_year + 1, 7, 22))
    release_day = next_working_day(letters_day + timedelta(days=7))
    return london(letters_day, DEFAULT_LETTERS_TIME), london(release_day, RELEASE_TIME)


def parse_calendar(body: bytes | None) -> ReleaseCalendar:
    return ReleaseCalendar.model_validate_json(body) if body else ReleaseCalendar()


# -------------------------------------------------------------------------------- published
def _canonical(value: Any) -> bytes:
    import json

    return (json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(LONDON).isoformat() if moment else None


def public_calendar(calendar: ReleaseCalendar, now: datetime) -> dict[str, Any]:
    """calendar.json: every release, held ones marked, and the history of changes with their
    reasons (not who made them). It carries no figures, so it is public as soon as it changes."""
    following = calendar.next_release(now)
    return {
        "schema_version": SCHEMA_VERSION,
        "timezone": "Europe/London",
        "updated_at": _iso(calendar.updated_at()),
        "next_release": (
            {"year": following.year, "release_at": _iso(following.release_at)}
            if following
            else None
        ),
        "releases": [
            {
                "year": e.year,
                "letters_to_councils_at": _iso(e.letters_at),
                "release_at": _iso(e.release_at),
                "status": e.status,
                "held_reason": e.hold_reason,
            }
            for e in calendar.entries
        ],
        "changes": [
            {
                "year": c.year,
                "action": c.action,
                "changed_at": _iso(c.changed_at),
                "reason": c.reason,
                "old_release_at": _iso(c.old_release_at),
                "new_release_at": _iso(c.new_release_at),
                "old_letters_to_councils_at": _iso(c.old_letters_at),
                "new_letters_to_councils_at": _iso(c.new_letters_at),
                "status": c.new_status,
            }
            for c in calendar.changes
        ],
    }


def public_calendar_bytes(calendar: ReleaseCalendar, now: datetime) -> bytes:
    return _canonical(public_calendar(calendar, now))
