"""A council's pages: one for each published year and one at the council's own address (its
latest year), with its figures, history, chart, lineage and comparison with similar councils.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annual_review.figures import catalogue
from annual_review.figures.catalogue import STATISTICS
from annual_review.figures.rates import SMALL_BASE
from annual_review.publication import bucket_keys as keys
from annual_review.registry.councils import Registry
from annual_review.site.comparison import comparison_view
from annual_review.site.history_chart import history_chart
from annual_review.site.paths import council_path
from annual_review.site.published import _released_on
from annual_review.site.shown_figures import _received_note, figures_of

if TYPE_CHECKING:
    from annual_review.site.pages import PageFile, Renderer

JsonObject = dict[str, Any]


def council_lineage(registry: Registry | None, code: str) -> JsonObject | None:
    """What a council became or came from: ``{"notes": [...], "predecessors": [{code, name}],
    "successors": [{code, name}], "formed_on", "abolished_on"}``, or None: the one place the
    pages ask the registry about reorganisations."""
    return registry.lineage(code) if registry else None


def council_pages(renderer: Renderer) -> list[PageFile]:
    files = []
    for code, slug in sorted(renderer.slugs.items()):
        history = [
            {"year": year, "revision": renderer.p.documents[year]["revision"]} | record
            for year in renderer.p.years
            for record in renderer.p.documents[year]["councils"]
            if record["code"] == code
        ]
        for i, record in enumerate(history):
            files.append(council_page(renderer, code, slug, record, history, latest=False))
            if i == len(history) - 1:
                files.append(council_page(renderer, code, slug, record, history, latest=True))
    return files


def council_page(
    renderer: Renderer,
    code: str,
    slug: str,
    record: JsonObject,
    history: list[JsonObject],
    *,
    latest: bool,
) -> PageFile:
    year = record["year"]
    document = renderer.p.documents[year]
    group = record["comparison_group"]
    averages = document["averages"].get(group, {})
    path = council_path(slug) if latest else council_path(slug, year)
    lineage = council_lineage(renderer.p.registry, code)
    links = []
    if lineage:
        for other in [*lineage.get("predecessors", []), *lineage.get("successors", [])]:
            href = renderer.council_link(other["code"])
            links.append({"name": other["name"], "href": href})
    name = record["name"]
    base = renderer._base(
        path,
        f"{name}: complaint statistics {year}",
        f"{name}, {year}: complaints upheld, compliance with our recommendations, "
        "satisfactory remedies and decisions by service area, with every published year.",
    )
    base["printed_date"] = _released_on(renderer.p.entry(year))
    history_averages = [
        renderer.p.documents[h["year"]]["averages"].get(h["comparison_group"], {}) for h in history
    ]
    return renderer._page(
        path,
        "site/council.html",
        **base,
        received_note=_received_note(record),
        series_breaks=[
            {"year": h["year"], "note": note}
            for h in history
            for note in renderer.p.site_notes.get(h["year"], ())
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
                    h, renderer.p.documents[h["year"]]["averages"].get(h["comparison_group"], {})
                ),
                "group": h["comparison_group"],
            }
            for h in history
        ],
        statistics=[renderer._statistic_header(s) for s in STATISTICS],
        chart=history_chart(history, history_averages),
        lineage=lineage,
        lineage_links=links,
        letter="/" + record["letter"],
        data_json="/" + keys.council_history(code),
        methodology="/methodology/",
        released=_released_on(renderer.p.entry(year)),
        comparison=comparison_view(record, document["councils"], renderer.council_link),
    )
