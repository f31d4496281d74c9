"""What residents and data users find on the site rendered at release, from the stored
version-1 snapshot (2019-20, every council): the next release, the service pages linked from
every page, a page per year, the downloads grouped from the table of a year's files, and a
council page's plain words, history and notes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annual_review.publication.freeze.snapshot import read_snapshot
from annual_review.publication.letters.letter import default_content, write_letters
from annual_review.publication.release import release
from annual_review.publication.year_file_table import YEAR_FILE_TABLE
from annual_review.site import map_page as site
from annual_review.site.notes import SITE_NOTES_KEY, dump_notes, with_note
from annual_review.site.slugs import council_slugs
from tests.builders import calendar_entry, release_calendar, signed_settings
from tests.fakes import MemoryObjectStore

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "snapshot-v1" / "2019-20-r1.json"
RELEASE_MORNING = datetime(2020, 7, 29, 8, 30, tzinfo=UTC)
SITE = "https://example.org"
KINGSTON = "E09000021"
BREAK = "From 2019-20 we count a complaint as investigated only once we have made enquiries."


@pytest.fixture(scope="module")
def public() -> MemoryObjectStore:
    snapshot = read_snapshot(FIXTURE.read_bytes())
    private, public = MemoryObjectStore(), MemoryObjectStore()
    settings = signed_settings(site_url=SITE)
    private.put(SITE_NOTES_KEY, dump_notes(with_note({}, "2019-20", BREAK)), "", "")
    write_letters(snapshot.financial_year, private=private, contacts={},
                  content=default_content(), settings=settings, snapshot=snapshot,
                  entry=calendar_entry(2019))  # fmt: skip
    release(snapshot, private=private, public=public, site=site, settings=settings,
            now=RELEASE_MORNING, calendar=release_calendar(2019, 2020))  # fmt: skip
    return public


def text(store: MemoryObjectStore, key: str) -> str:
    body = store.get(key)
    assert body is not None, key
    return body.decode()


def kingston_page(public: MemoryObjectStore) -> str:
    snapshot = read_snapshot(FIXTURE.read_bytes())
    slugs = council_slugs({c.code: c.name for c in snapshot.councils})
    return text(public, f"councils/{slugs[KINGSTON]}/index.html")


def test_the_next_release_is_announced_on_home_calendar_and_council_pages(
    public: MemoryObjectStore,
) -> None:
    # release_calendar(2019, 2020): 2020-21 is released on 29 July 2021 at 09:30
    for key in ("index.html", "calendar/index.html"):
        assert "29 July 2021 at 09:30" in text(public, key), key
    assert "Next release: " in kingston_page(public)
    assert "29 July 2021 at 09:30" in kingston_page(public)
    calendar = text(public, "calendar/index.html")
    assert 'href="/calendar.ics"' in calendar
    assert "URL:https://example.org/calendar/#release-2020-21" in text(public, "calendar.ics")


def test_every_page_links_contact_accessibility_and_privacy_which_exist(
    public: MemoryObjectStore,
) -> None:
    for path in ("contact", "accessibility", "privacy", "councils", "attribution"):
        assert public.get(f"{path}/index.html") is not None, path
    for key in ("index.html", "downloads/index.html", "national/index.html"):
        page = text(public, key)
        for href in ("/contact/", "/accessibility/", "/privacy/"):
            assert f'href="{href}"' in page, (key, href)
    assert "0300 061 0614" in text(public, "contact/index.html")


def test_each_published_year_has_its_home_and_national_page(public: MemoryObjectStore) -> None:
    home = text(public, "years/2019-20/index.html")
    assert "Every council, 2019-20" in home
    assert "England, 2019-20" in home
    assert "Averages of similar authorities, 2019-20" in home
    assert "England and each group of similar authorities" in text(
        public, "national/2019-20/index.html"
    )


def test_the_downloads_page_groups_the_tables_files_with_format_and_size(
    public: MemoryObjectStore,
) -> None:
    page = text(public, "downloads/index.html")
    # No internal command, no raw Markdown link text
    assert "annual-review " not in page
    people = page.index('data-field="people-2019-20"')
    data = page.index('data-field="data-2019-20"')
    describing = page.index('data-field="describing-2019-20"')
    assert people < data < describing
    for row in YEAR_FILE_TABLE:
        body = public.get(f"data/2019-20/r1/{row.name}")
        assert body is not None, row.name
        found = re.search(
            rf'data-kind="{row.kind}">[^<]*</a> <span class="file-meta">\(([^)]*)\)', page
        )
        assert found, row.kind
        # The size as the page gives it, worked out here from the bytes
        size = len(body)
        words = f"{size:,} bytes" if size < 1024 else f"{max(1, round(size / 1024)):,} KB"
        assert found[1] == f"{row.format}, {words}", row.kind
        section = people if row.audience == "people" else describing if row.describes else data
        assert page.index(f'data-kind="{row.kind}"') > section


def test_a_council_page_reads_its_figures_in_plain_words_with_its_history_and_notes(
    public: MemoryObjectStore,
) -> None:
    page = kingston_page(public)
    for stat in ("upheld", "compliance", "remedy", "per100k"):
        assert f'data-field="{stat}.reading"' in page
    assert "What these words mean" in page
    assert "Comparing years." in page
    assert f"Series break, 2019-20:</strong> {BREAK}" in page
    assert "Similar councils: " in page
    # Printed, the page says who published it, where and when
    assert (
        "Published by the Local Government and Social Care Ombudsman, 29 July 2020. From "
        "https://example.org/councils/royal-borough-of-kingston-upon-thames/"
    ) in page
