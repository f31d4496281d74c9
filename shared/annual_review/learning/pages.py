"""The learning pages: each council's decisions, public reports and service improvements, the
pages across England, and the Atom feeds.

Static pages that work without JavaScript: the decision filters (year, outcome, service area)
are links to pre-rendered pages, one per value present, and long lists are paged. Every text the
case system sent is autoescaped (jinja2), and feeds are built with ElementTree, which escapes too.
Service improvements are statistics (their count is a published figure), so items agreed in a
year whose statistics are not yet released are never shown: not on a page, not in a feed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.etree import ElementTree as ET

from annual_review.figures.catalogue import service_area_label
from annual_review.learning.changes import StoredItem
from annual_review.publication.rendering import render

PageFile = tuple[str, bytes, str]
HTML = "text/html; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
PAGE_SIZE = 25
FEED_ENTRIES = 50
ATOM_NS = "http://www.w3.org/2005/Atom"
# Stable entry ids (RFC 4151 tag URIs): the authority and date never change.
TAG_AUTHORITY = "tag:lgo.org.uk,2020:annual-review"

OUTCOME_LABELS = {
    "upheld": "Upheld",
    "not_upheld": "Not upheld",
    "closed_after_initial_enquiries": "Closed after initial enquiries",
    "referred_back_for_local_resolution": "Referred back for local resolution",
    "incomplete_invalid": "Incomplete or invalid",
}
REPORT_KIND_LABELS = {
    "public_interest_report": "Public interest report",
    "further_report": "Further report",
    "non_compliance_report": "Non-compliance report",
}
STATUS_LABELS = {
    "agreed": "Agreed",
    "completed": "Completed",
    "completed_late": "Completed late",
    "not_completed": "Not completed",
}


def long_date(iso: str) -> str:
    day = date.fromisoformat(iso[:10])
    return f"{day.day} {day:%B %Y}"


def learning_path(slug: str, year: str | None = None, view: str | None = None) -> str:
    path = f"/councils/{slug}/learning/"
    if year:
        path += f"{year}/"
    if view:
        path += f"{view}/"
    return path


@dataclass(frozen=True)
class CouncilLearning:
    """What one council's learning pages are made from."""

    code: str
    name: str
    slug: str
    years: Mapping[str, Sequence[StoredItem]]  # year -> items shown (taken-down ones removed)
    released: frozenset[str]  # years whose statistics are published
    letters: Sequence[tuple[str, int]]  # (year, revision) of every published letter

    def shown(self, year: str, kind: str) -> list[StoredItem]:
        items = [i for i in self.years.get(year, ()) if i.kind == kind]
        if kind == "improvement" and year not in self.released:
            return []
        return newest_first(items)


def newest_first(items: Iterable[StoredItem]) -> list[StoredItem]:
    def when(item: StoredItem) -> tuple[str, str]:
        d = item.detail
        day = d.get("decided_on") or d.get("issued_on") or d.get("agreed_on") or ""
        return (day, item.key)

    return sorted(items, key=when, reverse=True)


def decision_view(item: StoredItem) -> dict[str, Any]:
    d = item.detail
    return {
        "id": d["decision_id"],
        "reference": d["reference"],
        "decided": long_date(d["decided_on"]),
        "decided_iso": d["decided_on"],
        "outcome": OUTCOME_LABELS[d["outcome"]],
        "area": service_area_label(d["service_area"]),
        "summary": d["summary"],
        "url": d["statement_url"],
    }


def report_view(item: StoredItem) -> dict[str, Any]:
    d = item.detail
    return {
        "id": d["report_id"],
        "title": d["title"],
        "kind": REPORT_KIND_LABELS[d["kind"]],
        "issued": long_date(d["issued_on"]),
        "issued_iso": d["issued_on"],
        "summary": d["summary"],
        "url": d["url"],
    }


