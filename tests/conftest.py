"""Fixtures shared by every tier. Resources come from template.yaml, deployed into moto."""

from __future__ import annotations

import os
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from annual_review_tools.local.invoke import handlers_invoked_in_process
from annual_review_tools.local.stack import LocalStack, deploy
from tests.handlers import cold_start

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
