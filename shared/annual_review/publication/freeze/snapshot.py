"""Freeze: one financial year's aggregates for every council, written once as an immutable snapshot.

The snapshot is self-contained (council facts from the registry, raw counters, and the averaging
method in force), so letters and release never look at the live aggregates or the registry again;
every figure and average is derived from it through the catalogue. Re-freezing a year that is
already frozen returns the latest revision and writes nothing; only a stated reason (a revision)
makes a new one.

The format carries a version (``schema_version``), and there is a reader for every version ever
written: version 1 (which also stored the group averages) is read and upgraded to the current one;
version 2 (councils without their ONS region) is read with no region, its hash taken over the
fields it was sealed with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict

from annual_review.figures.aggregates import (
    SATISFACTORY_REMEDIES,
    SERVICE_IMPROVEMENTS,
    CouncilYearAggregate,
    complaints_area_counter,
    compliance_counter,
    decisions_area_counter,
    decisions_counter,
)
from annual_review.figures.catalogue import AverageMethod, CountName, group_averages
from annual_review.fiscal import FinancialYear
from annual_review.ingestion.fields import ComplianceOutcome, DecisionOutcome, ServiceArea
from annual_review.publication import bucket_keys as keys
from annual_review.publication.ports import AggregatesSource, ObjectStore
from annual_review.registry.councils import GROUP_ORDER, Council, Registry

SCHEMA_VERSION = 3


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CouncilFigures(_Frozen):
    """One council's facts and counters for the year, as frozen."""

    code: str
    name: str
    type: str
    comparison_group: str
    population: int | None
    lat: float | None
    lon: float | None
    complaints_received: int
    complaints_by_area: dict[str, int]
    decisions: dict[str, int]  # every outcome, zeros included
    decisions_by_area: dict[str, int]
    satisfactory_remedies: int
    service_improvements: int
    compliance: dict[str, int]  # every compliance outcome, zeros included
    region: str | None = None  # the ONS region (version 3 on; None before, or not in the registry)

    @cached_property
    def counts(self) -> CouncilYearAggregate:
        """The frozen figures as the aggregates' counters, so that every derived figure
        (detailed investigations, late compliance counting as complied) has one definition."""
        counters = {
            **{decisions_counter(DecisionOutcome(o)): n for o, n in self.decisions.items()},
            **{
                decisions_area_counter(ServiceArea(a)): n for a, n in self.decisions_by_area.items()
            },
            **{compliance_counter(ComplianceOutcome(o)): n for o, n in self.compliance.items()},
            **{
                complaints_area_counter(ServiceArea(a)): n
                for a, n in self.complaints_by_area.items()
            },
            SATISFACTORY_REMEDIES: self.satisfactory_remedies,
            SERVICE_IMPROVEMENTS: self.service_improvements,
        }
        return CouncilYearAggregate("", self.code, counters)

    def count(self, name: CountName) -> int | None:
        """A named count of the year (``upheld``, ``detailed_investigations`` …, as the
        aggregates define them), or the population (None when there is no estimate)."""
        if name == "population":
            return self.population
        found: int = getattr(self.counts, name)
        return found


class RevisionNote(_Frozen):
    revision: int
    frozen_at: str
    reason: str | None  # None for the first publication


class Snapshot(_Frozen):
    schema_version: int
    year: str
    period_start: str
    period_end: str
    revision: int
    frozen_at: str
    revisions: list[RevisionNote]
    average_method: AverageMethod
    councils: list[CouncilFigures]
    content_sha256: str = ""

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear.parse(self.year)

    def group_averages(self) -> dict[str, dict[str, float | None]]:
        """Every statistic's average in each comparison group, by the snapshot's method."""
        return group_averages(
            ((c.comparison_group, c) for c in self.councils), self.average_method, GROUP_ORDER
        )

    def canonical_bytes(self) -> bytes:
        if self.schema_version < 3:  # sealed before councils had a region
            return canonical_json(
                self.model_dump(
                    mode="json",
                    exclude={"content_sha256": True, "councils": {"__all__": {"region"}}},
                )
            )
        return canonical_json(self.model_dump(mode="json", exclude={"content_sha256"}))

    def sealed(self) -> Snapshot:
        digest = hashlib.sha256(self.canonical_bytes()).hexdigest()
        return self.model_copy(update={"content_sha256": digest})

    def to_bytes(self) -> bytes:
        return canonical_json(self.model_dump(mode="json"))


