"""Fixtures shared by every tier. Resources come from template.yaml, deployed into moto."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from annual_review.adapters import clients
from annual_review.settings import get_settings
from annual_review_tools.local.stack import LocalStack, deploy

EVENTS_DIR = Path(__file__).resolve().parents[1] / "events"
REGION = "eu-west-2"


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dummy credentials and a fixed region, and no cached settings, clients or environment
    (the CLI points the process at a stack by setting variables) carried between tests."""
    saved = dict(os.environ)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "POWERTOOLS_METRICS_NAMESPACE": "AnnualReview",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    get_settings.cache_clear()
    clients.reset()
    yield
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()
    clients.reset()


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStack]:
    """template.yaml deployed into an in-process moto, with a function's environment applied."""
    with mock_aws():
        deployed = deploy(
            boto3.client("cloudformation"), boto3.client("s3"), boto3.client("lambda")
        )
        for name, value in deployed.function_settings("IngestFunction").items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        clients.reset()
        yield deployed


def load_event(name: str) -> dict[str, Any]:
    """An event fixture from events/ (the same files `sam local invoke -e` uses)."""
    return json.loads((EVENTS_DIR / name).read_text())  # type: ignore[no-any-return]
