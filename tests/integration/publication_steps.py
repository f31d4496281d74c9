"""The scheduled publication handlers invoked as Scheduler invokes them, on a seeded stack."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from annual_review.registry.councils import REGISTRY_KEY, packaged_registry_text
from annual_review_tools.local.stack import LocalStack
from functions.freeze import app as freeze_app
from functions.letters import app as letters_app
from functions.release import app as release_app
from tests.builders import compliance, decision, release_calendar
from tests.handlers import cold_start, load_event
from tests.integration.sqs_lambda import context, drain, put_events

HANDLERS = (freeze_app, letters_app, release_app)


def use_function(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, logical_id: str, clock: str
) -> None:
    for name, value in stack.function_settings(logical_id).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CLOCK", clock)
    cold_start()  # each scheduled step starts cold, with its function's environment


def invoke(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, step: str, clock: str, **extra: str
) -> dict[str, Any]:
    logical_id = {"freeze": "FreezeFunction", "letters": "LettersFunction"}.get(
        step, "ReleaseFunction"
    )
    use_function(stack, monkeypatch, logical_id, clock)
    handler = {"freeze": freeze_app, "letters": letters_app, "release": release_app}[step]
    payload = load_event(f"schedule/{step}.json") | extra
    # The publication functions' timeout (template.yaml): the letters step plans its sends by it.
    result: dict[str, Any] = handler.lambda_handler(payload, context(300_000))
    return result


def seed(stack: LocalStack) -> None:
    # The registry in force while these arrive has a council E06000099 that a later correction
    # removes: what was counted for it goes to the data-quality report, never to a public figure.
    s3, private = boto3.client("s3"), stack.physical("PrivateBucket")
    mistaken = "E06000099,Mistaken Council,Unitary authority,Unitary councils,,,,52.0,-1.0"
    columns = packaged_registry_text().splitlines()[0].count(",") + 1
    row = mistaken + "," * (columns - mistaken.count(",") - 1) + "\n"
    s3.put_object(Bucket=private, Key=REGISTRY_KEY, Body=packaged_registry_text() + row)
    put_events(
        stack,
        [
            ("DecisionRecorded", decision("D-1", outcome="upheld")),
            ("DecisionRecorded", decision("D-2", outcome="upheld", decided_on="2019-11-02")),
            ("DecisionRecorded", decision("D-3", outcome="not_upheld", decided_on="2020-03-31")),
            ("DecisionRecorded", decision("D-4", authority_code="E06000099")),
            ("ComplianceRecorded", compliance("D-1", outcome="complied_late")),
        ],
    )
    drain(stack)
    s3.delete_object(Bucket=private, Key=REGISTRY_KEY)
    # The operator announced the dates (annual-review calendar set) long before.
    boto3.client("s3").put_object(
        Bucket=stack.physical("PrivateBucket"),
        Key="calendar/calendar.json",
        Body=release_calendar(2019).to_bytes(),
    )


LETTERS_MORNING = "2020-07-22T06:00:00+00:00"
RELEASE_MORNING = "2020-07-29T08:30:00+00:00"
