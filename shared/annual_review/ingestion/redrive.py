"""Dead letters back to their queue, never losing one.

On AWS an SQS message-move task moves them inside SQS (nothing passes through this machine).
Where there is none (the local moto stack, or no ``sqs:StartMessageMoveTask`` permission) the
messages are received with a long poll, re-sent, and deleted from the dead-letter queue only once
SQS has accepted the copy: a failed send leaves the message where it was (invisible until its
visibility timeout ends, so one run does not spin on it), a failed delete leaves a copy that the
ledger makes harmless. An empty reply ends the run only after a long poll, or once SQS counts no
visible message: a short poll on AWS samples some servers and may come back empty with messages
waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

from annual_review.adapters.messaging import MoveTasksUnavailable, Queue

WAIT_SECONDS = 20  # SQS's longest long poll
VISIBILITY_SECONDS = 120  # a message whose re-send failed stays out of sight this long
MAX_EMPTY_SHORT_POLLS = 5
MAX_UNSEEN_TASK_POLLS = 30  # a started task SQS does not list (it lists the newest tasks only)


@dataclass
class RedriveReport:
    method: str  # "message-move task" or "receive and re-send"
    moved: int = 0
    failed: int = 0  # re-send refused: still in the dead-letter queue
    not_deleted: int = 0  # re-sent but still in the dead-letter queue too (a harmless copy)
    left: int = 0  # in the dead-letter queue at the end (visible and in flight)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"redrive ({self.method}): moved {self.moved}, failed {self.failed}, "
            f"left in the dead-letter queue {self.left}"
        )
        if self.not_deleted:
            text += f" ({self.not_deleted} re-sent but not deleted: delivered again, harmless)"
        return text


def redrive(
    dead_letters: Queue,
    destination: Queue,
    *,
    most: int | None = None,
    wait_seconds: int = WAIT_SECONDS,
    use_move_task: bool = True,
    visibility_seconds: int = VISIBILITY_SECONDS,
    poll_seconds: float = 2.0,
    on_progress: Callable[[int], None] = lambda _: None,
    sleep: Callable[[float], None] = time.sleep,
) -> RedriveReport:
    """Move the dead letters to ``destination``: a message-move task where there is one (and no
    ``most`` limit), else receive, re-send and delete what was re-sent."""
    if use_move_task and most is None:
        try:
            handle = dead_letters.start_move_task(destination.arn())
        except MoveTasksUnavailable as why:
            report = _resend(
                dead_letters, destination, most, wait_seconds, visibility_seconds, on_progress
            )
            report.notes.append(f"no SQS message-move task here ({why})")
            return report
        return _follow_move_task(dead_letters, handle, poll_seconds, on_progress, sleep)
    return _resend(dead_letters, destination, most, wait_seconds, visibility_seconds, on_progress)


def _follow_move_task(
    dead_letters: Queue,
    handle: str,
    poll_seconds: float,
    on_progress: Callable[[int], None],
    sleep: Callable[[float], None],
) -> RedriveReport:
    report = RedriveReport("message-move task")
    status = "RUNNING"
    unseen = 0
    while status in ("RUNNING", "CANCELLING"):
        task = dead_letters.move_task(handle)
        if task is None:
            unseen += 1
            if unseen > MAX_UNSEEN_TASK_POLLS:
                report.notes.append(f"task {handle} not listed by SQS; it may still be running")
                break
            sleep(poll_seconds)
            continue
        on_progress(task.moved - report.moved)
        report.moved, status = task.moved, task.status
        if status in ("RUNNING", "CANCELLING"):
            sleep(poll_seconds)
        elif status != "COMPLETED":
            report.notes.append(f"task {status}: {task.failure_reason}")
    visible, in_flight = dead_letters.counts()
    report.left = visible + in_flight
    # A move task only deletes what it moved: whatever it did not move is still dead-lettered.
    report.failed = report.left if status == "FAILED" else 0
    return report


def _resend(
    dead_letters: Queue,
    destination: Queue,
    most: int | None,
    wait_seconds: int,
    visibility_seconds: int,
    on_progress: Callable[[int], None],
) -> RedriveReport:
    report = RedriveReport("receive and re-send")
    failed_ids: set[str] = set()
    empty_short_polls = 0
    # SQS counts no visible message: nothing to wait a long poll for.
    nothing_waiting = dead_letters.counts()[0] == 0
    while not nothing_waiting and (most is None or report.moved < most):
        wanted = 10 if most is None else min(10, most - report.moved)
        messages = dead_letters.receive(
            wanted, wait_seconds=wait_seconds, visibility_timeout=visibility_seconds
        )
        if not messages:
            if wait_seconds > 0 or dead_letters.counts()[0] == 0:
                break
            empty_short_polls += 1
            if empty_short_polls >= MAX_EMPTY_SHORT_POLLS:
                report.notes.append("short polls kept coming back empty; run again to finish")
                break
            continue
        try:
            refused = destination.send([m.body for m in messages])
        except (ClientError, BotoCoreError) as error:
            refused = set(range(len(messages)))
            report.notes.append(f"send failed: {error}")
        sent = [m for i, m in enumerate(messages) if i not in refused]
        failed_ids |= {m.message_id for i, m in enumerate(messages) if i in refused}
        failed_ids -= {m.message_id for m in sent}
        try:
            not_deleted = len(dead_letters.delete(sent))
        except (ClientError, BotoCoreError) as error:
            not_deleted = len(sent)
            report.notes.append(f"delete failed: {error}")
        report.not_deleted += not_deleted
        report.moved += len(sent)
        on_progress(len(sent))
    report.failed = len(failed_ids)
    visible, in_flight = dead_letters.counts()
    report.left = visible + in_flight
    return report
