"""Where the learning publication keeps its private state: the keys of each council-year's
state, each council's summary, the pages across England and the last run, read and written as
JSON; and which years the annual publication has released (from ``data/index.json``).
"""

from __future__ import annotations

import json
from typing import Any

from annual_review.publication import bucket_keys as keys
from annual_review.publication.ports import ObjectStore

RUN = "learning/run.json"
TAKEDOWNS = "learning/takedowns.json"
ENGLAND_RECENT = "learning/recent.json"


def state_key(scope: str) -> str:
    code, year = scope.split("#")
    return f"learning/state/{year}/{code}.json"


def summary_key(code: str) -> str:
    return f"learning/councils/{code}.json"


def england_key(year: str) -> str:
    return f"learning/england/{year}.json"


def england_reports_key(year: str) -> str:
    return f"learning/england-reports/{year}.json"


def _json(store: ObjectStore, key: str) -> Any:
    body = store.get(key)
    return json.loads(body) if body is not None else None


def _put_json(store: ObjectStore, key: str, value: Any) -> None:
    store.put(key, json.dumps(value, sort_keys=True).encode(), keys.JSON, keys.PRIVATE)


def published_years(public: ObjectStore) -> tuple[frozenset[str], list[tuple[str, int]]]:
    """The released years and every (year, revision) of letters, from ``data/index.json``."""
    index = _json(public, keys.INDEX) or {}
    released = set()
    letters = []
    for entry in index.get("years", []):
        released.add(entry["year"])
        letters += [(entry["year"], n) for n in range(1, int(entry["revision"]) + 1)]
    return frozenset(released), letters


def scope_of(code: str, year: str) -> str:
    return f"{code}#{year}"
