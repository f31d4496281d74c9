"""Learning events end to end in memory: ingestion (exactly once, newest version wins), the change
records written with each commit, the weekly publication's pages and feeds, and takedowns.

Expected figures are worked out by hand in each test from the events it sends."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
from frictionless import validate

from annual_review.figures.aggregates import Contribution
from annual_review.ingestion.contract import InvalidEvent, parse_event
from annual_review.ingestion.planner import (
    IncomingMessage,
    LedgerWrite,
    ProcessingOutcome,
    ingest_batch,
)
from annual_review.learning.changes import Change, change_record, decode_change
from annual_review.learning.publication import LEARNING_CACHE, LearningPublisher
from annual_review.registry.councils import load_registry
from tests.builders import body
from tests.fakes import InMemoryLedgerStore, InMemoryQuarantine, MemoryObjectStore

TODAY = date(2021, 6, 1)
NOW = datetime(2021, 6, 2, 9, 30, tzinfo=UTC)
KINGSTON = "E09000021"  # Kingston upon Thames


class RecordingStore(InMemoryLedgerStore):
    """The ledger in memory, keeping the change records a commit writes (as DynamoDB would)."""

    def __init__(self) -> None:
        super().__init__()
        self.changes: dict[tuple[str, str], dict[str, Any]] = {}
        self.clock = NOW

    def commit(self, writes: Sequence[LedgerWrite], deltas: Contribution) -> None:
        super().commit(writes, deltas)
        for write in writes:
            if (record := change_record(write, self.clock)) is not None:
                self.changes[(record["day"]["S"], record["item"]["S"])] = record

    def changes_on(self, day: date) -> list[Change]:
        return [
            decode_change(r) for (d, _), r in sorted(self.changes.items()) if d == day.isoformat()
        ]


def statement(decision_id: str = "21-001", version: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "decision_id": decision_id,
        "version": version,
        "authority_code": KINGSTON,
        "reference": "20 001 234",
        "decided_on": "2021-04-20",
        "published_on": "2021-05-18",
        "outcome": "upheld",
        "service_area": "housing",
        "summary": "The council delayed repairs to Mrs B's flat and did not reply to her.",
        "statement_url": f"https://www.lgo.org.uk/decisions/{decision_id}",
        **extra,
    }


def report(report_id: str = "PR-1", version: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "version": version,
        "authority_code": KINGSTON,
        "issued_on": "2021-05-03",
        "kind": "public_interest_report",
        "title": "Council failed to assess a disabled child's needs",
        "summary": "We found the council took a year to assess the child.",
        "url": "https://www.lgo.org.uk/reports/pr-1",
        **extra,
    }


def improvement(improvement_id: str = "SI-1", version: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "improvement_id": improvement_id,
        "version": version,
        "decision_id": "21-001",
        "authority_code": KINGSTON,
        "agreed_on": "2021-04-20",
        "service_area": "housing",
        "description": "Train housing officers on repair timescales.",
        "due_on": "2021-07-20",
        "status": "agreed",
        **extra,
    }


def ingest(store: RecordingStore, *events: tuple[str, dict[str, Any]]) -> list[ProcessingOutcome]:
    messages = [IncomingMessage(f"m{n}", body(t, d)) for n, (t, d) in enumerate(events)]
    quarantine = InMemoryQuarantine()
    results = ingest_batch(messages, store, quarantine, councils=load_registry(None), today=TODAY)
    store.quarantined = quarantine  # type: ignore[attr-defined]
    return [r.outcome for r in results]


def published() -> tuple[RecordingStore, MemoryObjectStore, MemoryObjectStore, LearningPublisher]:
    store = RecordingStore()
    private, public = MemoryObjectStore(), MemoryObjectStore()
    return store, private, public, LearningPublisher(private, public, load_registry(None))


def page(public: MemoryObjectStore, key: str) -> str:
    found = public.get(key)
    assert found is not None, key
    return found.decode()


def test_newest_version_wins_duplicates_and_stale_versions_are_ignored() -> None:
    store, _, public, publisher = published()
    v1, v2, v3 = (
        statement(version=1),
        statement(version=2, summary="Amended: repairs were late."),
        statement(version=3, outcome="not_upheld", summary="Third version."),
    )
    outcomes = ingest(
        store,
        ("DecisionPublished", v2),
        ("DecisionPublished", v1),  # older than v2 in the same batch: ignored
        ("DecisionPublished", v2),  # duplicate
    )
    assert sorted(outcomes) == sorted([ProcessingOutcome.APPLIED] + [ProcessingOutcome.IGNORED] * 2)
    assert ingest(store, ("DecisionPublished", v1)) == [ProcessingOutcome.IGNORED]
    assert ingest(store, ("DecisionPublished", v3)) == [ProcessingOutcome.APPLIED]
    result = publisher.run(store, NOW)
    html = page(
        public, "councils/royal-borough-of-kingston-upon-thames/learning/2021-22/index.html"
    )
    assert "Third version." in html
    assert "Amended" not in html
    assert html.count('data-field="decision"') == 1
    assert result.councils == 1
    # The outcome filter has a page for "not upheld" only (the one version shown).
    assert public.exists(
        "councils/royal-borough-of-kingston-upon-thames/learning/2021-22/outcome-not_upheld/index.html"
    )
    assert not public.exists(
        "councils/royal-borough-of-kingston-upon-thames/learning/2021-22/outcome-upheld/index.html"
    )
    assert (
        public.objects["councils/royal-borough-of-kingston-upon-thames/learning/feed.xml"][2]
        == LEARNING_CACHE
    )


def test_a_withdrawal_takes_the_item_down_and_an_older_version_cannot_bring_it_back() -> None:
    store, _, public, publisher = published()
    ingest(store, ("PublicReportIssued", report()))
    publisher.run(store, NOW)
    index = "councils/royal-borough-of-kingston-upon-thames/learning/index.html"
    assert "disabled child" in page(public, index)
    ingest(store, ("PublicReportIssued", {"report_id": "PR-1", "version": 2, "withdrawn": True}))
    assert ingest(store, ("PublicReportIssued", report())) == [ProcessingOutcome.IGNORED]
    publisher.run(store, NOW)
    assert "disabled child" not in page(public, index)
    assert "disabled child" not in page(public, "learning/reports/index.html")
    assert "disabled child" not in page(public, "learning/feed.xml")


def test_markup_in_a_summary_shows_as_text() -> None:
    store, _, public, publisher = published()
    ingest(
        store,
        ("DecisionPublished", statement(summary='Mr C said <script>alert(1)</script> & "more"')),
    )
    publisher.run(store, NOW)
    html = page(
        public, "councils/royal-borough-of-kingston-upon-thames/learning/2021-22/index.html"
    )
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;more&#34;" in html
    feed = feedparser.parse(public.get("learning/feed.xml"))
    assert feed.bozo == 0
    assert feed.entries[0].summary == 'Mr C said <script>alert(1)</script> & "more"'


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Contact Ms D at d.smith@example.org about the care plan.", "an email address"),
        ("Mr E asked us to ring 020 7946 0018.", "a UK telephone number"),
        ("Mr E gave his mobile, +44 7700 900 123.", "a UK telephone number"),
    ],
)
def test_personal_contact_details_are_quarantined_naming_the_field_never_the_value(
    text: str, reason: str
) -> None:
    store, _, _, _ = published()
    assert ingest(store, ("DecisionPublished", statement(summary=text))) == [
        ProcessingOutcome.QUARANTINED
    ]
    with pytest.raises(InvalidEvent) as caught:
        parse_event(body("DecisionPublished", statement(summary=text)), today=TODAY)
    assert caught.value.errors == [
        f"detail.summary: looks like it holds {reason} (personal data is not published)"
        " (value not shown)"
    ]
    assert text not in json.dumps(caught.value.errors)
    assert not store.changes


def test_a_case_reference_and_dates_are_not_mistaken_for_a_phone_number() -> None:
    detail = statement(
        summary="Case 20 001 234: the council paid £300 on 2021-05-01 within 28 days."
    )
    assert parse_event(body("DecisionPublished", detail), today=TODAY)


def test_links_must_be_https_on_an_allowed_host() -> None:
    with pytest.raises(InvalidEvent) as caught:
        parse_event(
            body("DecisionPublished", statement(statement_url="https://example.com/x")), today=TODAY
        )
    assert caught.value.errors[0].startswith(
        "detail.statement_url: host is not one of the allowed hosts (www.lgo.org.uk)"
    )
    allowed = frozenset({"decisions.example.org"})
    event = parse_event(
        body("DecisionPublished", statement(statement_url="https://decisions.example.org/1")),
        today=TODAY,
        allowed_hosts=allowed,
    )
    assert event.detail.statement_url == "https://decisions.example.org/1"  # type: ignore[union-attr]


def test_improvements_are_the_published_figure_hidden_until_their_year_is_released() -> None:
    store, _, public, publisher = published()
    ingest(
        store,
        ("ServiceImprovementRecorded", improvement("SI-1")),
        ("ServiceImprovementRecorded", improvement("SI-2", description="Apologise to Mrs B.")),
        (
            "ServiceImprovementRecorded",
            improvement(
                "SI-2",
                version=2,
                description="Apologise to Mrs B.",
                status="completed",
                completed_on="2021-05-01",
            ),
        ),
        ("ServiceImprovementRecorded", improvement("SI-3")),
        ("ServiceImprovementRecorded", {"improvement_id": "SI-3", "version": 2, "withdrawn": True}),
    )
    # Two improvements stand (SI-1, SI-2 at version 2): the published count is 2.
    counters = store.counters()
    assert [c["service_improvements"] for c in counters.values()] == [2]
    publisher.run(store, NOW)
    year_page = page(
        public, "councils/royal-borough-of-kingston-upon-thames/learning/2021-22/index.html"
    )
    assert "Apologise to Mrs B." not in year_page  # 2021-22 not released
    assert "Apologise" not in page(public, "learning/feed.xml")
    public.put(
        "data/index.json",
        json.dumps({"years": [{"year": "2021-22", "revision": 1}]}).encode(),
        "application/json",
        "x",
    )
    result = publisher.run(store, NOW)
    assert result.released_now == ["2021-22"]
    year_page = page(
        public, "councils/royal-borough-of-kingston-upon-thames/learning/2021-22/index.html"
    )
    assert "Apologise to Mrs B." in year_page
    assert "Completed" in year_page
    assert "Train housing officers" in page(public, "learning/improvements/2021-22/index.html")
    index = page(public, "councils/royal-borough-of-kingston-upon-thames/learning/index.html")
    assert "/letters/2021-22/r1/E09000021.html" in index


def test_an_improvement_completed_without_a_date_is_refused() -> None:
    with pytest.raises(InvalidEvent) as caught:
        parse_event(
            body("ServiceImprovementRecorded", improvement(status="completed")), today=TODAY
        )
    assert caught.value.errors == [
        "detail.completed_on: required when status is 'completed' (missing)"
    ]


def test_a_takedown_removes_the_item_from_page_and_feed_at_once() -> None:
    store, _, public, publisher = published()
    ingest(
        store,
        ("DecisionPublished", statement("21-001")),
        ("DecisionPublished", statement("21-002", summary="Second decision.")),
    )
    publisher.run(store, NOW)
    written = publisher.take_down(
        "statement#21-002", f"{KINGSTON}#2021-22", "names a resident", NOW
    )
    assert written > 0
    html = page(
        public, "councils/royal-borough-of-kingston-upon-thames/learning/2021-22/index.html"
    )
    assert "Second decision." not in html
    assert "21-001" in html
    for feed in (
        "learning/feed.xml",
        "councils/royal-borough-of-kingston-upon-thames/learning/feed.xml",
    ):
        parsed = feedparser.parse(public.get(feed))
        assert parsed.bozo == 0
        assert [e.link for e in parsed.entries] == ["https://www.lgo.org.uk/decisions/21-001"]
    # A later run does not bring it back.
    publisher.run(store, NOW)
    assert "Second decision." not in page(
        public, "councils/royal-borough-of-kingston-upon-thames/learning/2021-22/index.html"
    )


def test_an_amendment_moving_an_item_to_another_council_leaves_the_first() -> None:
    store, _, public, publisher = published()
    ingest(store, ("DecisionPublished", statement()))
    ingest(store, ("DecisionPublished", statement(version=2, authority_code="E09000022")))
    publisher.run(store, NOW)
    assert '"decision"' not in page(
        public, "councils/royal-borough-of-kingston-upon-thames/learning/2021-22/index.html"
    )
    assert "21-001" in page(
        public, "councils/london-borough-of-lambeth/learning/2021-22/index.html"
    )


def test_decisions_are_paged_newest_first() -> None:
    store, _, public, publisher = published()
    ingest(
        store,
        *[
            ("DecisionPublished", statement(f"21-{n:03d}", decided_on=f"2021-04-{n:02d}"))
            for n in range(1, 10)
        ],
    )
    ingest(
        store,
        *[
            (
                "DecisionPublished",
                statement(
                    f"21-{n:03d}", decided_on=f"2021-05-{n - 9:02d}", published_on="2021-05-31"
                ),
            )
            for n in range(10, 31)
        ],
    )
    publisher.run(store, NOW)
    first = page(
        public, "councils/royal-borough-of-kingston-upon-thames/learning/2021-22/index.html"
    )
    second = page(
        public, "councils/royal-borough-of-kingston-upon-thames/learning/2021-22/page-2/index.html"
    )
    assert first.count('data-field="decision"') == 25
    assert second.count('data-field="decision"') == 5
    assert first.index('data-decision-id="21-030"') < first.index('data-decision-id="21-029"')
    assert 'data-decision-id="21-001"' in second


def test_the_learning_open_data_passes_frictionless_validation(tmp_path: Path) -> None:
    store, _, public, publisher = published()
    ingest(
        store,
        ("DecisionPublished", statement("21-001")),
        ("DecisionPublished", statement("21-002", summary='Said "no", then <b>yes</b>, sadly.')),
        ("PublicReportIssued", report()),
        ("ServiceImprovementRecorded", improvement("SI-1")),
        ("ServiceImprovementRecorded", improvement("SI-2", status="completed",
                                                   completed_on="2021-05-01")),
    )  # fmt: skip
    release = json.dumps({"years": [{"year": "2021-22", "revision": 1}]}).encode()
    public.put("data/index.json", release, "application/json", "x")
    publisher.run(store, NOW)
    for key in public.list("data/2021-22/"):
        (tmp_path / key.rsplit("/", 1)[-1]).write_bytes(public.get(key) or b"")
    report_ = validate(str(tmp_path / "learning-datapackage.json"))
    assert report_.valid, report_.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "decisions.csv").read_text())))
    assert [r["decision_id"] for r in rows] == ["21-001", "21-002"]
    assert rows[1]["summary"] == 'Said "no", then <b>yes</b>, sadly.'
    improvements = list(
        csv.DictReader(io.StringIO((tmp_path / "service-improvements.csv").read_text()))
    )
    # The published figure for Kingston in 2021-22 is these two rows.
    assert [(r["improvement_id"], r["status"], r["completed_on"]) for r in improvements] == [
        ("SI-1", "agreed", ""),
        ("SI-2", "completed", "2021-05-01"),
    ]
    assert "kind" in (tmp_path / "public-reports-dictionary.csv").read_text()


def test_no_count_is_shown_for_a_year_not_yet_released() -> None:
    store, _, public, publisher = published()
    ingest(
        store,
        ("DecisionPublished", statement("21-001")),
        ("DecisionPublished", statement("21-002")),
    )
    publisher.run(store, NOW)
    page_ = page(public, "learning/decisions/2021-22/housing/index.html")
    assert "Royal Borough of Kingston upon Thames" in page_
    assert "2 decisions" not in page_
    release = json.dumps({"years": [{"year": "2021-22", "revision": 1}]}).encode()
    public.put("data/index.json", release, "application/json", "x")
    publisher.run(store, NOW)
    assert "2 decisions" in page(public, "learning/decisions/2021-22/housing/index.html")
