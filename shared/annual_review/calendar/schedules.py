"""The calendar acted on: which one-time schedules a year needs, and the next steps to run.

Only steps still to come are scheduled. What has run is read from the publication record
(``step_record.completed_steps``), not from the clock, and:

- a completed step is never scheduled again, so moving the release after the letters went
  creates the release schedule only, and lifting a hold schedules what had not run;
- a step whose moment has passed without it completing is handled explicitly: the freeze (which
  must still run before the letters) is scheduled at the next whole minute plus one, provided
  that leaves ``FREEZE_LEAD`` before the letters; otherwise, and for the letters and the
  release, the change is refused with what to do instead (a new date, or running the freeze by
  hand first). Scheduler is never asked for a schedule in the past;
- the letters' date cannot move once they went (the letters carry it), nor the release's once
  released.

Each scheduled step has a check ``STEP_DEADLINES[step]`` after its moment (``checks_for``): the
release function (which can read every step's record) looks whether the step completed and, if
not, counts ``PublicationStepOverdue``, on which an alarm fires.

``next_scheduled_steps`` is what ``annual-review status`` shows as the next publication steps.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from annual_review.calendar.release_calendar import (
    CalendarEntry,
    CalendarError,
    PlannedStep,
    ReleaseCalendar,
    ScheduledStep,
    Step,
    planned_steps,
)
from annual_review.publication.ports import ScheduleStore

# What a check counts (1: the step had not completed by its deadline), and its alarm watches.
OVERDUE_METRIC = "PublicationStepOverdue"
# A freeze that is late (its 06:00 has passed) is scheduled only this long or more before the
# letters: its function's timeout is 5 minutes, and Lambda may retry it twice.
FREEZE_LEAD = timedelta(minutes=15)
# When each step should have completed, after its moment: the freeze before the letters go
# (it starts at 06:00, the letters at 07:00 at the earliest); the letters with every retry of a
# 5-minute function and resends; the release within its own retries.
STEP_DEADLINES: dict[Step, timedelta] = {
    "freeze": timedelta(minutes=30),
    "letters": timedelta(hours=2),
    "release": timedelta(minutes=30),
}


def _next_minute(now: datetime) -> datetime:
    """The start of the minute after next: Scheduler invokes with one-minute precision."""
    return now.replace(second=0, microsecond=0) + timedelta(minutes=2)


def steps_to_schedule(
    entry: CalendarEntry | None, completed: Collection[Step], now: datetime
) -> list[PlannedStep]:
    """The steps a year's schedules must run, given what has completed; ``CalendarError`` for
    a step that is due and can no longer run on time."""
    if entry is None:
        return []
    wanted = []
    for planned in planned_steps(entry):
        if planned.step in completed:
            continue
        if planned.at > now:
            wanted.append(planned)
            continue
        due = planned.at.isoformat(timespec="minutes")
        if planned.step == "freeze":
            at = _next_minute(now).astimezone(planned.at.tzinfo)
            if entry.letters_at - at >= FREEZE_LEAD:
                wanted.append(planned.model_copy(update={"at": at}))
                continue
            raise CalendarError(
                f"{entry.year} is not frozen (its freeze was due at {due}) and its letters at "
                f"{entry.letters_at.isoformat(timespec='minutes')} leave less than "
                f"{FREEZE_LEAD.seconds // 60} minutes to freeze: freeze it first (annual-review "
                f"publish --year {entry.year} --step freeze) or set a later letters date"
            )
        raise CalendarError(
            f"the {planned.step} of {entry.year} was due at {due} and has not run: set a new "
            f"{planned.step} date (calendar set --{planned.step} ...)"
        )
    return wanted


def move_problems(
    old: CalendarEntry | None, new: CalendarEntry | None, completed: Collection[Step]
) -> list[str]:
    """What a change may not do once steps have run: move the letters after they went, or the
    release after it was released."""
    if old is None or new is None:
        return []
    problems = []
    if "letters" in completed and new.letters_at != old.letters_at:
        problems.append(
            f"the letters of {old.year} went on {old.letters_at.date().isoformat()}: their date "
            "cannot move (the release can)"
        )
    if "release" in completed and new.release_at != old.release_at:
        problems.append(
            f"{old.year} was released on {old.release_at.date().isoformat()}: its release date "
            "cannot move (a revision is released with annual-review publish)"
        )
    return problems


def checks_for(planned: PlannedStep) -> PlannedStep:
    """The check that the step completed, at its deadline."""
    return planned.model_copy(update={"at": planned.at + STEP_DEADLINES[planned.step]})


def apply_calendar(
    store: ScheduleStore,
    calendar: ReleaseCalendar,
    year: str,
    now: datetime,
    completed: Collection[Step] = frozenset(),
) -> list[str]:
    """Make the year's schedules what the calendar says: the steps still to come, none if held."""
    return store.apply(year, steps_to_schedule(calendar.entry(year), completed, now), now)


def next_scheduled_steps(store: ScheduleStore, now: datetime) -> list[ScheduledStep]:
    """Every schedule still to run, soonest first (disabled ones are marked, not hidden)."""
    return [s for s in store.upcoming() if s.at > now]
