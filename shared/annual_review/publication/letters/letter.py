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

from annual_review.calendar.release_calendar import CalendarEntry
from annual_review.figures import catalogue
from annual_review.figures.catalogue import COMPLIANCE, Statistic
from annual_review.figures.rates import SMALL_BASE
from annual_review.fiscal import FinancialYear
from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.case_lists import parse_case_list
from annual_review.publication.freeze.snapshot import CouncilFigures, Snapshot, canonical_json
from annual_review.publication.letters.learning import learning_paragraphs
from annual_review.publication.mail.message import COVERING_NOTE_SLOT
from annual_review.publication.ports import ObjectStore, StoredObject
from annual_review.publication.rendering import render
from annual_review.registry.councils import Contact
from annual_review.settings import Settings
from annual_review.site.paths import council_path
from annual_review.site.slugs import council_slugs

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
    links: list[Link]


@dataclass(frozen=True)
class Link:
    href: str  # absolute where the stack knows the site's address (``site_url``)
    words: str


def letter_links(site_url: str, slug: str, year: str, council_name: str) -> list[Link]:
    """Where a reader of the letter finds the rest: the council's page for the year, the site,
    the methodology and the data (the paths the release step writes)."""
    base = site_url.rstrip("/")
    return [
        Link(base + council_path(slug, year), f"{council_name}: the figures for {year}"),
        Link(base + "/", "Your council's performance: every council in England"),
        Link(base + "/methodology/", "How the statistics are worked out"),
        Link(base + "/downloads/", "The data for every council, to download"),
    ]


class Unsigned(ValueError):
    """No ombudsman is named to sign the letters: none may go out unsigned."""


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


def _in_cases_checked(part: int, whole: int) -> str:
    if whole == 1:
        return "in the one case we checked"
    if part == whole:
        return f"in all {whole} cases we checked"
    return f"in {part} of the {whole} cases we checked"


def _missed_and_late(statistic: Statistic, figures: CouncilFigures) -> tuple[int, int, int]:
    """Recommendations checked, not carried out, and carried out late (zeros but for
    the compliance statistic)."""
    if statistic is not COMPLIANCE:
        return 0, 0, 0
    complied, checked = statistic.counts_of(figures)
    late = next((figures.count(count) or 0 for _, count, _ in statistic.extras), 0)
    return checked or 0, (checked or 0) - complied, late


def _not_complied_sentences(statistic: Statistic, figures: CouncilFigures) -> list[str]:
    """Recommendations not carried out, with what it rests on (the compliance outcomes we
    checked). Those carried out late are said by the late remedy statistic's sentence."""
    checked, missed, _ = _missed_and_late(statistic, figures)
    if not missed:
        return []
    return [
        "We were not satisfied that the authority had carried out our recommendations "
        f"{_in_cases_checked(missed, checked)}."
    ]


def _scrutiny_sentences(statistic: Statistic, figures: CouncilFigures) -> list[str]:
    """The model letter's advice to scrutinise recommendations not carried out, or late."""
    _, missed, late = _missed_and_late(statistic, figures)
    if missed:
        return [
            "An authority with a compliance rate below 100% should scrutinise each complaint "
            "where it did not carry out our recommendations"
            + (", and those where it was late," if late else "")
            + " to understand why and to identify any learning."
        ]
    if late:
        return [
            f"We ask you to look at why {'it' if late == 1 else 'these'} took longer than agreed: "
            "a remedy carried out late keeps the person who complained waiting."
        ]
    return []


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
            *_not_complied_sentences(statistic, figures),
            *catalogue.sentences_beside(statistic, figures),
            *_scrutiny_sentences(statistic, figures),
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
        for statistic in catalogue.letter_sections()
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
    slug: str | None = None,
) -> Letter:
    """One council's letter; pass the snapshot's ``group_averages()`` when writing many, and
    the council's slug from ``council_slugs`` of every council (unique among them)."""
    averages = snapshot.group_averages() if averages is None else averages
    signatory = signatory_lines(settings)
    slug = slug or council_slugs({figures.code: figures.name})[figures.code]
    year = snapshot.financial_year
    sent_on = letters_date(snapshot, entry)
    period = f"from {long_date(year.start)} to {long_date(year.end)}"
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
        signatory=signatory,
        period=period,
        links=letter_links(settings.site_url, slug, year.label, figures.name),
    )


