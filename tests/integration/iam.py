"""Least privilege, checked both ways: the AWS actions each handler really makes (recorded with
botocore's ``provide-client-params`` hook while it runs) against what its role in template.yaml
grants (the SAM transform's IAM statements, offline).

Resources are compared by logical id: ``PrivateBucket/letters/2019-20/E09000021.html`` for an
object, ``LedgerTable`` for a table, matched against grants such as ``PrivateBucket/letters/*``.
"""

from __future__ import annotations

import contextvars
import fnmatch
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from annual_review_tools.local.stack import LocalStack, translate_offline

Call = tuple[str, str]  # (IAM action, resource by logical id)
# template.yaml as CloudFormation sees it after the SAM transform (the functions' policies).
TRANSLATED = translate_offline()


FUNCTIONS = (
    "IngestFunction",
    "FreezeFunction",
    "LettersFunction",
    "ReleaseFunction",
    "MailFeedbackFunction",
    "LearningFunction",
)
# Granted in the template but not made by handler code, each with its reason.
NOT_CALLED_BY_HANDLERS: dict[tuple[str, str, str], str] = {
    ("IngestFunction", "s3:ListBucket", "PrivateBucket"): (
        "never listed: with it S3 answers the HEAD of a corrected registry not (yet) uploaded "
        "with 404 rather than 403 (moto enforces no IAM, so nothing here can show the difference)"
    ),
    ("ReleaseFunction", "s3:ListBucket", "PublicBucket"): (
        "never listed: with it S3 answers a GET or HEAD of a key not yet published with 404 "
        "rather than 403 (moto enforces no IAM, so nothing here can show the difference)"
    ),
    **{
        (function, "sqs:SendMessage", "PublicationFailureQueue"): (
            "the Lambda service sends a failed asynchronous invocation to the dead-letter queue "
            "with the function's role (SAM's DeadLetterQueuePolicy); the handler never does"
        )
        for function in ("FreezeFunction", "LettersFunction", "ReleaseFunction", "LearningFunction")
    },
    ("MailFeedbackFunction", "sqs:SendMessage", "MailFeedbackDeadLetterQueue"): (
        "the Lambda service sends a failed asynchronous invocation to the dead-letter queue"
    ),
    ("ReleaseFunction", "dynamodb:Query", "AggregatesTable"): (
        "only a quarter's provisional release reads the running aggregates; the annual release "
        "this test runs reads the frozen snapshot (tests/e2e/test_provisional.py runs the "
        "release function's provisional step on the local stack)"
    ),
    ("LettersFunction", "lambda:InvokeFunction", "lambda:${AWS::StackName}-LettersFunction-*"): (
        "the letters step invokes itself again only when its time runs short (1,500 councils at "
        "a low send rate); tests/unit/test_letters_continuation.py drives that path"
    ),
    ("LettersFunction", "s3:GetObject", "PrivateBucket/registry/*"): (
        "the office's older contacts file (registry/contacts.csv) is read only while no "
        "recipients list has been uploaded; this test uploads one"
    ),
}
_running: contextvars.ContextVar[str | None] = contextvars.ContextVar("running", default=None)


def _logical(reference: Any) -> str:
    """``{"Fn::GetAtt": [X, "Arn"]}`` → ``X``; ``{"Fn::Sub": "${X.Arn}/a/*"}`` → ``X/a/*``."""
    if reference == "*":
        return "*"
    if "Fn::GetAtt" in reference:
        target, attribute = reference["Fn::GetAtt"]
        assert attribute == "Arn", reference
        return str(target)
    text = reference["Fn::Sub"]
    ses = "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:"
    if text.startswith(ses):
        return "ses:" + str(text).removeprefix(ses)  # an SES identity or configuration set
    functions = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:"
    if text.startswith(functions):
        return "lambda:" + str(text).removeprefix(functions)  # a function by its generated name
    assert text.startswith("${"), reference
    assert ".Arn}" in text, reference
    return str(text[2:]).replace(".Arn}", "", 1)


