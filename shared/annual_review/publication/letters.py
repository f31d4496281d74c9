"""Letters: one per council, from the frozen snapshot, in HTML and as a plain-text email body.

Every figure sentence is built here, in plain words, so the HTML and the text say the same thing
and tests can read them. A zero denominator is said in words, never as "0%" or a blank.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from importlib import resources
from string import Template
from typing import Any

from pydantic import BaseModel, ConfigDict

from annual_review.catalogue import STATISTICS, Statistic
from annual_review.fiscal import FinancialYear
from annual_review.publication import keys
from annual_review.publication.case_lists import parse_case_list
from annual_review.publication.letter_learning import learning_paragraphs
from annual_review.publication.pages import council_slugs
from annual_review.publication.ports import ObjectStore, StoredObject
from annual_review.publication.rendering import render
from annual_review.publication.snapshot import CouncilFigures, Snapshot, canonical_json
from annual_review.registry import Contact
from annual_review.release_calendar import CalendarEntry
from annual_review.settings import Settings
from annual_review.statistics import SMALL_BASE

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


def _small_base_sentence(statistic: Statistic, figures: CouncilFigures) -> list[str]:
    if not statistic.is_proportion:
        return []
    found = statistic.proportion(figures)
    if not found.small_base or found.of == 0 or found.ci_low is None or found.ci_high is None:
        return []
    return [
        f"Because this figure rests on fewer than {SMALL_BASE} cases, one case more or less can "
        f"change it a great deal: the 95% confidence interval runs from "
        f"{statistic.shown(found.ci_low)} to {statistic.shown(found.ci_high)}."
    ]


def _average_sentence(average: str | None) -> str:
    if average is None:
        return "No similar authority had a figure for this statistic, so there is no average."
    return f"This compares to an average of {average} in similar authorities."


def _base_sentences(statistic: Statistic, figures: CouncilFigures, period: str) -> list[str]:
    count, of = statistic.counts_of(figures)
    wording = statistic.letter
    if statistic.is_proportion:
        return [
            f"Statistics are based on a total of {wording.base.of(of or 0)} for the period "
            f"{period}."
        ]
    return [f"This is based on {wording.base.of(count)} and an estimated population of {of:,}."]


def _note_sentences(statistic: Statistic, figures: CouncilFigures) -> list[str]:
    if statistic.letter.note is None:
        return []
    count_name, words = statistic.letter.note
    count = figures.count(count_name)
    return [words.of(count)] if count else []


def _based_on(statistic: Statistic, figures: CouncilFigures) -> str:
    count, of = statistic.counts_of(figures)
    wording = statistic.letter
    if statistic.is_proportion:
        counted = f"{count} {wording.counted_as}".rstrip()
        return f"{counted} of {wording.base.of(of or 0)}"
    if of is None:
        return f"{wording.base.of(count)}; population not available"
    return f"{wording.base.of(count)}, population {of:,}"


def statistic_section(
    statistic: Statistic, figures: CouncilFigures, average: float | None, period: str
) -> StatisticSection:
    """One statistic of the letter, every sentence from the catalogue's wording."""
    wording = statistic.letter
    shown = statistic.shown(statistic.value(figures))
    average_shown = statistic.shown(average)
    if shown is None:
        sentences = [wording.none]
    else:
        sentences = [
            wording.sentence.format(figure=shown) + " " + _average_sentence(average_shown),
            *_base_sentences(statistic, figures, period),
            *_note_sentences(statistic, figures),
            *_small_base_sentence(statistic, figures),
        ]
    return StatisticSection(
        wording.title,
        sentences,
        shown if shown is not None else wording.figure_when_none,
        average_shown if average_shown is not None else "no average",
        _based_on(statistic, figures),
    )