def improvement_view(item: StoredItem) -> dict[str, Any]:
    d = item.detail
    return {
        "id": d["improvement_id"],
        "area": service_area_label(d["service_area"]),
        "area_key": d["service_area"],
        "description": d["description"],
        "agreed": long_date(d["agreed_on"]),
        "due": long_date(d["due_on"]),
        "status": STATUS_LABELS[d["status"]],
        "completed": long_date(d["completed_on"]) if d.get("completed_on") else None,
    }


def improvements_by_area(items: Sequence[StoredItem]) -> list[dict[str, Any]]:
    by_area: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        view = improvement_view(item)
        by_area.setdefault(view["area"], []).append(view)
    return [{"area": area, "items": by_area[area]} for area in sorted(by_area)]


def _base(path: str, title: str, description: str) -> dict[str, Any]:
    return {
        "service_name": "Your council's performance",
        "organisation": "Local Government and Social Care Ombudsman",
        "page_title": title,
        "description": description,
        "canonical": None,
        "path": path,
    }


def _page(at: str, template: str, /, **values: Any) -> PageFile:
    key = at.lstrip("/") + "index.html"
    return key, render(template, **values).encode(), HTML


def _paged(path: str, items: Sequence[Any]) -> list[tuple[str, list[Any], list[dict[str, Any]]]]:
    """(path, items, page links) for each page of ``items`` under ``path``."""
    count = max(1, -(-len(items) // PAGE_SIZE))
    paths = [path if n == 1 else f"{path}page-{n}/" for n in range(1, count + 1)]
    return [
        (
            paths[n],
            list(items[n * PAGE_SIZE : (n + 1) * PAGE_SIZE]),
            [{"number": m + 1, "href": paths[m], "current": m == n} for m in range(count)]
            if count > 1
            else [],
        )
        for n in range(count)
    ]


def council_year_pages(council: CouncilLearning, year: str) -> list[PageFile]:
    """A council's decisions of one year (every page of every filter), its public reports and
    (once the year is released) its service improvements."""
    decisions = council.shown(year, "decision")
    views = [decision_view(i) for i in decisions]
    outcomes = sorted({i.detail["outcome"] for i in decisions}, key=list(OUTCOME_LABELS).index)
    areas = sorted({i.detail["service_area"] for i in decisions})
    base = learning_path(council.slug, year)
    filters = {
        "years": [
            {"label": y, "href": learning_path(council.slug, y), "current": y == year}
            for y in sorted(council.years, reverse=True)
        ],
        "outcomes": [
            {"label": OUTCOME_LABELS[o], "href": learning_path(council.slug, year, f"outcome-{o}")}
            for o in outcomes
        ],
        "areas": [
            {"label": service_area_label(a), "href": learning_path(council.slug, year, f"area-{a}")}
            for a in areas
        ],
        "all": base,
    }
    selections: list[tuple[str, str | None, list[dict[str, Any]]]] = [(base, None, views)]
    selections += [
        (
            learning_path(council.slug, year, f"outcome-{o}"),
            f"outcome {OUTCOME_LABELS[o].lower()}",
            [v for v, i in zip(views, decisions, strict=True) if i.detail["outcome"] == o],
        )
        for o in outcomes
    ]
    selections += [
        (
            learning_path(council.slug, year, f"area-{a}"),
            service_area_label(a),
            [v for v, i in zip(views, decisions, strict=True) if i.detail["service_area"] == a],
        )
        for a in areas
    ]
    reports = [report_view(i) for i in council.shown(year, "report")]
    improvements = improvements_by_area(council.shown(year, "improvement"))
    pages = []
    for path, selected, chosen in selections:
        for page_path, items, links in _paged(path, chosen):
            title = f"{council.name}: decisions, reports and improvements {year}"
            pages.append(
                _page(
                    page_path,
                    "site/learning_year.html",
                    **_base(page_path, title, f"Our decisions about {council.name} in {year}."),
                    council=council,
                    council_href=f"/councils/{council.slug}/",
                    learning_href=learning_path(council.slug),
                    year=year,
                    selected=selected,
                    filters=filters,
                    decisions=items,
                    page_links=links,
                    reports=reports if selected is None else [],
                    improvements=improvements if selected is None else [],
                    released=year in council.released,
                    show_learning=selected is None and page_path == base,
                )
            )
    return pages


def council_index_page(council: CouncilLearning) -> PageFile:
    years = sorted(council.years, reverse=True)
    path = learning_path(council.slug)
    rows = []
    for year in years:
        improvements = council.shown(year, "improvement")
        rows.append(
            {
                "year": year,
                "href": learning_path(council.slug, year),
                "decisions": len(council.shown(year, "decision")),
                "reports": [report_view(i) for i in council.shown(year, "report")],
                "improvements": improvements_by_area(improvements),
                "released": year in council.released,
            }
        )
    letters: dict[str, list[dict[str, Any]]] = {}
    for year, revision in sorted(council.letters, reverse=True):
        letters.setdefault(year, []).append(
            {"revision": revision, "href": f"/letters/{year}/r{revision}/{council.code}.html"}
        )
    return _page(
        path,
        "site/learning_council.html",
        **_base(
            path,
            f"{council.name}: decisions, public reports and service improvements",
            f"The learning from our investigations of {council.name}.",
        ),
        council=council,
        council_href=f"/councils/{council.slug}/",
        rows=rows,
        letters=[{"year": y, "revisions": r} for y, r in letters.items()],
        feed=path + "feed.xml",
    )


# ------------------------------------------------------------------------------------ feeds
@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    updated: str  # RFC 3339
    link: str
    summary: str
    council: str

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.updated, self.id)


def feed_entry(item: StoredItem, council_name: str, site_url: str, slug: str) -> FeedEntry:
    d = item.detail
    kind, item_id = item.key.split("#", 1)
    if item.kind == "decision":
        area = service_area_label(d["service_area"]).lower()
        outcome = OUTCOME_LABELS[d["outcome"]].lower()
        title = f"Decision {d['reference']}: {council_name}, {area} ({outcome})"
        link, summary = d["statement_url"], d["summary"]
    elif item.kind == "report":
        title = f"{REPORT_KIND_LABELS[d['kind']]}: {d['title']} ({council_name})"
        link, summary = d["url"], d["summary"]
    else:
        title = (
            f"Service improvement ({STATUS_LABELS[d['status']].lower()}): {council_name}, "
            f"{service_area_label(d['service_area']).lower()}"
        )
        link = f"{site_url}{learning_path(slug)}"
        summary = d["description"]
    return FeedEntry(
        id=f"{TAG_AUTHORITY}:{kind}:{item_id}:v{item.version}",
        title=title,
        updated=item.changed_at,
        link=link,
        summary=summary,
        council=council_name,
    )


def atom_feed(
    *,
    feed_id: str,
    title: str,
    self_url: str,
    site_url: str,
    entries: Sequence[FeedEntry],
    empty_updated: str,
) -> bytes:
    """An Atom 1.0 feed (RFC 4287): newest entries first, at most ``FEED_ENTRIES``."""
    ET.register_namespace("", ATOM_NS)
    chosen = sorted(entries, key=lambda e: e.sort_key, reverse=True)[:FEED_ENTRIES]

    def sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{name}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", feed_id)
    sub(feed, "title", title)
    sub(feed, "updated", chosen[0].updated if chosen else empty_updated)
    sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=site_url or "/", type="text/html")
    author = sub(feed, "author")
    sub(author, "name", "Local Government and Social Care Ombudsman")
    for entry in chosen:
        element = sub(feed, "entry")
        sub(element, "id", entry.id)
        sub(element, "title", entry.title)
        sub(element, "updated", entry.updated)
        sub(element, "link", rel="alternate", href=entry.link, type="text/html")
        sub(element, "summary", entry.summary, type="text")
        sub(element, "category", term=entry.council)
    text = ET.tostring(feed, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n").encode()
