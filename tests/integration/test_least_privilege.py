"""Each function's role grants what its handler calls and nothing else, both ways.

Every integration test already fails if a handler calls something its role does not grant (see
``only_granted_actions`` in conftest). Here each handler is driven through its whole path (new
events, a stale version re-planned from the returned item, poison into the quarantine; freeze,
letters and release over an earlier release, taking and giving back the publication lease), and
what was called is compared with what is granted in both directions.
"""

from __future__ import annotations

import pytest

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.storage import S3ObjectStore
from annual_review.fiscal import FinancialYear
from annual_review.registry.councils import load_registry
from annual_review_tools.local.mailbox import LOCAL_SENDER, prepare
from annual_review_tools.local.stack import LocalStack
from functions.learning import app as learning_app
from functions.mail_feedback import app as mail_feedback_app
from tests.builders import compliance, decision, statement, store_calendar
from tests.integration.iam import (
    FUNCTIONS,
    NOT_CALLED_BY_HANDLERS,
    TRANSLATED,
    ActionRecorder,
    granted,
    ungranted,
    unused,
)
from tests.integration.publication_steps import (
    LETTERS_MORNING,
    RELEASE_MORNING,
    invoke,
    use_function,
)
from tests.integration.sqs_lambda import context, drain, put_events

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
            ("Heartbeat", {"heartbeat_id": "exec-1", "sent_by": "schedule"}),
        ],
    )
    drain(stack)
    # a stale version, and an amendment moving D-2 into the next year (its year-case moves)
    put_events(
        stack,
        [
            ("DecisionRecorded", decision("D-1", version=1)),
            ("DecisionRecorded", decision("D-2", version=2, decided_on="2020-05-01")),
        ],
    )
    drain(stack)
    # and learning: a statement, then its amendment (re-planned from the returned item)
    put_events(stack, [("DecisionPublished", statement("D-2"))])
    drain(stack)
    put_events(stack, [("DecisionPublished", statement("D-2", version=2))])
    drain(stack)
    # and a stack that emails its letters, with the year's dates and the recipients uploaded
    aws = AwsClients()
    prepare(
        stack,
        aws.client("sesv2"),
        aws.client("scheduler"),
        aws.s3(),
        load_registry(None).for_year(FinancialYear(2019)),
    )
    store_calendar(S3ObjectStore(stack.physical("PrivateBucket"), aws.s3), 2019)
    template_settings = stack.function_settings
    monkeypatch.setattr(
        stack,
        "function_settings",
        lambda logical_id: template_settings(logical_id) | {"SENDER_ADDRESS": LOCAL_SENDER},
    )
    # When the publication runs twice (the second release finds the first one's files)
    for step, clock in [
        ("freeze", LETTERS_MORNING),
        ("letters", LETTERS_MORNING),
        ("release", RELEASE_MORNING),
        ("release", RELEASE_MORNING),
    ]:
        invoke(stack, monkeypatch, step, clock)
    # and the letters' deadline check (run by the release function) reads their record
    assert invoke(stack, monkeypatch, "release", RELEASE_MORNING, overdue="letters") == {
        "step": "letters",
        "year": "2019-20",
        "completed": True,
    }
    # and SES reports a delivery back
    use_function(stack, monkeypatch, "MailFeedbackFunction", RELEASE_MORNING)
    delivered = {
        "source": "aws.ses",
        "detail-type": "Email Delivered",
        "detail": {
            "eventType": "Delivery",
            "delivery": {"timestamp": "2020-07-22T08:03:00.000Z"},
            "mail": {"messageId": "ses-1", "timestamp": "2020-07-22T08:00:05.000Z",
                     "tags": {"year": ["2019-20"], "revision": ["1"], "council": ["E09000021"]}},
        },
    }  # fmt: skip
    mail_feedback_app.lambda_handler(delivered, context())
    # and the weekly learning publication runs (after the release: improvements shown)
    use_function(stack, monkeypatch, "LearningFunction", RELEASE_MORNING)
    monkeypatch.delenv("CLOCK")  # ingestion recorded the changes today, by the real clock
    learning_app.lambda_handler({"run": "weekly"}, context())
    # twice, the second over the first one's pages (an amendment arrived in between)
    put_events(stack, [("DecisionPublished", statement("D-2", version=3, summary="Amended."))])
    drain(stack)
    learning_app.lambda_handler({"run": "weekly"}, context())
    # Then ingestion wrote the ledger, the aggregates and the quarantine, nothing else
    calls = actions.calls
    assert {(action, folder(resource)) for action, resource in calls["IngestFunction"]} == {
        ("dynamodb:PutItem", "LedgerTable"),
        ("dynamodb:UpdateItem", "AggregatesTable"),
        ("dynamodb:PutItem", "CasesTable"),
        ("dynamodb:DeleteItem", "CasesTable"),
        ("dynamodb:PutItem", "LearningChangesTable"),
        ("s3:PutObject", "PrivateBucket/quarantine/"),
        ("s3:PutObject", "PrivateBucket/heartbeat/"),  # the last heartbeat, no figure
        # whether a corrected registry was uploaded (a HEAD at most every few minutes)
        ("s3:GetObject", "PrivateBucket/registry/"),
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
    # Release reads the registry for each council's lineage, never the letters' content.
    assert ("s3:GetObject", "PrivateBucket/registry/*") in release
    assert not any(r.startswith("PrivateBucket/content") for _, r in release)


def test_every_exception_names_a_grant_that_exists_and_says_why() -> None:
    for (function, action, resource), reason in NOT_CALLED_BY_HANDLERS.items():
        assert function in FUNCTIONS
        assert (action, resource) in granted(function, TRANSLATED)
        assert len(reason) > 40
