"""Provisional figures each quarter: when each quarter's provisional release of the year in
progress is announced in the release calendar, and the rules it keeps.

Pure rules, no I/O. The announcements are part of the release calendar but kept in their own
record (``calendar/provisional.json`` in the private bucket), so the annual calendar's format does
not change. A provisional release keeps the annual release's rules (``release_calendar``): at
09:30 Europe/London on a working day in England (never a weekend or a bank holiday), announced at
least 28 days ahead unless a reason is given, and an announced date moves only with a reason. It
comes after the quarter it covers has ended and before the year's figures are frozen for the
annual release, which replaces it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from annual_review.calendar.release_calendar import (
    LONDON,
    NOTICE_DAYS,
    RELEASE_TIME,
    CalendarError,
    PlannedStep,
    non_working_reason,
)
from annual_review.fiscal import FinancialYear

QUARTERS = (1, 2, 3, 4)
SCHEMA_VERSION = 1
REVISIONS_POLICY = (
    "These figures are provisional. They count the complaints, decisions and compliance outcomes "
    "recorded for the financial year from 1 April to the moment of this release, so later "
    "quarters add to them, and a decision recorded, amended or withdrawn after this release "
    "changes them. They are never revised in place: each quarter's release stands as published, "
    "and the annual release for the year (the figures frozen after the year ends, with the annual "
    "review letters) replaces them all. Where the annual figures differ, the annual figures are "
    "the official ones; differences come from cases recorded or corrected later."
)
# The policy in one line, for the release calendar (the page and the files link the whole one).
REVISIONS_SUMMARY = (
    "Provisional figures count the year to date and are replaced by the annual release, whose "
    "figures are the official ones; they differ where cases are recorded or corrected later."
)


def quarter_months(year: FinancialYear, quarter: int) -> tuple[date, date]:
    """The first and last day of a quarter of the financial year (Q1: April to June)."""
    if quarter not in QUARTERS:
        raise CalendarError(f"quarter: {quarter!r} is not one of 1, 2, 3, 4")
    first = date(year.start_year + (quarter == 4), (3 * quarter + 1) % 12 or 12, 1)
    following = date(first.year + (first.month + 3 > 12), (first.month + 2) % 12 + 1, 1)
    return first, following - timedelta(days=1)


def quarter_label(year: FinancialYear, quarter: int) -> str:
    """``Q2 2021-22 (July to September 2021)``."""
    first, last = quarter_months(year, quarter)
    return f"Q{quarter} {year.label} ({first:%B} to {last:%B %Y})"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProvisionalEntry(_Model):
    year: str
    quarter: int
    release_at: datetime

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear.parse(self.year)

    @property
    def label(self) -> str:
        return quarter_label(self.financial_year, self.quarter)


class ProvisionalChange(_Model):
    year: str
    quarter: int
    changed_at: datetime
    by: str
    reason: str | None
    old_release_at: datetime | None
    new_release_at: datetime


def provisional_problems(year: FinancialYear, quarter: int, release_at: datetime) -> list[str]:
    """Every rule a quarter's provisional release moment breaks (empty when it is fine)."""
    _, last = quarter_months(year, quarter)
    problems = []
    reason = non_working_reason(release_at.date())
    if reason:
        problems.append(f"release: {reason}; choose a working day in England")
    if release_at.timetz().replace(tzinfo=None) != RELEASE_TIME:
        problems.append(f"release: statistics are released at 09:30, not {release_at:%H:%M}")
    if release_at.date() <= last:
        problems.append(
            f"release: {release_at.date().isoformat()} is not after the quarter's end "
            f"({last.isoformat()})"
        )
    return problems


