"""Helpers for the browser tests: waiting for the page, the figures it should show, and the
benchmark figures (bytes transferred compressed, time to the map drawn)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import Browser, Page

from annual_review.figures import catalogue
from annual_review.site.slugs import council_slugs

READY = "main[data-state=ready]"
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "out" / "screenshots"
LATEST, EARLIER = "2020-21", "2019-20"


def slugs(published: dict[str, Any]) -> dict[str, str]:
    """Each council's slug, as the site names its pages, from the published years."""
    names = {
        c["code"]: c["name"] for year in sorted(published) for c in published[year]["councils"]
    }
    return council_slugs(names)


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(READY)


def percent(rate: float | None) -> str | None:
    """A proportion as the catalogue shows it (whole percent, halves up): the product's rounding,
    not a copy of it."""
    return catalogue.UPHELD.shown(rate)


def per100k(value: float | None) -> str | None:
    """A per-100,000 figure as the catalogue shows it (one decimal place, halves up)."""
    shown = catalogue.UPHELD_PER_100K.shown(value)
    return None if shown is None else f"{float(shown):,.1f}"


def panel_statistics() -> list[tuple[str, str, str]]:
    """The proportions the panel shows, from the catalogue: (page id, record, averages key)."""
    return [(s.page.id, s.record, s.key) for s in catalogue.STATISTICS if s.is_proportion]


# A council whose name carries markup, to prove the page shows data as text.
ODD_CODE, ODD_NAME = "E07000008", 'Cambridge City Council <b>"&</b>'
KINGSTON = "E09000021"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def mapped_codes(root: Path, year: str, layer: str, councils: list[dict[str, Any]]) -> set[str]:
    layout = json.loads((root / "data" / year / "hexmap.json").read_text())
    codes = {c["code"] for c in councils}
    return set(layout["layers"][layer]) & codes


def measure(browser: Browser, base_url: str, root: Path, url: str | None = None) -> dict[str, Any]:
    """Load the page fresh and report what it fetched, gzip-compressed (level 6, as a CDN would),
    and the time from navigation start to the `map-drawn` performance mark."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    fetched: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(request.url))
    page.goto(url or base_url)
    page.wait_for_selector(READY)
    drawn = page.evaluate(
        "() => { const m = performance.getEntriesByName('map-drawn')[0];"
        " return m ? m.startTime : null; }"
    )
    page.wait_for_load_state("networkidle")
    context.close()
    files: dict[str, dict[str, int]] = {}
    for address in sorted(set(fetched)):
        path = urlparse(address).path.lstrip("/") or "index.html"
        local = root / path
        if local.is_file():
            raw = local.read_bytes()
            files[path] = {
                "bytes": len(raw),
                "gzip_bytes": len(gzip.compress(raw, compresslevel=6, mtime=0)),
            }
    assets = {k: v for k, v in files.items() if not k.startswith("data/")}
    data = {k: v for k, v in files.items() if k.startswith("data/")}
    return {
        "files": files,
        "asset_gzip_bytes": sum(v["gzip_bytes"] for v in assets.values()),
        "data_gzip_bytes": sum(v["gzip_bytes"] for v in data.values()),
        "total_gzip_bytes": sum(v["gzip_bytes"] for v in files.values()),
        "total_bytes": sum(v["bytes"] for v in files.values()),
        "map_drawn_ms": drawn,
    }
