"""The site as rendered at release: every page type without JavaScript, axe-core with every rule
and impact, a council page printed on A4, the sitemap's pages served."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from annual_review.figures import catalogue
from tests.browser.helpers import AXE, EARLIER, KINGSTON, LATEST, slugs
from tests.sitemap_rules import problems

pytestmark = pytest.mark.browser

# The site's address in a local run: the template's fallback, CloudFront's domain (localhost).
SITE = "https://localhost"


@pytest.fixture
def no_js(browser: Browser) -> Page:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    return context.new_page()


def test_with_javascript_off_a_council_page_carries_its_figures_history_and_links(
    no_js: Page, base_url: str, published: dict[str, Any]
) -> None:
    slug = slugs(published)[KINGSTON]
    record = next(c for c in published[LATEST]["councils"] if c["code"] == KINGSTON)
    no_js.goto(f"{base_url}councils/{slug}/")
    assert no_js.locator("h1").inner_text() == record["name"]
    for statistic in catalogue.STATISTICS:
        value = record[statistic.record][statistic.field]
        shown = statistic.shown(value) or statistic.letter.figure_when_none
        figure = no_js.locator(f'[data-field="{statistic.page.id}.figure"]').inner_text()
        assert figure == shown
        assert no_js.locator(f'[data-field="{statistic.page.id}.average"]').count() == 1
    history = no_js.locator('[data-field="history"] tbody tr')
    assert history.evaluate_all("rs => rs.map(r => r.dataset.year)") == [EARLIER, LATEST]
    # Every link on the page leads somewhere that exists: letters, data, other years, pages
    hrefs = set(no_js.locator("main a[href]").evaluate_all("as => as.map(a => a.href)"))
    assert any("/letters/" in h for h in hrefs)
    assert any(h.endswith(f"/data/councils/{KINGSTON}.json") for h in hrefs)
    assert any(h.endswith(f"/councils/{slug}/{EARLIER}/") for h in hrefs)
    for href in hrefs:
        assert no_js.request.get(href).ok, href
    # The earlier year's page says which year it is and links the latest
    no_js.goto(f"{base_url}councils/{slug}/{EARLIER}/")
    assert EARLIER in no_js.locator(".govuk-caption-l").inner_text()
    assert no_js.get_by_role("link", name=re.compile("latest figures")).count() == 1


def test_with_javascript_off_the_controls_are_links_or_not_shown_and_a_council_is_found(
    no_js: Page, base_url: str, published: dict[str, Any]
) -> None:
    no_js.goto(base_url)
    # The statistic, layer, search and group controls need the script: not shown without it
    for label in ("Statistic", "County councils", "Find a council", "Show comparison group"):
        assert not no_js.get_by_label(label, exact=True).is_visible(), label
    # The year choice is a link to that year's page, every section of it that year's
    no_js.get_by_role("link", name=EARLIER, exact=True).first.click()
    assert no_js.url == f"{base_url}years/{EARLIER}/"
    assert no_js.locator("#table-title").inner_text() == f"Every council, {EARLIER}"
    assert no_js.locator("#england-title").inner_text() == f"England, {EARLIER}"
    assert no_js.locator("#table-body tr").count() == len(published[EARLIER]["councils"])
    # Search without the script: the A to Z list of every council, other names included
    no_js.get_by_role("link", name=re.compile("list of every council, A to Z")).click()
    assert no_js.url == f"{base_url}councils/"
    hull = no_js.locator("li", has_text="also known as Kingston upon Hull")
    assert hull.count() == 1
    thames = no_js.get_by_role("link", name=re.compile("Kingston upon Thames"))
    thames.click()
    assert no_js.url == f"{base_url}councils/{slugs(published)[KINGSTON]}/"


def test_with_javascript_off_the_home_page_lists_every_council_with_links_and_downloads(
    no_js: Page, base_url: str, published: dict[str, Any]
) -> None:
    no_js.goto(base_url)
    rows = no_js.locator("#table-body tr")
    assert rows.count() == len(published[LATEST]["councils"])
    # A rate comes with what it rests on ("2 of 3") wherever there is one
    record = next(c for c in published[LATEST]["councils"] if c["upheld"]["of"])
    cell = no_js.locator(f'#table-body tr[data-code="{record["code"]}"] td[data-key="upheld"]')
    assert f"{record['upheld']['count']} of {record['upheld']['of']}" in cell.inner_text()
    first = rows.first.locator("a")
    assert no_js.request.get(first.evaluate("a => a.href")).ok
    assert no_js.locator("#hexes-lower a").count() > 300
    for href in no_js.locator("#download-list a").evaluate_all("as => as.map(a => a.href)"):
        assert no_js.request.get(href).ok, href


def test_the_sitemap_lists_pages_that_exist_and_robots_and_404_are_served(
    page: Page, base_url: str, published: dict[str, Any]
) -> None:
    body = page.request.get(f"{base_url}sitemap.xml").body()
    assert problems(body, SITE) == []
    urls = re.findall(r"<loc>([^<]+)</loc>", body.decode())
    councils = {c["code"] for year in published.values() for c in year["councils"]}
    # Every council's latest page and one per year it has figures, each year's letters, the
    # home and national pages of each year (and the latest's at / and /national/), and the
    # site's own pages
    per_year = sum(len(year["councils"]) for year in published.values())
    own = ["", "national/", "methodology/", "calendar/", "downloads/", "councils/",
           "contact/", "accessibility/", "privacy/", "attribution/"]  # fmt: skip
    years = [f"{kind}/{year}/" for kind in ("years", "national") for year in published]
    # and each year's methodology note and pre-release access statement (web pages)
    notes = 2 * len(published)
    assert len(urls) == len(councils) + 2 * per_year + len(own) + len(years) + notes
    assert {f"{SITE}/{path}" for path in own + years} <= set(urls)
    for url in [*urls[:5], *urls[-5:]]:
        assert page.request.get(base_url + url.removeprefix(f"{SITE}/")).ok, url
    assert f"Sitemap: {SITE}/sitemap.xml" in page.request.get(f"{base_url}robots.txt").text()
    assert "Page not found" in page.request.get(f"{base_url}404.html").text()


def test_axe_finds_nothing_with_every_rule_on_every_page_type(
    browser: Browser, base_url: str, published: dict[str, Any]
) -> None:
    slug = slugs(published)[KINGSTON]
    letter = next(c for c in published[LATEST]["councils"] if c["code"] == KINGSTON)["letter"]
    pages = [
        "",
        f"#/{LATEST}/{KINGSTON}/upheld",
        f"councils/{slug}/",
        f"councils/{slug}/{EARLIER}/",
        "national/",
        f"years/{EARLIER}/",
        "methodology/",
        "calendar/",
        "downloads/",
        "councils/",
        "contact/",
        "accessibility/",
        "privacy/",
        "404.html",
        letter,
    ]
    problems = []
    for width in (1280, 320):
        # axe is injected as an inline script, which the pages' policy would block
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        for path in pages:
            page.goto(base_url + path)
            if path.startswith(("#", "years/")) or not path:
                page.wait_for_selector("main[data-state=ready]")
            if "#/" in path:
                page.wait_for_selector("#panel #council-figures")
            page.add_script_tag(content=AXE.read_text())
            result = page.evaluate(
                """async () => {
                    const every = axe.getRules().map((rule) => rule.ruleId);
                    return await axe.run(document, {
                        runOnly: {type: 'rule', values: every}, resultTypes: ['violations']});
                }"""
            )
            problems += [
                f"{width}px /{path} {v['id']} ({v['impact']}): "
                f"{[n['target'] for n in v['nodes'][:3]]}"
                for v in result["violations"]
            ]
        context.close()
    assert problems == []


def test_a_council_page_prints_on_at_most_two_a4_pages(
    browser: Browser, base_url: str, published: dict[str, Any], tmp_path: Path
) -> None:
    # The council with the most to show: most service areas, then most decisions
    councils = published[EARLIER]["councils"]
    busiest = max(councils, key=lambda c: (len(c["service_areas"]), c["decisions"]["total"]))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        for path in (f"councils/{slugs(published)[busiest['code']]}/{EARLIER}/",
                     f"councils/{slugs(published)[KINGSTON]}/"):  # fmt: skip
            page.goto(base_url + path)
            pdf = page.pdf(prefer_css_page_size=True, path=str(tmp_path / "council.pdf"))
            pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
            assert 1 <= pages <= 2, (path, pages)
            # A4 (595 x 842 points), and no navigation or controls in print
            assert b"/MediaBox [0 0 595" in pdf or b"/MediaBox [0 0 594" in pdf
        assert not page.locator(".print-source").is_visible()  # on screen, the footer says it
        page.emulate_media(media="print")
        # The printed page says who published it, where and when
        source = page.locator(".print-source")
        assert source.is_visible()
        text = source.inner_text()
        assert "Published by the Local Government and Social Care Ombudsman" in text
        assert f"{SITE}/councils/{slugs(published)[KINGSTON]}/" in text
        assert re.search(r"\d{1,2} [A-Z][a-z]+ \d{4}", text), text
        assert not page.locator(".govuk-header").is_visible()
        assert not page.locator(".govuk-footer").is_visible()
        assert not page.locator(".links-line").is_visible()
        assert page.locator(".figures").is_visible()
    finally:
        context.close()
