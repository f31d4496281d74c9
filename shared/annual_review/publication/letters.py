"""Letters: one per council, from the frozen snapshot, in HTML and as a plain-text email body.

Every figure sentence is built here, in plain words, so the HTML and the text say the same thing
and tests can read them. A zero denominator is said in words, never as "0%" or a blank.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from string import Template
from typing import Any

from pydantic import BaseModel, ConfigDict

from annual_review.fiscal import FinancialYear
from annual_review.publication import keys
from annual_review.publication.ports import ObjectStore
from annual_review.publication.rendering import render
from annual_review.publication.snapshot import CouncilFigures, Snapshot, canonical_json
from annual_review.registry import Contact
from annual_review.release_calendar import CalendarEntry
from annual_review.settings import Settings
from annual_review.statistics import (
    GroupAverages,
    Rate,
    per_100k,
    rate,
    round_half_up,
    whole_percent,
)

DEFAULT_SALUTATION = "Chief Executive"


class LetterContent(BaseModel):
    """The year's narrative paragraphs; ``$year_end``, ``$release_date`` and ``$letters_date``
    are filled in (an unknown ``$name`` is an error, not a blank)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    introduction: list[str]
    about_statistics: list[str]
    publication: list[str]
    resources: list[str]


def default_content() -> LetterContent:
    text = (resources.files("annual_review") / "data" / "default-content.json").read_text("utf-8")
    return LetterContent.model_validate_json(text)


def load_content(override: bytes | None) -> LetterContent:
    """The per-year file from the private bucket when there is one, else our default text."""
    return LetterContent.model_validate_json(override) if override else default_content()


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def letters_date(snapshot: Snapshot, entry: CalendarEntry) -> date:
    """The calendar's letters date; a later revision's letters are dated the day it was frozen."""
    scheduled = entry.letters_at.date()
    if snapshot.revision == 1:
        return scheduled
    return max(scheduled, datetime.fromisoformat(snapshot.frozen_at).date())


def release_date(entry: CalendarEntry) -> date:
    return entry.release_at.date()


# ---------------------------------------------------------------------------- the sentences
def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _percent(value: float) -> str:
    return f"{whole_percent(value)}%"


def _per_100k(value: float) -> str:
    return str(round_half_up(value, 1))


@dataclass(frozen=True)
class StatisticSection:
    title: str
    sentences: list[str]
    figure: str  # the council's figure, for the table ("not applicable" when there is none)
    average: str
    based_on: str


@dataclass(frozen=True)
class Letter:
    code: str
    council_name: str
    date: str
    heading: str
    addressee: list[str]
    salutation: str
    revision_note: str | None
    changes: list[str]  # a revision: each of the council's figures that changed, old and new
    introduction: list[str]
    about_statistics: list[str]
    statistics: list[StatisticSection]
    publication: list[str]
    resources: list[str]
    signatory: list[str]
    period: str


def _small_base_sentence(found: Rate) -> list[str]:
    if not found.small_base or found.of == 0 or found.ci_low is None or found.ci_high is None:
        return []
    return [
        f"Because this figure rests on fewer than 10 cases, one case more or less can change it "
        f"a great deal: the 95% confidence interval runs from {_percent(found.ci_low)} to "
        f"{_percent(found.ci_high)}."
    ]


def _average_sentence(average: float | None, as_text: str) -> str:
    if average is None:
        return "No similar authority had a figure for this statistic, so there is no average."
    return f"This compares to an average of {as_text} in similar authorities."


def _period_sentence(count: int, what: str, plural: str | None, period: str) -> str:
    total = _plural(count, what, plural)
    return f"Statistics are based on a total of {total} for the period {period}."


