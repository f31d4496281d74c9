"""The Lambda service's ingestion poller, kept running while the local stack stays up.

``annual-review local run --serve`` keeps the moto stack up after its run; with this the ingest
queue keeps being drained into the ingestion function (in a background thread, until Ctrl-C), so
``annual-review send``, ``quarantine replay`` and ``redrive`` against the local endpoint flow
through ingestion as they do on AWS, where the event-source mapping never stops.
"""

from __future__ import annotations

import io
import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import IO, cast

from annual_review.adapters.clients import AwsClients
from annual_review_tools.local.execution import load_function, log_path
from annual_review_tools.local.runner import IngestPoller
from annual_review_tools.local.stack import LocalStack

IDLE_SECONDS = 0.5  # between polls of an empty queue (each costs two requests)
THREAD_NAME = "ingest-poller"


class _PollerOutput(io.TextIOBase):
    """The poller's log stream. While the function runs, the poller sends the process's stdout
    and stderr to its log stream (``contextlib.redirect_stdout``: for every thread); this stream
    keeps only the poller thread's writes for the log and passes every other thread's on, so
    the command's own output (``serving ...``) still reaches the terminal."""

    def __init__(self, log: IO[str], elsewhere: IO[str]) -> None:
        super().__init__()
        self.log = log
        self.elsewhere = elsewhere

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        ours = threading.current_thread().name == THREAD_NAME
        return (self.log if ours else self.elsewhere).write(text)

    def flush(self) -> None:
        for stream in (self.log, self.elsewhere):
            if not stream.closed:
                stream.flush()


class BackgroundIngestion:
    """``with BackgroundIngestion(stack, aws, out_dir):`` drains the ingest queue until the block
    ends. Logs go where the run's do (``out/logs/IngestFunction.log``)."""

    def __init__(
        self, stack: LocalStack, aws: AwsClients, out_dir: Path, idle_seconds: float = IDLE_SECONDS
    ) -> None:
        self.stack = stack
        self.aws = aws
        self.out_dir = out_dir
        self.idle_seconds = idle_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._log: IO[str] | None = None
        self.poller: IngestPoller | None = None
        self.errors = 0

    def __enter__(self) -> BackgroundIngestion:
        function = load_function(self.stack, "IngestFunction")
        self._log = log_path(self.out_dir, function).open("a", encoding="utf-8")
        self.poller = IngestPoller(
            function,
            self.aws.sqs(),
            self.stack.outputs["IngestQueueUrl"],
            self.stack.outputs["IngestDeadLetterQueueUrl"],
            cast("IO[str]", _PollerOutput(self._log, sys.stdout)),
        )
        self._thread = threading.Thread(target=self._drain, name=THREAD_NAME, daemon=True)
        self._thread.start()
        return self

    def _drain(self) -> None:
        assert self.poller is not None
        assert self._log is not None
        while not self._stop.is_set():
            try:
                self.poller.drain()
            except Exception:  # the poller stays up, as Lambda's does; the log says why
                self.errors += 1
                self._log.write(traceback.format_exc())
                logging.getLogger(__name__).warning("ingestion poller: %s", "see the ingest log")
            self._stop.wait(self.idle_seconds)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
        if self._log is not None:
            self._log.close()
