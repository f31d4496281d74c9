"""What the publication needs from the outside world: small interfaces that adapters fill."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from annual_review.aggregates import CouncilYearAggregate

# (key, body, content type) for one file of the public map page.
SiteFile = tuple[str, bytes, str]
# (code, comparison group, lat, lon) of a council on the map.
MapPoint = tuple[str, str, float, float]


class ObjectStore(Protocol):
    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> bool:
        """Write unless identical bytes and headers are already there; True when written."""
        ...

    def get(self, key: str) -> bytes | None: ...

    def exists(self, key: str) -> bool: ...

    def list(self, prefix: str) -> list[str]: ...


class AggregatesSource(Protocol):
    def year(self, year: str) -> dict[str, CouncilYearAggregate]: ...


class SiteProvider(Protocol):
    """The public map page (``annual_review.site``): its files, and the layout for one year."""

    def page_files(self) -> Sequence[SiteFile]: ...

    def layout_files(self, year: str, councils: Sequence[MapPoint]) -> Sequence[SiteFile]:
        """The hex layout for a year, from (code, comparison group, lat, lon) per council."""
        ...
