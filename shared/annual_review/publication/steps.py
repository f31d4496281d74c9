"""The three scheduled steps, each from its request to its result, given the adapters.

Handlers and the ``annual-review publish`` command both call these, so a step run by hand does
exactly what its schedule does. The letters and release modules (and jinja2) are imported by the
steps that use them, so the freeze function's cold start does not pay for them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from annual_review.fiscal import FinancialYear
from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.snapshot import FreezeResult, freeze, load_snapshot
from annual_review.publication.ports import (
    AggregatesSource,
    DeliveryLog,
    LedgerSource,
    Mailer,
    ObjectStore,
    SiteProvider,
)
from annual_review.registry.councils import (
    CONTACTS_KEY,
    REGISTRY_KEY,
    load_registry,
    packaged_registry_text,
    parse_contacts,
)
from annual_review.settings import Settings

if TYPE_CHECKING:
    from annual_review.publication.letters.letter import LettersResult
    from annual_review.publication.provisional import ProvisionalResult
    from annual_review.publication.release import ReleaseResult

Step = Literal["freeze", "letters", "release"]


class StepRequest(BaseModel):
    """What a schedule sends (``{"step": "freeze"}``), or someone running a step by hand."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    step: Step
    year: str | None = None
    revise: str | None = None  # freeze: the reason for a new revision
    # release: the reason for releasing before the release date; freeze with ``revise``: the
    # reason for a revision that changes no figure
    force: str | None = None
    # Only look whether this step of the year has completed (its deadline's check schedule):
    # run by the release function, which can read every step's record.
    overdue: Step | None = None
    # release: a quarter (1 to 4) of the year in progress makes it that quarter's provisional
    # release (publication/provisional.py): figures to date, no letters, no freeze
    quarter: int | None = Field(default=None, ge=1, le=4)
    # letters: how many times the step has carried on in a new invocation (its time ran out)
    continuation: int = 0

    @field_validator("year")
    @classmethod
    def _valid_year(cls, value: str | None) -> str | None:
        if value is not None:
            FinancialYear.parse(value)
        return value

    @field_validator("revise", "force")
    @classmethod
    def _reason_given(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("a reason must say something")
        return value

    def financial_year(self, now: datetime) -> FinancialYear:
        """The year asked for, or the one that ended on the last 31 March before ``now``."""
        return FinancialYear.parse(self.year) if self.year else FinancialYear.last_ended(now.date())


@dataclass(frozen=True)
class Adapters:
    aggregates: AggregatesSource
    private: ObjectStore
    public: ObjectStore
    site: SiteProvider
    # The cases behind the figures, the delivery record and SES (none: no case lists, no email).
    ledger: LedgerSource | None = None
    deliveries: DeliveryLog | None = None
    mailer: Mailer | None = None
    clock: Callable[[], datetime] | None = None  # when SES accepted each email (default: now)


def run_freeze(
    year: FinancialYear,
    adapters: Adapters,
    settings: Settings,
    now: datetime,
    revise: str | None = None,
    force: str | None = None,
) -> FreezeResult:
    from annual_review.publication.freeze.case_lists import CaseCapture
    from annual_review.publication.mail.letters_by_email import ensure_case_lists

    uploaded = adapters.private.get(REGISTRY_KEY)
    capture = CaseCapture(adapters.aggregates, adapters.ledger) if adapters.ledger else None
    result = freeze(
        year,
        aggregates=capture or adapters.aggregates,
        registry=load_registry(uploaded),
        private=adapters.private,
        average_method=settings.average_method,
        now=now,
        revise=revise,
        registry_version=registry_version(uploaded),
        force=force is not None,
    )
    snapshot = load_snapshot(adapters.private, year.label) if capture else None
    if capture is not None and snapshot is not None:
        ensure_case_lists(snapshot, adapters.private, capture)
    return result


def registry_version(uploaded: bytes | None) -> dict[str, str]:
    """Which registry a freeze uses: the uploaded one (its SHA-256 is its version in
    ``registry/versions.json``) or the packaged one."""
    body = uploaded if uploaded is not None else packaged_registry_text().encode("utf-8")
    return {
        "source": "uploaded" if uploaded is not None else "packaged",
        "sha256": hashlib.sha256(body).hexdigest(),
    }


# Time an invocation keeps, after its last send starts, to record the outcome and report.
LETTERS_RESERVE_SECONDS = 20.0


def run_letters(
    year: FinancialYear,
    adapters: Adapters,
    settings: Settings,
    now: datetime,
    remaining_seconds: float | None = None,
) -> LettersResult:
    """Write the letters and email them. ``remaining_seconds``: the invocation's time left (no
    send starts too late to finish inside it). Raises ``LettersNotDelivered`` after sending all
    it could when any message is failed, unconfirmed, or left for the next invocation."""
    import time

    from annual_review.calendar.calendar_files import load_calendar
    from annual_review.publication.freeze.revision_changes import changed_councils
    from annual_review.publication.letters.letter import NotFrozen, load_content, write_letters
    from annual_review.publication.mail.delivery import Outbox, Pace
    from annual_review.publication.mail.letters_by_email import load_recipients, mail_letters
    from annual_review.publication.mail.undelivered import LettersNotDelivered
    from annual_review.publication.release import Held, NotScheduled
    from annual_review.publication.remembering_store import RememberingStore

    # The letters and case lists written below are mailed from memory, byte for byte.
    private = RememberingStore(adapters.private)
    entry = load_calendar(adapters.private).entry(year.label)
    if entry is None:
        raise NotScheduled(f"{year.label} has no dates in the release calendar (calendar set)")
    if entry.status == "held":
        raise Held(f"{year.label} is on hold: {entry.hold_reason}")
    snapshot = load_snapshot(adapters.private, year.label)
    if snapshot is None:
        raise NotFrozen(year.label)
    previous = (
        load_snapshot(adapters.private, year.label, snapshot.revision - 1)
        if snapshot.revision > 1
        else None
    )
    changed = changed_councils(previous, snapshot)
    recipients = load_recipients(adapters.private)
    if recipients is not None:
        contacts = {code: r.contact() for code, r in recipients.items()}
    else:  # the older office list, until a recipients list is uploaded
        contacts_csv = adapters.private.get(CONTACTS_KEY)
        contacts = parse_contacts(contacts_csv.decode("utf-8")) if contacts_csv else {}
    result = write_letters(
        year,
        private=private,
        contacts=contacts,
        content=load_content(adapters.private.get(keys.content(year.label))),
        settings=settings,
        snapshot=snapshot,
        entry=entry,
        changes={code: [c.sentence() for c in found] for code, found in changed.items()},
    )
    if settings.sender_address and adapters.deliveries and adapters.mailer:
        deadline = (
            time.monotonic() + remaining_seconds - LETTERS_RESERVE_SECONDS
            if remaining_seconds is not None
            else None
        )
        outbox = Outbox(
            adapters.deliveries,
            adapters.mailer,
            settings.sender_address,
            adapters.clock or (lambda: now),
            Pace(deadline=deadline),
        )
        mailed = mail_letters(
            snapshot, sorted(changed), private, recipients, outbox, entry.letters_at.year
        )
        if not mailed.complete:
            raise LettersNotDelivered(year.label, snapshot.revision, mailed)
        result = result.model_copy(update={"mail": mailed.model_dump(mode="json")})
    return result


def run_release(
    year: FinancialYear,
    adapters: Adapters,
    settings: Settings,
    now: datetime,
    force: str | None = None,
) -> ReleaseResult:
    from annual_review.calendar.calendar_files import load_calendar
    from annual_review.publication.release import release

    snapshot = load_snapshot(adapters.private, year.label)
    earlier = [
        found
        for revision in range(1, snapshot.revision if snapshot else 1)
        if (found := load_snapshot(adapters.private, year.label, revision)) is not None
    ]
    registry = load_registry(adapters.private.get(REGISTRY_KEY))
    lineage = {c.code: notes for c in registry.councils if (notes := registry.lineage(c.code))}
    return release(
        snapshot,
        private=adapters.private,
        public=adapters.public,
        site=adapters.site,
        settings=settings,
        now=now,
        calendar=load_calendar(adapters.private),
        deliveries=adapters.deliveries.list(year.label) if adapters.deliveries else [],
        earlier=earlier,
        force=force,
        lineage=lineage,
    )


@dataclass(frozen=True)
class YearResult:
    freeze: FreezeResult
    letters: LettersResult
    release: ReleaseResult


def run_year(
    year: FinancialYear,
    adapters: Adapters,
    settings: Settings,
    now: datetime,
    *,
    revise: str | None = None,
    force: str | None = None,
) -> YearResult:
    """Freeze, write the letters and release one year: the whole publication in one call."""
    frozen = run_freeze(year, adapters, settings, now, revise)
    letters = run_letters(year, adapters, settings, now)
    return YearResult(
        freeze=frozen, letters=letters, release=run_release(year, adapters, settings, now, force)
    )


def run_step(
    request: StepRequest,
    adapters: Adapters,
    settings: Settings,
    now: datetime,
    remaining_seconds: float | None = None,
) -> FreezeResult | LettersResult | ReleaseResult | ProvisionalResult:
    """The step a schedule (or an operator) asked for, for the year it names;
    ``remaining_seconds``: the invocation's time left (the letters stop starting sends before)."""
    year = request.financial_year(now)
    if request.quarter is not None and request.step != "release":
        raise ValueError(
            f"quarter: a {request.step} step has no quarter (only a provisional release)"
        )
    if request.step == "freeze":
        return run_freeze(year, adapters, settings, now, request.revise, request.force)
    if request.step == "letters":
        return run_letters(year, adapters, settings, now, remaining_seconds)
    if request.quarter is not None:
        return run_provisional(year, request.quarter, adapters, settings, now)
    return run_release(year, adapters, settings, now, request.force)


def run_provisional(
    year: FinancialYear, quarter: int, adapters: Adapters, settings: Settings, now: datetime
) -> ProvisionalResult:
    """A quarter's provisional release, from the running aggregates (never the ledger)."""
    from annual_review.publication.calendar_pages import refresh_calendar_pages
    from annual_review.publication.provisional import release_provisional

    result = release_provisional(
        year,
        quarter,
        aggregates=adapters.aggregates,
        registry=load_registry(adapters.private.get(REGISTRY_KEY)),
        private=adapters.private,
        public=adapters.public,
        now=now,
        site_url=settings.site_url,
    )
    if result.created:  # the calendar page and the home pages link the quarter's page now
        refresh_calendar_pages(adapters.private, adapters.public, settings, now)
    return result
