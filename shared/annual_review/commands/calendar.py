"""`annual-review calendar`: the release calendar (show, set, hold), its schedules and public files.

annual-review calendar show [--json]
annual-review calendar set --year 2019-20 --letters 2020-07-22 --release 2020-07-29 [--reason ...]
annual-review calendar hold --year 2019-20 --reason "..."

Dates are London dates; ``--letters`` may carry a time (``2020-07-22T10:00``, default 09:00);
the release is always at 09:30. Setting dates again lifts a hold (with a reason).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from annual_review.adapters.clients import AwsClients
from annual_review.calendar.release_calendar import ReleaseCalendar
from annual_review.commands.cli import add_stack_options
from annual_review.publication.ports import ObjectStore, ScheduleStore
from annual_review.settings import Settings


def register(groups: Any) -> None:
    parser = groups.add_parser(
        "calendar",
        help="the release calendar: show it, set a year's dates, hold a release",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="every year's dates, the changes and the schedules")
    show.add_argument("--json", action="store_true", help="the private calendar as JSON")
    add_stack_options(show)
    show.set_defaults(run=show_calendar)

    set_dates = actions.add_parser("set", help="announce, move, or lift the hold on a year's dates")
    set_dates.add_argument("--year", required=True, help="financial year, e.g. 2019-20")
    set_dates.add_argument("--letters", required=True, help="letters date[Thh:mm], London time")
    set_dates.add_argument("--release", required=True, help="release date (09:30 London time)")
    set_dates.add_argument("--reason", help="why (needed for a change, or under 28 days' notice)")
    set_dates.add_argument("--by", default=None, help="who is making the change (default: you)")
    add_stack_options(set_dates)
    set_dates.set_defaults(run=set_calendar)

    hold = actions.add_parser("hold", help="hold a year's release: its schedules stop")
    hold.add_argument("--year", required=True, help="financial year, e.g. 2019-20")
    hold.add_argument("--reason", required=True, help="why the release is held (published)")
    hold.add_argument("--by", default=None, help="who is holding it (default: you)")
    add_stack_options(hold)
    hold.set_defaults(run=hold_release)


@dataclass(frozen=True)
class CalendarPlace:
    """Where the calendar is kept and what acts on it: the buckets and the schedules."""

    private: ObjectStore
    public: ObjectStore
    schedules: ScheduleStore
    site_url: str = ""  # the public site's address, for each calendar event's URL


def calendar_place(
    outputs: Mapping[str, str], settings: Settings, clients: AwsClients
) -> CalendarPlace:
    """The deployed stack's calendar: its buckets, and its schedule group and targets."""
    from annual_review.adapters.scheduler import EventBridgeSchedules
    from annual_review.adapters.storage import S3ObjectStore

    return CalendarPlace(
        private=S3ObjectStore(settings.private_bucket, clients.s3),
        public=S3ObjectStore(settings.public_bucket, clients.s3),
        schedules=EventBridgeSchedules(
            outputs["PublicationScheduleGroupName"],
            outputs["PublicationSchedulerRoleArn"],
            outputs["PublicationFailureQueueArn"],
            {
                "freeze": outputs["FreezeFunctionArn"],
                "letters": outputs["LettersFunctionArn"],
                "release": outputs["ReleaseFunctionArn"],
            },
            clients.scheduler,
        ),
        site_url=settings.site_url,
    )


def operator_settings(settings: Settings) -> Settings:
    """The deployed settings, with the clock a local run or a test fixes (CLOCK) at this edge."""
    clock = os.environ.get("CLOCK")
    return (
        settings.model_copy(update={"clock": datetime.fromisoformat(clock)}) if clock else settings
    )