def statistic_sections(
    figures: CouncilFigures, averages: GroupAverages, period: str
) -> list[StatisticSection]:
    upheld = rate(figures.upheld, figures.investigated)
    compliance = rate(figures.complied, figures.compliance_checked)
    remedy = rate(figures.satisfactory_remedies, figures.upheld)
    average_of = {
        "upheld": averages.upheld_rate,
        "compliance": averages.compliance_rate,
        "remedy": averages.satisfactory_remedy_rate,
    }

    def average_text(value: float | None) -> str:
        return _percent(value) if value is not None else "no average"

    sections = []
    if upheld.rate is None:
        upheld_sentences = [
            "We did not complete any detailed investigations of complaints about your authority "
            "this year, so there is no upheld rate to report."
        ]
    else:
        upheld_sentences = [
            f"{_percent(upheld.rate)} of complaints we investigated were upheld. "
            + _average_sentence(average_of["upheld"], average_text(average_of["upheld"])),
            _period_sentence(upheld.of, "detailed investigation", None, period),
            *_small_base_sentence(upheld),
        ]
    sections.append(
        StatisticSection(
            "Complaints upheld",
            upheld_sentences,
            _percent(upheld.rate) if upheld.rate is not None else "none investigated",
            average_text(average_of["upheld"]),
            f"{upheld.count} upheld of {_plural(upheld.of, 'detailed investigation')}",
        )
    )
    if compliance.rate is None:
        compliance_sentences = [
            "There were no recommendations for us to check compliance with this year, "
            "so there is no compliance rate to report."
        ]
    else:
        late = (
            [
                f"{_plural(figures.complied_late, 'recommendation was', 'recommendations were')} "
                "carried out later than agreed."
            ]
            if figures.complied_late
            else []
        )
        compliance_sentences = [
            f"In {_percent(compliance.rate)} of cases we were satisfied that the authority had "
            "carried out our recommendations. "
            + _average_sentence(average_of["compliance"], average_text(average_of["compliance"])),
            _period_sentence(compliance.of, "compliance outcome", None, period),
            *late,
            *_small_base_sentence(compliance),
        ]
    sections.append(
        StatisticSection(
            "Compliance with recommendations",
            compliance_sentences,
            _percent(compliance.rate) if compliance.rate is not None else "none checked",
            average_text(average_of["compliance"]),
            f"{compliance.count} complied of {_plural(compliance.of, 'compliance outcome')}",
        )
    )
    if remedy.rate is None:
        remedy_sentences = [
            "We did not uphold any complaints about your authority this year, so there is no "
            "satisfactory remedy rate to report."
        ]
    else:
        remedy_sentences = [
            f"In {_percent(remedy.rate)} of upheld cases the authority had already provided a "
            "satisfactory remedy before the complaint reached us. "
            + _average_sentence(average_of["remedy"], average_text(average_of["remedy"])),
            _period_sentence(remedy.of, "upheld decision", None, period),
            *_small_base_sentence(remedy),
        ]
    sections.append(
        StatisticSection(
            "Satisfactory remedies provided by the authority",
            remedy_sentences,
            _percent(remedy.rate) if remedy.rate is not None else "none upheld",
            average_text(average_of["remedy"]),
            f"{remedy.count} of {_plural(remedy.of, 'upheld decision')}",
        )
    )
    rate_per_100k = per_100k(figures.upheld, figures.population)
    average_per_100k = averages.upheld_per_100k
    average_per_100k_text = (
        _per_100k(average_per_100k) if average_per_100k is not None else "no average"
    )
    if rate_per_100k is None or figures.population is None:
        per_100k_sentences = [
            "We cannot give upheld decisions per 100,000 residents for your authority, because "
            "there is no population estimate for its area."
        ]
        per_100k_based_on = (
            f"{_plural(figures.upheld, 'upheld decision')}; population not available"
        )
    else:
        per_100k_sentences = [
            f"We upheld {_per_100k(rate_per_100k)} complaints for every 100,000 residents. "
            + _average_sentence(average_per_100k, average_per_100k_text),
            f"This is based on {_plural(figures.upheld, 'upheld decision')} and an estimated "
            f"population of {figures.population:,}.",
        ]
        per_100k_based_on = (
            f"{_plural(figures.upheld, 'upheld decision')}, population {figures.population:,}"
        )
    sections.append(
        StatisticSection(
            "Upheld decisions per 100,000 residents",
            per_100k_sentences,
            _per_100k(rate_per_100k) if rate_per_100k is not None else "not available",
            average_per_100k_text,
            per_100k_based_on,
        )
    )
    return sections


# -------------------------------------------------------------------------------- the letter
def _filled(paragraphs: Sequence[str], values: Mapping[str, str]) -> list[str]:
    return [Template(p).substitute(values) for p in paragraphs]


