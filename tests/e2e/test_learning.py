"""Learning end to end on the local stack: events file through the bus, ingestion, the year's
publication, the weekly learning publication, and an operator's takedown.

Expected results are worked out by hand from the events below: which version of each item is
shown, which are quarantined, the improvements figure, and the complaint each decision closes.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import boto3
import feedparser
import pytest

from annual_review.commands.cli import main
from annual_review.fiscal import FinancialYear
from annual_review_tools.local.harness import RunOptions, run_on
from annual_review_tools.local.server import LocalServer

pytestmark = pytest.mark.e2e
YEAR = FinancialYear(2019)
KINGSTON = "E09000021"
SLUG = "royal-borough-of-kingston-upon-thames"


def statement(decision_id: str, version: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "decision_id": decision_id, "version": version, "authority_code": KINGSTON,
        "reference": "19 004 321", "decided_on": "2019-06-10", "published_on": "2019-07-15",
        "outcome": "upheld", "service_area": "housing",
        "summary": "The council took too long to repair Ms A's boiler.",
        "statement_url": f"https://www.lgo.org.uk/decisions/{decision_id}",
    } | extra  # fmt: skip


def improvement(improvement_id: str, version: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "improvement_id": improvement_id, "version": version, "decision_id": "L-1",
        "authority_code": KINGSTON, "agreed_on": "2019-06-10", "service_area": "housing",
        "description": "Review how boiler repairs are logged.", "due_on": "2019-09-10",
        "status": "agreed",
    } | extra  # fmt: skip


def line(detail_type: str, detail: dict[str, Any]) -> str:
    return json.dumps({"Source": "ombudsman.casework", "DetailType": detail_type,
                       "Detail": detail})  # fmt: skip


EVENTS: list[tuple[str, dict[str, Any]]] = [
    ("ComplaintReceived", {"complaint_id": "LC-1", "authority_code": KINGSTON,
                           "received_on": "2019-05-01", "service_area": "housing"}),
    ("ComplaintReceived", {"complaint_id": "LC-2", "authority_code": KINGSTON,
                           "received_on": "2019-05-02", "service_area": "housing"}),
    ("DecisionRecorded", {"decision_id": "L-1", "version": 1, "authority_code": KINGSTON,
                          "decided_on": "2019-06-10", "outcome": "upheld",
                          "service_area": "housing", "satisfactory_remedy_by_authority": False,
                          "service_improvements": 5, "complaint_id": "LC-1"}),
    # L-1's statement: version 2 arrives before version 1, and version 2 twice
    ("DecisionPublished", statement("L-1", 2, summary="Amended: <em>Ms A</em> & the boiler.")),
    ("DecisionPublished", statement("L-1", 1)),
    ("DecisionPublished", statement("L-1", 2, summary="Amended: <em>Ms A</em> & the boiler.")),
    # L-2 published, then withdrawn; L-3 published, later taken down by the operator
    ("DecisionPublished", statement("L-2", summary="To be withdrawn.")),
    ("DecisionPublished", {"decision_id": "L-2", "version": 2, "withdrawn": True}),
    ("DecisionPublished", statement("L-3", outcome="not_upheld", summary="To be taken down.")),
    # L-4 names an email address: quarantined
    ("DecisionPublished", statement("L-4", summary="Write to ms.a@example.org for details.")),
    # improvements: two stand (one completed), one withdrawn; the figure is 2, not 5
    ("ServiceImprovementRecorded", improvement("LI-1")),
    ("ServiceImprovementRecorded", improvement("LI-2")),
    ("ServiceImprovementRecorded", improvement("LI-2", 2, status="completed",
                                               completed_on="2019-08-01")),
    ("ServiceImprovementRecorded", improvement("LI-3")),
    ("ServiceImprovementRecorded", {"improvement_id": "LI-3", "version": 2, "withdrawn": True}),
    ("PublicReportIssued", {"report_id": "LR-1", "version": 1, "authority_code": KINGSTON,
                            "issued_on": "2019-06-10", "kind": "public_interest_report",
                            "title": "Family waited a winter for heating",
                            "summary": "The council left a family without heating.",
                            "url": "https://www.lgo.org.uk/reports/lr-1", "decision_id": "L-1"}),
]  # fmt: skip


def test_learning_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(line(t, d) for t, d in EVENTS) + "\n")
    out = tmp_path / "out"
    with LocalServer() as server:
        result = run_on(
            server,
            RunOptions(years=[YEAR], out_dir=out, events_file=events, progress=False),
        )
        assert result.publication_failures == 0, result.publication
        summary = result.summary["events"]
        # 16 lines: 1 quarantined (L-4); L-1 v1 (stale) and L-1 v2's copy (a duplicate) are
        # ignored, and so is each first version that met its successor in the same batch (L-2,
        # LI-2, LI-3: batching decides), so between 2 and 5 are ignored
        assert summary["quarantined"] == 1
        assert summary["applied"] + summary["ignored"] == 15
        assert 2 <= summary["ignored"] <= 5
        s3 = boto3.client("s3", endpoint_url=server.url, region_name="eu-west-2")
        bucket = result.stack.outputs["PublicBucketName"]  # type: ignore[union-attr]

        def public(key: str) -> str:
            return s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()

        page = public(f"councils/{SLUG}/learning/2019-20/index.html")
        # Only L-1 (version 2, markup shown as text) and L-3 are shown; the report and both
        # standing improvements too (the year is released).
        assert page.count('data-field="decision"') == 2
        assert "Amended: &lt;em&gt;Ms A&lt;/em&gt; &amp; the boiler." in page
        assert "To be withdrawn." not in page
        assert "ms.a@example.org" not in page
        assert "Family waited a winter for heating" in page
        assert page.count('data-field="improvement"') == 2
        councils = json.loads(public(f"data/{YEAR.label}/councils.json"))["councils"]
        [kingston] = [c for c in councils if c["code"] == KINGSTON]
        assert kingston["service_improvements"] == 2
        rows = list(csv.DictReader(io.StringIO(public(f"data/{YEAR.label}/decisions.csv"))))
        assert [(r["decision_id"], r["version"]) for r in rows] == [("L-1", "2"), ("L-3", "1")]
        # The case list joins complaint LC-1 to decision L-1; LC-2 is not decided.
        private = result.stack.outputs["PrivateBucketName"]  # type: ignore[union-attr]
        case_list = s3.get_object(Bucket=private, Key=f"cases/{YEAR.label}/r1/{KINGSTON}.csv")
        cases = list(csv.DictReader(io.StringIO(case_list["Body"].read().decode())))
        decided = {r["id"]: r["decided_by"] for r in cases if r["list"] == "complaint"}
        assert decided == {"LC-1": "L-1", "LC-2": ""}
        # When the operator takes L-3 down
        stack = ["--stack", "annual-review-local", "--endpoint-url", server.url]
        assert main(["learning", "takedown", "L-3", "--reason", "names a resident", *stack]) == 0
        page = public(f"councils/{SLUG}/learning/2019-20/index.html")
        assert "To be taken down." not in page
        for feed in (f"councils/{SLUG}/learning/feed.xml", "learning/feed.xml"):
            parsed = feedparser.parse(public(feed))
            assert parsed.bozo == 0, feed
            links = {e.link for e in parsed.entries}
            assert "https://www.lgo.org.uk/decisions/L-1" in links
            assert "https://www.lgo.org.uk/decisions/L-3" not in links
    capsys.readouterr()
