"""Where everything lives, in the private and the public bucket, and how long it may be cached.

Public layout (documented in the methodology note):
- ``data/{year}/r{n}/...`` the year's files for revision n: written once, never changed, cached
  for a year. A revision gets new paths, so nobody's cached copy is ever wrong for its URL.
- ``letters/{year}/r{n}/{code}.html`` the public copies of revision n's letters (immutable).
- ``data/{year}/councils.{json,csv,geojson}`` convenience copies of the year's current revision
  and ``data/councils/{code}.json`` (a council across every published year): these change when a
  year is published or revised, so they are cached briefly.
- ``data/all-years/councils.csv`` every published year's councils in one file (each year at its
  current revision), with its dictionary and data package: rewritten at each release.
- ``data/index.json`` written last; it names each year's current revision and its files.
"""

from __future__ import annotations

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT_LIVED = "public, max-age=60"
PRIVATE = "no-store"

JSON = "application/json"
CSV = "text/csv; charset=utf-8"
GEOJSON = "application/geo+json"
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
MARKDOWN = "text/markdown; charset=utf-8"
SCHEMA = "application/schema+json"
ICS = "text/calendar; charset=utf-8"
DATAPACKAGE = "application/json"

INDEX = "data/index.json"
# The release calendar: the record (private), and its public forms (no figures in them).
CALENDAR = "calendar/calendar.json"
PUBLIC_CALENDAR_JSON = "calendar.json"
PUBLIC_CALENDAR_ICS = "calendar.ics"


# ---------------------------------------------------------------- private bucket
def snapshot_prefix(year: str) -> str:
    return f"snapshots/{year}/"


def snapshot(year: str, revision: int) -> str:
    return f"snapshots/{year}/r{revision}.json"


def revision_of_snapshot_key(key: str) -> int | None:
    name = key.rsplit("/", 1)[-1]
    if name.startswith("r") and name.endswith(".json") and name[1:-5].isdigit():
        return int(name[1:-5])
    return None


def data_quality_report(year: str) -> str:
    return f"reports/{year}/data-quality.json"


def private_letter(year: str, code: str, extension: str) -> str:
    return f"letters/{year}/{code}.{extension}"


def letters_manifest(year: str) -> str:
    return f"letters/{year}/manifest.json"


def case_list(year: str, revision: int, code: str) -> str:
    return f"cases/{year}/r{revision}/{code}.csv"


def case_lists_manifest(year: str, revision: int) -> str:
    return f"cases/{year}/r{revision}/manifest.json"


def content(year: str) -> str:
    return f"content/{year}.json"


# ----------------------------------------------------------------- public bucket
def year_dir(year: str, revision: int) -> str:
    return f"data/{year}/r{revision}/"


def public_letter(year: str, revision: int, code: str) -> str:
    return f"letters/{year}/r{revision}/{code}.html"


def latest_alias(year: str, name: str) -> str:
    return f"data/{year}/{name}"


def council_history(code: str) -> str:
    return f"data/councils/{code}.json"


# Every published year in one file, with what describes it (rewritten at each release).
ALL_YEARS = {
    "councils_csv": "data/all-years/councils.csv",
    "data_dictionary": "data/all-years/data-dictionary.csv",
    "datapackage": "data/all-years/datapackage.json",
}
