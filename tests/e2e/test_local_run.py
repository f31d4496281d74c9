"""The whole local stack: template.yaml in a moto server, events through the bus, the real handlers.

Expected figures are computed here, straight from the events put on the bus (newest version per
decision, withdrawals removed, each complaint once, compliance in the year it was recorded),
without the system's parser, planner or aggregates.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from annual_review.adapters.dynamo import DynamoAggregatesReader
from annual_review.commands.cli import main
from annual_review.fiscal import FinancialYear
from annual_review_tools.local.harness import RunOptions, RunResult, run_on
from annual_review_tools.local.server import LocalServer
from annual_review_tools.local.synth import councils_for, generate_year
from tests.e2e.expected import expected_figures
from tests.e2e.letter_links import assert_letter_links_resolve

pytestmark = pytest.mark.e2e

EVENTS_FILE = Path(__file__).with_name("events.jsonl")
YEAR = FinancialYear(2019)


def stored_figures(result: RunResult) -> dict[str, Counter[str]]:
    assert result.stack is not None
    assert result.aws is not None
    reader = DynamoAggregatesReader(result.stack.physical("AggregatesTable"), result.aws.dynamodb)
    figures = {}
    for code, aggregate in reader.year(YEAR.label).items():
        counters = Counter(
            {
                name: value
                for name, value in aggregate.counters.items()
                if not name.startswith(("decisions_area_", "complaints_area_"))
            }
        )
        counters["complaints_received"] = aggregate.complaints_received
        if +counters:
            figures[code] = +counters
    return figures


def assert_published(result: RunResult, out_dir: Path, expected: dict[str, Counter[str]]) -> None:
    """Once the publication ran, the public councils.json carries the same figures."""
    published = out_dir / "public" / "data" / YEAR.label / "councils.json"
    assert result.publication_failures == 0, result.publication
    councils = {c["code"]: c for c in json.loads(published.read_text())["councils"]}
    for code, figures in expected.items():
        council = councils[code]
        assert council["decisions"]["upheld"] == figures["decisions_upheld"], code
        assert council["complaints_received"] == figures["complaints_received"], code
    folder = out_dir / "private" / "letters" / YEAR.label
    letters = [p for p in folder.glob("*.html") if not p.name.endswith(".public.html")]
    assert len(letters) == len(councils_for(YEAR)) == result.summary["letters"]
    # Each letter as sent has its public copy, which release publishes
    assert len(list(folder.glob("*.public.html"))) == len(letters)


def _run(tmp_path: Path, **options: Any) -> tuple[RunResult, dict[str, Counter[str]]]:
    """The run's result, and the aggregates it left in DynamoDB (read while the server is up)."""
    with LocalServer() as server:
        result = run_on(
            server, RunOptions(years=[YEAR], out_dir=tmp_path, progress=False, **options)
        )
        return result, stored_figures(result)


def test_events_file_end_to_end(tmp_path: Path) -> None:
    # Given a file with a duplicate, an amendment before its original, a withdrawal, a bad
    # detail, a line that is not JSON, a Detail the bus refuses and an entry of another Source
    # (accepted by the bus, routed by no rule)
    # When it is replayed through the local stack
    result, stored = _run(tmp_path, events_file=EVENTS_FILE)

    # Then every line is accounted for: a duplicate and a version older than one already seen
    # (or seen in the same batch, like the withdrawn decision's first version) change nothing
    events = result.summary["events"]
    assert (events["sent"], events["quarantined"], events["rejected_by_bus"]) == (12, 1, 2)
    assert (events["unrouted"], events["dead_lettered"], result.missing) == (1, 0, 0)
    assert events["applied"] + events["ignored"] == 8
    assert events["ignored"] in (2, 3)
    assert any("line 10" in rejected.reason for rejected in result.rejected)
    entries = [
        {k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(line).items()}
        for line in EVENTS_FILE.read_text().splitlines()
        if line.startswith("{")
    ]
    expected = expected_figures(entries, YEAR.label)
    assert stored == expected
    assert expected["E08000003"]["decisions_not_upheld"] == 1  # the amendment moved it
    assert len(list((tmp_path / "private" / "quarantine").glob("*.json"))) == 1
    assert json.loads((tmp_path / "summary.json").read_text())["events"] == result.summary["events"]


def test_synthetic_year_end_to_end(tmp_path: Path) -> None:
    # Given a small seeded year
    options: dict[str, Any] = {"seed": 7, "scale": 0.02}
    # When it runs through the local stack, publication included
    result, stored = _run(tmp_path, **options)

    # Then the accounting holds and the stored and published figures are the events' figures
    events = result.summary["events"]
    assert events["sent"] == (
        events["applied"]
        + events["ignored"]
        + events["quarantined"]
        + events["rejected_by_bus"]
        + events["unrouted"]
    )
    assert events["ignored"] > 0
    assert events["quarantined"] > 0
    assert result.dead_lettered == 0
    assert set(result.stage_seconds) == {
        "deploy",
        "generate",
        "put_events",
        "ingest",
        "publish",
        "export",
    }
    assert result.requests_by_stage["ingest"]["dynamodb.TransactWriteItems"] > 0
    entries = generate_year(YEAR, councils_for(YEAR), **options).entries
    expected = expected_figures(entries, YEAR.label)
    assert stored == expected
    assert_published(result, tmp_path, expected)
    # Every link of every letter and email leads to a published page or file.
    assert assert_letter_links_resolve(tmp_path) >= 4 * 3 * len(councils_for(YEAR))


def test_operational_commands_work_against_the_running_local_stack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a small year run on a local server that is still up
    with LocalServer() as server:
        result = run_on(
            server, RunOptions(years=[YEAR], out_dir=tmp_path, seed=5, scale=0.01, progress=False)
        )
        stack = ["--stack", "annual-review-local", "--endpoint-url", server.url]
        capsys.readouterr()
        # When an operator verifies the year and lists the quarantine, as the README shows
        verified = main(["verify", "--year", YEAR.label, *stack])
        verify_output = capsys.readouterr().out
        listed = main(["quarantine", "list", "--json", *stack])
        records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        redriven = main(["redrive", *stack])
    # Then the ledger agrees with the aggregates and the snapshot, and the quarantine holds the
    # run's malformed events with their errors
    assert verified == 0, verify_output
    assert "agrees with the stored aggregates and snapshot r1" in verify_output
    assert listed == 0
    assert len(records) == result.summary["events"]["quarantined"] > 0
    assert all(record["errors"] for record in records)
    assert redriven == 0
