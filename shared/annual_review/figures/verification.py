"""Verification: the aggregates recomputed from the ledger, against what is stored and frozen.

The ledger holds the newest version of every decision and compliance outcome and each complaint
once; summing their contributions afresh must give exactly the running aggregates and, until a
revision is due, the frozen snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from annual_review.figures.aggregates import (
    CASE_SYSTEM_SERVICE_IMPROVEMENTS,
    CouncilYearAggregate,
    aggregates_from,
)
from annual_review.ingestion.contract import Detail
from annual_review.publication.freeze.snapshot import Snapshot

Counters = Mapping[str, Mapping[str, int]]  # council code -> counter name -> value


@dataclass(frozen=True, order=True)
class Difference:
    compared_with: str  # "aggregates" or "snapshot r<n>"
    code: str
    counter: str
    from_ledger: int
    found: int

    def __str__(self) -> str:
        return (
            f"{self.compared_with}: {self.code} {self.counter}: "
            f"ledger gives {self.from_ledger}, found {self.found}"
        )


def recompute(ledger: Iterable[Detail], year: str) -> dict[str, dict[str, int]]:
    """One year's counters per council, from the ledger alone."""
    return {
        key.authority_code: dict(aggregate.counters)
        for key, aggregate in aggregates_from(ledger).items()
        if key.year == year
    }


def stored_counters(aggregates: Mapping[str, CouncilYearAggregate]) -> dict[str, dict[str, int]]:
    return {
        code: {name: value for name, value in aggregate.counters.items() if value}
        for code, aggregate in aggregates.items()
    }


def snapshot_counters(snapshot: Snapshot) -> dict[str, dict[str, int]]:
    """The frozen figures in the aggregates' own counter names."""
    return {
        council.code: {name: value for name, value in council.counts.counters.items() if value}
        for council in snapshot.councils
    }


def compare(
    from_ledger: Counters, found: Counters, compared_with: str, codes: Iterable[str] | None = None
) -> list[Difference]:
    """Every counter that differs, for the given codes (default: every code on either side)."""
    chosen = set(codes) if codes is not None else set(from_ledger) | set(found)
    differences = []
    for code in chosen:
        expected, actual = from_ledger.get(code, {}), found.get(code, {})
        for counter in set(expected) | set(actual):
            if expected.get(counter, 0) != actual.get(counter, 0):
                differences.append(
                    Difference(
                        compared_with,
                        code,
                        counter,
                        expected.get(counter, 0),
                        actual.get(counter, 0),
                    )
                )
    return sorted(differences)


def verify_year(
    ledger: Iterable[Detail],
    year: str,
    stored: Mapping[str, CouncilYearAggregate],
    snapshot: Snapshot | None,
    unregistered_in_report: set[str] | None = None,
) -> list[Difference]:
    """All differences for one year: stored aggregates, then the frozen snapshot if there is one.

    Codes outside the year's registry are not in the snapshot by design; they must instead be
    listed in the year's data-quality report (``unregistered_in_report``).
    """
    recomputed = recompute(ledger, year)
    differences = compare(recomputed, stored_counters(stored), "aggregates")
    if snapshot is not None:
        frozen = snapshot_counters(snapshot)
        label = f"snapshot r{snapshot.revision}"
        # The case system's own count of improvements is kept in the aggregates and the case
        # lists, never frozen as a figure (the published one counts improvement events).
        figures = {
            code: {k: v for k, v in counters.items() if k != CASE_SYSTEM_SERVICE_IMPROVEMENTS}
            for code, counters in recomputed.items()
        }
        differences += compare(figures, frozen, label, codes=frozen)
        reported = unregistered_in_report or set()
        for code in sorted(set(recomputed) - set(frozen) - reported):
            differences.append(Difference(f"{label} data-quality report", code, "listed", 1, 0))
    return differences
