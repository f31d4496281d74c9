"""Release: the frozen year's data, letters and map page to the public bucket, on release day.

Order matters. Immutable revision files first, then the files that change between releases,
then the map page, and ``data/index.json`` last: a reader who sees a new index can fetch
everything it names. Every write is skipped when the object already holds the same bytes, so a
run that died half way simply finishes when run again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from importlib import resources
from typing import Any

from pydantic import BaseModel

from annual_review.fiscal import FinancialYear
from annual_review.publication import keys
from annual_review.publication.calendar_files import write_public_calendar
from annual_review.publication.delivery import DeliveryRecord
from annual_review.publication.letters import (
    NotFrozen,
    letters_date,
    long_date,
    read_manifest,
    release_date,
)
from annual_review.publication.national import (
    national_csv,
    national_dictionary_csv,
    national_document,
)
from annual_review.publication.ports import MapPoint, ObjectStore, SiteProvider
from annual_review.publication.public_data import (
    council_history,
    councils_csv,
    councils_geojson,
    councils_schema,
    data_dictionary_csv,
    year_document,
)
from annual_review.publication.rendering import render
from annual_review.publication.revision_changes import revision_scale
from annual_review.publication.snapshot import Snapshot, canonical_json, load_snapshot
from annual_review.release_calendar import LONDON, CalendarEntry, ReleaseCalendar
from annual_review.settings import Settings
from annual_review.statistics import SMALL_BASE

JsonObject = dict[str, Any]
# Names of a revision's files under data/{year}/r{n}/, as index.json lists them.
YEAR_FILES = {
    "councils_json": "councils.json",
    "councils_csv": "councils.csv",
    "councils_geojson": "councils.geojson",
    "data_dictionary": "data-dictionary.csv",
    "schema": "councils.schema.json",
    "methodology": "methodology.html",
    "pre_release_access": "pre-release-access.html",
    "revisions": "revisions.json",
    "attribution": "ATTRIBUTION.md",
    "national_json": "national.json",
    "national_csv": "national.csv",
    "national_dictionary": "national-dictionary.csv",
}
# The year's current revision, also at a stable path (short-lived cache).
LATEST_ALIASES = ("councils.json", "councils.csv", "councils.geojson")
SITE_CACHE = "public, max-age=300"


class Embargoed(Exception):
    """Release was asked for before the release date, without a stated reason to force it."""


class NotScheduled(Exception):
    """The year has no dates in the release calendar."""


class Held(Exception):
    """The year's release is on hold in the calendar: nothing of it goes out until it is lifted."""


class LettersNotReady(Exception):
    """The letters in the private bucket are not those of the snapshot being released."""


class ReleaseResult(BaseModel):
    year: str
    revision: int
    written: int
    unchanged: int
    forced: str | None


def check_embargo(
    year: FinancialYear, entry: CalendarEntry | None, now: datetime, force: str | None
) -> None:
    """Nothing of a year goes public before its release moment in the calendar (09:30 London),
    however the step is run, unless forced with a stated reason; a held year never goes."""
    if entry is not None and entry.status == "held":
        raise Held(f"{year.label} is on hold: {entry.hold_reason}; set its dates to lift the hold")
    forced = bool(force and force.strip())
    if entry is None and not forced:
        raise Embargoed(f"{year.label} has no release date in the calendar (calendar set)")
    if entry is not None and now < entry.release_at and not forced:
        raise Embargoed(
            f"{year.label} is embargoed until {entry.release_at.isoformat()}; to release early, "
            "force it with a stated reason"
        )


def _early(entry: CalendarEntry | None, now: datetime, force: str | None) -> str | None:
    return force if entry is None or now < entry.release_at else None


def attribution_text() -> str:
    return (resources.files("annual_review") / "data" / "ATTRIBUTION.md").read_text("utf-8")


def attribution_lines(text: str) -> list[str]:
    """The bulleted source lines of ATTRIBUTION.md, each joined onto one line."""
    lines: list[str] = []
    for raw in text.splitlines():
        if raw.startswith("- "):
            lines.append(raw[2:].strip())
        elif raw.startswith("  ") and lines and raw.strip():
            lines[-1] += " " + raw.strip()
    return lines


