"""The golden republication: a stored version 1 snapshot, republished today, file by file.

The fixture (``tests/fixtures/snapshot-v1``) is a real revision 1 snapshot written by the code of
commit 2aa242f (format version 1, which also stored the group averages), from a seeded local run
(2019-20, seed 2020, scale 0.2), and ``published-sha256.json``: the SHA-256 of every file the
letters and release steps publish from it, as the code of the last re-baseline published them.
``tests/unit/test_snapshot_versions.py`` republishes it and compares every file.

Re-baseline (after a change that alters published files on purpose, or after merging branches
that do), in one command, then review and commit the JSON's diff (it names each changed file)::

    make golden
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from annual_review.publication.freeze.snapshot import Snapshot, read_snapshot
from annual_review.publication.letters.letter import default_content, write_letters
from annual_review.publication.release import release
from annual_review.site import map_page as site
from tests.builders import calendar_entry, release_calendar, signed_settings
from tests.fakes import MemoryObjectStore

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "snapshot-v1"
EXPECTED = FIXTURE / "published-sha256.json"
RELEASE_MORNING = datetime(2020, 7, 29, 8, 30, tzinfo=UTC)  # 09:30 in London


def stored_snapshot() -> Snapshot:
    return read_snapshot((FIXTURE / "2019-20-r1.json").read_bytes())


def republish() -> tuple[dict[str, str], MemoryObjectStore]:
    """Every file the letters and the release publish from the fixture: its SHA-256 by
    ``public/KEY`` or ``private/KEY``; and the public store."""
    snapshot = stored_snapshot()
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
    return dict(sorted(published.items())), public


def expected() -> dict[str, str]:
    found: dict[str, str] = json.loads(EXPECTED.read_text("utf-8"))
    return found


def rebaseline() -> None:
    published, _ = republish()
    before = expected()
    changed = sorted(
        k for k in published.keys() | before.keys() if published.get(k) != before.get(k)
    )
    EXPECTED.write_text(json.dumps(published, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"{EXPECTED}: {len(published)} files, {len(changed)} changed, added or removed")
    for key in changed[:50]:
        print(f"  {key}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--rebaseline"]:
        sys.exit("usage: python -m tests.golden --rebaseline")
    rebaseline()