class ProvisionalCalendar(_Model):
    schema_version: int = SCHEMA_VERSION
    entries: list[ProvisionalEntry] = []
    changes: list[ProvisionalChange] = []

    def entry(self, year: str, quarter: int) -> ProvisionalEntry | None:
        return next((e for e in self.entries if (e.year, e.quarter) == (year, quarter)), None)

    def announce(
        self,
        year: str,
        quarter: int,
        release_at: datetime,
        *,
        now: datetime,
        by: str,
        reason: str | None = None,
    ) -> ProvisionalCalendar:
        """Announce (or move) a quarter's provisional release; refuse what the rules refuse."""
        financial_year = FinancialYear.parse(year)
        release_at = release_at.astimezone(LONDON)
        reason = reason.strip() if reason and reason.strip() else None
        old = self.entry(year, quarter)
        if old is not None and old.release_at == release_at:
            return self
        problems = provisional_problems(financial_year, quarter, release_at)
        if release_at <= now:
            problems.append(f"the release moment {release_at.isoformat()} has already passed")
        if old is not None and old.release_at <= now:
            problems.append(f"Q{quarter} {year} was already released at {old.release_at}")
        if problems:
            raise CalendarError("; ".join(problems))
        if release_at - now < timedelta(days=NOTICE_DAYS) and reason is None:
            raise CalendarError(
                f"the provisional release on {release_at.date().isoformat()} is fewer than "
                f"{NOTICE_DAYS} days ahead: give the reason for the short notice (--reason)"
            )
        if old is not None and reason is None:
            raise CalendarError("changing an announced date needs a stated reason (--reason)")
        entry = ProvisionalEntry(year=year, quarter=quarter, release_at=release_at)
        change = ProvisionalChange(
            year=year,
            quarter=quarter,
            changed_at=now.astimezone(UTC),
            by=by,
            reason=reason,
            old_release_at=old.release_at if old else None,
            new_release_at=release_at,
        )
        entries = [e for e in self.entries if (e.year, e.quarter) != (year, quarter)]
        return ProvisionalCalendar(
            entries=sorted([*entries, entry], key=lambda e: (e.year, e.quarter)),
            changes=[*self.changes, change],
        )

    def planned_steps(self, now: datetime) -> list[PlannedStep]:
        """A release step for every announced quarter still to come (the schedules' payload
        carries the quarter: ``provisional_payload``)."""
        return [
            PlannedStep(year=e.year, step="release", at=e.release_at)
            for e in self.entries
            if e.release_at > now
        ]

    def to_bytes(self) -> bytes:
        import json

        body = json.dumps(self.model_dump(mode="json"), sort_keys=True, indent=1)
        return (body + "\n").encode()


def provisional_payload(year: str, quarter: int) -> dict[str, Any]:
    """What a quarter's schedule sends to the release function."""
    return {"step": "release", "year": year, "quarter": quarter}


def parse_provisional_calendar(body: bytes | None) -> ProvisionalCalendar:
    return ProvisionalCalendar.model_validate_json(body) if body else ProvisionalCalendar()


def public_provisional_calendar(calendar: ProvisionalCalendar) -> list[dict[str, Any]]:
    """The announced provisional releases as the public calendar lists them (no figures)."""
    return [
        {
            "year": e.year,
            "quarter": e.quarter,
            "label": f"Provisional figures, {e.label}",
            "release_at": e.release_at.astimezone(LONDON).isoformat(),
            "status": "provisional",
        }
        for e in calendar.entries
    ]


def public_provisional_changes(calendar: ProvisionalCalendar) -> list[dict[str, Any]]:
    """Each change to an announced provisional release, with its reason (not who made it)."""
    return [
        {
            "year": c.year,
            "quarter": c.quarter,
            "changed_at": c.changed_at.astimezone(LONDON).isoformat(),
            "reason": c.reason,
            "old_release_at": c.old_release_at.astimezone(LONDON).isoformat()
            if c.old_release_at
            else None,
            "new_release_at": c.new_release_at.astimezone(LONDON).isoformat(),
            "status": "provisional",
        }
        for c in calendar.changes
    ]
