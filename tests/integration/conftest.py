"""Integration tier: handlers in-process against template.yaml deployed into moto."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from annual_review_tools.local.mailbox import LOCAL_SENDER
from annual_review_tools.local.metering import on_every_client
from annual_review_tools.local.ses_standin import SesStandIn
from functions.freeze import app as freeze_app
from functions.ingest import app
from functions.learning import app as learning_app
from functions.letters import app as letters_app
from functions.mail_feedback import app as mail_feedback_app
from functions.release import app as release_app
from tests.integration.iam import TRANSLATED, ActionRecorder, ungranted

HANDLERS = {
    "IngestFunction": app,
    "FreezeFunction": freeze_app,
    "LettersFunction": letters_app,
    "ReleaseFunction": release_app,
    "MailFeedbackFunction": mail_feedback_app,
    "LearningFunction": learning_app,
}


@pytest.fixture
def actions(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ActionRecorder]:
    """Records every AWS action each handler makes while the test runs (by logical ids): every
    client made during the test carries the recording hook, which records only while a handler
    runs."""
    recorder = ActionRecorder()
    if "stack" in request.fixturenames:
        recorder.stack = request.getfixturevalue("stack")
    for function, module in HANDLERS.items():
        monkeypatch.setattr(
            module, "lambda_handler", recorder.wrap(function, module.lambda_handler)
        )
    with on_every_client("provide-client-params", recorder.record):
        yield recorder


@pytest.fixture(autouse=True)
def only_granted_actions(actions: ActionRecorder) -> Iterator[None]:
    """Every integration test doubles as a least-privilege check: whatever a handler calls must
    be granted to its function by template.yaml."""
    yield
    refused: dict[str, Any] = ungranted(actions.calls, TRANSLATED)
    if refused:
        pytest.fail(f"handlers made calls their role does not grant: {refused}")


@pytest.fixture(autouse=True)
def ses() -> Iterator[SesStandIn]:
    """SES's account, quotas and throttling as AWS documents them (moto models none of it)."""
    with SesStandIn(verified={LOCAL_SENDER}).installed() as standin:
        yield standin
