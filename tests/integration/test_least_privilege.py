"""Each function's role grants what its handler calls and nothing else, both ways.

Every integration test already fails if a handler calls something its role does not grant (see
``only_granted_actions`` in conftest). Here each handler is driven through its whole path (new
events, a stale version re-planned from the returned item, poison into the quarantine; freeze,
letters and release over an earlier release, taking and giving back the publication lease), and
what was called is compared with what is granted in both directions.
"""

from __future__ import annotations

import pytest

from annual_review_tools.local.stack import LocalStack
from tests.builders import compliance, decision
from tests.integration.conftest import TRANSLATED
from tests.integration.iam import (
    FUNCTIONS,
    NOT_CALLED_BY_HANDLERS,
    ActionRecorder,
    granted,
    ungranted,
    unused,
)
from tests.integration.sqs_lambda import drain, put_events
from tests.integration.test_publication import LETTERS_MORNING, RELEASE_MORNING, invoke

pytestmark = pytest.mark.integration


def folder(resource: str) -> str:
    """``PrivateBucket/quarantine/abc.json`` → ``PrivateBucket/quarantine/``."""
    bucket, _, key = resource.partition("/")
    return f"{bucket}/{key.split('/')[0]}/" if "/" in key else resource


def test_every_handler_uses_exactly_what_its_role_grants(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch, actions: ActionRecorder
) -> None:
    # Given events of every kind, a stale version that fails its condition, and poison
    put_events(
        stack,
        [
            ("DecisionRecorded", decision("D-1", version=2, outcome="not_upheld")),
            ("DecisionRecorded", decision("D-2")),
            ("ComplianceRecorded", compliance("D-2")),
            ("DecisionRecorded", decision("D-3", outcome="partly")),
        ],
    )
    drain(stack)
    put_events(stack, [("DecisionRecorded", decision("D-1", version=1))])
    drain(stack)
    # When the publication runs twice (the second release finds the first one's files)
    for step, clock in [
        ("freeze", LETTERS_MORNING),
        ("letters", LETTERS_MORNING),
        ("release", RELEASE_MORNING),
        ("release", RELEASE_MORNING),
    ]:
        invoke(stack, monkeypatch, step, clock)
    # Then ingestion wrote the ledger, the aggregates and the quarantine, nothing else
    calls = actions.calls
    assert {(action, folder(resource)) for action, resource in calls["IngestFunction"]} == {
        ("dynamodb:PutItem", "LedgerTable"),
        ("dynamodb:UpdateItem", "AggregatesTable"),
        ("s3:PutObject", "PrivateBucket/quarantine/"),
    }
    # and nothing any handler called is outside its role, nor anything in a role unused
    assert ungranted(calls, TRANSLATED) == {}
    assert unused(calls, TRANSLATED) == {}


def test_grants_that_no_handler_needs_are_gone() -> None:
    ingest, freeze, release = (
        granted(f, TRANSLATED) for f in ("IngestFunction", "FreezeFunction", "ReleaseFunction")
    )
    assert not any(action == "dynamodb:ConditionCheckItem" for action, _ in ingest)
    assert ("s3:PutObject", "PrivateBucket/registry/*") not in freeze
    assert ("s3:GetObject", "PrivateBucket/registry/*") in freeze
    assert not any(
        r.startswith(("PrivateBucket/registry", "PrivateBucket/content")) for _, r in release
    )


def test_every_exception_names_a_grant_that_exists_and_says_why() -> None:
    for (function, action, resource), reason in NOT_CALLED_BY_HANDLERS.items():
        assert function in FUNCTIONS
        assert (action, resource) in granted(function, TRANSLATED)
        assert len(reason) > 40
