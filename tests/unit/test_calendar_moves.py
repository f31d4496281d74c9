"""Which steps the schedules run after a change, given what has run (worked out by hand).

2019-20's dates (tests.builders): letters Wednesday 22 July 2020 09:00, so the freeze at 06:00
that morning; release Wednesday 29 July 2020 09:30, all London time (BST, UTC+1).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from annual_review.calendar.release_calendar import LONDON, CalendarError
from annual_review.calendar.schedules import checks_for, move_problems, steps_to_schedule
from tests.builders import calendar_entry

YEAR = "2019-20"


def london(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def plan(completed: set[str], now: str) -> list[tuple[str, str]]:
    entry = calendar_entry(2019)
    found = steps_to_schedule(entry, completed, london(now))  # type: ignore[arg-type]
    return [(p.step, p.at.astimezone(LONDON).isoformat(timespec="minutes")) for p in found]


def test_announced_in_may_every_step_is_scheduled() -> None:
    assert plan(set(), "2020-05-01T10:00") == [
        ("freeze", "2020-07-22T06:00+01:00"),
        ("letters", "2020-07-22T09:00+01:00"),
        ("release", "2020-07-29T09:30+01:00"),
    ]


def test_after_the_letters_went_only_the_release_is_scheduled() -> None:
    # The afternoon of letters day: freeze and letters have run and their schedules are gone.
    assert plan({"freeze", "letters"}, "2020-07-22T15:00") == [
        ("release", "2020-07-29T09:30+01:00")
    ]


def test_a_step_run_by_hand_early_is_not_scheduled_again() -> None:
    assert plan({"freeze"}, "2020-07-01T10:00") == [
        ("letters", "2020-07-22T09:00+01:00"),
        ("release", "2020-07-29T09:30+01:00"),
    ]


def test_a_late_freeze_is_scheduled_two_minutes_ahead_when_the_letters_leave_room() -> None:
    # 07:20:30 on letters day, not frozen (a hold lifted): the freeze at 07:22, the letters at
    # 09:00 are 98 minutes later, more than the 15 needed.
    assert plan(set(), "2020-07-22T07:20:30") == [
        ("freeze", "2020-07-22T07:22+01:00"),
        ("letters", "2020-07-22T09:00+01:00"),
        ("release", "2020-07-29T09:30+01:00"),
    ]


def test_a_late_freeze_too_close_to_the_letters_is_refused_with_what_to_do() -> None:
    # 08:45: a freeze at 08:47 leaves 13 minutes before 09:00, fewer than 15.
    with pytest.raises(CalendarError, match=r"2019-20 is not frozen .* --step freeze"):
        plan(set(), "2020-07-22T08:45")


def test_letters_that_were_due_and_did_not_go_need_a_new_date() -> None:
    with pytest.raises(CalendarError, match="the letters of 2019-20 was due at 2020-07-22T09:00"):
        plan({"freeze"}, "2020-07-22T11:00")


def test_a_held_year_schedules_nothing() -> None:
    entry = calendar_entry(2019).model_copy(update={"status": "held", "hold_reason": "court"})
    assert steps_to_schedule(entry, set(), london("2020-05-01T10:00")) == []


def test_the_letters_date_cannot_move_once_they_went_nor_the_release_once_released() -> None:
    old = calendar_entry(2019)
    later_letters = old.model_copy(update={"letters_at": london("2020-07-23T09:00")})
    later_release = old.model_copy(update={"release_at": london("2020-08-04T09:30")})
    assert move_problems(old, later_release, {"freeze", "letters"}) == []
    assert move_problems(old, later_letters, {"freeze", "letters"}) == [
        "the letters of 2019-20 went on 2020-07-22: their date cannot move (the release can)"
    ]
    assert move_problems(old, later_release, {"freeze", "letters", "release"}) == [
        "2019-20 was released on 2020-07-29: its release date cannot move "
        "(a revision is released with annual-review publish)"
    ]


def test_each_step_is_checked_at_its_deadline() -> None:
    planned = steps_to_schedule(calendar_entry(2019), set(), london("2020-05-01T10:00"))
    assert [checks_for(p).at.astimezone(LONDON).isoformat(timespec="minutes") for p in planned] == [
        "2020-07-22T06:30+01:00",
        "2020-07-22T11:00+01:00",
        "2020-07-29T10:00+01:00",
    ]
