"""The events-file format, resending failed entries, the rate cap, and the move-task redrive."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from annual_review.adapters.clients import LOCAL_REGION, AwsClients
from annual_review.adapters.messaging import BusEntry, MoveTask, PutFailure, QueueMessage
from annual_review.ingestion.events_file import RateLimit, parse_events_lines, send_entries
from annual_review.ingestion.redrive import redrive


def test_each_line_is_an_entry_or_an_unreadable_line_with_its_number() -> None:
    found = parse_events_lines(
        [
            '{"DetailType": "DecisionRecorded", "Detail": {"decision_id": "D-1"}}',
            "",
            "not json",
            '{"Source": "ombudsman.casework", "DetailType": "X", "Detail": "{broken"}',
            '{"Detail": {}}',
            "[1, 2]",
        ]
    )
    assert found.entries == [
        BusEntry("DecisionRecorded", '{"decision_id": "D-1"}'),
        BusEntry("X", "{broken"),  # the bus judges the detail's text
    ]
    assert found.lines == [1, 4]
    assert [r.index for r in found.unreadable] == [3, 5, 6]
    assert "DetailType must be a non-empty string" in found.unreadable[1].reason


class FlakyBus:
    """Reports the first attempt of every even entry failed, and one entry always malformed."""

    bus_name = "bus"

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.attempts: dict[str, int] = {}

    def put_each(self, entries: Sequence[BusEntry]) -> list[str | PutFailure]:
        assert len(entries) <= 10
        results: list[str | PutFailure] = []
        for i, entry in enumerate(entries):
            tries = self.attempts[entry.detail] = self.attempts.get(entry.detail, 0) + 1
            if entry.detail == "bad":
                results.append(PutFailure(i, "MalformedDetail", "not JSON"))
            elif int(entry.detail) % 2 == 0 and tries == 1:
                results.append(PutFailure(i, "ThrottlingException", "slow down"))
            else:
                self.seen.append(entry.detail)
                results.append(f"id-{entry.detail}")
        return results


def test_failed_entries_are_resent_and_permanent_failures_reported() -> None:
    entries = [BusEntry("T", str(n)) for n in range(23)] + [BusEntry("T", "bad")]
    bus = FlakyBus()
    progress: list[int] = []
    report = send_entries(entries, bus, on_progress=progress.append, sleep=lambda _: None)  # type: ignore[arg-type]
    assert sorted(bus.seen, key=int) == [str(n) for n in range(23)]
    assert report.sent == 23
    assert [(r.index, r.reason) for r in report.rejected] == [(23, "MalformedDetail: not JSON")]
    assert report.resent == 12  # each even entry once
    assert bus.attempts["bad"] == 1  # a permanent error is not resent
    assert progress == [10, 10, 4]


def test_the_rate_cap_spaces_calls() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limit = RateLimit(20, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        limit.take(10)
    assert slept == [0.5, 0.5, 0.5]  # 40 events at 20 a second: 1.5 s after the first call


class MovingQueue:
    """A dead-letter queue with SQS message-move tasks (as on AWS)."""

    url = "dlq"

    def __init__(self) -> None:
        self.polls = 0

    def arn(self) -> str:
        return "arn:dlq"

    def start_move_task(self, destination_arn: str) -> str:
        assert destination_arn == "arn:ingest"
        return "handle-1"

    def move_task(self, handle: str) -> MoveTask:
        self.polls += 1
        if self.polls < 3:
            return MoveTask(handle, "RUNNING", moved=self.polls * 40, to_move=100)
        return MoveTask(handle, "COMPLETED", moved=100, to_move=100)

    def counts(self) -> tuple[int, int]:
        return (0, 0)

    def receive(self, *args: object, **kwargs: object) -> list[QueueMessage]:
        raise AssertionError("a move task moves the messages inside SQS")


class Destination:
    def arn(self) -> str:
        return "arn:ingest"


def test_a_message_move_task_is_used_where_there_is_one_and_followed_to_its_end() -> None:
    progress: list[int] = []
    report = redrive(
        MovingQueue(),  # type: ignore[arg-type]
        Destination(),  # type: ignore[arg-type]
        on_progress=progress.append,
        sleep=lambda _: None,
    )
    assert (report.method, report.moved, report.failed, report.left) == (
        "message-move task",
        100,
        0,
        0,
    )
    assert sum(progress) == 100


def test_a_loopback_endpoint_needs_no_aws_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    clients = AwsClients(endpoint_url="http://127.0.0.1:4566")
    credentials = clients.session.get_credentials()
    assert credentials is not None
    assert credentials.access_key == "local"
    assert clients.sqs().meta.region_name == LOCAL_REGION
