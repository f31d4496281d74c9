"""The letter's own learning: the council's public reports of the year by title, and the service
improvements it agreed (how many are completed), read from its case list, which sums to the
frozen figures, so the letter and the published "service improvements" figure always agree."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from annual_review.publication.freeze.case_lists import CaseRow
from annual_review.registry.councils import long_date

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _number(n: int) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else f"{n:,}"


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{_number(n)} {singular if n == 1 else plural or singular + 's'}"


def _are(n: int, state: str) -> str:
    """ "none is completed", "one is completed", "three are completed"."""
    return f"{'none' if n == 0 else _number(n)} {'are' if n > 1 else 'is'} {state}"


def learning_paragraphs(
    rows: Sequence[CaseRow], council: str, year: str, page_url: str, release_day: str
) -> list[str]:
    """Paragraphs for the letter's "Resources" section (none when there is nothing to name)."""
    reports = sorted((r for r in rows if r.list == "report"), key=lambda r: r.date)
    improvements = Counter(r.outcome for r in rows if r.list == "improvement")
    agreed = sum(improvements.values())
    paragraphs = []
    if reports:
        titles = "; ".join(
            f"“{r.title}” ({long_date(date.fromisoformat(r.date))})" for r in reports
        )
        paragraphs.append(
            f"In {year} we issued {_count(len(reports), 'public report')} about {council}: "
            f"{titles}."
        )
    if agreed:
        completed = improvements["completed"] + improvements["completed_late"]
        parts = [_are(completed, "completed")]
        if late := improvements["completed_late"]:
            parts[0] += f" ({_number(late)} of them late)"
        if due := improvements["agreed"]:
            parts.append(_are(due, "still due"))
        if missed := improvements["not_completed"]:
            parts.append(f"{_number(missed)} {'were' if missed > 1 else 'was'} not completed")
        paragraphs.append(
            f"After our investigations in {year} the council agreed "
            f"{_count(agreed, 'service improvement')}: " + ", ".join(parts) + "."
        )
    if paragraphs:
        paragraphs.append(
            f"From {release_day} you can read them, with our decision statements about "
            f"{council}, on the council's page: {page_url}"
        )
    return paragraphs
