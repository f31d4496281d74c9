"""Stored snapshots carry a version, and every version written is still read.

Republishing the stored version 1 snapshot (``tests/golden.py``) must give the same bytes, file
for file: those files are immutable and cached for a year. Re-baseline with ``make golden``.
"""

from __future__ import annotations

import json

import pytest

from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.snapshot import SnapshotCorrupt, read_snapshot
from tests.golden import FIXTURE, expected, republish, stored_snapshot

# Files exempt from the byte-for-byte comparison (exact keys), each with why. None today: every
# file is compared. An exemption is for a file whose bytes cannot be reproduced, never for one
# that changed on purpose (re-baseline instead).
EXEMPT: dict[str, str] = {}


def test_a_version_1_snapshot_loads_and_republishes_byte_for_byte() -> None:
    snapshot = stored_snapshot()
    body = (FIXTURE / "2019-20-r1.json").read_bytes()
    assert (snapshot.schema_version, snapshot.year, snapshot.revision) == (1, "2019-20", 1)
    assert snapshot.content_sha256 == json.loads(body)["content_sha256"]
    published, public = republish()
    baseline = expected()
    assert set(EXEMPT) <= baseline.keys(), "an exemption names a file no longer published"
    assert published.keys() == baseline.keys(), "files added or gone: re-baseline (make golden)"
    differing = sorted(k for k in baseline if published[k] != baseline[k] and k not in EXEMPT)
    assert differing == [], f"{len(differing)} file(s) differ, first {differing[:3]}"
    # Every kind of file is compared: letters (private and public), the data and the site.
    assert {k.split("/")[1] for k in baseline if k not in EXEMPT} >= {
        "letters",
        "data",
        "councils",
        "assets",
    }
    assert public.objects[keys.year_dir("2019-20", 1) + "councils.json"][2] == keys.IMMUTABLE


def test_a_tampered_or_unknown_snapshot_is_refused() -> None:
    stored = json.loads((FIXTURE / "2019-20-r1.json").read_bytes())
    stored["councils"][0]["complaints_received"] += 1
    with pytest.raises(SnapshotCorrupt):
        read_snapshot(json.dumps(stored).encode())
    stored["schema_version"] = 99
    with pytest.raises(SnapshotCorrupt, match="schema_version 99"):
        read_snapshot(json.dumps(stored).encode())
