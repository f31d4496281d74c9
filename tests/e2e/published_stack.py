"""A local stack with published years, as the e2e tests act on it: the run's result, the
operator's CLI against it, and events ingested after the run."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from annual_review.adapters.clients import AwsClients
from annual_review.commands.cli import main
from annual_review_tools.local.execution import load_function
from annual_review_tools.local.harness import RunResult
from annual_review_tools.local.runner import IngestPoller
from annual_review_tools.local.stack import LocalStack


@dataclass
class Published:
    url: str
    result: RunResult
    out: Path

    @property
    def stack(self) -> LocalStack:
        assert self.result.stack is not None
        return self.result.stack

    @property
    def aws(self) -> AwsClients:
        assert self.result.aws is not None
        return self.result.aws


def cli(published: Published, *args: str) -> int:
    return main([*args, "--stack", "annual-review-local", "--endpoint-url", published.url])


def ingest(published: Published, details: list[dict[str, object]]) -> None:
    stack = published.stack
    events = published.aws.events()
    events.put_events(
        Entries=[
            {
                "EventBusName": stack.outputs["CaseworkBusName"],
                "Source": "ombudsman.casework",
                "DetailType": "DecisionRecorded",
                "Detail": json.dumps(detail),
            }
            for detail in details
        ]
    )
    with (published.out / "logs" / "revision-ingest.log").open("a") as log:
        poller = IngestPoller(
            load_function(stack, "IngestFunction"),
            published.aws.sqs(),
            stack.outputs["IngestQueueUrl"],
            stack.outputs["IngestDeadLetterQueueUrl"],
            log,
        )
        poller.drain()
    assert poller.tally.count("applied") == len(details)