class _Writer:
    def __init__(self, store: ObjectStore) -> None:
        self.store = store
        self.written = 0
        self.unchanged = 0

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None:
        if self.store.put(key, body, content_type, cache_control):
            self.written += 1
        else:
            self.unchanged += 1


def _accepted(record: DeliveryRecord | None) -> str:
    if record is None:
        return "not sent by email"
    if record.state == "sent" and record.accepted_at:
        moment = datetime.fromisoformat(record.accepted_at).astimezone(LONDON)
        return f"{long_date(moment.date())} {moment:%H:%M}"
    return "not confirmed" if record.state == "intent" else "not accepted"


def pre_release_rows(
    manifest: JsonObject, deliveries: Sequence[DeliveryRecord], revision: int
) -> list[JsonObject]:
    """Each council of this revision's letters, from the delivery record: roles and when."""
    by_code = {d.code: d for d in deliveries if d.revision == revision}
    rows = []
    for entry in manifest["letters"]:
        record = by_code.get(entry["code"])
        if revision > 1 and record is None:
            continue  # a revision mails only the councils whose figures changed
        rows.append(
            {
                "code": entry["code"],
                "name": entry["name"],
                "roles": "; ".join(record.roles).capitalize() if record else "none",
                "accepted": _accepted(record),
            }
        )
    return rows


def _year_files(
    snapshot: Snapshot,
    document: JsonObject,
    manifest: JsonObject,
    entry: CalendarEntry | None,
    deliveries: Sequence[DeliveryRecord],
    history: Sequence[Snapshot],
    now: datetime,
    previous: Snapshot | None,
) -> dict[str, tuple[bytes, str]]:
    year = snapshot.financial_year
    national = national_document(snapshot, previous)
    attribution = attribution_text()
    scales = {
        later.revision: revision_scale(earlier, later)
        for earlier, later in zip([*history, snapshot], [*history, snapshot][1:], strict=False)
    }
    revision_notes = {
        "year": snapshot.year,
        "current_revision": snapshot.revision,
        "revisions": [
            note.model_dump(mode="json") | {"scale": scales.get(note.revision)}
            for note in snapshot.revisions
        ],
    }
    methodology = render(
        "methodology.html",
        year=snapshot.year,
        period_start=long_date(year.start),
        period_end=long_date(year.end),
        revision=snapshot.revision,
        average_method=snapshot.average_method,
        small_base=SMALL_BASE,
        attribution=attribution_lines(attribution),
    )
    rows = pre_release_rows(manifest, deliveries, snapshot.revision)
    pre_release = render(
        "pre-release-access.html",
        year=snapshot.year,
        revision=snapshot.revision,
        letters_date=long_date(date.fromisoformat(manifest["letters_date"])),
        release_date=long_date(release_date(entry) if entry else now.date()),
        councils=rows,
        sent=sum(1 for d in deliveries if d.revision == snapshot.revision and d.state == "sent"),
    )
    return {
        "councils_json": (canonical_json(document), keys.JSON),
        "councils_csv": (councils_csv(document), keys.CSV),
        "councils_geojson": (councils_geojson(document, snapshot), keys.GEOJSON),
        "data_dictionary": (data_dictionary_csv(), keys.CSV),
        "schema": (canonical_json(councils_schema()), keys.SCHEMA),
        "methodology": (methodology.encode(), keys.HTML),
        "pre_release_access": (pre_release.encode(), keys.HTML),
        "revisions": (canonical_json(revision_notes), keys.JSON),
        "attribution": (attribution.encode(), keys.MARKDOWN),
        "national_json": (canonical_json(national), keys.JSON),
        "national_csv": (national_csv(national), keys.CSV),
        "national_dictionary": (national_dictionary_csv(), keys.CSV),
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
    }


def _map_points(snapshot: Snapshot) -> list[MapPoint]:
    return [
        (c.code, c.comparison_group, c.lat, c.lon)
        for c in snapshot.councils
        if c.lat is not None and c.lon is not None
    ]


