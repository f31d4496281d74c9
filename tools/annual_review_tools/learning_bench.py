"""The weekly learning publication's cost for one week of changes, over 1 and over 3 years of
history (``make bench``): objects written, objects considered, S3 requests and seconds.

The history is the synthetic years' learning, applied as change records exactly as ingestion
writes them and published once (not timed); then the same week of changes (a week of the next
year's statements, reports and improvements) is published over it, timed. S3 is moto in
process, through the same adapters the function uses.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from annual_review.fiscal import FinancialYear
from annual_review.ingestion.contract import InvalidEvent, parse_event
from annual_review.ingestion.planner import LedgerEntry, LedgerWrite, ledger_entry
from annual_review.learning.changes import Change, change_record, decode_change

LEARNING_TYPES = ("DecisionPublished", "PublicReportIssued", "ServiceImprovementRecorded")


@dataclass(frozen=True)
class WeekTiming:
    history_years: int
    changes: int
    councils: int
    objects: int
    written: int
    requests: int
    seconds: float


class _Changes:
    """Change records by day, as the changes table holds them."""

    def __init__(self) -> None:
        self.by_day: dict[date, list[Change]] = defaultdict(list)
        self.ledger: dict[str, LedgerEntry] = {}

    def apply(self, entries: list[dict[str, str]], day: date) -> None:
        moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        for entry in entries:
            body = json.dumps(
                {"version": "0", "id": "b", "detail-type": entry["DetailType"],
                 "source": "ombudsman.casework", "time": "2020-01-01T00:00:00Z",
                 "region": "eu-west-2", "resources": [], "detail": json.loads(entry["Detail"])}
            )  # fmt: skip
            try:
                event = parse_event(body, today=date.max)
            except InvalidEvent:  # quarantined in a real run: not a change
                continue
            new = ledger_entry(event.detail_type, event.detail)
            old = self.ledger.get(new.key)
            if old is not None and old.version >= new.version:
                continue
            self.ledger[new.key] = new
            record = change_record(LedgerWrite(new, old.version if old else None, old), moment)
            if record is not None:
                self.by_day[day].append(decode_change(record))

    def changes_on(self, day: date) -> list[Change]:
        return list(self.by_day.get(day, []))


def _learning_entries(year: FinancialYear, scale: float, today: date) -> list[dict[str, str]]:
    from annual_review_tools.local.synth import councils_for, generate_year

    entries = generate_year(year, councils_for(year), seed=1, scale=scale, today=today).entries
    return [e for e in entries if e["DetailType"] in LEARNING_TYPES]


def _week_of(entries: list[dict[str, str]], start: date) -> list[dict[str, str]]:
    """The entries whose own date falls in the week from ``start``."""
    end = start + timedelta(days=7)
    chosen = []
    for entry in entries:
        detail = json.loads(entry["Detail"])
        day = detail.get("published_on") or detail.get("issued_on") or detail.get("agreed_on")
        if day and start <= date.fromisoformat(day) < end:
            chosen.append(entry)
    return chosen


@contextlib.contextmanager
def _s3_requests(client: Any) -> Iterator[list[str]]:
    """Every S3 request ``client`` makes inside the block."""
    calls: list[str] = []

    def count(event_name: str, **_: Any) -> None:
        calls.append(event_name)

    client.meta.events.register("before-call.s3", count)
    try:
        yield calls
    finally:
        client.meta.events.unregister("before-call.s3", count)


def week_over_history(history_years: int, scale: float) -> WeekTiming:
    import boto3
    from moto import mock_aws

    from annual_review.adapters.storage import S3ObjectStore
    from annual_review.learning.publication import LearningPublisher
    from annual_review.registry.councils import load_registry

    last = FinancialYear(2021)
    years = [FinancialYear(last.start_year - n) for n in reversed(range(history_years))]
    week_year = FinancialYear(last.start_year + 1)
    history_day = date(2022, 7, 1)
    week_start = date(2022, 9, 5)
    with mock_aws(), contextlib.redirect_stdout(io.StringIO()):
        s3 = boto3.client("s3", region_name="eu-west-2")
        for bucket in ("bench-private", "bench-public"):
            s3.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
            )
        private = S3ObjectStore("bench-private", lambda: s3)
        public = S3ObjectStore("bench-public", lambda: s3)
        released = {"years": [{"year": y.label, "revision": 1} for y in years]}
        public.put("data/index.json", json.dumps(released).encode(), "application/json", "x")
        publisher = LearningPublisher(private, public, load_registry(None))
        changes = _Changes()
        # The history arrived before the last run's day, as it would have over the years.
        for year in years:
            changes.apply(_learning_entries(year, scale, history_day), history_day)
        publisher.run(changes, datetime(2022, 7, 2, 9, 30, tzinfo=UTC))
        week = _week_of(_learning_entries(week_year, scale, week_start + timedelta(days=7)),
                        week_start)  # fmt: skip
        changes.apply(week, week_start + timedelta(days=6))
        with _s3_requests(s3) as calls:
            started = time.perf_counter()
            result = publisher.run(changes, datetime(2022, 9, 14, 9, 30, tzinfo=UTC))
            seconds = time.perf_counter() - started
    return WeekTiming(
        history_years=history_years,
        changes=result.changes,
        councils=result.councils,
        objects=result.objects,
        written=result.written,
        requests=len(calls),
        seconds=seconds,
    )


def learning_week(scale: float = 0.05) -> list[WeekTiming]:
    return [week_over_history(n, scale) for n in (1, 3)]


def format_learning_week(timings: list[WeekTiming]) -> list[str]:
    lines = [
        "| history | changes in the week | councils | objects considered | objects written "
        "| S3 requests | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in timings:
        lines.append(
            f"| {t.history_years} year{'s' if t.history_years > 1 else ''} | {t.changes} "
            f"| {t.councils} | {t.objects} | {t.written} | {t.requests} | {t.seconds:.2f} |"
        )
    if len(timings) == 2 and timings[0].seconds:
        one, three = timings
        lines += [
            "",
            f"Ratio 3 years / 1 year: objects written {three.written / max(one.written, 1):.2f},"
            f" S3 requests {three.requests / max(one.requests, 1):.2f},"
            f" seconds {three.seconds / one.seconds:.2f}.",
        ]
    return lines


def main() -> int:
    print("\n".join(format_learning_week(learning_week())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
