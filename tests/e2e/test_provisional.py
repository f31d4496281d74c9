"""Provisional figures each quarter, on the local stack: announced with the operator's command
(a weekend refused), scheduled, and run by the release function from its schedule's payload;
nothing of the quarter is public until its announced moment, then every council's figures to
date are, labelled provisional."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from annual_review.fiscal import FinancialYear
from annual_review.publication.provisional import NotYetPublic
from annual_review_tools.local.execution import environment, load_function
from annual_review_tools.local.harness import RunOptions, run_on
from annual_review_tools.local.schedules import scheduled_invocations
from annual_review_tools.local.server import LocalServer
from tests.builders import decision
from tests.e2e.published_stack import Published, cli, ingest

pytestmark = pytest.mark.e2e

YEAR = FinancialYear(2019)
IN_PROGRESS = "2020-21"
KINGSTON = "E09000021"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    out = tmp_path_factory.mktemp("provisional")
    with LocalServer() as server:
        options = RunOptions(years=[YEAR], out_dir=out, seed=22, scale=0.01, progress=False)
        yield Published(server.url, run_on(server, options), out)


def _public_keys(published: Published) -> list[str]:
    s3 = published.aws.s3()
    bucket = published.stack.outputs["PublicBucketName"]
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def _public_body(published: Published, key: str) -> bytes:
    s3 = published.aws.s3()
    found = s3.get_object(Bucket=published.stack.outputs["PublicBucketName"], Key=key)
    body: bytes = found["Body"].read()
    return body


def test_a_quarters_figures_stay_private_until_their_announced_moment(
    published: Published, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two decisions about Kingston in the first quarter of the year in progress.
    ingest(published, [
        decision("P-1", authority_code=KINGSTON, decided_on="2020-05-10", outcome="upheld"),
        decision("P-2", authority_code=KINGSTON, decided_on="2020-06-02", outcome="not_upheld"),
    ])  # fmt: skip
    monkeypatch.setenv("CLOCK", "2020-05-20T10:00:00+01:00")
    # A Saturday is refused; a Thursday at 09:30 is announced and scheduled.
    assert cli(published, "provisional", "announce", "--year", IN_PROGRESS, "--quarter", "1",
               "--release", "2020-07-18") == 1  # fmt: skip
    assert "Saturday 2020-07-18 is a weekend day" in capsys.readouterr().err
    assert cli(published, "provisional", "announce", "--year", IN_PROGRESS, "--quarter", "1",
               "--release", "2020-07-16") == 0  # fmt: skip
    scheduler = published.aws.scheduler()
    group = published.stack.outputs["PublicationScheduleGroupName"]
    schedule = scheduler.get_schedule(GroupName=group, Name=f"{IN_PROGRESS}-provisional-q1")
    assert schedule["ScheduleExpression"] == "at(2020-07-16T09:30:00)"
    assert schedule["Target"]["Arn"] == published.stack.outputs["ReleaseFunctionArn"]
    announced = json.loads(
        published.aws.s3()
        .get_object(Bucket=published.stack.outputs["PublicBucketName"],
                    Key="provisional/calendar.json")["Body"].read()
    )  # fmt: skip
    assert announced["provisional_releases"][0]["release_at"] == "2020-07-16T09:30:00+01:00"
    # The public release calendar lists it too: 09:30 BST is 08:30 UTC.
    ics = _public_body(published, "calendar.ics").decode().replace("\r\n ", "")
    assert "UID:annual-review-provisional-2020-21-q1\r\nDTSTAMP:" in ics
    assert "DTSTART:20200716T083000Z" in ics
    calendar = json.loads(_public_body(published, "calendar.json"))
    assert [(r["quarter"], r["status"]) for r in calendar["provisional_releases"]] == [
        (1, "provisional")]  # fmt: skip
    assert 'id="provisional-2020-21-q1"' in _public_body(published, "calendar/index.html").decode()

    [invocation] = [
        i for i in scheduled_invocations(published.stack, scheduler)
        if i.name == f"{IN_PROGRESS}-provisional-q1"
    ]  # fmt: skip
    assert invocation.payload == {"step": "release", "year": IN_PROGRESS, "quarter": 1}

    def run_at(moment: datetime) -> dict[str, object]:
        # A fresh instance each time (a warm one keeps the clock it started with).
        function = load_function(published.stack, invocation.logical_id)
        with environment(function.environment | {"CLOCK": moment.isoformat()}):
            result: dict[str, object] = function.handler(invocation.payload, function.context())
            return result

    # A minute early (the schedule fired early, or someone ran it by hand): refused, and
    # nothing of the quarter is public.
    # (The function's code is loaded as Lambda loads it, so its exception class is its own.)
    with pytest.raises(Exception, match="not public until 2020-07-16T09:30") as refused:
        run_at(invocation.at - timedelta(minutes=1))
    assert type(refused.value).__name__ == NotYetPublic.__name__
    assert not [k for k in _public_keys(published) if IN_PROGRESS in k and "calendar" not in k]

    # At its moment: every council's figures to date, labelled provisional.
    result = run_at(invocation.at)
    assert (result["created"], result["status"]) == (True, "provisional")
    body = (
        published.aws.s3()
        .get_object(Bucket=published.stack.outputs["PublicBucketName"],
                    Key=f"data/{IN_PROGRESS}/provisional/q1/councils.json")["Body"].read()
    )  # fmt: skip
    document = json.loads(body)
    assert document["status"] == "provisional"
    kingston = next(c for c in document["councils"] if c["code"] == KINGSTON)
    assert (kingston["upheld"]["count"], kingston["upheld"]["of"]) == (1, 2)
    assert kingston["upheld"]["rate"] == 0.5
    assert f"provisional/{IN_PROGRESS}/q1/index.html" in _public_keys(published)
    # The calendar page and the home page link the quarter's page, labelled provisional.
    link = f'href="/provisional/{IN_PROGRESS}/q1/"'
    assert link in _public_body(published, "calendar/index.html").decode()
    assert link in _public_body(published, "index.html").decode()
