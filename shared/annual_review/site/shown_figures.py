"""What a council's page shows of each statistic as people read it: the figure, its words, the
change on the year before, and why complaints received and dealt with differ."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from annual_review.figures.catalogue import STATISTICS, Statistic
from annual_review.figures.rates import whole_percent
from annual_review.site.plain_words import reading

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class Figure:
    """One statistic of a council (or an area) as people read it."""

    key: str
    id: str
    title: str
    label: str
    shown: str  # the figure, or the words for no figure
    has_figure: bool
    based_on: str  # "6 upheld of 9 detailed investigations"
    short_base: str  # "6 of 9"
    small_base: bool
    interval: str | None  # "29% to 88%"
    average: str  # the group's average as shown, or "no average"
    sort_value: float | None
    reading: str = ""  # the figure in plain words (publication/plain_words.py)


def _count_words(statistic: Statistic, count: int, of: int | None) -> tuple[str, str]:
    wording = statistic.letter
    if statistic.is_proportion:
        counted = f"{count} {wording.counted_as}".rstrip()
        return f"{counted} of {wording.base.of(of or 0)}", f"{count} of {of or 0}"
    if of is None:
        return f"{wording.base.of(count)}; population not available", f"{count}; no population"
    return f"{wording.base.of(count)}, population {of:,}", f"{count} in {of:,}"


def figure(statistic: Statistic, record: JsonObject, average: float | None) -> Figure:
    part = record[statistic.record]
    value = part[statistic.field]
    shown = statistic.shown(value)
    if statistic.is_proportion:
        count, of = part["count"], part["of"]
        small = bool(part["small_base"]) and of > 0
        low, high = part["ci_low"], part["ci_high"]
        interval = (
            f"{statistic.shown(low)} to {statistic.shown(high)}"
            if low is not None and high is not None
            else None
        )
    else:
        count, of = record["upheld"]["count"], record["population"]
        small, interval = False, None
    based_on, short = _count_words(statistic, count, of)
    average_shown = statistic.shown(average)
    return Figure(
        key=statistic.key,
        id=statistic.page.id,
        title=statistic.letter.title,
        label=statistic.page.label,
        shown=shown if shown is not None else statistic.letter.figure_when_none,
        has_figure=shown is not None,
        based_on=based_on,
        short_base=short,
        small_base=small,
        interval=interval,
        average=average_shown if average_shown is not None else "no average",
        sort_value=value,
        reading=reading(statistic, record, average),
    )


def figures_of(record: JsonObject, averages: Mapping[str, float | None]) -> list[Figure]:
    return [figure(s, record, averages.get(s.key)) for s in STATISTICS]


def _received_note(record: JsonObject) -> str | None:
    """Why complaints received and complaints dealt with differ, when they do."""
    received, dealt_with = record["complaints_received"], record["overview"]["dealt_with"]
    if received == dealt_with:
        return None
    more = "more" if dealt_with > received else "fewer"
    return (
        f"We dealt with {dealt_with:,} complaints about the council this year, {more} than the "
        f"{received:,} we received: a complaint is counted as received in the year it reaches "
        "us and as dealt with in the year we decide it, so complaints received late in one "
        "year are dealt with in the next."
    )


def _change_words(statistic: Statistic, delta: float | None) -> str | None:
    if delta is None:
        return None
    if statistic.is_proportion:
        points = whole_percent(abs(delta)) * (1 if delta > 0 else -1)
        if points == 0:
            return "no change on the year before"
        unit = "percentage point" if abs(points) == 1 else "percentage points"
        return f"{'up' if points > 0 else 'down'} {abs(points)} {unit} on the year before"
    shown = statistic.shown(abs(delta))
    if shown in (None, "0.0"):
        return "no change on the year before"
    return f"{'up' if delta > 0 else 'down'} {shown} on the year before"
