"""Every kind of published page under the Content-Security-Policy CloudFront adds: served with the
template's response headers, no page logs a violation, and the styles still apply."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from annual_review_tools.local.cdn import response_headers_policy, security_headers
from tests.browser.helpers import open_page
from tests.html_checks import InlineCode

pytestmark = pytest.mark.browser
KINGSTON = "E09000021"
# Collects violations from the first byte of every document, before any of its own code runs.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI || 'inline'}`));
"""


def pages(root: Path) -> dict[str, str]:
    """One page of each kind, as paths on the site, from what the release step indexed."""
    index = json.loads((root / "data" / "index.json").read_text())
    year = next(entry for entry in index["years"] if entry["year"] == index["latest"])
    return {
        "map page": "",
        "letter": f"{year['letters']}{KINGSTON}.html",
        "methodology": year["files"]["methodology"],
        "pre-release access statement": year["files"]["pre_release_access"],
    }


def watch(page: Page) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.add_init_script(WATCH_VIOLATIONS)
    return messages


def test_every_published_html_file_is_free_of_inline_styles_and_scripts(
    public_root: tuple[Path, dict[str, Any]],
) -> None:
    root = public_root[0]
    files = sorted(root.rglob("*.html"))
    assert len(files) > 300  # the map page, two years' letters and notes
    for path in files:
        parser = InlineCode()
        parser.feed(path.read_text("utf-8"))
        assert parser.found == [], path.relative_to(root)


def test_the_site_answers_with_the_headers_of_the_templates_policy(base_url: str) -> None:
    expected = security_headers(response_headers_policy())
    assert "style-src 'self'" in expected["Content-Security-Policy"]
    with urllib.request.urlopen(f"{base_url}assets/letter.css") as response:
        assert response.headers["Content-Type"].startswith("text/css")
        for name, value in expected.items():
            assert response.headers[name] == value


@pytest.mark.parametrize(
    "kind", ["map page", "letter", "methodology", "pre-release access statement"]
)
def test_no_page_breaks_the_content_security_policy(
    page: Page, base_url: str, public_root: tuple[Path, dict[str, Any]], kind: str
) -> None:
    # Given the page as CloudFront would serve it
    messages = watch(page)
    path = pages(public_root[0])[kind]
    # When it loads
    if kind == "map page":
        open_page(page, base_url)
    else:
        response = page.goto(base_url + path)
        assert response is not None
        assert response.status == 200
        assert response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    # Then nothing was refused, and the stylesheet applied
    assert page.evaluate("window.__violations") == []
    assert [m for m in messages if "Content Security Policy" in m] == []
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Arial" in font or kind == "map page"
    assert page.console_log.errors == []  # type: ignore[attr-defined]


def test_an_inline_style_would_be_reported(
    page: Page, base_url: str, public_root: tuple[Path, dict[str, Any]]
) -> None:
    # The check above can fail: a page with an inline style, served the same way, is refused.
    probe = public_root[0] / "csp-probe.html"
    probe.write_text('<!doctype html><title>probe</title><p style="color: red">inline</p>')
    try:
        messages = watch(page)
        page.goto(f"{base_url}csp-probe.html")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__violations") == ["style-src-attr inline"]
        assert any("Content Security Policy" in m for m in messages)
    finally:
        probe.unlink()
