"""A quarter's provisional release: every council's figures for the year in progress, to date,
published at the moment the release calendar announced, labelled provisional everywhere.

Cheap by design: it reads the running aggregates (one read of the year's counters, already exact
at any moment), never the ledger, and the registry for each council's facts. Nothing is frozen,
no letter is written or emailed; the annual release replaces these figures (the revisions policy,
``provisional_calendar.REVISIONS_POLICY``, is stated in every file and on the page).

Like the annual release's embargo, the step refuses before the announced moment
(``NotYetPublic``): nothing of a quarter reaches the public bucket until then. A quarter already
published is not written again (its files are immutable): a rerun reports it and writes nothing.

Public layout::

    data/{year}/provisional/q{n}/councils.json   figures to date, "status": "provisional"
    data/{year}/provisional/q{n}/councils.csv    the same, one row a council, status column first
    provisional/{year}/q{n}/index.html           the page
    provisional/index.json, provisional/feed.atom  every provisional release so far
    provisional/calendar.json                    the announced moments (no figures)
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from pydantic import BaseModel

from annual_review.calendar.provisional import (
    REVISIONS_POLICY,
    ProvisionalCalendar,
    ProvisionalEntry,
    parse_provisional_calendar,
    public_provisional_calendar,
)
from annual_review.calendar.release_calendar import LONDON
from annual_review.figures.catalogue import STATISTICS
from annual_review.fiscal import FinancialYear
from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.snapshot import (
    CouncilFigures,
    canonical_json,
    council_figures,
    latest_revision,
)
from annual_review.publication.open_data.year_files import council_record
from annual_review.publication.ports import AggregatesSource, ObjectStore
from annual_review.publication.rendering import render
from annual_review.registry.councils import Registry

PRIVATE_CALENDAR = "calendar/provisional.json"
INDEX = "provisional/index.json"
FEED = "provisional/feed.atom"
PUBLIC_CALENDAR = "provisional/calendar.json"
STATUS = "provisional"


class NotYetPublic(Exception):
    """A quarter's provisional release was asked for before its announced moment."""


class NotAnnounced(Exception):
    """The quarter has no provisional release announced in the calendar."""


class Superseded(Exception):
    """The year is frozen for its annual release, which replaces every provisional figure."""


def data_dir(year: str, quarter: int) -> str:
    return f"data/{year}/provisional/q{quarter}/"


def page_path(year: str, quarter: int) -> str:
    return f"/provisional/{year}/q{quarter}/"


def load_provisional_calendar(private: ObjectStore) -> ProvisionalCalendar:
    return parse_provisional_calendar(private.get(PRIVATE_CALENDAR))


def save_provisional_calendar(private: ObjectStore, calendar: ProvisionalCalendar) -> bool:
    return private.put(PRIVATE_CALENDAR, calendar.to_bytes(), keys.JSON, keys.PRIVATE)


def write_public_provisional_calendar(public: ObjectStore, calendar: ProvisionalCalendar) -> bool:
    """The announced provisional releases, public as soon as announced (they carry no figures)."""
    body = canonical_json(
        {
            "status": STATUS,
            "timezone": "Europe/London",
            "revisions_policy": REVISIONS_POLICY,
            "provisional_releases": public_provisional_calendar(calendar),
        }
    )
    return public.put(PUBLIC_CALENDAR, body, keys.JSON, keys.SHORT_LIVED)


class ProvisionalResult(BaseModel):
    year: str
    quarter: int
    status: str = STATUS
    created: bool
    councils: int
    files: list[str]


def provisional_figures(
    entry: ProvisionalEntry, aggregates: AggregatesSource, registry: Registry
) -> list[CouncilFigures]:
    """Every council of the year with its counters to date (one read of the aggregates)."""
    year = entry.financial_year
    found = aggregates.year(year.label)
    return [council_figures(c, found.get(c.code), year) for c in registry.for_year(year)]


def provisional_document(
    entry: ProvisionalEntry, figures: Sequence[CouncilFigures], now: datetime
) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "status": STATUS,
        "title": f"Provisional figures, {entry.label}",
        "year": entry.year,
        "quarter": entry.quarter,
        "figures_to": now.astimezone(LONDON).isoformat(timespec="minutes"),
        "released_at": entry.release_at.astimezone(LONDON).isoformat(),
        "revisions_policy": REVISIONS_POLICY,
        # No letter: provisional figures are never written or emailed as letters.
        "councils": [
            {k: v for k, v in council_record(f, "").items() if k != "letter"} | {"status": STATUS}
            for f in figures
        ],
    }