def signatory_lines(settings: Settings) -> list[str]:
    """Who signs the letters: the ombudsman named in the stack's ``OmbudsmanName`` parameter
    (``SIGNATORY_NAME``), with the title; no letter is written unsigned."""
    if not settings.signatory_name.strip():
        raise Unsigned(
            "signatory_name: no ombudsman is named to sign the letters; deploy the stack with "
            "the parameter OmbudsmanName (and OmbudsmanTitle) set"
        )
    lines = [settings.signatory_name, settings.signatory_title, settings.signatory_organisation]
    return [line.strip() for line in lines if line.strip()]


@dataclass(frozen=True)
class PublicCopy:
    """What the public copy of a letter says beside the letter as sent: when the figures were
    published (the letter itself says they will be), and, printed, where and when."""

    note: str  # at the top: what this copy is
    publication: list[str]  # in place of the letter's "will be published"
    address: str  # the copy's own address (absolute where the site's address is known)
    published: str  # the release day, in words


def public_copy(letter: Letter, release_day: str, address: str) -> PublicCopy:
    return PublicCopy(
        note=f"This is the public copy of the letter we sent to the council on {letter.date}.",
        publication=[
            f"These figures, and a copy of this letter, were published on {release_day} on "
            "our website, together with the data for every council and a note on how the "
            "statistics are worked out."
        ],
        address=address,
        published=release_day,
    )


# Inline styles for the letter as emailed: mail clients drop stylesheets and <style> elements,
# but keep style attributes (the site's own copy uses /assets/letter.css instead).
EMAIL_STYLES: Mapping[str, str] = {
    "body": "font-family: Arial, Helvetica, sans-serif; font-size: 16px; line-height: 1.5; "
    "color: #1b1b1b; background: #ffffff; margin: 0; padding: 16px;",
    "main": "max-width: 700px;",
    "p": "margin: 0 0 16px 0;",
    "organisation": "margin: 0 0 16px 0; font-weight: bold; font-size: 19px;",
    "note": "margin: 0 0 16px 0; border-left: 4px solid #1d70b8; padding-left: 16px;",
    "h1": "font-size: 26px; margin: 24px 0 16px 0;",
    "h2": "font-size: 21px; margin: 32px 0 16px 0;",
    "h3": "font-size: 18px; margin: 24px 0 8px 0;",
    "table": "border-collapse: collapse; width: 100%; margin: 16px 0;",
    "caption": "text-align: left; font-weight: bold; padding-bottom: 8px;",
    "th": "border: 1px solid #505a5f; padding: 6px 10px; text-align: left; vertical-align: top;",
    "thead th": "border: 1px solid #505a5f; padding: 6px 10px; text-align: left; "
    "vertical-align: top; background: #f3f2f1;",
    "td": "border: 1px solid #505a5f; padding: 6px 10px; text-align: left; vertical-align: top;",
    "address": "font-style: normal; margin: 0 0 16px 0;",
    "ul": "margin: 0 0 16px 0; padding-left: 24px;",
    "a": "color: #1d70b8;",
}


def render_letter(letter: Letter, public: PublicCopy | None = None) -> tuple[bytes, bytes]:
    """The HTML letter and the plain-text email body; with ``public``, the public copy (with
    the site's stylesheet), without, the letter as emailed (inline styles, a slot for the
    covering note)."""
    return (
        render(
            "letter.html",
            letter=letter,
            public=public,
            inline=None if public else EMAIL_STYLES,
            covering_note_slot=COVERING_NOTE_SLOT,
        ).encode(),
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
    signatory_lines(settings)  # refuses before anything is written when no one signs
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
            slug=slugs[figures.code],
        )
        # The council's own learning of the year, from its case list (issue 23).
        page = f"{settings.site_url}/councils/{slugs[figures.code]}/learning/"
        letter = with_learning(letter, private, snapshot, year.label, release_day, page)
        html, text = render_letter(letter)
        address = (
            settings.site_url.rstrip("/")
            + "/"
            + keys.public_letter(year.label, snapshot.revision, figures.code)
        )
        copy, _ = render_letter(letter, public_copy(letter, release_day, address))
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
                "page_url": letter.links[0].href,
            }
        )
    manifest = {
        "year": year.label,
        "revision": snapshot.revision,
        "snapshot_sha256": snapshot.content_sha256,
        "letters_date": letters_date(snapshot, entry).isoformat(),
        "release_date": release_date(entry).isoformat(),
        "signed_by": ", ".join(signatory_lines(settings)[:2]),
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
