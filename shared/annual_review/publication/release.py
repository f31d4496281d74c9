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

from annual_review.calendar.calendar_files import public_calendar_document, write_public_calendar
from annual_review.calendar.release_calendar import (
    CalendarEntry,
    ReleaseCalendar,
)
from annual_review.figures.catalogue import STATISTICS
from annual_review.figures.rates import SMALL_BASE
from annual_review.fiscal import FinancialYear
from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.revision_changes import revision_scale
from annual_review.publication.freeze.snapshot import Snapshot, canonical_json, load_snapshot
from annual_review.publication.letters.letter import (
    NotFrozen,
    letters_date,
    long_date,
    read_manifest,
    release_date,
)
from annual_review.publication.mail.delivery import DeliveryRecord
from annual_review.publication.open_data.dictionaries import (
    averages_csv,
    datapackage,
    geojson_dictionary_csv,
    history_schema,
    index_schema,
)
from annual_review.publication.open_data.national import (
    NATIONAL_COLUMNS,
    national_csv,
    national_dictionary_csv,
    national_document,
)
from annual_review.publication.open_data.spreadsheet import XLSX, spreadsheet
from annual_review.publication.open_data.year_files import (
    CSV_COLUMNS,
    council_history,
    councils_csv,
    councils_geojson,
    councils_schema,
    data_dictionary_csv,
    year_document,
)
from annual_review.publication.ports import MapPoint, ObjectStore, SiteProvider, StoredObject
from annual_review.publication.pre_release import councils_accepted, pre_release_rows
from annual_review.publication.provisional import load_provisional_calendar
from annual_review.publication.release_index import (
    all_years_files,
    build_index,
    read_index,
    year_entry,
)
from annual_review.publication.rendering import render
from annual_review.publication.year_file_table import YEAR_FILE_TABLE, YEAR_FILES
from annual_review.registry.councils import REGISTRY_KEY, load_registry
from annual_review.settings import Settings
from annual_review.site.notes import read_notes
from annual_review.site.pages import render_site
from annual_review.site.published import Published