def _csv(document: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = [
        "status",
        "year",
        "quarter",
        "code",
        "name",
        "type",
        "region",
        "population",
        "complaints_received",
        "decisions_total",
        *(f"{s.record}_{s.field}" for s in STATISTICS),
    ]
    writer.writerow(columns)
    for r in document["councils"]:
        writer.writerow(
            [
                STATUS,
                document["year"],
                document["quarter"],
                r["code"],
                r["name"],
                r["type"],
                r["region"] or "",
                "" if r["population"] is None else r["population"],
                r["complaints_received"],
                r["decisions"]["total"],
                *("" if (v := r[s.record][s.field]) is None else v for s in STATISTICS),
            ]
        )
    return buffer.getvalue().encode()


def _page(entry: ProvisionalEntry, document: dict[str, Any], site_url: str) -> bytes:
    rows = [
        {
            "name": r["name"],
            "complaints_received": r["complaints_received"],
            "decisions": r["decisions"]["total"],
            "figures": [
                s.shown(r[s.record][s.field]) or s.letter.figure_when_none for s in STATISTICS
            ],
        }
        for r in document["councils"]
    ]
    path = page_path(entry.year, entry.quarter)
    released = entry.release_at.astimezone(LONDON)
    html = render(
        "site/provisional.html",
        service_name="Your council's performance",
        organisation="Local Government and Social Care Ombudsman",
        page_title=f"Provisional figures, {entry.label}",
        description=f"Provisional complaint statistics for every council, {entry.label}: "
        "replaced by the annual release.",
        canonical=None,
        path=path,
        latest=entry.year,
        label=entry.label,
        released=f"{released.day} {released:%B %Y} at {released:%H:%M}",
        page_address=site_url.rstrip("/") + path if site_url else path,
        printed_date=f"{released.day} {released:%B %Y}",
        next_release=None,
        policy=REVISIONS_POLICY,
        statistics=[s.page.label for s in STATISTICS],
        rows=rows,
        json_href="/" + data_dir(entry.year, entry.quarter) + "councils.json",
        csv_href="/" + data_dir(entry.year, entry.quarter) + "councils.csv",
    )
    return html.encode()


def _index(public: ObjectStore, entry: ProvisionalEntry) -> list[dict[str, Any]]:
    body = public.get(INDEX)
    found: list[dict[str, Any]] = json.loads(body)["releases"] if body else []
    item = {
        "status": STATUS,
        "year": entry.year,
        "quarter": entry.quarter,
        "title": f"Provisional figures, {entry.label}",
        "released_at": entry.release_at.astimezone(LONDON).isoformat(),
        "page": page_path(entry.year, entry.quarter),
        "json": "/" + data_dir(entry.year, entry.quarter) + "councils.json",
        "csv": "/" + data_dir(entry.year, entry.quarter) + "councils.csv",
    }
    kept = [i for i in found if (i["year"], i["quarter"]) != (entry.year, entry.quarter)]
    return sorted([*kept, item], key=lambda i: (i["year"], i["quarter"]))


def _feed(releases: list[dict[str, Any]], site_url: str) -> bytes:
    """An Atom feed (RFC 4287) of the provisional releases, each titled provisional."""
    base = site_url.rstrip("/")
    updated = max(r["released_at"] for r in releases)
    entries = "".join(
        "<entry>"
        f"<id>{escape(base)}{escape(r['page'])}</id>"
        f"<title>{escape(r['title'])} (provisional)</title>"
        f'<link href="{escape(base + r["page"])}"/>'
        f"<updated>{escape(r['released_at'])}</updated>"
        '<category term="provisional"/>'
        f"<summary>{escape(r['title'])}: provisional, replaced by the annual release.</summary>"
        "</entry>"
        for r in reversed(releases)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(base)}/provisional/feed.atom</id>"
        "<title>Provisional council complaint statistics (provisional figures)</title>"
        f"<updated>{escape(updated)}</updated>"
        "<author><name>Local Government and Social Care Ombudsman</name></author>"
        f'<link rel="self" href="{escape(base)}/provisional/feed.atom"/>'
        f"{entries}</feed>\n"
    ).encode()


def release_provisional(
    year: FinancialYear,
    quarter: int,
    *,
    aggregates: AggregatesSource,
    registry: Registry,
    private: ObjectStore,
    public: ObjectStore,
    now: datetime,
    site_url: str = "",
) -> ProvisionalResult:
    """Publish the quarter's provisional figures, at or after its announced moment only."""
    entry = load_provisional_calendar(private).entry(year.label, quarter)
    if entry is None:
        raise NotAnnounced(
            f"{year.label} Q{quarter}: no provisional release is announced in the calendar"
        )
    if now < entry.release_at:
        raise NotYetPublic(
            f"{year.label} Q{quarter}: provisional figures are not public until "
            f"{entry.release_at.isoformat()} (it is {now.astimezone(UTC).isoformat()})"
        )
    directory = data_dir(entry.year, quarter)
    if latest_revision(private, entry.year) is not None:
        raise Superseded(
            f"{year.label} Q{quarter}: the year is frozen for its annual release, which "
            "replaces the provisional figures; nothing was published"
        )
    if public.exists(directory + "councils.json"):
        return ProvisionalResult(
            year=entry.year, quarter=quarter, created=False, councils=0, files=[]
        )
    document = provisional_document(entry, provisional_figures(entry, aggregates, registry), now)
    releases = _index(public, entry)
    page = _page(entry, document, site_url)
    files = [
        (directory + "councils.csv", _csv(document), keys.CSV, keys.IMMUTABLE),
        (page_path(entry.year, quarter).lstrip("/") + "index.html", page, keys.HTML,
         keys.SHORT_LIVED),
        (INDEX, canonical_json({"status": STATUS, "revisions_policy": REVISIONS_POLICY,
                                "releases": releases}), keys.JSON, keys.SHORT_LIVED),
        (FEED, _feed(releases, site_url), "application/atom+xml", keys.SHORT_LIVED),
        # Last: its presence says the quarter is published.
        (directory + "councils.json", canonical_json(document), keys.JSON, keys.IMMUTABLE),
    ]  # fmt: skip
    for key, body, content_type, cache in files:
        public.put(key, body, content_type, cache)
    # The public calendar now links the quarter's page (calendar.json, calendar.ics).
    from annual_review.calendar.calendar_files import write_public_calendars

    write_public_calendars(private, public, now, site_url)
    return ProvisionalResult(
        year=entry.year,
        quarter=quarter,
        created=True,
        councils=len(document["councils"]),
        files=[key for key, *_ in files],
    )
