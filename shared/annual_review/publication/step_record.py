"""Which publication steps of a year have run, read from what each step leaves behind.

Not from the clock: a step can run early (``annual-review publish``), late (a retry), or not at
all (a failure, a hold). Each step's completion is its own record:

- the freeze: a snapshot of the year (``snapshots/{year}/r{n}.json``);
- the letters: the letters manifest of the year (written last, once every letter it lists is
  written and the step got as far as mailing) for the snapshot's current revision;
- the release: the public ``data/index.json`` naming the year at that revision (written last).
"""

from __future__ import annotations

import json

from annual_review.calendar.release_calendar import Step
from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.snapshot import load_snapshot
from annual_review.publication.ports import ObjectStore


def completed_steps(private: ObjectStore, public: ObjectStore, year: str) -> frozenset[Step]:
    snapshot = load_snapshot(private, year)
    if snapshot is None:
        return frozenset()
    done: set[Step] = {"freeze"}
    manifest = private.get(keys.letters_manifest(year))
    if manifest is not None and json.loads(manifest)["snapshot_sha256"] == snapshot.content_sha256:
        done.add("letters")
    index = public.get(keys.INDEX)
    years = json.loads(index).get("years", []) if index else []
    if any(e["year"] == year and e["revision"] == snapshot.revision for e in years):
        done.add("release")
    return frozenset(done)
