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

from annual_review_tools.local.invoke import handlers_invoked_in_process
from annual_review_tools.local.stack import LocalStack, deploy
from functions.freeze import app as freeze_app
from functions.ingest import app as ingest_app
from functions.letters import app as letters_app
from functions.mail_feedback import app as mail_feedback_app
from functions.release import app as release_app

EVENTS_DIR = Path(__file__).resolve().parents[1] / "events"
REGION = "eu-west-2"


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dummy credentials and a fixed region, and no handler's settings and clients (made on its
    first call, as on a cold start) or environment carried between tests."""
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
    cold_start()
    yield
    os.environ.clear()
    os.environ.update(saved)
    cold_start()


def cold_start() -> None:
    """Forget what each handler made on its first call, as a new execution environment would."""
    ingest_app.dependencies.cache_clear()
    ingest_app.heartbeat_log.cache_clear()
    mail_feedback_app.deliveries.cache_clear()
    for step in (freeze_app, letters_app, release_app):
        step.function.cache_clear()
    mail_feedback_app.deliveries.cache_clear()


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStack]:
    """template.yaml deployed into an in-process moto, with a function's environment applied."""
    with mock_aws():
        deployed = deploy(
            boto3.client("cloudformation"), boto3.client("s3"), boto3.client("lambda")
        )
        for name, value in deployed.function_settings("IngestFunction").items():
            monkeypatch.setenv(name, value)
        cold_start()
        # The Lambda service's Invoke (`publish` invokes the step functions): the real handlers.
        with handlers_invoked_in_process(deployed):
            yield deployed


def load_event(name: str) -> dict[str, Any]:
    """An event fixture from events/ (the same files `sam local invoke -e` uses)."""
    return json.loads((EVENTS_DIR / name).read_text())  # type: ignore[no-any-return]
