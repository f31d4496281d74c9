"""The publication handlers against template.yaml deployed into moto, after real ingestion."""

from __future__ import annotations

import json

import boto3
import pytest

from annual_review.publication.release import Embargoed
from annual_review_tools.local.metering import on_every_client
from annual_review_tools.local.stack import LocalStack
from tests.integration.publication_steps import (
    LETTERS_MORNING,
    RELEASE_MORNING,
    invoke,
    seed,
)

pytestmark = pytest.mark.integration


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
    assert b"We upheld 67% of the complaints we investigated." in text
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
