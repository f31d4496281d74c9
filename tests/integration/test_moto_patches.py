"""The local moto patches change the cost of a run, never its results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from annual_review_tools.local import moto_speedups

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def run_scenario(*flags: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.moto_patch_scenario", *flags],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_patched_and_unpatched_moto_agree_on_every_transaction_path() -> None:
    unpatched, patched = run_scenario(), run_scenario("--patched")
    assert patched == unpatched
    # And the scenario did take each path (worked out from DynamoDB's rules, not from moto).
    assert unpatched["two new"] == "committed"
    assert unpatched["one new, one duplicate"] == {"decision#D-1": [1, "upheld"]}
    assert unpatched["amendment"] == "committed"
    assert unpatched["stale amendment"] == {"decision#D-1": [2, "not_upheld"]}
    assert unpatched["two writes to one item"] == "ClientError"
    assert [row[0] for row in unpatched["ledger"]] == ["decision#D-1", "decision#D-2"]


def test_the_patches_refuse_a_moto_they_were_not_written_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(moto_speedups.moto, "__version__", "5.3.0")
    with pytest.raises(moto_speedups.MotoChanged, match=r"written for moto 5\.2\.5"):
        moto_speedups.check()
    monkeypatch.setattr(moto_speedups.moto, "__version__", moto_speedups.WRITTEN_FOR)
    monkeypatch.setattr(
        moto_speedups.sqs_models, "camelcase_to_underscores", lambda name: name.lower()
    )
    with pytest.raises(moto_speedups.MotoChanged, match="attribute name conversions"):
        moto_speedups.check()