def granted(function: str, cfn: Mapping[str, Any] | None = None) -> set[Call]:
    """(action, resource pattern) for every Allow statement of the function's role."""
    cfn = cfn or translate_offline()
    role = cfn["Resources"][f"{function}Role"]["Properties"]
    grants: set[Call] = set()
    for policy in role.get("Policies", []):
        for statement in policy["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            actions = statement["Action"]
            resources = statement["Resource"]
            for action in actions if isinstance(actions, list) else [actions]:
                for resource in resources if isinstance(resources, list) else [resources]:
                    grants.add((action, _logical(resource)))
    return grants


def _actions(service: str, operation: str, params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The IAM actions an API call needs, with the physical resource each acts on."""
    if service == "dynamodb":
        if operation == "TransactWriteItems":
            kinds = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem"}
            kinds["ConditionCheck"] = "ConditionCheckItem"
            return [
                (f"dynamodb:{kinds[kind]}", body["TableName"])
                for item in params["TransactItems"]
                for kind, body in item.items()
            ]
        return [(f"dynamodb:{operation}", params["TableName"])]
    if service == "s3":
        bucket = params["Bucket"]
        if operation in ("ListObjectsV2", "ListObjects"):
            return [("s3:ListBucket", bucket)]
        action = {"HeadObject": "GetObject"}.get(operation, operation)
        assert action in ("GetObject", "PutObject", "DeleteObject"), operation
        return [(f"s3:{action}", f"{bucket}/{params['Key']}")]
    if service == "sesv2" and operation == "SendEmail":
        # SES checks the sending identity and, when one is named, the configuration set.
        found = [("ses:SendEmail", f"ses:identity/{params['FromEmailAddress']}")]
        if "ConfigurationSetName" in params:
            found.append(
                ("ses:SendEmail", f"ses:configuration-set/{params['ConfigurationSetName']}")
            )
        return found
    if service == "sesv2" and operation == "GetAccount":
        return [("ses:GetAccount", "*")]  # no resource-level permission for it
    if service == "sesv2" and operation == "GetEmailIdentity":
        return [("ses:GetEmailIdentity", f"ses:identity/{params['EmailIdentity']}")]
    raise AssertionError(f"{service}:{operation} made by a handler: teach iam.py its IAM action")


@dataclass
class ActionRecorder:
    """Every call the handlers make while wrapped, by function (logical id)."""

    stack: LocalStack | None = None
    calls: dict[str, set[Call]] = field(default_factory=dict)

    def _logical(self, physical: str) -> str:
        assert self.stack is not None
        if physical == "*":
            return physical
        if physical.startswith("ses:"):
            # The template names the stack's configuration set after the stack.
            return physical.replace(self.stack.stack_name, "${AWS::StackName}")
        by_physical = {p: logical for logical, p in self.stack.resources.items()}
        name, _, key = physical.partition("/")
        return by_physical[name] + (f"/{key}" if key else "")

    def record(self, event_name: str, params: Mapping[str, Any], **_: Any) -> None:
        function = _running.get()
        if function is None or self.stack is None:
            return
        _event, service, operation = event_name.split(".")
        for action, physical in _actions(service, operation, params):
            self.calls.setdefault(function, set()).add((action, self._logical(physical)))

    def wrap(self, function: str, handler: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(handler)
        def recorded(event: Any, context: Any) -> Any:
            token = _running.set(function)
            try:
                return handler(event, context)
            finally:
                _running.reset(token)

        return recorded


def ungranted(calls: Mapping[str, set[Call]], cfn: Mapping[str, Any]) -> dict[str, set[Call]]:
    """Calls no statement of the calling function's role allows."""
    found: dict[str, set[Call]] = {}
    for function, made in calls.items():
        grants = granted(function, cfn)
        for action, resource in made:
            if not any(a == action and fnmatch.fnmatchcase(resource, p) for a, p in grants):
                found.setdefault(function, set()).add((action, resource))
    return found


def unused(calls: Mapping[str, set[Call]], cfn: Mapping[str, Any]) -> dict[str, set[Call]]:
    """Grants no recorded call of the function used, less the documented exceptions."""
    found: dict[str, set[Call]] = {}
    for function in FUNCTIONS:
        made = calls.get(function, set())
        for action, pattern in granted(function, cfn):
            if (function, action, pattern) in NOT_CALLED_BY_HANDLERS:
                continue
            if not any(a == action and fnmatch.fnmatchcase(r, pattern) for a, r in made):
                found.setdefault(function, set()).add((action, pattern))
    return found
