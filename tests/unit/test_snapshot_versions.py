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
from annual_review.site import map_page as site
from tests.builders import calendar_entry, release_calendar, signed_settings
from tests.fakes import MemoryObjectStore

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "snapshot-v1"
# Files that differ on purpose (shell patterns), each with why. Re-baselined for issue 19 (every
# file compared again): until then the files changed on purpose were the councils' JSON, CSV and
# GeoJSON and the dictionary (issues 10, 14), every HTML file (issues 11, 13, 14), revisions.json
# and index.json (issue 13), the letters' manifest and public copies (issue 14); issue 19 changed
# the letters (links, the named signatory, recommendations not complied with, no sentence
# opening with a numeral, the email's inline styles) and the data files (rounded columns, the
# "[x]" marker, the spreadsheet's cover sheet and widths).
CHANGED_ON_PURPOSE: dict[str, str] = {}


def changed_on_purpose(key: str) -> bool:
    return any(fnmatch.fnmatchcase(key, pattern) for pattern in CHANGED_ON_PURPOSE)


RELEASE_MORNING = datetime(2020, 7, 29, 8, 30, tzinfo=UTC)  # 09:30 in London


def republished(body: bytes) -> tuple[dict[str, str], MemoryObjectStore]:
    """The SHA-256 of every file published from the fixture's snapshot by today's code."""
    snapshot = read_snapshot(body)
    private, public = MemoryObjectStore(), MemoryObjectStore()
    settings = signed_settings()
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
    return published, public


def rebaseline() -> None:
    """After a change on purpose to what is published: the fixture's files (the same keys) get
    today's hashes (``python -m tests.unit.test_snapshot_versions``); say why in the commit."""
    path = FIXTURE / "published-sha256.json"
    expected: dict[str, str] = json.loads(path.read_text())
    published, _ = republished((FIXTURE / "2019-20-r1.json").read_bytes())
    renewed = {key: published.get(key, old) for key, old in expected.items()}
    path.write_text(json.dumps(renewed, indent=1, sort_keys=True) + "\n")


def test_a_version_1_snapshot_loads_and_republishes_byte_for_byte() -> None:
    body = (FIXTURE / "2019-20-r1.json").read_bytes()
    expected: dict[str, str] = json.loads((FIXTURE / "published-sha256.json").read_text())
    snapshot = read_snapshot(body)
    assert (snapshot.schema_version, snapshot.year, snapshot.revision) == (1, "2019-20", 1)
    assert snapshot.content_sha256 == json.loads(body)["content_sha256"]
    published, public = republished(body)
    differing = sorted(
        k for k in expected if published.get(k) != expected[k] and not changed_on_purpose(k)
    )
    assert differing == [], f"{len(differing)} file(s) differ, first {differing[:3]}"
    # and what is still compared is a real share: every letter as the plain-text email body
    compared = [k for k in expected if not changed_on_purpose(k)]
    assert len(compared) >= 343, compared
    assert public.objects[keys.year_dir("2019-20", 1) + "councils.json"][2] == keys.IMMUTABLE


def test_a_tampered_or_unknown_snapshot_is_refused() -> None:
    stored = json.loads((FIXTURE / "2019-20-r1.json").read_bytes())
    stored["councils"][0]["complaints_received"] += 1
    with pytest.raises(SnapshotCorrupt):
        read_snapshot(json.dumps(stored).encode())
    stored["schema_version"] = 99
    with pytest.raises(SnapshotCorrupt, match="schema_version 99"):
        read_snapshot(json.dumps(stored).encode())


if __name__ == "__main__":
    rebaseline()
