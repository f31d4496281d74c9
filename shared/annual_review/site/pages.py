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
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from importlib import resources
from typing import Any

from annual_review.figures import catalogue
from annual_review.figures.catalogue import STATISTICS, Statistic
from annual_review.figures.rates import SMALL_BASE
from annual_review.publication import bucket_keys as keys
from annual_review.publication import year_file_table as year_files
from annual_review.publication.rendering import render
from annual_review.registry.councils import GROUP_ORDER
from annual_review.site import provisional_calendar, service_pages
from annual_review.site.council_pages import council_pages
from annual_review.site.home_map import home_map
from annual_review.site.paths import council_path, national_path, year_path
from annual_review.site.published import (
    Published,
    _files,
    _long_date,
    _released_on,
    _url,
)
from annual_review.site.shown_figures import _change_words, figures_of
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
        *council_pages(renderer),
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
