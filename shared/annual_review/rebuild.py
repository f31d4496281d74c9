"""Rebuilding derived data from the ledger: what to write so the stored aggregates equal it.

The aggregates are a sum over the ledger (``verification.recompute``); a rebuild compares that
sum with what is stored and writes only the council-years that differ, each as a whole item.
Writing whole items is idempotent (a second run finds nothing to write) and resumable (a run
cut short is finished by running again), but it must not race ingestion's ``ADD`` updates: the
command pauses ingestion around it (see ``commands/recovery.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from annual_review.figures.verification import Counters


@dataclass(frozen=True)
class AggregateRewrite:
    """One council-year's item to put whole (``counters`` holds no zeros) or, when the ledger
    gives it nothing, to delete."""

    code: str
    counters: Mapping[str, int]

    @property
    def delete(self) -> bool:
        return not self.counters


def rewrites(from_ledger: Counters, stored: Counters) -> list[AggregateRewrite]:
    """The items to write so that ``stored`` (zero counters ignored) equals ``from_ledger``."""
    found = []
    for code in sorted(set(from_ledger) | set(stored)):
        expected = {name: value for name, value in from_ledger.get(code, {}).items() if value}
        actual = {name: value for name, value in stored.get(code, {}).items() if value}
        if expected != actual or (code in stored and not expected):
            found.append(AggregateRewrite(code, dict(sorted(expected.items()))))
    return found
