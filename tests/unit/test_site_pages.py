"""The site rendered at release and the open data that describes itself, from the stored
version-1 snapshot (a seeded 2019-20 of every council) published as the release step does."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from frictionless import Package, validate

from annual_review.figures import catalogue
from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.snapshot import read_snapshot
from annual_review.publication.letters.letter import default_content, write_letters
from annual_review.publication.open_data.dictionaries import undescribed
from annual_review.publication.release import release
from annual_review.publication.year_file_table import YEAR_FILES
from annual_review.site import map_page as site
from annual_review.site.slugs import council_slugs, slugify
from tests.builders import calendar_entry, release_calendar, signed_settings
from tests.fakes import MemoryObjectStore

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "snapshot-v1" / "2019-20-r1.json"
RELEASE_MORNING = datetime(2020, 7, 29, 8, 30, tzinfo=UTC)
SITE = "https://example.org"
KINGSTON = "E09000021"


@pytest.fixture(scope="module")
def public() -> MemoryObjectStore:
    snapshot = read_snapshot(FIXTURE.read_bytes())
    private, public = MemoryObjectStore(), MemoryObjectStore()
    settings = signed_settings(site_url=SITE)
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


def as_json(store: MemoryObjectStore, key: str) -> Any:
    return json.loads(text(store, key))


def test_slugs_are_lowercase_hyphenated_stable_and_unique() -> None:
    assert slugify("St. Helens Council") == slugify("St Helens Council") == "st-helens-council"
    assert slugify("London Borough of Hammersmith & Fulham") == (
        "london-borough-of-hammersmith-and-fulham"
    )
    assert slugify("North Somerset  Council") == "north-somerset-council"
    assert council_slugs({"E1": "Same Name", "E2": "Same Name", "E3": "Other"}) == {
        "E1": "same-name-e1",
        "E2": "same-name-e2",
        "E3": "other",
    }


def test_every_council_has_a_latest_and_a_year_page_and_the_sitemap_lists_every_page(
    public: MemoryObjectStore,
) -> None:
    document = as_json(public, "data/2019-20/councils.json")
    pages = {k for k in public.objects if k.endswith("index.html")}
    slugs = council_slugs({c["code"]: c["name"] for c in document["councils"]})
    for slug in slugs.values():
        assert f"councils/{slug}/index.html" in pages
        assert f"councils/{slug}/2019-20/index.html" in pages
    for page in ("index.html", "national/index.html", "methodology/index.html",
                 "calendar/index.html", "downloads/index.html"):  # fmt: skip
        assert page in pages
    sitemap = text(public, "sitemap.xml")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    letters = {k for k in public.objects if k.startswith("letters/") and k.endswith(".html")}
    assert len(letters) == len(document["councils"])
    notes = {f"{SITE}/data/2019-20/r1/{n}" for n in ("methodology.html", "pre-release-access.html")}
    assert (
        listed
        == {f"{SITE}/{p.removesuffix('index.html')}" for p in pages}
        | {f"{SITE}/{k}" for k in letters}
        | notes
    )
    assert f"Sitemap: {SITE}/sitemap.xml" in text(public, "robots.txt")
    assert "Page not found" in text(public, "404.html")


def test_pages_have_link_previews_and_no_inline_style_or_script(public: MemoryObjectStore) -> None:
    # (letters and the year files are issue 11's: they move their CSS to assets/letter.css)
    for key in [
        k for k in public.objects if k.endswith(".html") and not k.startswith(("letters/", "data/"))
    ]:
        html = text(public, key)
        assert not re.search(r"<style|\sstyle=|<script(?![^>]*\ssrc=)|\son[a-z]+=", html), key
        if key.endswith("index.html"):
            assert '<meta property="og:title"' in html, key
            assert '<meta name="twitter:card" content="summary">' in html, key
            assert '<link rel="canonical" href="https://example.org/' in html, key


def test_a_council_page_carries_each_figure_with_its_base_interval_and_average(
    public: MemoryObjectStore,
) -> None:
    document = as_json(public, "data/2019-20/councils.json")
    kingston = next(c for c in document["councils"] if c["code"] == KINGSTON)
    html = text(public, "councils/royal-borough-of-kingston-upon-thames/index.html")
    averages = document["averages"][kingston["comparison_group"]]
    for statistic in catalogue.STATISTICS:
        part = kingston[statistic.record]
        shown = statistic.shown(part[statistic.field])
        assert f'data-field="{statistic.page.id}.figure">{shown}<' in html
        assert (
            f'data-field="{statistic.page.id}.average">{statistic.shown(averages[statistic.key])}<'
            in html
        )
        if statistic.is_proportion and part["of"]:
            assert f"{part['count']} {statistic.letter.counted_as}".rstrip() + " of " in html
            low, high = statistic.shown(part["ci_low"]), statistic.shown(part["ci_high"])
            assert f"{low} to {high}" in html
            assert ('data-field="' + statistic.page.id + '.small_base"' in html) == part[
                "small_base"
            ]
    assert f'href="/{kingston["letter"]}"' in html
    assert 'href="/data/councils/E09000021.json"' in html
    assert '<svg class="history-chart"' in html
    for area in kingston["service_areas"]:
        assert catalogue.service_area_label(area).replace("'", "&#39;") in html


def test_the_data_package_passes_frictionless_validation(
    public: MemoryObjectStore, tmp_path: Path
) -> None:
    base = keys.year_dir("2019-20", 1)
    for name in YEAR_FILES.values():
        (tmp_path / name).write_bytes(public.get(base + name) or b"")
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    package = Package(str(tmp_path / "datapackage.json"))
    councils = package.get_resource("councils").schema
    assert councils.get_field("year").type == "string"
    assert councils.get_field("upheld_rate").to_dict()["unit"] == "fraction (0 to 1)"
    assert councils.get_field("upheld_per_100k").to_dict()["unit"] == "per 100,000 residents"
    header = text(public, base + "councils.csv").splitlines()[0].split(",")
    assert header[0] == "year"
    assert "children's" in text(public, base + "data-dictionary.csv")
    assert "  " not in text(public, base + "councils.csv")


def test_every_schema_property_is_described_and_index_and_histories_validate(
    public: MemoryObjectStore,
) -> None:
    base = keys.year_dir("2019-20", 1)
    names = ("councils.schema.json", "index.schema.json", "council-history.schema.json")
    schemas = {name: as_json(public, base + name) for name in names}
    for name, schema in schemas.items():
        assert undescribed(schema) == [], name
    jsonschema.validate(as_json(public, keys.INDEX), schemas["index.schema.json"])
    jsonschema.validate(
        as_json(public, keys.council_history(KINGSTON)), schemas["council-history.schema.json"]
    )
    jsonschema.validate(as_json(public, base + "councils.json"), schemas["councils.schema.json"])


def test_the_year_has_an_accessible_spreadsheet_with_cover_contents_notes_and_one_table_a_sheet(
    public: MemoryObjectStore,
) -> None:
    import io
    import zipfile

    body = public.get(keys.year_dir("2019-20", 1) + "council-complaint-statistics.xlsx")
    assert body is not None
    workbook = zipfile.ZipFile(io.BytesIO(body))
    sheets = re.findall(r'sheet name="([^"]+)"', workbook.read("xl/workbook.xml").decode())
    assert sheets == ["Cover", "Contents", "Notes", "Councils", "Averages", "England"]
    # Each table a real (named) Excel table, one a sheet
    assert len([n for n in workbook.namelist() if n.startswith("xl/tables/")]) >= 3
    strings = workbook.read("xl/sharedStrings.xml").decode()
    assert "Upheld rate\n(fraction from 0 to 1)\n[note" in strings


def test_the_calendar_page_renders_the_release_calendar_or_what_the_index_knows() -> None:
    from annual_review.site.pages import calendar_changes, calendar_rows

    entries = [{"year": "2019-20", "released_at": "2020-07-29T09:30:00+01:00"}]
    # calendar.json as the release calendar (issue 13) publishes it
    calendar = {
        "next_release": {"year": "2020-21", "release_at": "2021-07-29T09:30:00+01:00"},
        "releases": [
            {"year": "2019-20", "release_at": "2020-07-29T09:30:00+01:00", "status": "announced",
             "held_reason": None},
            {"year": "2020-21", "release_at": "2021-07-29T09:30:00+01:00", "status": "held",
             "held_reason": "Awaiting corrected returns"},
        ],
        "changes": [{"year": "2020-21", "changed_at": "2021-06-01T10:00:00+01:00",
                     "reason": "Awaiting corrected returns"}],
    }  # fmt: skip
    rows = calendar_rows(calendar, entries, None)
    assert [(r["year"], r["status"], r["date"]) for r in rows] == [
        ("2020-21", "held", "29 July 2021"),
        ("2019-20", "published", "29 July 2020"),
    ]
    assert calendar_changes(calendar)[0]["reason"] == "Awaiting corrected returns"
    # Without a calendar: the releases made and the next date index.json names
    rows = calendar_rows(None, entries, {"year": "2020-21", "date": "2021-07-29"})
    assert [(r["year"], r["status"]) for r in rows] == [
        ("2020-21", "announced"),
        ("2019-20", "published"),
    ]
