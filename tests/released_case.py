"""A constructed case released with in-memory stores: the adapters the publication steps use in
the release tests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from annual_review.fiscal import FinancialYear
from annual_review.publication.ports import MapPoint, SiteFile
from annual_review.publication.steps import Adapters
from annual_review.registry.councils import REGISTRY_KEY
from tests.builders import store_calendar
from tests.constructed_case import COUNTERS, REGISTRY_CSV, FixedAggregates
from tests.fakes import MemoryObjectStore

YEAR = FinancialYear(2019)
RELEASE_DAY = datetime(2020, 7, 29, 8, 30, tzinfo=UTC)


class FakeSite:
    def page_files(self) -> Sequence[SiteFile]:
        return [("assets/app.js", b"// the map page", "text/javascript; charset=utf-8")]

    def layout_files(self, year: str, councils: Sequence[MapPoint]) -> Sequence[SiteFile]:
        return [
            (f"data/{year}/hexmap.json", json.dumps(sorted(councils)).encode(), "application/json")
        ]


def adapters(
    counters: dict[str, dict[str, int]] | None = None, registry: bytes | None = REGISTRY_CSV
) -> Adapters:
    private = MemoryObjectStore()
    if registry is not None:
        private.put(REGISTRY_KEY, registry, "text/csv", "no-store")
    store_calendar(private, 2019, 2020)
    return Adapters(FixedAggregates(COUNTERS if counters is None else counters), private,
                    MemoryObjectStore(), FakeSite())  # fmt: skip
