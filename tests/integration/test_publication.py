"""The publication handlers against template.yaml deployed into moto, after real ingestion."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from annual_review.publication.release import Embargoed
from annual_review.registry import REGISTRY_KEY, packaged_registry_text
from annual_review_tools.local.metering import on_every_client
from annual_review_tools.local.stack import LocalStack
from functions.freeze import app as freeze_app
from functions.letters import app as letters_app
from functions.release import app as release_app
from tests.builders import compliance, decision, release_calendar
from tests.conftest import cold_start, load_event
from tests.integration.sqs_lambda import context, drain, put_events

pytestmark = pytest.mark.integration
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


def test_a_year_is_frozen_written_and_released_by_the_scheduled_handlers(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a few decisions ingested through the bus, queue and ingestion handler
    seed(stack)
    s3 = boto3.client("s3")
    private, public = stack.physical("PrivateBucket"), stack.physical("PublicBucket")

    # When the schedules fire (no year in the payload: the year that ended on 31 March 2020)
    frozen = invoke(stack, monkeypatch, "freeze", LETTERS_MORNING)
    letters = invoke(stack, monkeypatch, "letters", LETTERS_MORNING)
    with pytest.raises(Embargoed):
        invoke(stack, monkeypatch, "release", LETTERS_MORNING)
    released = invoke(stack, monkeypatch, "release", RELEASE_MORNING)

    # Then the snapshot, report, letters and public files are there, with their headers
    assert (frozen["year"], frozen["revision"], frozen["created"]) == ("2019-20", 1, True)
    assert frozen["councils"] == 343
    assert frozen["codes_not_in_registry"] == ["E06000099"]
    report = json.loads(
        s3.get_object(Bucket=private, Key="reports/2019-20/data-quality.json")["Body"].read()
    )
    assert report["codes_not_in_registry"][0]["code"] == "E06000099"
    assert letters["letters"] == 343
    text = s3.get_object(Bucket=private, Key="letters/2019-20/E09000021.txt")["Body"].read()
    assert b"67% of complaints we investigated were upheld." in text
    assert released["revision"] == 1
    index = s3.get_object(Bucket=public, Key="data/index.json")
    assert index["CacheControl"] == "public, max-age=60"
    entry = json.loads(index["Body"].read())["years"][0]
    year_file = s3.get_object(Bucket=public, Key=entry["files"]["councils_json"])
    assert year_file["CacheControl"] == "public, max-age=31536000, immutable"
    assert year_file["ContentType"] == "application/json"
    kingston = next(
        c for c in json.loads(year_file["Body"].read())["councils"] if c["code"] == "E09000021"
    )
    assert (kingston["upheld"]["count"], kingston["upheld"]["of"]) == (2, 3)
    assert kingston["compliance"]["late"] == 1
    s3.head_object(Bucket=public, Key=kingston["letter"])
    s3.head_object(Bucket=public, Key="index.html")

    # And running every step again writes nothing at all
    puts: list[str] = []
    with on_every_client(
        "before-call.s3.PutObject", lambda params, **_: puts.append(params["Key"])
    ):
        for step in ("freeze", "letters", "release"):
            invoke(stack, monkeypatch, step, RELEASE_MORNING)
    assert puts == []