def statistic_sections(
    figures: CouncilFigures, averages: Mapping[str, float | None], period: str
) -> list[StatisticSection]:
    return [
        statistic_section(statistic, figures, averages.get(statistic.key), period)
        for statistic in STATISTICS
    ]


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
    averages: Mapping[str, Mapping[str, float | None]] | None = None,
) -> Letter:
    """One council's letter; pass the snapshot's ``group_averages()`` when writing many."""
    averages = snapshot.group_averages() if averages is None else averages
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
        statistics=statistic_sections(figures, averages[figures.comparison_group], period),
        publication=_filled(content.publication, values),
        resources=_filled(content.resources, values),
        signatory=[
            settings.signatory_name,
            settings.signatory_title,
            settings.signatory_organisation,
        ],
        period=period,
    )


@dataclass(frozen=True)
class PublicCopy:
    """What the public copy of a letter says beside the letter as sent: when the figures were
    published (the letter itself says they will be) and where to find the rest."""

    note: str  # at the top: what this copy is
    publication: list[str]  # in place of the letter's "will be published"
    links: list[tuple[str, str]]  # (href, words)


def public_copy(letter: Letter, year: str, release_day: str, slug: str) -> PublicCopy:
    return PublicCopy(
        note=f"This is the public copy of the letter we sent to the council on {letter.date}.",
        publication=[
            f"These figures, and a copy of this letter, were published on {release_day} on "
            "our website, together with the data for every council and a note on how the "
            "statistics are worked out."
        ],
        links=[
            (f"/councils/{slug}/{year}/", f"{letter.council_name}: figures for {year} and "
                                          "every published year"),
            ("/methodology/", "How the statistics are worked out"),
            ("/downloads/", "The data for every council (CSV, JSON, GeoJSON)"),
            ("/", "Your council's performance: every council in England"),
        ],
    )  # fmt: skip


def render_letter(letter: Letter, public: PublicCopy | None = None) -> tuple[bytes, bytes]:
    """The HTML letter and the plain-text email body (with ``public``: the public copy)."""
    return (
        render("letter.html", letter=letter, public=public).encode(),
        render("letter.txt", letter=letter).encode(),
    )


class LettersResult(BaseModel):
    year: str
    revision: int
    letters: int
    written: int
    mail: dict[str, Any] | None = None  # what the email delivery did (publication/mailing.py)


def with_learning(
    letter: Letter, private: ObjectStore, snapshot: Snapshot, year: str, day: str, url: str
) -> Letter:
    """The letter with its council's public reports and service improvements of the year named
    first in "Resources" (read from the case list written at the freeze)."""
    body = private.get(keys.case_list(year, snapshot.revision, letter.code))
    rows = parse_case_list(body) if body else []
    found = learning_paragraphs(rows, letter.council_name, year, url, day)
    return replace(letter, resources=[*found, *letter.resources]) if found else letter


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
    files: list[StoredObject] = []
    averages = snapshot.group_averages()
    slugs = council_slugs({c.code: c.name for c in snapshot.councils})
    release_day = long_date(release_date(entry))
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
            averages=averages,
        )
        # The council's own learning of the year, from its case list (issue 23).
        page = f"{settings.site_url}/councils/{slugs[figures.code]}/learning/"
        letter = with_learning(letter, private, snapshot, year.label, release_day, page)
        html, text = render_letter(letter)
        copy, _ = render_letter(letter, public_copy(letter, year.label, release_day,
                                                    slugs[figures.code]))  # fmt: skip
        html_key = keys.private_letter(year.label, figures.code, "html")
        text_key = keys.private_letter(year.label, figures.code, "txt")
        copy_key = keys.private_letter(year.label, figures.code, "public.html")
        files += [
            StoredObject(html_key, html, keys.HTML, keys.PRIVATE),
            StoredObject(copy_key, copy, keys.HTML, keys.PRIVATE),
            StoredObject(text_key, text, keys.TEXT, keys.PRIVATE),
        ]
        entries.append(
            {
                "code": figures.code,
                "name": figures.name,
                "html": html_key,
                "public_html": copy_key,
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
    written += private.put_many(files)
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
