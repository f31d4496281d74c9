"""The release index (``data/index.json``): reading it, a year's entry, the whole index with the
next release; and the files across all years that the index names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from annual_review.calendar.release_calendar import CalendarEntry
from annual_review.fiscal import FinancialYear
from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.snapshot import Snapshot, canonical_json
from annual_review.publication.open_data.dictionaries import all_years_datapackage
from annual_review.publication.open_data.year_files import (
    CSV_COLUMNS,
    all_years_csv,
    data_dictionary_csv,
)
from annual_review.publication.ports import ObjectStore
from annual_review.publication.year_file_table import YEAR_FILES

JsonObject = dict[str, Any]


def all_years_files(documents: Mapping[str, JsonObject]) -> dict[str, tuple[bytes, str]]:
    columns = [(name, words) for name, words, _ in CSV_COLUMNS]
    package = all_years_datapackage(sorted(documents), columns, keys.ALL_YEARS)
    return {
        "councils_csv": (all_years_csv(documents), keys.CSV),
        "data_dictionary": (data_dictionary_csv(), keys.CSV),
        "datapackage": (canonical_json(package), keys.DATAPACKAGE),
    }


def read_index(public: ObjectStore) -> JsonObject | None:
    body = public.get(keys.INDEX)
    return json.loads(body) if body else None


def year_entry(snapshot: Snapshot, released_at: str, early_reason: str | None) -> JsonObject:
    base = keys.year_dir(snapshot.year, snapshot.revision)
    return {
        "year": snapshot.year,
        "revision": snapshot.revision,
        "released_at": released_at,
        "early_release_reason": early_reason,
        "files": {name: base + file for name, file in YEAR_FILES.items()},
        "letters": f"letters/{snapshot.year}/r{snapshot.revision}/",
    }


def build_index(entries: Sequence[JsonObject], upcoming: CalendarEntry | None) -> JsonObject:
    ordered = sorted(entries, key=lambda e: str(e["year"]))
    latest = FinancialYear.parse(ordered[-1]["year"])
    return {
        "schema_version": 1,
        "latest": latest.label,
        "years": ordered,
        "next_release": (
            {
                "year": upcoming.year,
                "date": upcoming.release_at.date().isoformat(),
                "release_at": upcoming.release_at.isoformat(),
            }
            if upcoming
            else None
        ),
        "release_calendar": "calendar.json",
        "council_history": "data/councils/{code}.json",
        "all_years": dict(keys.ALL_YEARS),
    }
