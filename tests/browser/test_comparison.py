"""Comparison groups on a council's page: the presets without JavaScript, and a reader's own
list from a shareable address, its pooled figures worked out here from the published counts."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from annual_review.figures import catalogue
from tests.browser.helpers import KINGSTON, LATEST, slugs

pytestmark = pytest.mark.browser

CHOSEN = ["E09000022", "E09000001", "E07000223"]  # Lambeth, the City of London, Adur


def test_a_readers_own_group_from_the_address_gives_its_pooled_figures(
    page: Page, base_url: str, published: dict[str, Any]
) -> None:
    records = {c["code"]: c for c in published[LATEST]["councils"]}
    chosen = [records[code] for code in CHOSEN]
    url = f"{base_url}councils/{slugs(published)[KINGSTON]}/?with={','.join(CHOSEN)}"
    page.goto(url)
    section = page.locator("#comparison-custom")
    section.wait_for(state="visible")
    page.wait_for_function(
        "document.querySelector('[data-comparison-members]').textContent.includes('Lambeth')"
    )
    for statistic in catalogue.STATISTICS:
        if statistic.is_proportion:
            top = sum(r[statistic.record]["count"] for r in chosen)
            bottom = sum(r[statistic.record]["of"] for r in chosen)
            value = top / bottom if bottom else None
        else:  # three lower-tier councils: their upheld over their residents
            value = (
                sum(r["upheld"]["count"] for r in chosen)
                * 100_000
                / sum(r["population"] for r in chosen)
            )
        expected = statistic.shown(value) or "no figure"
        cell = page.locator(f'[data-custom="{statistic.key}"]')
        assert cell.inner_text() == expected, statistic.key
    # The address is the one to share, and it says which councils.
    assert (
        page.locator("[data-comparison-link]")
        .get_attribute("href")
        .endswith(  # type: ignore[union-attr]
            "?with=" + "%2C".join(CHOSEN) + "#comparison"
        )
    )
    assert page.console_log.errors == []  # type: ignore[attr-defined]


def test_without_javascript_the_preset_groups_show_and_the_own_list_does_not(
    browser: Browser, base_url: str, published: dict[str, Any]
) -> None:
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(f"{base_url}councils/{slugs(published)[KINGSTON]}/")
    presets = page.locator('[data-field="comparison-presets"]')
    headings = presets.locator("thead th").all_inner_texts()
    assert headings[2:] == ["London", "London boroughs", "Nearest in population"]
    assert presets.locator("tbody tr").count() == len(catalogue.STATISTICS)
    assert not page.locator("#comparison-custom").is_visible()
