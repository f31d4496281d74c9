"""The learning publication on the deployed stack: events through bus, queue and ingestion,
the publication by hand, and an operator's takedown (page and feed stop showing it at once)."""

from __future__ import annotations

import boto3
import feedparser
import pytest

from annual_review.commands.cli import main
from annual_review_tools.local.stack import LocalStack
from tests.builders import statement
from tests.integration.sqs_lambda import drain, put_events, quarantined

pytestmark = pytest.mark.integration
PAGE = "councils/royal-borough-of-kingston-upon-thames/learning/2019-20/index.html"
FEED = "councils/royal-borough-of-kingston-upon-thames/learning/feed.xml"


def cli(*args: str) -> int:
    return main([*args, "--stack", "annual-review-local"])


def public(stack: LocalStack, key: str) -> tuple[str, str]:
    found = boto3.client("s3").get_object(Bucket=stack.physical("PublicBucket"), Key=key)
    return found["Body"].read().decode(), found["CacheControl"]


def test_published_by_hand_then_taken_down(stack: LocalStack) -> None:
    # Given two statements, the second sent twice and amended, and one naming an email address
    put_events(
        stack,
        [
            ("DecisionPublished", statement("D-1")),
            ("DecisionPublished", statement("D-2", summary="First wording.")),
            ("DecisionPublished", statement("D-2", summary="First wording.")),
            ("DecisionPublished", statement("D-3", summary="Write to jo@example.org.")),
        ],
    )
    drain(stack)
    put_events(stack, [("DecisionPublished", statement("D-2", version=2, summary="Reworded."))])
    drain(stack)
    [kept] = quarantined(stack)
    assert kept["errors"] == [
        "detail.summary: looks like it holds an email address (personal data is not published)"
        " (value not shown)"
    ]
    # When the publication runs
    assert cli("learning", "publish") == 0
    html, cache = public(stack, PAGE)
    assert cache == "public, max-age=300"
    assert html.count('data-field="decision"') == 2
    assert "Reworded." in html
    assert "First wording." not in html
    assert "jo@example.org" not in html
    # Then an operator takes D-2 down
    assert cli("learning", "takedown", "D-2", "--reason", "names a member of the public") == 0
    html, _ = public(stack, PAGE)
    assert html.count('data-field="decision"') == 1
    assert "Reworded." not in html
    feed = feedparser.parse(public(stack, FEED)[0])
    assert feed.bozo == 0
    assert [e.link for e in feed.entries] == ["https://www.lgo.org.uk/decisions/housing/D-1"]
    assert cli("learning", "takedown", "NO-SUCH", "--reason", "a typo") == 1