def build_letter(
    figures: CouncilFigures,
    snapshot: Snapshot,
    *,
    contact: Contact | None,
    content: LetterContent,
    settings: Settings,
    entry: CalendarEntry,
    changes: Sequence[str] = (),
) -> Letter:
    year = snapshot.financial_year
    sent_on = letters_date(snapshot, entry)
    period = f"between {long_date(year.start)} to {long_date(year.end)}"
    values = {
        "year_end": long_date(year.end),
        "release_date": long_date(release_date(entry)),
        "letters_date": long_date(sent_on),
    }
    if contact and contact.chief_executive:
        addressee = [contact.chief_executive, "Chief Executive", figures.name]
    else:
        addressee = ["The Chief Executive", figures.name]
    if contact and contact.address:
        addressee += [line.strip() for line in contact.address.split(";") if line.strip()]
    last = snapshot.revisions[-1]
    revision_note = (
        f"This letter replaces the one we sent earlier for this year, because the figures were "
        f"revised: {last.reason}"
        if snapshot.revision > 1 and last.reason and changes
        else None
    )
    return Letter(
        code=figures.code,
        council_name=figures.name,
        date=long_date(sent_on),
        heading=f"Annual Review letter {sent_on.year}",
        addressee=addressee,
        salutation=(contact.salutation if contact and contact.salutation else DEFAULT_SALUTATION),
        revision_note=revision_note,
        changes=list(changes),
        introduction=_filled(content.introduction, values),
        about_statistics=_filled(content.about_statistics, values),
        statistics=statistic_sections(figures, snapshot.averages[figures.comparison_group], period),
        publication=_filled(content.publication, values),
        resources=_filled(content.resources, values),
        signatory=[
            settings.signatory_name,
            settings.signatory_title,
            settings.signatory_organisation,
        ],
        period=period,
    )


def render_letter(letter: Letter) -> tuple[bytes, bytes]:
    """The HTML letter and the plain-text email body."""
    return (
        render("letter.html", letter=letter).encode(),
        render("letter.txt", letter=letter).encode(),
    )


class LettersResult(BaseModel):
    year: str
    revision: int
    letters: int
    written: int
    mail: dict[str, Any] | None = None  # what the email delivery did (publication/mailing.py)


class NotFrozen(Exception):
    """The year has no snapshot yet: run the freeze step first."""


def write_letters(
    year: FinancialYear,
    *,
    private: ObjectStore,
    contacts: Mapping[str, Contact],
    content: LetterContent,
    settings: Settings,
    snapshot: Snapshot | None,
    entry: CalendarEntry,
    changes: Mapping[str, Sequence[str]] | None = None,
) -> LettersResult:
    if snapshot is None:
        raise NotFrozen(year.label)
    written = 0
    entries = []
    for figures in snapshot.councils:
        contact = contacts.get(figures.code)
        letter = build_letter(
            figures,
            snapshot,
            contact=contact,
            content=content,
            settings=settings,
            entry=entry,
            changes=(changes or {}).get(figures.code, ()),
        )
        html, text = render_letter(letter)
        html_key = keys.private_letter(year.label, figures.code, "html")
        text_key = keys.private_letter(year.label, figures.code, "txt")
        written += private.put(html_key, html, keys.HTML, keys.PRIVATE)
        written += private.put(text_key, text, keys.TEXT, keys.PRIVATE)
        entries.append(
            {
                "code": figures.code,
                "name": figures.name,
                "html": html_key,
                "txt": text_key,
                "email": contact.email if contact and contact.email else None,
            }
        )
    manifest = {
        "year": year.label,
        "revision": snapshot.revision,
        "snapshot_sha256": snapshot.content_sha256,
        "letters_date": letters_date(snapshot, entry).isoformat(),
        "letters": entries,
    }
    # The manifest goes last: it exists only once every letter it lists does.
    written += private.put(
        keys.letters_manifest(year.label), canonical_json(manifest), keys.JSON, keys.PRIVATE
    )
    return LettersResult(
        year=year.label, revision=snapshot.revision, letters=len(entries), written=written
    )


def read_manifest(private: ObjectStore, year: str) -> dict[str, Any] | None:
    body = private.get(keys.letters_manifest(year))
    return json.loads(body) if body else None
