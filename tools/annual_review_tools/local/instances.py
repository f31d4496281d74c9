"""Instances of the ingestion function polling the queue side by side, as Lambda scales an SQS
event source to several concurrent executions.

Each instance is a process of its own (its own interpreter, module state, clients and cold start,
as a Lambda execution environment is) running an ``IngestPoller`` on the shared queue, and
reports each batch's outcomes to the run. One instance in this process left a core idle while
it waited on the moto server and the server waited on it; two keep both busy.
"""

from __future__ import annotations

import multiprocessing
import queue
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annual_review.adapters.clients import AwsClients
from annual_review_tools.local.execution import load_function
from annual_review_tools.local.metering import RequestCounter
from annual_review_tools.local.runner import IngestPoller, IngestTally
from annual_review_tools.local.server import REGION
from annual_review_tools.local.stack import LocalStack

INSTANCES = 2
FUNCTION = "IngestFunction"


@dataclass(frozen=True)
class _Instance:
    stack: LocalStack
    endpoint: str
    log_file: Path


def _run_instance(instance: _Instance, results: Any, sending_done: Any) -> None:
    """One execution environment: poll until the queue is drained and the sender is done."""
    try:
        function = load_function(instance.stack, FUNCTION)
        counter = RequestCounter()
        # Line-buffered appends: the instances' log lines never interleave within a line.
        with (
            counter.counting_every_client(),
            instance.log_file.open("a", encoding="utf-8", buffering=1) as log,
        ):
            poller = IngestPoller(
                function,
                AwsClients(endpoint_url=instance.endpoint, region=REGION).sqs(),
                instance.stack.outputs["IngestQueueUrl"],
                instance.stack.outputs["IngestDeadLetterQueueUrl"],
                log,
            )
            poller.drain(
                more_coming=lambda: not sending_done.is_set(),
                on_outcomes=lambda pairs: results.put(("outcomes", pairs)) if pairs else None,
            )
        tally = poller.tally
        results.put(("done", tally.item_failures, tally.handler_errors, dict(counter.snapshot())))
    except BaseException:
        results.put(("failed", traceback.format_exc()))
        raise


class IngestInstances:
    """``INSTANCES`` ingestion instances draining the queue while the case system sends."""

    def __init__(self, stack: LocalStack, endpoint: str, log_file: Path, count: int = INSTANCES):
        self.instance = _Instance(stack, endpoint, log_file)
        self.count = count

    def drain(
        self,
        tally: IngestTally,
        counter: RequestCounter,
        on_progress: Callable[[int], None],
        more_coming: Callable[[], bool],
    ) -> None:
        """Run the instances until the queue is drained and ``more_coming()`` is false; their
        outcomes go into ``tally`` (first outcome per event, as one poller keeps them) and their
        AWS requests into ``counter``."""
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        sending_done = context.Event()
        processes = [
            context.Process(
                target=_run_instance,
                args=(self.instance, results, sending_done),
                name=f"ingest-instance-{number}",
                daemon=True,
            )
            for number in range(1, self.count + 1)
        ]
        for process in processes:
            process.start()
        try:
            self._collect(
                results, processes, tally, counter, on_progress, more_coming, sending_done
            )
        finally:
            for process in processes:
                process.join(timeout=10)
                if process.is_alive():
                    process.kill()

    def _collect(
        self,
        results: Any,
        processes: list[Any],
        tally: IngestTally,
        counter: RequestCounter,
        on_progress: Callable[[int], None],
        more_coming: Callable[[], bool],
        sending_done: Any,
    ) -> None:
        finished = 0
        while finished < len(processes):
            if not sending_done.is_set() and not more_coming():
                sending_done.set()
            try:
                kind, *payload = results.get(timeout=0.05)
            except queue.Empty:
                stopped = [p.name for p in processes if p.exitcode not in (None, 0)]
                if stopped:
                    raise RuntimeError(f"ingestion instance(s) stopped: {stopped}") from None
                continue
            if kind == "outcomes":
                added = 0
                for event_id, outcome in payload[0]:
                    if event_id not in tally.outcomes:
                        tally.outcomes[event_id] = outcome
                        added += 1
                on_progress(added)
            elif kind == "done":
                item_failures, handler_errors, requests = payload
                tally.item_failures += item_failures
                tally.handler_errors += handler_errors
                counter.add(Counter(requests))
                finished += 1
            else:
                raise RuntimeError(f"an ingestion instance failed:\n{payload[0]}")
