"""Stored snapshots carry a version, and every version written is still read.

The fixture is a real revision 1 snapshot written by the code of commit 2aa242f (format version 1,
which also stored the group averages), from a seeded local run (2019-20, seed 2020, scale 0.2),
with the SHA-256 of every letter and year file that code published from it. Republishing it today
must give the same bytes: those files are immutable and cached for a year.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.snapshot import SnapshotCorrupt, read_snapshot
from annual_review.publication.letters.letter import default_content, write_letters
from annual_review.publication.release import release
from annual_review.settings import Settings
from annual_review.site import map_page as site
from tests.builders import calendar_entry, release_calendar
from tests.fakes import MemoryObjectStore

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "snapshot-v1"
# Files that differ on purpose (shell patterns), each with why.
CHANGED_ON_PURPOSE = {
    "public/data/2019-20/r1/ATTRIBUTION.md": "the registry's attribution names the command that "
    "builds it, which moved from `publish build-registry` to the tools' `local build-registry`",
    "public/data/2019-20/r1/councils*": "each council's record gained the complaint overview "
    "(issue 10): the JSON, its schema and the CSV carry it",
    "public/data/2019-20/r1/data-dictionary.csv": "the dictionary describes the overview",
    "*.html": "a strict Content-Security-Policy (issue 11): letters and notes link a stylesheet "
    "instead of carrying inline styles; the pre-release statement is made from the delivery "
    "record (issue 13)",
    "public/data/2019-20/r1/revisions.json": "each revision note gives its scale (issue 13)",
    "public/data/index.json": "the next release comes from the release calendar (issue 13)",
    "public/data/2019-20/r1/councils.geojson": "names lose a double space (issue 14)",
    "public/data/2019-20/r1/councils.csv": "a year column first (issue 14)",
    "private/letters/2019-20/*.html": "letters print on A4 (@page; words unchanged; issue 14)",
    "private/letters/2019-20/manifest.json": "the manifest names each letter's public copy "
    "(issue 14)",
    "public/letters/2019-20/r1/*": "the public copies link the council's page, the methodology "
    "and the data, and say the figures were published (issue 14)",
}


def changed_on_purpose(key: str) -> bool:
    return any(fnmatch.fnmatchcase(key, pattern) for pattern in CHANGED_ON_PURPOSE)


RELEASE_MORNING = datetime(2020, 7, 29, 8, 30, tzinfo=UTC)  # 09:30 in London


def test_a_version_1_snapshot_loads_and_republishes_byte_for_byte() -> None:
    body = (FIXTURE / "2019-20-r1.json").read_bytes()
    expected: dict[str, str] = json.loads((FIXTURE / "published-sha256.json").read_text())
    snapshot = read_snapshot(body)
    assert (snapshot.schema_version, snapshot.year, snapshot.revision) == (1, "2019-20", 1)
    assert snapshot.content_sha256 == json.loads(body)["content_sha256"]

    private, public = MemoryObjectStore(), MemoryObjectStore()
    settings = Settings()
    write_letters(
        snapshot.financial_year,
        private=private,
        contacts={},
        content=default_content(),
        settings=settings,
        snapshot=snapshot,
        entry=calendar_entry(2019),
    )
    release(
        snapshot,
        private=private,
        public=public,
        site=site,
        settings=settings,
        now=RELEASE_MORNING,
        calendar=release_calendar(2019, 2020),
    )
    published = {
        f"{part}/{key}": hashlib.sha256(body).hexdigest()
        for part, store in (("public", public), ("private", private))
        for key, (body, _, _) in store.objects.items()
    }
    # The letters of councils with a remedy carried out late changed on purpose: the sentence
    # gives the share of compliance outcomes carried out late (issue 22); every other letter is
    # compared byte for byte.
    late = {
        f"private/letters/2019-20/{c.code}.txt"
        for c in snapshot.councils
        if c.compliance.get("complied_late")
    }
    assert 0 < len(late) < 40
    differing = sorted(
        k
        for k in expected
        if published.get(k) != expected[k] and not changed_on_purpose(k) and k not in late
    )
    assert differing == [], f"{len(differing)} file(s) differ, first {differing[:3]}"
    # and what is still compared is a real share: every letter as the plain-text email body
    compared = [k for k in expected if not changed_on_purpose(k) and k not in late]
    assert len(compared) >= 343 - len(late), compared
    assert public.objects[keys.year_dir("2019-20", 1) + "councils.json"][2] == keys.IMMUTABLE


def test_a_tampered_or_unknown_snapshot_is_refused() -> None:
    stored = json.loads((FIXTURE / "2019-20-r1.json").read_bytes())
    stored["councils"][0]["complaints_received"] += 1
    with pytest.raises(SnapshotCorrupt):
        read_snapshot(json.dumps(stored).encode())
    stored["schema_version"] = 99
    with pytest.raises(SnapshotCorrupt, match="schema_version 99"):
        read_snapshot(json.dumps(stored).encode())