def release(
    snapshot: Snapshot | None,
    *,
    private: ObjectStore,
    public: ObjectStore,
    site: SiteProvider,
    settings: Settings,
    now: datetime,
    calendar: ReleaseCalendar,
    deliveries: Sequence[DeliveryRecord] = (),
    earlier: Sequence[Snapshot] = (),
    force: str | None = None,
    lineage: Mapping[str, JsonObject] | None = None,
) -> ReleaseResult:
    """``earlier``: the year's earlier revisions, oldest first (for each revision's scale);
    ``lineage`` (by council code, from the registry) goes into each council's history file."""
    del settings  # what a release needs comes from the snapshot and the calendar
    if snapshot is None:
        raise NotFrozen("nothing frozen to release")
    year = snapshot.financial_year
    scheduled = calendar.entry(snapshot.year)
    check_embargo(year, scheduled, now, force)
    manifest = read_manifest(private, snapshot.year)
    if manifest is None or manifest["snapshot_sha256"] != snapshot.content_sha256:
        raise LettersNotReady(
            f"letters for {snapshot.year} are not those of revision {snapshot.revision}: "
            "run the letters step first"
        )
    if (
        scheduled is not None
        and letters_date(snapshot, scheduled).isoformat() != manifest["letters_date"]
    ):
        raise LettersNotReady(f"letters for {snapshot.year} carry another date: run letters again")
    writer = _Writer(public)
    # 1. Public copies of the letters, at this revision's paths.
    for entry in manifest["letters"]:
        body = private.get(entry["html"])
        if body is None:
            raise LettersNotReady(f"{entry['html']} is missing: run the letters step again")
        key = keys.public_letter(snapshot.year, snapshot.revision, entry["code"])
        writer.put(key, body, keys.HTML, keys.IMMUTABLE)
    # 2. The revision's data files: immutable.
    document = year_document(snapshot)
    # The year before, for the national figures' change on the year (when it was published).
    previous = load_snapshot(private, FinancialYear(year.start_year - 1).label)
    files = _year_files(snapshot, document, manifest, scheduled, deliveries, earlier, now, previous)
    base = keys.year_dir(snapshot.year, snapshot.revision)
    for name, (body, content_type) in files.items():
        writer.put(base + YEAR_FILES[name], body, content_type, keys.IMMUTABLE)
    # 3. Each council across every published year, this one included.
    index = read_index(public)
    other_entries = [e for e in (index or {}).get("years", []) if e["year"] != snapshot.year]
    documents = {snapshot.year: document}
    for entry in other_entries:
        body = public.get(entry["files"]["councils_json"])
        if body is not None:
            documents[entry["year"]] = json.loads(body)
    codes = sorted({r["code"] for d in documents.values() for r in d["councils"]})
    for code in codes:
        history = council_history(code, documents, lineage)
        if history is not None:
            writer.put(
                keys.council_history(code), canonical_json(history), keys.JSON, keys.SHORT_LIVED
            )
    # 4. Stable paths for the year's current revision.
    by_file = {YEAR_FILES[name]: found for name, found in files.items()}
    for alias in LATEST_ALIASES:
        body, content_type = by_file[alias]
        writer.put(keys.latest_alias(snapshot.year, alias), body, content_type, keys.SHORT_LIVED)
    # 5. The map page and this year's layout.
    for key, body, content_type in [
        *site.page_files(),
        *site.layout_files(snapshot.year, _map_points(snapshot)),
    ]:
        writer.put(key, body, content_type, SITE_CACHE)
    # 6. Last, the index: a re-release of the same revision keeps its first release time.
    previous = next((e for e in (index or {}).get("years", []) if e["year"] == snapshot.year), None)
    if previous is not None and previous["revision"] == snapshot.revision:
        year_record = previous
    else:
        year_record = year_entry(
            snapshot, now.isoformat(timespec="seconds"), _early(scheduled, now, force)
        )
    # The public calendar (no figures in it) says what comes next, now that this is out.
    written, unchanged = write_public_calendar(public, calendar, now)
    writer.written += written
    writer.unchanged += unchanged
    writer.put(
        keys.INDEX,
        canonical_json(build_index([*other_entries, year_record], calendar.next_release(now))),
        keys.JSON,
        keys.SHORT_LIVED,
    )
    return ReleaseResult(
        year=snapshot.year,
        revision=snapshot.revision,
        written=writer.written,
        unchanged=writer.unchanged,
        forced=_early(scheduled, now, force),
    )
