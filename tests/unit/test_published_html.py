"""Published HTML carries no inline style or script (CloudFront's policy allows 'self' only):
documents link the stylesheet the release step publishes beside the map page's assets."""

from __future__ import annotations

from importlib import resources

import pytest

from annual_review.publication.release import SITE_CACHE
from annual_review.site import map_page as site
from tests.html_checks import InlineCode

PACKAGE = resources.files("annual_review")
SOURCES = [
    *(f"templates/site/{page.name}" for page in (PACKAGE / "templates" / "site").iterdir()),
    "templates/letter.html",
    "templates/methodology.html",
    "templates/pre-release-access.html",
    "templates/_page_head.html",
]


@pytest.mark.parametrize("source", SOURCES)
def test_no_template_or_page_has_inline_styles_or_scripts(source: str) -> None:
    parser = InlineCode()
    parser.feed((PACKAGE / source).read_text("utf-8"))
    assert parser.found == []


@pytest.mark.parametrize("source", ["templates/letter.html", "templates/_page_head.html"])
def test_documents_link_the_published_stylesheet(source: str) -> None:
    assert '<link rel="stylesheet" href="/assets/letter.css">' in (PACKAGE / source).read_text()


def test_the_stylesheet_lays_letters_out_for_print() -> None:
    assert "@media print" in (PACKAGE / "web" / "letter.css").read_text()


def test_the_release_step_publishes_the_stylesheet_as_css_with_the_site_cache() -> None:
    files = {key: content_type for key, _, content_type in site.page_files()}
    assert files["assets/letter.css"] == "text/css; charset=utf-8"
    assert SITE_CACHE == "public, max-age=300"
