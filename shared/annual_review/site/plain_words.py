"""A council's figure read out in plain words, the one place that sentence is made.

"7 of the 11 complaints we investigated were upheld (64%); similar councils 54%; with so few
cases this is not clearly different." The counts and the outcome come from the catalogue's page
wording; whether the council differs from similar councils comes from the figure's 95% interval
(the average of similar councils inside it: not clearly different; a wide interval: few cases).
"""

from __future__ import annotations

from typing import Any

from annual_review.figures.catalogue import Statistic

# An interval wider than this (20 percentage points) says the figure rests on few cases: when
# similar councils are inside it, "with so few cases" is why the difference is not clear.
WIDE_INTERVAL = 0.2


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _counted(statistic: Statistic, count: int, of: int) -> str:
    noun, outcome = statistic.page.counted, statistic.page.outcome
    assert noun is not None, f"{statistic.key}: page.counted is not set in the catalogue"
    if of == 1:
        return f"the only {noun.singular} was {'' if count else 'not '}{outcome}"
    verb = "was" if count == 1 else "were"
    return f"{count} of the {noun.of(of)} {verb} {outcome}"


def _comparison(low: float | None, high: float | None, average: float | None) -> str | None:
    if average is None or low is None or high is None:
        return None
    if average < low:
        return "this is clearly higher than similar councils"
    if average > high:
        return "this is clearly lower than similar councils"
    if high - low > WIDE_INTERVAL:
        return "with so few cases this is not clearly different"
    return "this is not clearly different from similar councils"


def reading(statistic: Statistic, record: dict[str, Any], average: float | None) -> str:
    """The figure of ``statistic`` in a council's published record, in one sentence."""
    part = record[statistic.record]
    value = part[statistic.field]
    if value is None:
        return statistic.page.when_none
    shown = statistic.shown(value)
    average_shown = statistic.shown(average)
    if statistic.is_proportion:
        count, of = part["count"], part["of"]
        parts = [f"{_counted(statistic, count, of)} ({shown})"]
        if average_shown is not None:
            parts.append(f"similar councils {average_shown}")
        judged = _comparison(part["ci_low"], part["ci_high"], average)
        if judged:
            parts.append(judged)
        return _capital("; ".join(parts)) + "."
    noun = statistic.page.counted
    assert noun is not None, f"{statistic.key}: page.counted is not set in the catalogue"
    count = part["count"]
    counted = noun.of(count) if count else f"no {noun.plural}"
    text = f"We {statistic.page.outcome} {counted}: {shown} for every 100,000 residents"
    if average_shown is not None:
        text += f"; similar councils {average_shown}"
    return text + "."
