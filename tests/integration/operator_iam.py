"""The AWS calls each operator command makes, recorded while it runs in-process (by logical ids,
as ``iam.py`` does for the functions), and the operator policies of template.yaml read the same
way, so the two can be compared both ways.

A call a command makes is attributed to it through a context variable; a function the command
invokes runs in a fresh context (``local/invoke.py``), so its calls are not the operator's.
"""

from __future__ import annotations

import contextvars
import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from annual_review_tools.local.stack import LocalStack
from tests.integration.iam import Call

_command: contextvars.ContextVar[str | None] = contextvars.ContextVar("command", default=None)
# SQS batch operations are authorised as their single-message action.
_SQS_ACTION = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}
_SCHEDULER_GROUPS = ("GroupName",)


def _iam_calls(service: str, operation: str, params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(IAM action, physical resource or a placeholder) for one API call."""
    if service == "dynamodb":
        if operation == "BatchWriteItem":
            return [("dynamodb:BatchWriteItem", table) for table in params["RequestItems"]]
        return [(f"dynamodb:{operation}", params["TableName"])]
    if service == "s3":
        bucket = params["Bucket"]
        if operation in ("ListObjectsV2", "ListObjects"):
            return [("s3:ListBucket", bucket)]
        if operation == "ListObjectVersions":
            return [("s3:ListBucketVersions", bucket)]
        action = {"HeadObject": "GetObject"}.get(operation, operation)
        return [(f"s3:{action}", f"{bucket}/{params['Key']}")]
    if service == "sqs":
        if operation == "GetQueueUrl":
            return [("sqs:GetQueueUrl", params["QueueName"])]
        if operation == "StartMessageMoveTask":
            return [("sqs:StartMessageMoveTask", params["SourceArn"].rsplit(":", 1)[-1])]
        if operation == "ListMessageMoveTasks":
            return [("sqs:ListMessageMoveTasks", params["SourceArn"].rsplit(":", 1)[-1])]
        queue = params.get("QueueUrl", "unknown")
        return [(f"sqs:{_SQS_ACTION.get(operation, operation)}", queue)]
    if service == "cloudformation":
        return [(f"cloudformation:{operation}", "stack")]
    if service == "lambda":
        if operation == "Invoke":
            return [("lambda:InvokeFunction", unquote(params["FunctionName"]))]
        if operation == "ListEventSourceMappings":
            return [("lambda:ListEventSourceMappings", "*")]
        if "UUID" in params:
            return [(f"lambda:{operation}", "event-source-mapping")]
        return [(f"lambda:{operation}", params["FunctionName"])]
    if service == "eventbridge":
        if operation == "PutEvents":
            return [("events:PutEvents", entry["EventBusName"]) for entry in params["Entries"]]
        if operation in ("DescribeArchive",):
            return [(f"events:{operation}", "archive")]
        if operation in ("StartReplay", "DescribeReplay"):
            found = [(f"events:{operation}", "replay")]
            if operation == "StartReplay":
                found.append(("events:StartReplay", "archive"))
            return found
    if service == "scheduler":
        found = [(f"scheduler:{operation}", "schedule-group")]
        if "Target" in params:
            found.append(("iam:PassRole", params["Target"]["RoleArn"].rsplit("/", 1)[-1]))
        return found
    if service == "cloudwatch":
        return [(f"cloudwatch:{operation}", "*")]  # no resource-level permissions for reads
    if service == "sesv2" and operation == "SendEmail":
        return [("ses:SendEmail", "ses:identity"), ("ses:SendEmail", "ses:configuration-set")]
    raise AssertionError(
        f"{service}:{operation} made by a command: teach operator_iam.py its action"
    )


@dataclass
class CommandRecorder:
    stack: LocalStack
    calls: dict[str, set[Call]] = field(default_factory=dict)

    def _logical(self, physical: str) -> str:
        if physical in (
            "stack",
            "*",
            "archive",
            "replay",
            "event-source-mapping",
        ) or physical.startswith(("ses:", "schedule-group")):
            return physical
        by_physical = {p: logical for logical, p in self.stack.resources.items()}
        by_physical |= {
            p.rsplit("/", 1)[-1]: logical for logical, p in self.stack.resources.items()
        }
        if self.stack.outputs.get("CaseworkBusName"):
            by_physical[self.stack.outputs["CaseworkBusName"]] = "CaseworkBus"
        name = physical.rsplit(":", 1)[-1] if physical.startswith("arn:") else physical
        if name.endswith("-restored") and name.removesuffix("-restored") in by_physical:
            return f"{by_physical[name.removesuffix('-restored')]}-restored"
        bucket, _, key = name.partition("/")
        if bucket in by_physical and key:
            return f"{by_physical[bucket]}/{key}"
        for role_logical in ("PublicationSchedulerRole",):
            if self.stack.resources.get(role_logical, "").endswith(name):
                return role_logical
        return by_physical.get(name, by_physical.get(bucket, name))

    def record(self, event_name: str, params: Mapping[str, Any], **_: Any) -> None:
        command = _command.get()
        if command is None:
            return
        _event, service, operation = event_name.split(".")
        for action, physical in _iam_calls(service, operation, params):
            self.calls.setdefault(command, set()).add((action, self._logical(physical)))

    def running(self, command: str) -> contextvars.Token[str | None]:
        return _command.set(command)

    def done(self, token: contextvars.Token[str | None]) -> None:
        _command.reset(token)


def _resource(reference: Any) -> str:
    """A policy's resource as the recorder names it."""
    if reference == "*":
        return "*"
    if "Fn::GetAtt" in reference:
        return str(reference["Fn::GetAtt"][0])
    text = (
        reference["Fn::Sub"] if isinstance(reference["Fn::Sub"], str) else reference["Fn::Sub"][0]
    )
    prefix = "arn:${AWS::Partition}:"
    for marker, name in (
        ("cloudformation:", "stack"),
        ("events:${AWS::Region}:${AWS::AccountId}:archive/", "archive"),
        ("events:${AWS::Region}:${AWS::AccountId}:replay/", "replay"),
        ("lambda:${AWS::Region}:${AWS::AccountId}:event-source-mapping:", "event-source-mapping"),
        ("scheduler:", "schedule-group"),
        ("ses:${AWS::Region}:${AWS::AccountId}:identity/", "ses:identity"),
        ("ses:${AWS::Region}:${AWS::AccountId}:configuration-set/", "ses:configuration-set"),
    ):
        if text.startswith(prefix + marker):
            return name
    assert text.startswith("${"), reference
    assert ".Arn}" in text, reference
    return text[2:].replace(".Arn}", "", 1)


def policy_grants(cfn: Mapping[str, Any], policy: str) -> set[Call]:
    grants: set[Call] = set()
    document = cfn["Resources"][policy]["Properties"]["PolicyDocument"]
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        resources = (
            statement["Resource"]
            if isinstance(statement["Resource"], list)
            else [statement["Resource"]]
        )
        for action in actions:
            for resource in resources:
                grants.add((action, _resource(resource)))
    return grants


def covered(call: Call, grants: set[Call]) -> bool:
    action, resource = call
    return any(a == action and fnmatch.fnmatchcase(resource, r) for a, r in grants)
