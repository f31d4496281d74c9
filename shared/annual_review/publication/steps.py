"""The three scheduled steps, each from its request to its result, given the adapters.

Handlers and the ``annual-review publish`` command both call these, so a step run by hand does
exactly what its schedule does. The letters and release modules (and jinja2) are imported by the
steps that use them, so the freeze function's cold start does not pay for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from annual_review.fiscal import FinancialYear
from annual_review.publication import keys
from annual_review.publication.ports import AggregatesSource, ObjectStore, SiteProvider
from annual_review.publication.snapshot import FreezeResult, freeze, load_snapshot
from annual_review.registry import CONTACTS_KEY, REGISTRY_KEY, load_registry, parse_contacts
from annual_review.settings import Settings

if TYPE_CHECKING:
    from annual_review.publication.letters import LettersResult
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


def run_freeze(
    year: FinancialYear,
    adapters: Adapters,
    settings: Settings,
    now: datetime,
    revise: str | None = None,
    force: str | None = None,
) -> FreezeResult:
    return freeze(
        year,
        aggregates=adapters.aggregates,
        registry=load_registry(adapters.private.get(REGISTRY_KEY)),
        private=adapters.private,
        average_method=settings.average_method,
        now=now,
        revise=revise,
        force=force is not None,
    )


def run_letters(year: FinancialYear, adapters: Adapters, settings: Settings) -> LettersResult:
    from annual_review.publication.letters import load_content, write_letters

    contacts_csv = adapters.private.get(CONTACTS_KEY)
    return write_letters(
        year,
        private=adapters.private,
        contacts=parse_contacts(contacts_csv.decode("utf-8")) if contacts_csv else {},
        content=load_content(adapters.private.get(keys.content(year.label))),
        settings=settings,
        snapshot=load_snapshot(adapters.private, year.label),
    )


def run_release(
    year: FinancialYear,
    adapters: Adapters,
    settings: Settings,
    now: datetime,
    force: str | None = None,
) -> ReleaseResult:
    from annual_review.publication.release import release

    registry = load_registry(adapters.private.get(REGISTRY_KEY))
    lineage = {c.code: found for c in registry.councils if (found := registry.lineage(c.code))}
    return release(
        load_snapshot(adapters.private, year.label),
        private=adapters.private,
        public=adapters.public,
        site=adapters.site,
        settings=settings,
        now=now,
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
    letters = run_letters(year, adapters, settings)
    return YearResult(
        freeze=frozen, letters=letters, release=run_release(year, adapters, settings, now, force)
    )


def run_step(
    request: StepRequest, adapters: Adapters, settings: Settings, now: datetime
) -> FreezeResult | LettersResult | ReleaseResult:
    """The step a schedule (or an operator) asked for, for the year it names."""
    year = request.financial_year(now)
    if request.step == "freeze":
        return run_freeze(year, adapters, settings, now, request.revise, request.force)
    if request.step == "letters":
        return run_letters(year, adapters, settings)
    return run_release(year, adapters, settings, now, request.force)
