"""A letter's public copy printed as a council officer prints it: on A4, in at most two pages,
with the ombudsman's name, the copy's address and the date it was published."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from annual_review_tools.local.stack import LOCAL_OMBUDSMAN
from tests.browser.helpers import SCREENSHOTS

pytestmark = pytest.mark.browser

MOST_PAGES = 2


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF as Chromium writes it (no object streams): the page tree's /Count, which
    must agree with the page objects there are."""
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert counts, "no page tree in the PDF"
    assert max(counts) == pages, (counts, pages)
    return pages


def text_length(path: Path) -> int:
    """How much a letter says: its text without markup."""
    body = path.read_text("utf-8").split("<body", 1)[1]
    return len(html.unescape(re.sub(r"<[^>]+>|\s+", " ", body)))


def longest_letters(root: Path, count: int) -> list[Path]:
    letters = sorted((root / "letters").rglob("*.html"), key=text_length, reverse=True)
    assert letters, "no letter published"
    return letters[:count]


def test_the_longest_letters_print_on_at_most_two_a4_pages_with_their_source(
    page: Page, base_url: str, public_root: tuple[Path, dict[str, Any]]
) -> None:
    root = public_root[0]
    page.emulate_media(media="print")  # as page.pdf() lays out, for the checks of what shows
    for letter in longest_letters(root, 2):
        path = letter.relative_to(root).as_posix()
        page.goto(base_url + path)
        pdf = page.pdf(format="A4")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # to look at, as a council prints it
        (SCREENSHOTS / f"letter-{letter.parent.parent.name}-{letter.stem}.pdf").write_bytes(pdf)
        assert 1 <= pdf_pages(pdf) <= MOST_PAGES, path
        signature = page.locator("footer.signature")
        assert signature.is_visible()
        assert LOCAL_OMBUDSMAN in signature.inner_text()
        source = page.locator("footer .source")
        assert source.is_visible()
        # The copy's own address (the local run has no site address: root-relative) and the
        # release day it was published on.
        said = source.inner_text()
        assert re.fullmatch(
            rf"This copy: (https://[a-z0-9.-]+)?/{re.escape(path)}, published \d{{1,2}} "
            r"[A-Z][a-z]+ \d{4}\.",
            said,
        ), said
