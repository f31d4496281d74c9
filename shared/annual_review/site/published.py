"""What the site is rendered from (``Published``: published years only), and the small readings
of it the pages share: absolute URLs, release dates and a year's files with their sizes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from annual_review.publication import year_file_table as year_files
from annual_review.registry.councils import Registry

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class Published:
    """Everything the pages are made from: published years only."""

    site_url: str
    documents: Mapping[str, JsonObject]  # year -> councils.json
    entries: Sequence[JsonObject]  # index.json's year entries, this release's included
    national: Mapping[str, JsonObject]  # year -> national.json, where published
    next_release: JsonObject | None
    calendar: JsonObject | None = None  # calendar.json, when the release calendar exists
    registry: Registry | None = None
    layout: JsonObject | None = None  # the latest year's hex layout (hexmap.json)
    layouts: Mapping[str, JsonObject] = field(default_factory=dict)  # year -> hexmap.json
    sizes: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # year -> kind -> bytes
    revision_notes: Mapping[str, JsonObject] = field(default_factory=dict)  # year -> notes
    attribution: str = ""  # ATTRIBUTION.md
    site_notes: Mapping[str, Sequence[str]] = field(default_factory=dict)  # year -> series breaks

    @property
    def years(self) -> list[str]:
        return sorted(self.documents)

    @property
    def latest(self) -> str:
        return self.years[-1]

    def entry(self, year: str) -> JsonObject:
        return next(e for e in self.entries if e["year"] == year)


def _url(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + path


def _released_on(entry: JsonObject) -> str:
    return _long_date(datetime.fromisoformat(entry["released_at"]).date())


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _files(
    entry: JsonObject, sizes: Mapping[str, int], chosen: Sequence[year_files.YearFile]
) -> list[JsonObject]:
    """The year's files of the table's rows ``chosen``, labelled with format and size."""
    found = []
    for row in chosen:
        key = entry["files"].get(row.kind)
        if key is None:
            continue
        size = sizes.get(row.kind)
        found.append(
            {
                "kind": row.kind,
                "label": row.description,
                "format": row.format,
                "size": year_files.size_words(size) if size is not None else None,
                "href": "/" + key,
            }
        )
    return found
