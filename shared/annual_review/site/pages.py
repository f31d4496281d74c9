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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from typing import Any

from annual_review.figures import catalogue
from annual_review.figures.catalogue import STATISTICS, Statistic
from annual_review.figures.rates import SMALL_BASE, round_half_up, whole_percent
from annual_review.publication import bucket_keys as keys
from annual_review.publication import year_file_table as year_files
from annual_review.publication.rendering import render
from annual_review.registry.councils import GROUP_ORDER, Registry
from annual_review.site import provisional_calendar, service_pages
from annual_review.site.comparison import comparison_view
from annual_review.site.plain_words import reading
from annual_review.site.slugs import council_slugs

JsonObject = dict[str, Any]
PageFile = tuple[str, bytes, str]

SERVICE_NAME = "Your council's performance"
ORGANISATION = "Local Government and Social Care Ombudsman"


def council_aliases() -> dict[str, list[str]]:
    """Other names people search for a council by (``data/council-aliases.csv``)."""
    text = (resources.files("annual_review") / "data" / "council-aliases.csv").read_text("utf-8")
    found: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        found.setdefault(row["code"], []).append(row["also_known_as"])
    return found


def year_path(year: str) -> str:
    """The home page of one published year."""
    return f"/years/{year}/"


def national_path(year: str | None = None) -> str:
    return f"/national/{year}/" if year else "/national/"


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
    reading: str = ""  # the figure in plain words (publication/plain_words.py)


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
        reading=reading(statistic, record, average),
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
    # {label, css, points: [(x, y, shown, small)], path, average_points, average_path}
    series: list[JsonObject]


CHART_SERIES = ("upheld_rate", "compliance_rate", "satisfactory_remedy_rate")


