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
    # Forty items in pages of 7 (6 pages) and of 4 (10 pages), each item once, in key order.
    mixed = unpatched["mixed pages"]
    assert [len(page["items"]) for page in mixed] == [7, 7, 7, 7, 7, 5]
    ids = [int(item["id"]["N"]) for page in mixed for item in page["items"]]
    assert ids == sorted(ids)
    assert len(set(ids)) == 40
    assert ids[0] == -5
    assert sum("blob" in item for page in mixed for item in page["items"]) == 4
    assert [len(page["items"]) for page in unpatched["ranged pages"]] == [4] * 10
    changing = unpatched["changing scan"]
    assert 30 not in changing  # deleted before the scan reached it
    assert 40 in changing  # added (a new key) before the scan reached it
    assert len(changing) == 40
    assert unpatched["ranged filtered"] == 13  # 40 items, every third from the second one
    # 400 KB per item: refused on a put and on the update that would pass it, and 200 rounds
    # of 40 counters (0 + 1 + 2 + 0 ...: 67 rounds of 1 and 66 of 2 = 199) stay far below it.
    assert unpatched["put 410 KB"] == "ValidationException"
    assert unpatched["put 300 KB"] == "ok"
    assert unpatched["add 50 KB"] == "ok"
    assert unpatched["add 60 KB more"] == "ValidationException"
    assert unpatched["grown attributes"] == ["a", "b", "id"]
    assert unpatched["counter totals"] == ["199"]
    # SQS (attributes, sends, receipt handles, deletes, retention), worked out from SQS's rules.
    assert unpatched["after sends"]["ApproximateNumberOfMessages"] == "6"
    assert unpatched["fifo after sends"]["ApproximateNumberOfMessages"] == "2"  # "same" once
    assert unpatched["one attribute"] == {"ApproximateNumberOfMessages": "6"}
    assert unpatched["received"] == ["message 0", "message 1", "message 2"]
    assert unpatched["distinct handles"] == 3
    assert unpatched["after receive"]["ApproximateNumberOfMessagesNotVisible"] == "3"
    assert unpatched["after delete"]["ApproximateNumberOfMessagesNotVisible"] == "2"
    assert unpatched["fifo received"] == ["same", "other"]
    assert unpatched["after retention"] == ["message 3", "message 4"]
    # EventBridge: the three matching events reach both targets, whole and transformed.
    assert unpatched["failed puts"] == 0
    assert len(unpatched["delivered whole"]) == 3
    assert unpatched["delivered transformed"] == [
        f'{{"decision": "D-{n}", "kind": "Decision"}}' for n in (0, 1, 3)
    ]