JsonObject = dict[str, Any]
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
    """Collects the release's files and writes them together (``flush``), counting what changed."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store
        self.pending: list[StoredObject] = []
        self.written = 0
        self.unchanged = 0

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None:
        self.pending.append(StoredObject(key, body, content_type, cache_control))

    def flush(self) -> None:
        written = self.store.put_many(self.pending)
        self.written += written
        self.unchanged += len(self.pending) - written
        self.pending = []


def _year_files(
    snapshot: Snapshot,
    document: JsonObject,
    manifest: JsonObject,
    entry: CalendarEntry | None,
    deliveries: Sequence[DeliveryRecord],
    history: Sequence[Snapshot],
    now: datetime,
    previous: Snapshot | None,
    upcoming: CalendarEntry | None = None,
    site_url: str = "",
) -> dict[str, tuple[bytes, str]]:
    """``upcoming``: the release announced after this one (the spreadsheet's cover says it)."""
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
    methodology = render("methodology.html", **_methodology_values(snapshot))
    rows = pre_release_rows(manifest, deliveries, snapshot.revision)
    pre_release = render(
        "pre-release-access.html",
        year=snapshot.year,
        revision=snapshot.revision,
        letters_date=long_date(date.fromisoformat(manifest["letters_date"])),
        release_date=long_date(release_date(entry) if entry else now.date()),
        councils=rows,
        sent=councils_accepted(deliveries, snapshot.revision),
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
        "averages_csv": (averages_csv(document), keys.CSV),
        "geojson_dictionary": (geojson_dictionary_csv(), keys.CSV),
        "datapackage": (
            canonical_json(
                datapackage(
                    snapshot.year,
                    snapshot.revision,
                    [(name, words) for name, words, _ in CSV_COLUMNS],
                    [(name, words) for name, words, _ in NATIONAL_COLUMNS],
                    YEAR_FILES,
                )
            ),
            keys.DATAPACKAGE,
        ),
        "index_schema": (canonical_json(index_schema(YEAR_FILES)), keys.SCHEMA),
        "history_schema": (canonical_json(history_schema(councils_schema())), keys.SCHEMA),
        # Dated the release moment, so the same figures give the same bytes.
        "spreadsheet": (
            spreadsheet(
                document,
                national,
                entry.release_at if entry else now,
                upcoming,
                site_url,
            ),
            XLSX,
        ),
    }


def _map_points(snapshot: Snapshot) -> list[MapPoint]:
    return [
        (c.code, c.comparison_group, c.lat, c.lon)
        for c in snapshot.councils
        if c.lat is not None and c.lon is not None
    ]


def _methodology_values(snapshot: Snapshot) -> JsonObject:
    """What the methodology note says of a year (the year's note and the site's page)."""
    year = snapshot.financial_year
    return {
        "year": snapshot.year,
        "period_start": long_date(year.start),
        "period_end": long_date(year.end),
        "revision": snapshot.revision,
        "average_method": snapshot.average_method,
        "small_base": SMALL_BASE,
        "attribution": attribution_lines(attribution_text()),
        "definitions": [(s.page.label, s.page.definition) for s in STATISTICS],
        "year_files": YEAR_FILE_TABLE,
    }


def _published(
    public: ObjectStore,
    settings: Settings,
    index: JsonObject,
    documents: dict[str, JsonObject],
    layout: Sequence[tuple[str, bytes, str]],
    private: ObjectStore,
    calendar: ReleaseCalendar,
    now: datetime,
) -> Published:
    """What the pages are made of: every year in the new index, read back as published."""
    entries = index["years"]
    national: dict[str, JsonObject] = {}
    for entry in entries:
        key = entry["files"].get("national_json")
        body = public.get(key) if key else None
        if body is not None:
            national[entry["year"]] = json.loads(body)
    released = {e["year"] for e in entries}
    latest = index["latest"]
    layout_body = next((b for k, b, _ in layout if k == f"data/{latest}/hexmap.json"), None)
    if layout_body is None:
        layout_body = public.get(f"data/{latest}/hexmap.json")
    layouts, sizes, revision_notes = {}, {}, {}
    for entry in entries:
        year = entry["year"]
        body = next((b for k, b, _ in layout if k == f"data/{year}/hexmap.json"), None)
        body = body if body is not None else public.get(f"data/{year}/hexmap.json")
        if body is not None:
            layouts[year] = json.loads(body)
        found = {kind: public.get(key) for kind, key in entry["files"].items()}
        sizes[year] = {kind: len(b) for kind, b in found.items() if b is not None}
        if found.get("revisions") is not None:
            revision_notes[year] = json.loads(found["revisions"] or b"{}")
    return Published(
        site_url=settings.site_url,
        documents={y: d for y, d in documents.items() if y in released},
        entries=entries,
        national=national,
        next_release=index["next_release"],
        calendar=public_calendar_document(
            public, calendar, load_provisional_calendar(private), now
        ),
        registry=load_registry(private.get(REGISTRY_KEY)),
        layout=json.loads(layout_body) if layout_body else None,
        layouts=layouts,
        sizes=sizes,
        revision_notes=revision_notes,
        attribution=attribution_text(),
        site_notes=read_notes(private),
    )


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
        # The public copy (links, and the figures' publication in the past tense) when the
        # letters step wrote one; a manifest from before it names the letter as sent.
        copy = entry.get("public_html", entry["html"])
        body = private.get(copy)
        if body is None:
            raise LettersNotReady(f"{copy} is missing: run the letters step again")
        key = keys.public_letter(snapshot.year, snapshot.revision, entry["code"])
        writer.put(key, body, keys.HTML, keys.IMMUTABLE)
    # 2. The revision's data files: immutable.
    document = year_document(snapshot)
    # The year before, for the national figures' change on the year (when it was published).
    previous = load_snapshot(private, FinancialYear(year.start_year - 1).label)
    # The next release as announced at this one's moment: the same calendar gives the same bytes.
    upcoming = calendar.next_release(scheduled.release_at if scheduled else now)
    files = _year_files(
        snapshot,
        document,
        manifest,
        scheduled,
        deliveries,
        earlier,
        now,
        previous,
        upcoming,
        settings.site_url,
    )
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
    # Every published year in one file (this one included), with its dictionary and package.
    for kind, (body, content_type) in all_years_files(documents).items():
        writer.put(keys.ALL_YEARS[kind], body, content_type, keys.SHORT_LIVED)
    # 4. Stable paths for the year's current revision.
    by_file = {YEAR_FILES[name]: found for name, found in files.items()}
    for alias in LATEST_ALIASES:
        body, content_type = by_file[alias]
        writer.put(keys.latest_alias(snapshot.year, alias), body, content_type, keys.SHORT_LIVED)
    # 5. The page assets and this year's layout.
    layout = site.layout_files(snapshot.year, _map_points(snapshot))
    for key, body, content_type in [*site.page_files(), *layout]:
        writer.put(key, body, content_type, SITE_CACHE)
    writer.flush()  # what the pages below read back is in place
    # The index entry: a re-release of the same revision keeps its first release time.
    indexed = next((e for e in (index or {}).get("years", []) if e["year"] == snapshot.year), None)
    if indexed is not None and indexed["revision"] == snapshot.revision:
        year_record = indexed
    else:
        year_record = year_entry(
            snapshot, now.isoformat(timespec="seconds"), _early(scheduled, now, force)
        )
    new_index = build_index([*other_entries, year_record], calendar.next_release(now))
    # The public calendar (no figures in it) says what comes next, now that this is out.
    written, unchanged = write_public_calendar(
        public, calendar, now, settings.site_url, load_provisional_calendar(private)
    )
    writer.written += written
    writer.unchanged += unchanged
    # 6. The site's pages, from the published years only (this one and those in the index).
    pages = render_site(
        _published(public, settings, new_index, documents, layout, private, calendar, now),
        _methodology_values(snapshot),
    )
    for key, body, content_type in pages:
        writer.put(key, body, content_type, SITE_CACHE)
    writer.flush()
    # 7. Last, once everything it points to is there, the index.
    writer.put(keys.INDEX, canonical_json(new_index), keys.JSON, keys.SHORT_LIVED)
    writer.flush()
    return ReleaseResult(
        year=snapshot.year,
        revision=snapshot.revision,
        written=writer.written,
        unchanged=writer.unchanged,
        forced=_early(scheduled, now, force),
    )