def change_calendar(
    place: CalendarPlace,
    year: str,
    change: Callable[[ReleaseCalendar], ReleaseCalendar],
    now: datetime,
) -> tuple[ReleaseCalendar, list[str]]:
    """Apply a change to the calendar, then make the schedules and public files follow it
    (the public files from both calendars, the provisional releases' included).

    The record first, then what acts on it; each part is idempotent, so a command that failed
    half way is finished by running it again (an unchanged calendar still re-applies both).
    What has run (the publication record) decides what is scheduled, and a change that would
    move a step that has run, or leave a due step unable to run, is refused before anything is
    written (``CalendarError``).
    """
    from annual_review.calendar.calendar_files import (
        load_calendar,
        save_calendar,
        write_public_calendars,
    )
    from annual_review.calendar.release_calendar import CalendarError
    from annual_review.calendar.schedules import apply_calendar, move_problems, steps_to_schedule
    from annual_review.publication.step_record import completed_steps

    current = load_calendar(place.private)
    updated = change(current)
    completed = completed_steps(place.private, place.public, year)
    problems = move_problems(current.entry(year), updated.entry(year), completed)
    if problems:
        raise CalendarError("; ".join(problems))
    steps_to_schedule(updated.entry(year), completed, now)  # refuses a due step left unable to run
    save_calendar(place.private, updated)
    done = apply_calendar(place.schedules, updated, year, now, completed)
    write_public_calendars(place.private, place.public, now, place.site_url)
    return updated, done


def _connected(args: argparse.Namespace) -> tuple[CalendarPlace, Settings]:
    from annual_review.commands.cli import connect

    connected = connect(args, "ReleaseFunction")
    settings = operator_settings(connected.settings)
    return calendar_place(connected.stack.outputs, settings, connected.clients), settings


def _apply(args: argparse.Namespace, change: str) -> int:
    from annual_review.calendar.release_calendar import (
        DEFAULT_LETTERS_TIME,
        RELEASE_TIME,
        CalendarError,
        parse_moment,
    )

    place, settings = _connected(args)
    moment = settings.now()
    who = args.by or getpass.getuser()

    def changed(calendar: ReleaseCalendar) -> ReleaseCalendar:
        if change == "set":
            return calendar.set_dates(
                args.year,
                parse_moment(args.letters, DEFAULT_LETTERS_TIME),
                parse_moment(args.release, RELEASE_TIME),
                now=moment,
                by=who,
                reason=args.reason,
            )
        return calendar.hold(args.year, now=moment, by=who, reason=args.reason)

    try:
        updated, done = change_calendar(place, args.year, changed, moment)
    except (CalendarError, ValueError) as error:
        print(f"annual-review calendar {change}: refused: {error}", file=sys.stderr)
        return 1
    for line in done:
        print(f"schedule {line}")
    entry = updated.entry(args.year)
    assert entry is not None
    print(
        f"{entry.year}: letters {entry.letters_at.isoformat()}, release "
        f"{entry.release_at.isoformat()}, {entry.status}"
    )
    return 0


def set_calendar(args: argparse.Namespace) -> int:
    return _apply(args, "set")


def hold_release(args: argparse.Namespace) -> int:
    return _apply(args, "hold")


def show_calendar(args: argparse.Namespace) -> int:
    from annual_review.calendar.calendar_files import load_calendar
    from annual_review.calendar.schedules import next_scheduled_steps

    place, settings = _connected(args)
    calendar = load_calendar(place.private)
    if args.json:
        print(calendar.to_bytes().decode(), end="")
        return 0
    for entry in calendar.entries:
        held = f" HELD: {entry.hold_reason}" if entry.status == "held" else ""
        print(
            f"{entry.year}  letters {entry.letters_at:%a %d %b %Y %H:%M}  "
            f"release {entry.release_at:%a %d %b %Y %H:%M}{held}"
        )
    for change in calendar.changes:
        print(
            f"  {change.changed_at:%Y-%m-%d %H:%M}Z {change.year} {change.action} by {change.by}: "
            f"release {change.old_release_at or '-'} -> {change.new_release_at} "
            f"({change.reason or 'no reason needed'})"
        )
    for step in next_scheduled_steps(place.schedules, settings.now()):
        state = "" if step.enabled else " (disabled)"
        print(f"next  {step.at.isoformat()} {step.year} {step.step}{state}")
    if not calendar.entries:
        print("no dates set: annual-review calendar set --year Y --letters DATE --release DATE")
    print(json.dumps({"years": len(calendar.entries), "changes": len(calendar.changes)}))
    return 0