def history_chart(
    years: Sequence[JsonObject], averages: Sequence[Mapping[str, float | None]] = ()
) -> Chart:
    """``averages``: each year's averages of the council's similar authorities, drawn dashed
    beside its own line; a figure on a small base is drawn as a hollow marker."""
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
        average_points = []
        for i, entry in enumerate(years):
            part = entry[statistic.record]
            value = part[statistic.field]
            if value is not None:
                small = bool(part.get("small_base"))
                points.append((x(i), y(value), statistic.shown(value), small))
            average = averages[i].get(statistic.key) if i < len(averages) else None
            if average is not None:
                average_points.append((x(i), y(average), statistic.shown(average)))

        def path_of(drawn: Sequence[tuple[Any, ...]]) -> str:
            return " ".join(
                f"{'M' if j == 0 else 'L'}{point[0]},{point[1]}" for j, point in enumerate(drawn)
            )

        series.append(
            {
                "label": statistic.page.label,
                "css": f"series-{number}",
                "points": points,
                "path": path_of(points),
                "average_points": average_points,
                "average_path": path_of(average_points),
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
# The map is drawn here, every statistic's colour classes included: web/map.js only shows a
# layer and swaps the classes the release wrote.
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
    """The value as shown (a whole percent, or one decimal place), as a number to compare."""
    places = catalogue.SHOWN_DECIMALS[statistic.unit] + (2 if statistic.is_proportion else 0)
    return float(round_half_up(value, places))


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


LAYERS = (
    ("lower", "district, unitary, metropolitan and London borough councils"),
    ("county", "county councils"),
)


def home_map(
    document: JsonObject, layout: JsonObject | None, slugs: Mapping[str, str]
) -> JsonObject:
    """The year's map, drawn at release for each layer (lower-tier councils, county councils),
    with every statistic's colour class, name, legend and summary on it: the page's script only
    swaps what is shown. The colour steps are the year's own fifths of councils, and say so."""
    records = {r["code"]: r for r in document["councils"]}
    layers = layout.get("layers", {}) if isinstance(layout, dict) else {}
    drawn_layers = []
    for layer, which in LAYERS:
        cells = layers.get(layer, {})
        placed = sorted(
            (int(c["r"]), int(c["q"]), code) for code, c in cells.items() if code in records
        )
        drawn: list[JsonObject] = [
            {
                "code": code,
                "points": hex_points(*hex_centre(q, r)),
                "href": council_path(slugs[code]),
                "classes": {},
                "labels": {},
            }
            for r, q, code in placed
        ]
        max_x = max((hex_centre(q, r)[0] + HEX_WIDTH / 2 for r, q, _ in placed), default=0.0)
        max_y = max((hex_centre(q, r)[1] + HEX_SIZE for r, q, _ in placed), default=0.0)
        views = []
        for statistic in STATISTICS:
            values = [records[code][statistic.record][statistic.field] for _, _, code in placed]
            steps, class_of = colour_scale(statistic, values)
            for cell, value in zip(drawn, values, strict=True):
                shown = statistic.shown(value)
                name = records[cell["code"]]["name"]
                cell["classes"][statistic.page.id] = class_of(value)
                cell["labels"][statistic.page.id] = (
                    f"{name}: {statistic.page.label.lower()} {shown or 'no figure'}"
                )
            missing = sum(1 for v in values if v is None)
            views.append(
                {
                    "stat": statistic.page.id,
                    "title": f"Map: {statistic.page.label.lower()}, {document['year']}",
                    "legend_title": f"{statistic.page.legend}, {document['year']}",
                    "steps": steps,
                    "summary": f"The map shows {len(drawn)} {which} coloured by "
                    f"{statistic.page.legend.lower()}"
                    + (f"; {missing} have no figure." if missing else ".")
                    + " Every figure is also in the table of every council below.",
                }
            )
        drawn_layers.append(
            {
                "name": layer,
                "cells": drawn,
                "view_box": f"0 0 {_js_fixed(max_x + HEX_PAD, 1)} {_js_fixed(max_y + HEX_PAD, 1)}",
                "views": views,
            }
        )
    return {"layers": drawn_layers, "default_stat": STATISTICS[0].page.id}


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
        self.aliases = council_aliases()

    @staticmethod
    def released_on(entry: JsonObject) -> str:
        return _released_on(entry)

    @staticmethod
    def files_of(
        entry: JsonObject, sizes: Mapping[str, int], chosen: Sequence[year_files.YearFile]
    ) -> list[JsonObject]:
        return _files(entry, sizes, chosen)

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
            "page_address": _url(self.p.site_url, path) if self.p.site_url else path,
            "printed_date": _released_on(self.p.entry(self.p.latest)),
            "next_release": self._next_release_text(),
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
    def home(self, year: str, *, at: str | None = None) -> PageFile:
        """The home page of one published year (``/years/{year}/``; the latest also at ``/``):
        every section, the England figures and the averages included, is that year's."""
        path = at or year_path(year)
        document = self.p.documents[year]
        entry = self.p.entry(year)
        averages = document["averages"]
        aliases = self.aliases
        rows = [
            {
                "code": r["code"],
                "name": r["name"],
                "slug": self.slugs[r["code"]],
                "aka": "; ".join(aliases.get(r["code"], [])),
                "href": self.council_link(r["code"]),
                "year_href": self.council_link(r["code"], year),
                "group": r["comparison_group"],
                "figures": figures_of(r, averages[r["comparison_group"]]),
            }
            for r in sorted(document["councils"], key=lambda r: (r["name"].lower(), r["code"]))
        ]
        national = self.p.national.get(year)
        layout = self.p.layouts.get(year) or (self.p.layout if year == self.p.latest else None)
        base = self._base(
            path,
            f"{SERVICE_NAME}: complaint statistics for councils in England, {year}",
            "How each council in England did on the complaints we investigated: upheld "
            "rate, compliance with our recommendations and satisfactory remedies, year "
            "by year.",
        )
        base["printed_date"] = _released_on(entry)
        if path != "/" and year == self.p.latest and self.p.site_url:
            base["canonical"] = _url(self.p.site_url, "/")
        return self._page(
            path,
            "site/home.html",
            **base,
            year=year,
            is_latest_year=year == self.p.latest,
            year_links=[
                {
                    "year": y,
                    "href": "/" if y == self.p.latest else year_path(y),
                    "current": y == year,
                }
                for y in reversed(self.p.years)
            ],
            map=home_map(document, layout, self.slugs),
            revision=entry["revision"],
            released=_released_on(entry),
            england=self._area_figures(national, "England") if national else None,
            statistics=[self._statistic_header(s) for s in STATISTICS],
            group_averages=self._group_averages(averages),
            rows=rows,
            small_base=SMALL_BASE,
            downloads=_files(entry, self.p.sizes.get(year, {}), year_files.for_people()),
            provisional=provisional_calendar.latest_provisional(self.p.calendar, self.p.years),
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
        base = self._base(
            path,
            f"{name}: complaint statistics {year}",
            f"{name}, {year}: complaints upheld, compliance with our recommendations, "
            "satisfactory remedies and decisions by service area, with every published year.",
        )
        base["printed_date"] = _released_on(self.p.entry(year))
        history_averages = [
            self.p.documents[h["year"]]["averages"].get(h["comparison_group"], {}) for h in history
        ]
        return self._page(
            path,
            "site/council.html",
            **base,
            received_note=_received_note(record),
            series_breaks=[
                {"year": h["year"], "note": note}
                for h in history
                for note in self.p.site_notes.get(h["year"], ())
            ],
            terms=catalogue.TERMS,
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
                    "group": h["comparison_group"],
                }
                for h in history
            ],
            statistics=[self._statistic_header(s) for s in STATISTICS],
            chart=history_chart(history, history_averages),
            lineage=lineage,
            lineage_links=links,
            letter="/" + record["letter"],
            data_json="/" + keys.council_history(code),
            methodology="/methodology/",
            released=_released_on(self.p.entry(year)),
            comparison=comparison_view(record, document["councils"], self.council_link),
        )

    def national_page(self, year: str, *, at: str | None = None) -> PageFile:
        """England and each group of similar authorities in one published year
        (``/national/{year}/``; the latest also at ``/national/``)."""
        path = at or national_path(year)
        national = self.p.national.get(year)
        areas = (
            [self._area_figures(national, a["area"]) for a in national["areas"]] if national else []
        )
        entry = self.p.entry(year)
        base = self._base(
            path,
            f"England's council complaint statistics {year}",
            f"England's complaint statistics for {year} and each group of similar "
            "authorities: complaints, decisions, upheld rate, compliance and remedies.",
        )
        base["printed_date"] = _released_on(entry)
        national_rows = [f for f in year_files.YEAR_FILE_TABLE if f.kind.startswith("national")]
        return self._page(
            path,
            "site/national.html",
            **base,
            year=year,
            year_links=[
                {"year": y, "href": national_path(y), "current": y == year}
                for y in reversed(self.p.years)
            ],
            areas=[a for a in areas if a],
            previous_year=(national or {}).get("previous_year"),
            statistics=[self._statistic_header(s) for s in STATISTICS],
            released=_released_on(entry),
            downloads=_files(entry, self.p.sizes.get(year, {}), national_rows),
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
            provisional=provisional_calendar.provisional_rows(self.p.calendar),
            provisional_summary=provisional_calendar.provisional_summary(self.p.calendar),
        )

    def not_found(self) -> PageFile:
        html = render(
            "site/404.html",
            **self._base("/404.html", "Page not found", "This page does not exist."),
        )
        return "404.html", html.encode(), keys.HTML


def _received_note(record: JsonObject) -> str | None:
    """Why complaints received and complaints dealt with differ, when they do."""
    received, dealt_with = record["complaints_received"], record["overview"]["dealt_with"]
    if received == dealt_with:
        return None
    more = "more" if dealt_with > received else "fewer"
    return (
        f"We dealt with {dealt_with:,} complaints about the council this year, {more} than the "
        f"{received:,} we received: a complaint is counted as received in the year it reaches "
        "us and as dealt with in the year we decide it, so complaints received late in one "
        "year are dealt with in the next."
    )


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
    """Every page of the site, then the sitemap listing them (with every letter), robots.txt
    and the 404 page."""
    renderer = Renderer(published)
    latest = published.latest
    files = [
        renderer.home(latest, at="/"),
        *[renderer.home(year) for year in published.years],
        *renderer.council_pages(),
        renderer.national_page(latest, at=national_path()),
        *[renderer.national_page(year) for year in published.years],
        renderer.methodology_page(methodology),
        renderer.calendar_page(),
        service_pages.downloads_page(renderer),
        service_pages.councils_a_to_z(renderer),
        *service_pages.about_pages(renderer),
    ]
    if published.site_url:  # a sitemap's addresses are absolute
        files.append(service_pages.sitemap(renderer, published.site_url))
    files += [service_pages.robots(published.site_url), renderer.not_found()]
    return sorted(files)
