"""The public map page in headless Chromium, against a generated public tree: what the
release rendered, and what the page's script adds (map statistic and layer, search, panel,
table). Figures are checked against the published JSON, shown as the catalogue shows them."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from annual_review.figures.catalogue import STATISTICS
from annual_review.site.slugs import council_slugs
from tests.browser.helpers import (
    AXE,
    EARLIER,
    KINGSTON,
    LATEST,
    ODD_CODE,
    ODD_NAME,
    READY,
    REPO,
    SCREENSHOTS,
    mapped_codes,
    measure,
    open_page,
)

pytestmark = pytest.mark.browser


HULL = "E06000010"


def council(published: dict[str, Any], year: str, code: str) -> dict[str, Any]:
    return next(c for c in published[year]["councils"] if c["code"] == code)


def field(page: Page, name: str) -> str:
    return page.locator(f'#panel [data-field="{name}"]').first.inner_text().strip()


def year_page(base_url: str, year: str) -> str:
    return f"{base_url}years/{year}/"


def test_loads_without_errors_and_draws_every_mapped_council(
    page: Page, base_url: str, public_root: tuple[Path, dict[str, Any]]
) -> None:
    root, published = public_root
    open_page(page, base_url)
    # Given the latest year by default, on the lower-tier layer
    expect(page).to_have_url(re.compile(rf"#/{LATEST}/upheld$"))
    expected = mapped_codes(root, LATEST, "lower", published[LATEST]["councils"])
    hexes = page.locator("#hexes-lower .hex")
    assert hexes.count() == len(expected) > 300
    drawn = set(hexes.evaluate_all("els => els.map(e => e.dataset.code)"))
    assert drawn == expected
    # Every hexagon has a name a screen reader can read
    labels = hexes.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert all(label and ":" in label for label in labels)
    # The county layer is the second view
    page.get_by_label("County councils").check()
    expect(page).to_have_url(re.compile(rf"#/{LATEST}/upheld/counties$"))
    counties = mapped_codes(root, LATEST, "county", published[LATEST]["councils"])
    expect(page.locator("#hexes-county .hex")).to_have_count(len(counties))
    expect(page.locator("#hexes-county")).to_be_visible()
    expect(page.locator("#hexes-lower")).to_be_hidden()
    assert page.console_log.errors == []  # type: ignore[attr-defined]


def test_search_ranks_names_before_other_names_and_says_which_other_name_matched(
    page: Page, base_url: str, published: dict[str, Any]
) -> None:
    open_page(page, year_page(base_url, EARLIER))
    page.locator("#search").fill("Kingston")
    options = page.locator("#search-results [role=option]")
    expect(options.first).to_contain_text("Kingston upon Thames")
    names = options.evaluate_all("os => os.map(o => o.dataset.code)")
    # Hull is found by its other name, after the council whose own name matches
    assert names.index(KINGSTON) < names.index(HULL)
    hull = page.locator(f'#search-results [data-code="{HULL}"]')
    expect(hull).to_contain_text("also known as Kingston upon Hull")
    expect(hull).to_contain_text(council(published, EARLIER, HULL)["name"])
    # Enter chooses the first: Kingston upon Thames
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"#/{EARLIER}/{KINGSTON}/upheld$"))


def test_the_panel_shows_the_figures_the_council_page_was_rendered_with(
    page: Page, base_url: str, published: dict[str, Any]
) -> None:
    open_page(page, year_page(base_url, EARLIER))
    page.locator("#search").fill("kingston upon")
    page.locator("#search-results [role=option]", has_text="Kingston upon Thames").click()
    expect(page).to_have_url(re.compile(rf"#/{EARLIER}/{KINGSTON}/upheld$"))
    page.wait_for_selector("#panel #council-figures")
    c = council(published, EARLIER, KINGSTON)
    averages = published[EARLIER]["averages"][c["comparison_group"]]
    assert page.locator("#panel-title").inner_text() == c["name"]
    for statistic in STATISTICS:
        value = c[statistic.record][statistic.field]
        shown = statistic.shown(value) or statistic.letter.figure_when_none
        assert field(page, f"{statistic.page.id}.figure") == shown
        average = statistic.shown(averages[statistic.key]) or "no average"
        assert field(page, f"{statistic.page.id}.average") == average
        reading = field(page, f"{statistic.page.id}.reading")
        if value is not None and statistic.is_proportion:
            part = c[statistic.record]
            assert reading.startswith(f"{part['count']} of the {part['of']} ") or (
                reading.startswith("The only")
            )
    # Every published year, with the similar councils' average of each
    rows = page.locator('#panel [data-field="history"] tbody tr')
    expect(rows).to_have_count(2)
    assert "Similar councils" in rows.first.inner_text()
    assert page.console_log.errors == []  # type: ignore[attr-defined]


def test_names_are_shown_as_text(page: Page, base_url: str, published: dict[str, Any]) -> None:
    # A council whose name carries markup, as the release renders it (escaped): the script reads
    # names from the page and must put them back as text, in the search list and the panel
    url = year_page(base_url, EARLIER)
    name = next(c["name"] for c in published[LATEST]["councils"] if c["code"] == ODD_CODE)
    escaped = html.escape(ODD_NAME)

    def with_odd_name(route: Route) -> None:
        body = route.fetch().text()
        shown = f">{html.escape(name, quote=False)}</a>"
        assert shown in body
        route.fulfill(body=body.replace(shown, f">{escaped}</a>"),
                      headers={"content-type": "text/html; charset=utf-8"})  # fmt: skip

    page.route(url, with_odd_name)
    open_page(page, url)
    page.locator("#search").fill("Cambridge City")
    option = page.locator(f'#search-results [data-code="{ODD_CODE}"]')
    expect(option).to_contain_text(ODD_NAME)
    option.click()
    expect(page.locator("#panel-title")).to_have_text(ODD_NAME)
    page.wait_for_selector("#panel #council-figures")
    assert page.locator("#panel b, #table-body b, #search-results b").count() == 0


def test_keyboard_only_reaches_moves_and_opens_a_council(page: Page, base_url: str) -> None:
    open_page(page, year_page(base_url, EARLIER))
    # Tab from the top of the page until a hexagon has the focus
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('hex')"):
            break
    else:
        pytest.fail("no hexagon reachable with Tab")
    first = page.evaluate("() => document.activeElement.dataset.code")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    moved = page.evaluate("() => document.activeElement.dataset.code")
    assert moved
    assert moved != first
    # A single Tab stop for the whole map
    assert page.locator('#hexes-lower .hex[tabindex="0"]').count() == 1
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"#/{EARLIER}/{moved}/upheld$"))
    expect(page.locator("#panel:not(.empty)")).to_be_visible()
    expect(page.locator("#panel-title")).to_be_focused()


def test_the_year_switch_moves_every_section_to_that_year_and_keeps_the_view(
    page: Page, base_url: str, public_root: tuple[Path, dict[str, Any]]
) -> None:
    root, published = public_root
    open_page(page, f"{base_url}#/{LATEST}/{KINGSTON}/per100k")
    page.get_by_role("link", name=EARLIER, exact=True).first.click()
    page.wait_for_selector(READY)
    expect(page).to_have_url(re.compile(rf"/years/{EARLIER}/#/{EARLIER}/{KINGSTON}/per100k$"))
    # Every section is the chosen year's
    expect(page.locator("#england-title")).to_have_text(f"England, {EARLIER}")
    expect(page.locator("#table-title")).to_have_text(f"Every council, {EARLIER}")
    expect(page.locator("#averages-table caption")).to_contain_text(EARLIER)
    expect(page.locator("#release-status")).to_contain_text(f"Figures for {EARLIER}")
    national = json.loads((root / "data" / EARLIER / "r1" / "national.json").read_text())
    england = next(a for a in national["areas"] if a["area"] == "England")
    shown = page.locator(".england-figure").all_inner_texts()
    assert shown == [s.shown(england["statistics"][s.key]) or "no figure" for s in STATISTICS]
    averages = published[EARLIER]["averages"]["London boroughs"]
    london = page.locator("#averages-table tr", has_text="London boroughs").inner_text()
    for s in STATISTICS:
        assert (s.shown(averages[s.key]) or "no average") in london
    expected = mapped_codes(root, EARLIER, "lower", published[EARLIER]["councils"])
    expect(page.locator("#hexes-lower .hex")).to_have_count(len(expected))
    expect(page.locator(".legend-view:visible .legend-title")).to_contain_text(EARLIER)
    expect(page.locator(".legend-view:visible .legend-title")).to_contain_text("per 100,000")
    expect(page.get_by_label("Statistic", exact=True)).to_have_value("per100k")
    expect(page.locator("#panel-title")).to_have_text(council(published, EARLIER, KINGSTON)["name"])
    # An old link to another year's view lands on that year's page
    page.goto(f"{base_url}#/{EARLIER}/{KINGSTON}/upheld")
    page.wait_for_url(re.compile(rf"/years/{EARLIER}/#/{EARLIER}/{KINGSTON}/upheld$"))


def test_the_statistic_changes_map_and_legend_and_back_restores_it(
    page: Page, base_url: str
) -> None:
    open_page(page, f"{year_page(base_url, EARLIER)}#/{EARLIER}/{KINGSTON}/upheld")
    legend_before = page.locator(".legend-view:visible").inner_text()
    classes = "els => els.map(e => e.className.baseVal)"
    classes_before = page.locator("#hexes-lower .hex").evaluate_all(classes)
    page.get_by_label("Statistic", exact=True).select_option("per100k")
    expect(page).to_have_url(re.compile(rf"#/{EARLIER}/{KINGSTON}/per100k$"))
    expect(page.locator("#map-title")).to_contain_text("per 100,000")
    assert page.locator(".legend-view:visible").inner_text() != legend_before
    assert page.locator("#hexes-lower .hex").evaluate_all(classes) != classes_before
    page.go_back()
    expect(page).to_have_url(re.compile(rf"#/{EARLIER}/{KINGSTON}/upheld$"))
    expect(page.get_by_label("Statistic", exact=True)).to_have_value("upheld")
    page.go_forward()
    expect(page.get_by_label("Statistic", exact=True)).to_have_value("per100k")
    # A shared link opens the same view in a fresh page
    fresh = page.context.new_page()
    open_page(fresh, page.url)
    expect(fresh.get_by_label("Statistic", exact=True)).to_have_value("per100k")
    selected = fresh.locator('#hexes-lower .hex[aria-pressed="true"]')
    assert selected.get_attribute("data-code") == KINGSTON


def test_table_sorts_and_filters(page: Page, base_url: str, published: dict[str, Any]) -> None:
    open_page(page, year_page(base_url, EARLIER))
    councils = published[EARLIER]["councils"]
    rows = page.locator("#table-body tr:visible")
    expect(rows).to_have_count(len(councils))

    page.get_by_label("Show comparison group").select_option("London boroughs")
    london = [c for c in councils if c["comparison_group"] == "London boroughs"]
    expect(rows).to_have_count(len(london))

    page.get_by_role("button", name=re.compile("^Upheld rate")).click()
    expect(page.locator('th[data-key="upheld"]')).to_have_attribute("aria-sort", "ascending")
    shown = rows.evaluate_all("rs => rs.map(r => r.dataset.code)")
    parts = {c["code"]: c["upheld"] for c in london}
    # Adequate bases by rate, then small bases by rate, then no figure
    tiers = [(0 if not parts[c]["small_base"] else 1) if parts[c]["rate"] is not None else 2
             for c in shown]  # fmt: skip
    assert tiers == sorted(tiers)
    adequate = [parts[c]["rate"] for c in shown if parts[c]["rate"] is not None
                and not parts[c]["small_base"]]  # fmt: skip
    assert adequate == sorted(adequate)

    page.get_by_role("button", name=re.compile("^Upheld rate")).click()
    expect(page.locator('th[data-key="upheld"]')).to_have_attribute("aria-sort", "descending")
    shown = rows.evaluate_all("rs => rs.map(r => r.dataset.code)")
    adequate = [parts[c]["rate"] for c in shown if parts[c]["rate"] is not None
                and not parts[c]["small_base"]]  # fmt: skip
    assert adequate == sorted(adequate, reverse=True)

    # A council's name in the table opens its panel
    rows.first.locator("a").click()
    expect(page.locator("#panel:not(.empty)")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"#/{EARLIER}/{shown[0]}/upheld$"))


def test_axe_finds_no_serious_or_critical_violations(browser: Browser, base_url: str) -> None:
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is not installed: run npm ci (make test does)")
    # axe is injected as an inline script, which the page's own CSP would block
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    try:
        page = context.new_page()
        problems = []
        earlier = year_page(base_url, EARLIER)
        for url, width in [
            (f"{earlier}#/{EARLIER}/upheld", 1280),
            (f"{earlier}#/{EARLIER}/{KINGSTON}/compliance", 1280),
            (f"{earlier}#/{EARLIER}/{KINGSTON}/remedy", 320),
        ]:
            page.set_viewport_size({"width": width, "height": 800})
            open_page(page, url)
            if KINGSTON in url:
                page.wait_for_selector("#panel #council-figures")
            if not page.evaluate("() => typeof window.axe !== 'undefined'"):
                page.add_script_tag(content=AXE.read_text())
            result = page.evaluate(
                "async () => await axe.run(document, {resultTypes: ['violations']})"
            )
            problems += [
                f"{url} {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
        assert problems == []
    finally:
        context.close()


def test_works_at_320_pixels_wide(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        open_page(page, f"{year_page(base_url, EARLIER)}#/{EARLIER}/{KINGSTON}/upheld")
        page.wait_for_selector("#panel #council-figures")
        # No horizontal scrolling of the page itself (the wide table scrolls in its own region)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "panel-320px.png"), full_page=True)
    finally:
        context.close()


def test_screenshots_and_benchmark_figures(
    browser: Browser, base_url: str, public_root: tuple[Path, dict[str, Any]]
) -> None:
    root, published = public_root
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    shots = []
    try:
        page = context.new_page()
        earlier = year_page(base_url, EARLIER)
        for name, url in [
            ("map.png", f"{earlier}#/{EARLIER}/upheld"),
            ("map-counties.png", f"{earlier}#/{EARLIER}/compliance/counties"),
            ("council-panel.png", f"{earlier}#/{EARLIER}/{KINGSTON}/upheld"),
        ]:
            open_page(page, url)
            if KINGSTON in url:
                page.wait_for_selector("#panel #council-figures")
            page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
            shots.append(SCREENSHOTS / name)
        slug = council_slugs({KINGSTON: council(published, LATEST, KINGSTON)["name"]})[KINGSTON]
        page.goto(f"{base_url}councils/{slug}/")
        page.screenshot(path=str(SCREENSHOTS / "council-page.png"), full_page=True)
        shots.append(SCREENSHOTS / "council-page.png")
    finally:
        context.close()
    # Each screenshot is a PNG of a page at least the viewport's width
    for shot in shots:
        head = shot.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n", shot
        assert int.from_bytes(head[16:20], "big") >= 1280, shot
    figures = measure(browser, base_url, root)
    (REPO / "out" / "page-benchmark.json").write_text(json.dumps(figures, indent=2, sort_keys=True))
    print(
        f"\npage: assets {figures['asset_gzip_bytes']} B + data {figures['data_gzip_bytes']} B"
        f" = {figures['total_gzip_bytes']} B gzip; map drawn at {figures['map_drawn_ms']} ms"
    )


def test_the_home_page_offers_the_years_files_for_people_and_each_exists(
    page: Page, base_url: str
) -> None:
    open_page(page, year_page(base_url, EARLIER))
    links = page.locator("#download-list a")
    kinds = links.evaluate_all("els => els.map(e => e.dataset.kind)")
    # People's files only here, in the table's order; the data files are on the downloads page
    assert kinds == ["spreadsheet", "methodology", "pre_release_access"]
    for href in links.evaluate_all("els => els.map(e => e.href)"):
        assert f"/{EARLIER}/" in href
        assert page.request.get(href).ok, href
    assert (
        page.locator("#release-status")
        .inner_text()
        .startswith(f"Figures for {EARLIER}, revision 1, published 29 July 2020.")
    )
