"""The public site's pages, rendered as static HTML at release from what is published.

Every page carries its content in the HTML, so it reads, links and downloads with JavaScript off
and search engines find every council; the home page's scripts add the interactive map, search
and sorting on top. Pages are built only from the published years (the one being released and
those already in ``data/index.json``), so nothing embargoed can appear, and only from published
bytes, so the same inputs give the same pages.

Every label, unit and rounding comes from the catalogue. Links are root-relative (the site is
served from the root of its domain); the sitemap and link previews use ``site_url``.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

from annual_review import catalogue
from annual_review.catalogue import STATISTICS, Statistic
from annual_review.publication import keys
from annual_review.publication.rendering import render
from annual_review.registry import GROUP_ORDER, Registry
from annual_review.statistics import SMALL_BASE, whole_percent

JsonObject = dict[str, Any]
PageFile = tuple[str, bytes, str]
XML = "application/xml"

SERVICE_NAME = "Your council's performance"
ORGANISATION = "Local Government and Social Care Ombudsman"


# ------------------------------------------------------------------------------------ slugs
def slugify(name: str) -> str:
    """A council's name as a URL segment: lowercase ASCII words joined by hyphens ("&" is "and",
    apostrophes and full stops vanish: "St. Helens" and "St Helens" give the same)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ")
    text = re.sub(r"['.]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "council"


def council_slugs(names: Mapping[str, str]) -> dict[str, str]:
    """Each code's slug from its (latest) name. Unique: when two councils would share one, each
    gets its code appended, so neither depends on the order they were published in."""
    wanted = {code: slugify(name) for code, name in names.items()}
    taken: dict[str, int] = {}
    for slug in wanted.values():
        taken[slug] = taken.get(slug, 0) + 1
    return {
        code: slug if taken[slug] == 1 else f"{slug}-{code.lower()}"
        for code, slug in sorted(wanted.items())
    }


def council_aliases() -> dict[str, list[str]]:
    """Other names people search for a council by (``data/council-aliases.csv``)."""
    text = (resources.files("annual_review") / "data" / "council-aliases.csv").read_text("utf-8")
    found: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        found.setdefault(row["code"], []).append(row["also_known_as"])
    return found


def council_path(slug: str, year: str | None = None) -> str:
    return f"/councils/{slug}/{year}/" if year else f"/councils/{slug}/"


# ---------------------------------------------------------------------------------- lineage
def council_lineage(registry: Registry | None, code: str) -> JsonObject | None:
    """What a council became or came from: ``{"notes": [...], "predecessors": [{code, name}],
    "successors": [{code, name}], "formed_on", "abolished_on"}``, or None: the one place the
    pages ask the registry about reorganisations."""
    return registry.lineage(code) if registry else None


# -------------------------------------------------------------------------- what is shown
@dataclass(frozen=True)
class Figure:
    """One statistic of a council (or an area) as people read it."""

    key: str
    id: str
    title: str
    label: str
    shown: str  # the figure, or the words for no figure
    has_figure: bool
    based_on: str  # "6 upheld of 9 detailed investigations"
    short_base: str  # "6 of 9"
    small_base: bool
    interval: str | None  # "29% to 88%"
    average: str  # the group's average as shown, or "no average"
    sort_value: float | None


def _count_words(statistic: Statistic, count: int, of: int | None) -> tuple[str, str]:
    wording = statistic.letter
    if statistic.is_proportion:
        counted = f"{count} {wording.counted_as}".rstrip()
        return f"{counted} of {wording.base.of(of or 0)}", f"{count} of {of or 0}"
    if of is None:
        return f"{wording.base.of(count)}; population not available", f"{count}; no population"
    return f"{wording.base.of(count)}, population {of:,}", f"{count} in {of:,}"


def figure(statistic: Statistic, record: JsonObject, average: float | None) -> Figure:
    part = record[statistic.record]
    value = part[statistic.field]
    shown = statistic.shown(value)
    if statistic.is_proportion:
        count, of = part["count"], part["of"]
        small = bool(part["small_base"]) and of > 0
        low, high = part["ci_low"], part["ci_high"]
        interval = (
            f"{statistic.shown(low)} to {statistic.shown(high)}"
            if low is not None and high is not None
            else None
        )
    else:
        count, of = record["upheld"]["count"], record["population"]
        small, interval = False, None
    based_on, short = _count_words(statistic, count, of)
    average_shown = statistic.shown(average)
    return Figure(
        key=statistic.key,
        id=statistic.page.id,
        title=statistic.letter.title,
        label=statistic.page.label,
        shown=shown if shown is not None else statistic.letter.figure_when_none,
        has_figure=shown is not None,
        based_on=based_on,
        short_base=short,
        small_base=small,
        interval=interval,
        average=average_shown if average_shown is not None else "no average",
        sort_value=value,
    )


def figures_of(record: JsonObject, averages: Mapping[str, float | None]) -> list[Figure]:
    return [figure(s, record, averages.get(s.key)) for s in STATISTICS]


# ---------------------------------------------------------------------- the history chart
@dataclass(frozen=True)
class Chart:
    """A small line chart of a council's proportions across years, drawn as SVG at release."""

    width: int
    height: int
    years: list[tuple[float, str]]  # x, label
    gridlines: list[tuple[float, str]]  # y, label
    series: list[JsonObject]  # {label, css, points: [(x, y, shown)], path}


CHART_SERIES = ("upheld_rate", "compliance_rate", "satisfactory_remedy_rate")


def history_chart(years: Sequence[JsonObject]) -> Chart:
    width, height, left, right, top, bottom = 560, 220, 70, 40, 12, 30
    inner_w, inner_h = width - left - right, height - top - bottom
    n = len(years)

    def x(i: int) -> float:
        return round(left + (inner_w / 2 if n == 1 else inner_w * i / (n - 1)), 1)

    def y(value: float) -> float:
        return round(top + inner_h * (1 - value), 1)

    series = []
    by_key = {s.key: s for s in STATISTICS}
    for number, key in enumerate(CHART_SERIES):
        statistic = by_key[key]
        points = []
        for i, entry in enumerate(years):
            value = entry[statistic.record][statistic.field]
            if value is not None:
                points.append((x(i), y(value), statistic.shown(value)))
        path = " ".join(
            f"{'M' if j == 0 else 'L'}{px},{py}" for j, (px, py, _) in enumerate(points)
        )
        series.append(
            {
                "label": statistic.page.label,
                "css": f"series-{number}",
                "points": points,
                "path": path,
            }
        )
    return Chart(
        width=width,
        height=height,
        years=[(x(i), entry["year"]) for i, entry in enumerate(years)],
        gridlines=[(y(v / 100), f"{v}%") for v in (0, 25, 50, 75, 100)],
        series=series,
    )


# ------------------------------------------------------------------------------- the map
# The geometry and colour classes of web/map.js and web/format.js, so the map drawn at release
# is the one the script redraws (nothing moves when it takes over).
HEX_SIZE = 10
HEX_WIDTH = math.sqrt(3) * HEX_SIZE
HEX_ROW = 1.5 * HEX_SIZE
HEX_PAD = 4
PALETTE_SIZE = 5
QUANTILES = (0.2, 0.4, 0.6, 0.8)


def _js_fixed(value: float, places: int) -> str:
    return f"{value:.{places}f}"


def hex_centre(q: int, r: int) -> tuple[float, float]:
    return (
        HEX_PAD + HEX_WIDTH / 2 + HEX_WIDTH * (q + 0.5 * (r & 1)),
        HEX_PAD + HEX_SIZE + HEX_ROW * r,
    )


def hex_points(x: float, y: float) -> str:
    points = []
    for k in range(6):
        angle = math.pi / 180 * (60 * k - 30)
        px, py = x + HEX_SIZE * math.cos(angle), y + HEX_SIZE * math.sin(angle)
        points.append(f"{_js_fixed(px, 2)},{_js_fixed(py, 2)}")
    return " ".join(points)


def _shown_round(statistic: Statistic, value: float) -> float:
    if statistic.is_proportion:
        return math.floor(value * 100 + 0.5 + 1e-9) / 100
    return math.floor(value * 10 + 0.5) / 10


def colour_scale(
    statistic: Statistic, values: Sequence[float | None]
) -> tuple[list[JsonObject], Any]:
    """Quintile classes as the page's script makes them: (steps, class_of)."""
    known = sorted(v for v in values if v is not None)
    breaks: list[float] = []
    for p in QUANTILES if known else ():
        b = _shown_round(statistic, known[math.floor(p * (len(known) - 1))])
        if b > known[0] and b not in breaks:
            breaks.append(b)
    n = len(breaks) + 1 if known else 0

    def palette(i: int) -> int:
        return 2 if n <= 1 else math.floor(i * (PALETTE_SIZE - 1) / (n - 1) + 0.5)

    def show(value: float) -> str:
        return statistic.shown(value) or ""

    steps = []
    for i in range(n):
        if n == 1:
            label = show(known[0]) + (f" to {show(known[-1])}" if known[-1] != known[0] else "")
        elif i == 0:
            label = f"Under {show(breaks[0])}"
        elif i == n - 1:
            top = show(breaks[i - 1])
            label = top if statistic.is_proportion and breaks[i - 1] >= 1 else f"{top} or more"
        else:
            label = f"{show(breaks[i - 1])} to under {show(breaks[i])}"
        steps.append({"cls": f"step-{palette(i)}", "label": label})

    def class_of(value: float | None) -> str:
        if value is None:
            return "no-figure"
        shown = _shown_round(statistic, value) if statistic.is_proportion else value
        return str(steps[sum(1 for b in breaks if shown >= b)]["cls"])

    return steps, class_of


def home_map(
    document: JsonObject, layout: JsonObject | None, slugs: Mapping[str, str]
) -> JsonObject:
    """The map of the year's lower-tier councils, coloured by the first statistic."""
    statistic = STATISTICS[0]
    records = {r["code"]: r for r in document["councils"]}
    layers = layout.get("layers", {}) if isinstance(layout, dict) else {}
    cells = layers.get("lower", {})
    placed = sorted(
        ((int(c["r"]), int(c["q"]), code) for code, c in cells.items() if code in records),
    )
    values = [records[code][statistic.record][statistic.field] for _, _, code in placed]
    steps, class_of = colour_scale(statistic, values)
    drawn, max_x, max_y = [], 0.0, 0.0
    for r, q, code in placed:
        x, y = hex_centre(q, r)
        record = records[code]
        shown = statistic.shown(record[statistic.record][statistic.field])
        drawn.append(
            {
                "code": code,
                "points": hex_points(x, y),
                "cls": class_of(record[statistic.record][statistic.field]),
                "href": council_path(slugs[code]),
                "label": f"{record['name']}: {statistic.page.label.lower()} {shown or 'no figure'}",
            }
        )
        max_x, max_y = max(max_x, x + HEX_WIDTH / 2), max(max_y, y + HEX_SIZE)
    missing = sum(1 for v in values if v is None)
    return {
        "cells": drawn,
        "view_box": f"0 0 {_js_fixed(max_x + HEX_PAD, 1)} {_js_fixed(max_y + HEX_PAD, 1)}",
        "steps": steps,
        "legend_title": f"{statistic.page.legend}, {document['year']}",
        "summary": f"The map shows {len(drawn)} district, unitary, metropolitan and London "
        f"borough councils coloured by {statistic.page.legend.lower()}"
        + (f"; {missing} have no figure." if missing else ".")
        + " Every figure is also in the table of every council below.",
    }


# ------------------------------------------------------------------------------ the site
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


def _files(entry: JsonObject) -> list[JsonObject]:
    labels = DOWNLOAD_LABELS
    return [
        {"kind": kind, "label": labels[kind], "href": "/" + entry["files"][kind]}
        for kind in labels
        if kind in entry["files"]
    ]


# What each of a year's files is, in the order the downloads list them.
DOWNLOAD_LABELS = {
    "councils_csv": "Figures for every council (CSV)",
    "data_dictionary": "Data dictionary for the councils CSV (CSV)",
    "averages_csv": "Averages of similar authorities (CSV)",
    "national_csv": "England and each group of similar authorities (CSV)",
    "national_dictionary": "Data dictionary for the national CSV (CSV)",
    "councils_json": "Figures for every council (JSON)",
    "schema": "JSON Schema for the councils JSON",
    "councils_geojson": "Council locations with their figures (GeoJSON)",
    "geojson_dictionary": "Data dictionary for the GeoJSON (CSV)",
    "national_json": "England and each group of similar authorities (JSON)",
    "datapackage": "Data package describing every CSV (Frictionless Data Package, JSON)",
    "spreadsheet": "Every table in one accessible spreadsheet (Excel)",
    "index_schema": "JSON Schema for data/index.json",
    "history_schema": "JSON Schema for a council's history (data/councils/{code}.json)",
    "methodology": "Methodology note for the year",
    "revisions": "Revision notes (JSON)",
    "pre_release_access": "Pre-release access statement",
    "attribution": "Attribution for the council data",
}


class Renderer:
    """Renders every page of the site from one ``Published``."""

    def __init__(self, published: Published) -> None:
        self.p = published
        names: dict[str, str] = {}
        for year in published.years:
            for record in published.documents[year]["councils"]:
                names[record["code"]] = record["name"]
        self.names = names
        self.slugs = council_slugs(names)
        self.pages: list[tuple[str, str]] = []  # (path, html) of every page, for the sitemap

    # -- common
    def _base(self, path: str, title: str, description: str) -> JsonObject:
        return {
            "service_name": SERVICE_NAME,
            "organisation": ORGANISATION,
            "page_title": title,
            "description": description,
            "canonical": _url(self.p.site_url, path) if self.p.site_url else None,
            "path": path,
            "latest": self.p.latest,
        }

    def _page(self, at: str, template: str, /, **values: Any) -> PageFile:
        html = render(template, **values)
        self.pages.append((at, html))
        key = at.lstrip("/") + "index.html" if at.endswith("/") else at.lstrip("/")
        return key, html.encode(), keys.HTML

    def council_link(self, code: str, year: str | None = None) -> str | None:
        slug = self.slugs.get(code)
        return council_path(slug, year) if slug else None

    # -- pages
    def home(self) -> PageFile:
        year = self.p.latest
        document = self.p.documents[year]
        entry = self.p.entry(year)
        averages = document["averages"]
        aliases = council_aliases()
        rows = [
            {
                "code": r["code"],
                "name": r["name"],
                "slug": self.slugs[r["code"]],
                "aka": "; ".join(aliases.get(r["code"], [])),
                "href": self.council_link(r["code"]),
                "group": r["comparison_group"],
                "figures": figures_of(r, averages[r["comparison_group"]]),
            }
            for r in sorted(document["councils"], key=lambda r: (r["name"].lower(), r["code"]))
        ]
        national = self.p.national.get(year)
        return self._page(
            "/",
            "site/home.html",
            **self._base(
                "/",
                f"{SERVICE_NAME}: complaint statistics for councils in England",
                "How each council in England did on the complaints we investigated: upheld "
                "rate, compliance with our recommendations and satisfactory remedies, year "
                "by year.",
            ),
            year=year,
            years_published=list(reversed(self.p.years)),
            map=home_map(document, self.p.layout, self.slugs),
            revision=entry["revision"],
            released=_released_on(entry),
            next_release=self._next_release_text(),
            england=self._area_figures(national, "England") if national else None,
            statistics=[self._statistic_header(s) for s in STATISTICS],
            group_averages=self._group_averages(averages),
            rows=rows,
            small_base=SMALL_BASE,
            downloads=_files(entry),
        )

    def _statistic_header(self, statistic: Statistic) -> JsonObject:
        return {"id": statistic.page.id, "label": statistic.page.label, "key": statistic.key}

    def _group_averages(
        self, averages: Mapping[str, Mapping[str, float | None]]
    ) -> list[JsonObject]:
        return [
            {
                "group": group,
                "averages": [
                    s.shown(averages[group].get(s.key)) or "no average" for s in STATISTICS
                ],
            }
            for group in GROUP_ORDER
            if group in averages
        ]

    def _area_figures(self, national: JsonObject, area: str) -> JsonObject | None:
        found = next((a for a in national["areas"] if a["area"] == area), None)
        if found is None:
            return None
        change = found.get("change") or {}
        stats = []
        for s in STATISTICS:
            value = found["statistics"][s.key]
            delta = change.get(s.key)
            stats.append(
                {
                    "label": s.page.label,
                    "shown": s.shown(value) or "no figure",
                    "change": _change_words(s, delta) if found.get("previous_year") else None,
                }
            )
        return {
            "area": found["area"],
            "councils": found["councils"],
            "complaints_received": found["complaints_received"],
            "decisions": found["decisions"]["total"],
            "overview": [
                {"label": o.label, "count": found["overview"][o.field]} for o in catalogue.OVERVIEW
            ],
            "statistics": stats,
            "service_areas": [
                {"label": catalogue.service_area_label(k), "count": v}
                for k, v in sorted(found["service_areas"].items(), key=lambda kv: (-kv[1], kv[0]))
            ],
        }

    def _next_release_text(self) -> str | None:
        calendar = self.p.calendar
        if calendar and calendar.get("next_release"):
            upcoming = calendar["next_release"]
            moment = datetime.fromisoformat(upcoming["release_at"])
            return f"{upcoming['year']}: {_long_date(moment.date())} at {moment:%H:%M}"
        if self.p.next_release:
            day = date.fromisoformat(self.p.next_release["date"])
            return f"{self.p.next_release['year']}: {_long_date(day)} at 09:30"
        return None

    def council_pages(self) -> list[PageFile]:
        files = []
        for code, slug in sorted(self.slugs.items()):
            history = [
                {"year": year, "revision": self.p.documents[year]["revision"]} | record
                for year in self.p.years
                for record in self.p.documents[year]["councils"]
                if record["code"] == code
            ]
            for i, record in enumerate(history):
                files.append(self._council_page(code, slug, record, history, latest=False))
                if i == len(history) - 1:
                    files.append(self._council_page(code, slug, record, history, latest=True))
        return files

    def _council_page(
        self, code: str, slug: str, record: JsonObject, history: list[JsonObject], *, latest: bool
    ) -> PageFile:
        year = record["year"]
        document = self.p.documents[year]
        group = record["comparison_group"]
        averages = document["averages"].get(group, {})
        path = council_path(slug) if latest else council_path(slug, year)
        lineage = council_lineage(self.p.registry, code)
        links = []
        if lineage:
            for other in [*lineage.get("predecessors", []), *lineage.get("successors", [])]:
                href = self.council_link(other["code"])
                links.append({"name": other["name"], "href": href})
        name = record["name"]
        return self._page(
            path,
            "site/council.html",
            **self._base(
                path,
                f"{name}: complaint statistics {year}",
                f"{name}, {year}: complaints upheld, compliance with our recommendations, "
                "satisfactory remedies and decisions by service area, with every published year.",
            ),
            record=record,
            year=year,
            is_latest_page=latest,
            latest_year=history[-1]["year"],
            latest_href=council_path(slug),
            group=group,
            figures=figures_of(record, averages),
            small_base=SMALL_BASE,
            overview=[
                {
                    "label": o.label,
                    "description": o.description,
                    "count": record["overview"][o.field],
                }
                for o in catalogue.OVERVIEW
            ],
            service_areas=[
                {"label": catalogue.service_area_label(k), "count": v}
                for k, v in sorted(record["service_areas"].items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            history=[
                {
                    "year": h["year"],
                    "href": council_path(slug, h["year"]),
                    "letter": "/" + h["letter"],
                    "current": h["year"] == year,
                    "figures": figures_of(
                        h, self.p.documents[h["year"]]["averages"].get(h["comparison_group"], {})
                    ),
                }
                for h in history
            ],
            statistics=[self._statistic_header(s) for s in STATISTICS],
            chart=history_chart(history),
            lineage=lineage,
            lineage_links=links,
            letter="/" + record["letter"],
            data_json="/" + keys.council_history(code),
            methodology="/methodology/",
            released=_released_on(self.p.entry(year)),
        )

    def national_page(self) -> PageFile:
        year = self.p.latest
        national = self.p.national.get(year)
        areas = (
            [self._area_figures(national, a["area"]) for a in national["areas"]] if national else []
        )
        entry = self.p.entry(year)
        return self._page(
            "/national/",
            "site/national.html",
            **self._base(
                "/national/",
                f"England's council complaint statistics {year}",
                f"England's complaint statistics for {year} and each group of similar "
                "authorities: complaints, decisions, upheld rate, compliance and remedies.",
            ),
            year=year,
            areas=[a for a in areas if a],
            previous_year=(national or {}).get("previous_year"),
            statistics=[self._statistic_header(s) for s in STATISTICS],
            released=_released_on(entry),
            downloads=[f for f in _files(entry) if f["kind"].startswith("national")],
        )

    def methodology_page(self, methodology: Mapping[str, Any]) -> PageFile:
        return self._page(
            "/methodology/",
            "site/methodology.html",
            **self._base(
                "/methodology/",
                "How the council complaint statistics are worked out",
                "How the upheld rate, compliance rate, satisfactory remedy rate and upheld "
                "decisions per 100,000 residents are worked out, with their uncertainty.",
            ),
            **methodology,
            yearly=[
                {"year": e["year"], "href": "/" + e["files"]["methodology"]}
                for e in sorted(self.p.entries, key=lambda e: e["year"], reverse=True)
                if "methodology" in e["files"]
            ],
        )

    def calendar_page(self) -> PageFile:
        return self._page(
            "/calendar/",
            "site/calendar.html",
            **self._base(
                "/calendar/",
                "Release calendar: council complaint statistics",
                "When each year's council complaint statistics were and will be published.",
            ),
            calendar=calendar_rows(self.p.calendar, self.p.entries, self.p.next_release),
            changes=calendar_changes(self.p.calendar),
        )

    def downloads_page(self) -> PageFile:
        years = [
            {
                "year": e["year"],
                "revision": e["revision"],
                "released": _released_on(e),
                "files": _files(e),
                "letters": [
                    {"name": r["name"], "href": "/" + r["letter"]}
                    for r in sorted(
                        self.p.documents[e["year"]]["councils"], key=lambda r: r["name"].lower()
                    )
                ]
                if e["year"] in self.p.documents
                else [],
            }
            for e in sorted(self.p.entries, key=lambda e: e["year"], reverse=True)
        ]
        return self._page(
            "/downloads/",
            "site/downloads.html",
            **self._base(
                "/downloads/",
                "Download the council complaint statistics",
                "Every published year's open data: CSV with data dictionaries, JSON with its "
                "schema, GeoJSON, a Frictionless data package and each council's letter.",
            ),
            years=years,
            history_pattern="/" + keys.council_history("{code}"),
            all_years=keys.ALL_YEARS if self.p.entries else None,
        )

    def not_found(self) -> PageFile:
        html = render(
            "site/404.html",
            **self._base("/404.html", "Page not found", "This page does not exist."),
        )
        return "404.html", html.encode(), keys.HTML

    def sitemap(self) -> PageFile:
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        for path, _ in sorted(self.pages):
            lines.append(f"<url><loc>{escape(_url(self.p.site_url, path))}</loc></url>")
        lines.append("</urlset>")
        return "sitemap.xml", ("\n".join(lines) + "\n").encode(), XML

    def robots(self) -> PageFile:
        body = "User-agent: *\nAllow: /\n"
        if self.p.site_url:  # the Sitemap directive takes an absolute URL only
            body += f"\nSitemap: {_url(self.p.site_url, '/sitemap.xml')}\n"
        return "robots.txt", body.encode(), keys.TEXT


def _change_words(statistic: Statistic, delta: float | None) -> str | None:
    if delta is None:
        return None
    if statistic.is_proportion:
        points = whole_percent(abs(delta)) * (1 if delta > 0 else -1)
        if points == 0:
            return "no change on the year before"
        unit = "percentage point" if abs(points) == 1 else "percentage points"
        return f"{'up' if points > 0 else 'down'} {abs(points)} {unit} on the year before"
    shown = statistic.shown(abs(delta))
    if shown in (None, "0.0"):
        return "no change on the year before"
    return f"{'up' if delta > 0 else 'down'} {shown} on the year before"


def calendar_rows(
    calendar: JsonObject | None, entries: Sequence[JsonObject], next_release: JsonObject | None
) -> list[JsonObject]:
    """Every release, past and announced: from calendar.json when there is one, else from what
    index.json says (the releases made and the next scheduled date)."""
    released = {e["year"]: e for e in entries}
    rows = []
    if calendar:
        for release in calendar.get("releases", []):
            moment = datetime.fromisoformat(release["release_at"])
            entry = released.get(release["year"])
            rows.append(
                {
                    "year": release["year"],
                    "date": _long_date(moment.date()),
                    "time": f"{moment:%H:%M}",
                    "status": "published" if entry else release.get("status", "announced"),
                    "note": release.get("held_reason"),
                }
            )
    else:
        for entry in entries:
            moment = datetime.fromisoformat(entry["released_at"])
            rows.append(
                {
                    "year": entry["year"],
                    "date": _long_date(moment.date()),
                    "time": "09:30",
                    "status": "published",
                    "note": entry.get("early_release_reason"),
                }
            )
        if next_release and next_release["year"] not in released:
            rows.append(
                {
                    "year": next_release["year"],
                    "date": _long_date(date.fromisoformat(next_release["date"])),
                    "time": "09:30",
                    "status": "announced",
                    "note": None,
                }
            )
    return sorted(rows, key=lambda r: r["year"], reverse=True)


def calendar_changes(calendar: JsonObject | None) -> list[JsonObject]:
    if not calendar:
        return []
    changes = []
    for change in calendar.get("changes", []):
        if not change.get("reason"):
            continue
        changes.append(
            {
                "year": change["year"],
                "when": _long_date(datetime.fromisoformat(change["changed_at"]).date()),
                "reason": change["reason"],
            }
        )
    return changes


def render_site(published: Published, methodology: Mapping[str, Any]) -> list[PageFile]:
    """Every page of the site, then the sitemap listing them, robots.txt and the 404 page."""
    renderer = Renderer(published)
    files = [
        renderer.home(),
        *renderer.council_pages(),
        renderer.national_page(),
        renderer.methodology_page(methodology),
        renderer.calendar_page(),
        renderer.downloads_page(),
    ]
    files += [renderer.sitemap(), renderer.robots(), renderer.not_found()]
    return sorted(files)
