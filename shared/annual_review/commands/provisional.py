"""`annual-review provisional`: announce a quarter's provisional release in the release calendar
(its schedule follows), or run it by hand (refused before its announced moment).

A provisional release is at 09:30 London time on a working day after the quarter ends, announced
28 days ahead unless a reason is given; moving it needs a reason (the annual release's rules).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from annual_review.commands.cli import add_stack_options


def register(groups: Any) -> None:
    parser = groups.add_parser(
        "provisional",
        help="provisional figures each quarter: announce a quarter's release, or run it",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    announce = actions.add_parser("announce", help="announce or move a quarter's release")
    announce.add_argument("--year", required=True, help="financial year in progress, e.g. 2021-22")
    announce.add_argument("--quarter", required=True, type=int, choices=(1, 2, 3, 4))
    announce.add_argument("--release", required=True, help="release date (09:30 London time)")
    announce.add_argument("--reason", help="why (needed for a change, or under 28 days' notice)")
    announce.add_argument("--by", default=None, help="who is making the change (default: you)")
    add_stack_options(announce)
    announce.set_defaults(run=announce_quarter)


def announce_quarter(args: argparse.Namespace) -> int:
    from annual_review.calendar.calendar_files import write_public_calendars
    from annual_review.calendar.release_calendar import RELEASE_TIME, CalendarError, parse_moment
    from annual_review.commands.calendar import _connected
    from annual_review.publication.provisional import (
        load_provisional_calendar,
        save_provisional_calendar,
    )

    place, settings = _connected(args)
    moment = settings.now()
    try:
        updated = load_provisional_calendar(place.private).announce(
            args.year,
            args.quarter,
            parse_moment(args.release, RELEASE_TIME),
            now=moment,
            by=args.by or getpass.getuser(),
            reason=args.reason,
        )
    except (CalendarError, ValueError) as error:
        print(f"annual-review provisional announce: refused: {error}", file=sys.stderr)
        return 1
    save_provisional_calendar(place.private, updated)
    from annual_review.adapters.provisional_schedules import apply_provisional
    from annual_review.adapters.scheduler import EventBridgeSchedules

    if isinstance(place.schedules, EventBridgeSchedules):
        for line in apply_provisional(place.schedules, updated, moment):
            print(f"schedule {line}")
    # calendar.json, calendar.ics and provisional/calendar.json, from both calendars
    write_public_calendars(place.private, place.public, moment, place.site_url)
    from annual_review.publication.calendar_pages import refresh_calendar_pages

    refresh_calendar_pages(place.private, place.public, settings, moment)  # lists the new date
    entry = updated.entry(args.year, args.quarter)
    assert entry is not None
    print(f"{entry.label}: provisional release {entry.release_at.isoformat()}")
    return 0
