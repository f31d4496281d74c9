"""The local moto patches change the cost of a run, never its results (that they refuse a moto
they were not written for: tests/unit/test_moto_speedups.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

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