def canonical_json(value: Any) -> bytes:
    """Sorted keys, fixed indentation, final newline: the same value always gives the same bytes."""
    return (json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()


def council_figures(
    council: Council, aggregate: CouncilYearAggregate | None, year: FinancialYear
) -> CouncilFigures:
    found = aggregate or CouncilYearAggregate("", council.code, {})
    return CouncilFigures(
        code=council.code,
        name=" ".join(council.name.split()),  # the registry has a name with a double space
        type=council.type,
        comparison_group=council.comparison_group,
        population=council.population_in(year),
        lat=council.lat,
        lon=council.lon,
        complaints_received=found.complaints_received,
        complaints_by_area=found.complaints_by_area(),
        decisions={o.value: found.decisions(o) for o in DecisionOutcome},
        decisions_by_area=found.decisions_by_area(),
        satisfactory_remedies=found.satisfactory_remedies,
        service_improvements=found.service_improvements,
        compliance={o.value: found.compliance(o) for o in ComplianceOutcome},
        region=council.region,
    )


def unregistered_report(
    year: str, aggregates: Mapping[str, CouncilYearAggregate], registered: set[str]
) -> dict[str, Any]:
    """Aggregates for codes that are not councils in the year's registry: kept, not dropped."""
    unknown = sorted(code for code in aggregates if code not in registered)
    return {
        "year": year,
        "codes_not_in_registry": [
            {"code": code, "counters": dict(sorted(aggregates[code].counters.items()))}
            for code in unknown
        ],
    }


def latest_revision(store: ObjectStore, year: str) -> int | None:
    revisions = [
        r
        for key in store.list(keys.snapshot_prefix(year))
        if (r := keys.revision_of_snapshot_key(key)) is not None
    ]
    return max(revisions, default=None)


class SnapshotCorrupt(Exception):
    """A stored snapshot whose content no longer matches its hash, or of an unknown version."""


class _GroupAveragesV1(_Frozen):
    upheld_rate: float | None
    compliance_rate: float | None
    satisfactory_remedy_rate: float | None
    upheld_per_100k: float | None


class _SnapshotV1(Snapshot):
    """Version 1 also stored each group's averages (now derived from the counters)."""

    averages: dict[str, _GroupAveragesV1]

    def upgraded(self) -> Snapshot:
        # The hash stays the one it was sealed with: it names the stored bytes.
        return Snapshot.model_validate(self.model_dump(exclude={"averages"}))


def read_snapshot(body: bytes, where: str = "snapshot") -> Snapshot:
    """A stored snapshot of any version, checked against its hash, as the current model."""
    version = json.loads(body).get("schema_version")
    if version == 1:
        old = _SnapshotV1.model_validate_json(body)
        if old.sealed().content_sha256 != old.content_sha256:
            raise SnapshotCorrupt(where)
        return old.upgraded()
    if version in (2, SCHEMA_VERSION):
        snapshot = Snapshot.model_validate_json(body)
        if snapshot.sealed().content_sha256 != snapshot.content_sha256:
            raise SnapshotCorrupt(where)
        return snapshot
    raise SnapshotCorrupt(f"{where}: schema_version {version!r} is not one this code can read")


def load_snapshot(store: ObjectStore, year: str, revision: int | None = None) -> Snapshot | None:
    chosen = revision if revision is not None else latest_revision(store, year)
    if chosen is None:
        return None
    key = keys.snapshot(year, chosen)
    body = store.get(key)
    return None if body is None else read_snapshot(body, key)


class NothingToRevise(Exception):
    """A revision was asked for, but the year's figures are those of its latest revision."""


class FreezeResult(BaseModel):
    year: str
    revision: int
    created: bool
    content_sha256: str
    councils: int
    codes_not_in_registry: list[str]
    # The registry this freeze used ({"source": "uploaded" or "packaged", "sha256": ...}); None
    # when nothing was frozen (the year was frozen already).
    registry: dict[str, str] | None = None


def freeze(
    year: FinancialYear,
    *,
    aggregates: AggregatesSource,
    registry: Registry,
    private: ObjectStore,
    average_method: AverageMethod,
    now: datetime,
    revise: str | None = None,
    registry_version: Mapping[str, str] | None = None,
    force: bool = False,
) -> FreezeResult:
    """Freeze the year (revision 1), or with ``revise`` a new revision for that reason; a
    revision that would change no figure is refused (``NothingToRevise``) unless ``force``."""
    label = year.label
    previous = load_snapshot(private, label)
    if previous is not None and revise is None:
        return FreezeResult(
            year=label,
            revision=previous.revision,
            created=False,
            content_sha256=previous.content_sha256,
            councils=len(previous.councils),
            codes_not_in_registry=[],
        )
    found = aggregates.year(label)
    councils_of_year = registry.for_year(year)
    figures = [council_figures(c, found.get(c.code), year) for c in councils_of_year]
    report = unregistered_report(label, found, {c.code for c in councils_of_year})
    if registry_version is not None:
        report["registry"] = dict(registry_version)  # which registry this freeze used
    unchanged = (figures, average_method) == (
        (previous.councils, previous.average_method) if previous else None
    )
    if previous is not None and unchanged and not force:
        raise NothingToRevise(
            f"{label}: the figures have not changed since revision {previous.revision} "
            f"(frozen {previous.frozen_at}); nothing was written. A revision needs a change "
            "(--force REASON revises anyway)"
        )
    # The report goes first: a snapshot never exists without the report that belongs to it.
    private.put(keys.data_quality_report(label), canonical_json(report), keys.JSON, keys.PRIVATE)
    if previous is not None and _same_revision_again(previous, revise, figures):
        # A retried invocation of the same revision: what it would write is already there.
        return FreezeResult(
            year=label,
            revision=previous.revision,
            created=False,
            content_sha256=previous.content_sha256,
            councils=len(previous.councils),
            codes_not_in_registry=[e["code"] for e in report["codes_not_in_registry"]],
            registry=report.get("registry"),
        )
    revision = previous.revision + 1 if previous else 1
    frozen_at = now.isoformat(timespec="seconds")
    note = RevisionNote(revision=revision, frozen_at=frozen_at, reason=revise if previous else None)
    notes = [*(previous.revisions if previous else []), note]
    snapshot = Snapshot(
        schema_version=SCHEMA_VERSION,
        year=label,
        period_start=year.start.isoformat(),
        period_end=year.end.isoformat(),
        revision=revision,
        frozen_at=frozen_at,
        revisions=notes,
        average_method=average_method,
        councils=figures,
    ).sealed()
    private.put(keys.snapshot(label, revision), snapshot.to_bytes(), keys.JSON, keys.PRIVATE)
    return FreezeResult(
        year=label,
        revision=revision,
        created=True,
        content_sha256=snapshot.content_sha256,
        councils=len(figures),
        codes_not_in_registry=[e["code"] for e in report["codes_not_in_registry"]],
        registry=report.get("registry"),
    )


def _same_revision_again(
    previous: Snapshot, reason: str | None, figures: list[CouncilFigures]
) -> bool:
    return previous.revisions[-1].reason == reason and previous.councils == figures
