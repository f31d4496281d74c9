"""Deploy ``template.yaml`` into moto through CloudFormation, the way ``sam deploy`` would on AWS.

The SAM transform runs offline (aws-sam-translator with its bundled managed-policy map), local
``CodeUri``/``ContentUri`` folders are zipped and uploaded, and moto's ``create_stack`` brings up
the tables, buckets, queues, bus and rule, the alarm topic and the dashboard. moto skips
CloudFront, bucket, queue, bus and topic policies, subscriptions, alarms and Scheduler schedules
(the runner acts the schedules out), so outputs that point at skipped resources are left out of
the local deploy.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import logging
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from samtranslator.parser.parser import Parser
from samtranslator.translator.transform import transform
from samtranslator.translator.translator import Translator
from samtranslator.utils.py27hash_fix import (
    to_py27_compatible_template,
    undo_mark_unicode_str_in_template,
)

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_s3 import S3Client

PROJECT_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_PATH = PROJECT_ROOT / "template.yaml"
ARTIFACTS_BUCKET = "annual-review-local-artifacts"
# Resource types moto's CloudFormation does not create (it logs a warning and goes on).
NOT_CREATED_BY_MOTO = frozenset(
    {
        "AWS::CloudFront::Distribution",
        "AWS::CloudFront::OriginAccessControl",
        "AWS::CloudFront::ResponseHeadersPolicy",
        "AWS::CloudFront::Function",
        "AWS::S3::BucketPolicy",
        "AWS::SQS::QueuePolicy",
        "AWS::CloudWatch::Alarm",
        "AWS::Scheduler::Schedule",
        "AWS::Scheduler::ScheduleGroup",
        "AWS::SES::ConfigurationSet",
        "AWS::SES::ConfigurationSetEventDestination",
        "AWS::SES::EmailIdentity",
        "AWS::Lambda::EventInvokeConfig",
        "AWS::Events::EventBusPolicy",
        "AWS::SNS::Subscription",
        "AWS::SNS::TopicPolicy",
    }
)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The SAM template as plain data, CloudFormation tags (``!Ref``, ``!Sub`` …) understood."""
    # Imported when needed: cfn-lint brings sympy, seconds of importing for every CLI command.
    from cfnlint.decode.cfn_yaml import load as load_cfn_yaml

    return json.loads(json.dumps(load_cfn_yaml(str(path))))  # type: ignore[no-any-return]


class _BundledPolicies:
    """The managed-policy loader the translator wants, answered offline."""

    def load(self) -> dict[str, str]:
        from samtranslator.internal.managed_policies import get_bundled_managed_policy_map

        return get_bundled_managed_policy_map("aws")  # type: ignore[no-any-return]


def _zip_folder(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def _references(value: Any) -> set[str]:
    """Logical ids a template fragment refers to (Ref, GetAtt, and names inside Sub)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                target = inner[0] if isinstance(inner, list) else str(inner).split(".")[0]
                found.add(target)
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) else inner
                found |= {part.split("}")[0].split(".")[0] for part in str(text).split("${")[1:]}
            found |= _references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _references(inner)
    return found


@dataclass
class LocalStack:
    """What a local deploy created: logical id to physical id, and the outputs moto could give."""

    stack_name: str
    resources: dict[str, str]
    outputs: dict[str, str]
    template: dict[str, Any] = field(repr=False)
    # What each function's environment adds to the template's locally (the moto endpoint).
    function_overrides: dict[str, str] = field(default_factory=dict)
    # The stack's parameters where the deploy gave them (SenderAddress, locally).
    parameter_overrides: dict[str, str] = field(default_factory=dict)

    def physical(self, logical_id: str) -> str:
        return self.resources[logical_id]

    def function_settings(self, logical_id: str) -> dict[str, str]:
        """A function's environment exactly as the template gives it, with references resolved
        (a skipped resource's attribute as ``SKIPPED_ATTRIBUTE``, conditions on parameters)."""
        known = (
            self.resources
            | self.parameters()
            | {"AWS::StackName": self.stack_name}
            | _skipped_attributes(self.template)
        )
        conditions = self.template.get("Conditions", {})
        resolved = {
            name: _resolve(_choose(value, conditions, known), known)
            for name, value in self.template["Globals"]["Function"]["Environment"][
                "Variables"
            ].items()
        }
        function = self.template["Resources"][logical_id]["Properties"]
        for name, value in function.get("Environment", {}).get("Variables", {}).items():
            resolved[name] = _resolve(_choose(value, conditions, known), known)
        return resolved

    def parameters(self) -> dict[str, str]:
        """The template's parameters as deployed: defaults, with the deploy's overrides."""
        defaults = {
            name: str(parameter.get("Default", ""))
            for name, parameter in self.template.get("Parameters", {}).items()
        }
        return defaults | self.parameter_overrides

    def logical_id_of_function(self, arn_or_name: str) -> str | None:
        name = arn_or_name.rsplit(":", 1)[-1]
        return next((lid for lid, physical in self.resources.items() if physical == name), None)


def _resolve(value: Any, resources: Mapping[str, str]) -> str:
    if isinstance(value, dict) and "Ref" in value:
        return resources[value["Ref"]] if value["Ref"] in resources else str(value["Ref"])
    if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):
        return re.sub(r"\$\{([^}]+)\}", lambda m: resources.get(m[1], m[0]), value["Fn::Sub"])
    return str(value)


# What a resource moto does not create answers for its attributes locally: the site's address
# falls back to the CloudFront distribution's domain, which is this locally (https://localhost).
SKIPPED_ATTRIBUTE = "localhost"


def _skipped_attributes(template: Mapping[str, Any]) -> dict[str, str]:
    return {
        f"{logical_id}.{attribute}": SKIPPED_ATTRIBUTE
        for logical_id, resource in template.get("Resources", {}).items()
        if resource.get("Type") in NOT_CREATED_BY_MOTO
        for attribute in ("DomainName", "Id")
    }


def _holds(condition: Any, conditions: Mapping[str, Any], known: Mapping[str, str]) -> bool:
    """A template condition over parameters (Fn::Not, Fn::Equals, Fn::And, Fn::Or, Condition)."""
    if isinstance(condition, str):
        return _holds(conditions[condition], conditions, known)
    (function, arguments), *_ = condition.items()
    if function == "Condition":
        return _holds(conditions[arguments], conditions, known)
    if function == "Fn::Not":
        return not _holds(arguments[0], conditions, known)
    if function == "Fn::And":
        return all(_holds(a, conditions, known) for a in arguments)
    if function == "Fn::Or":
        return any(_holds(a, conditions, known) for a in arguments)
    if function == "Fn::Equals":
        left, right = (_resolve(_choose(a, conditions, known), known) for a in arguments)
        return left == right
    raise ValueError(f"{function}: not a condition function the local stack evaluates")


def _choose(value: Any, conditions: Mapping[str, Any], known: Mapping[str, str]) -> Any:
    """The branch of an Fn::If the deployed stack takes; any other value as it is."""
    while isinstance(value, dict) and "Fn::If" in value:
        name, then, otherwise = value["Fn::If"]
        value = then if _holds(name, conditions, known) else otherwise
    return value


def with_skipped_attributes(cfn: dict[str, Any]) -> dict[str, Any]:
    """moto fails the whole stack on an attribute of a resource it skipped, even in a branch
    not taken: such attributes read as ``SKIPPED_ATTRIBUTE`` in the local deploy."""
    skipped = {
        logical_id
        for logical_id, resource in cfn["Resources"].items()
        if resource["Type"] in NOT_CREATED_BY_MOTO
    }

    def stand_in(value: Any) -> Any:
        if isinstance(value, dict):
            if "Fn::GetAtt" in value:
                inner = value["Fn::GetAtt"]
                target = inner[0] if isinstance(inner, list) else str(inner).split(".")[0]
                if target in skipped:
                    return SKIPPED_ATTRIBUTE
            if isinstance(value.get("Fn::Sub"), str):
                text = re.sub(
                    r"\$\{([^}.]+)\.[^}]+\}",
                    lambda m: SKIPPED_ATTRIBUTE if m[1] in skipped else m[0],
                    value["Fn::Sub"],
                )
                return {**value, "Fn::Sub": text}
            return {key: stand_in(inner) for key, inner in value.items()}
        if isinstance(value, list):
            return [stand_in(inner) for inner in value]
        return value

    resources = {
        logical_id: resource if logical_id in skipped else stand_in(resource)
        for logical_id, resource in cfn["Resources"].items()
    }
    return cfn | {"Resources": resources}


def _code_at(template: dict[str, Any], place: Callable[[str, Path], str]) -> dict[str, Any]:
    """A copy of ``template`` whose local code folders point at ``place(logical id, folder)``."""
    sam = copy.deepcopy(template)
    for logical_id, resource in sam["Resources"].items():
        properties = resource.get("Properties", {})
        for uri_key in ("CodeUri", "ContentUri"):
            uri = properties.get(uri_key)
            if isinstance(uri, str) and not uri.startswith("s3://"):
                properties[uri_key] = place(logical_id, PROJECT_ROOT / uri)
    return sam


def sam_transform(template: dict[str, Any], region: str | None = None) -> dict[str, Any]:
    """The SAM transform, offline: plain CloudFormation, with SAM's policies and events expanded.

    The region is the session's (``AWS_DEFAULT_REGION``) unless given.
    """
    if region is None:
        return transform(template, {}, _BundledPolicies())  # type: ignore[no-any-return]
    # What ``transform`` does, with a session for the region instead of the environment's.
    parameters: dict[str, Any] = {}
    to_py27_compatible_template(template, parameters)
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=region))
    translated = translator.translate(
        template, parameter_values=parameters, get_managed_policy_map=_BundledPolicies().load
    )
    return undo_mark_unicode_str_in_template(translated)  # type: ignore[no-any-return]


def translate_offline(
    template: dict[str, Any] | None = None, region: str = "eu-west-2"
) -> dict[str, Any]:
    """The template as CloudFormation would receive it, nothing uploaded and no AWS involved
    (code locations are placeholders): for tests that read what the transform makes."""
    placed = _code_at(
        template or load_template(), lambda logical_id, _: f"s3://offline/{logical_id}.zip"
    )
    return sam_transform(placed, region)


def translate(
    template: dict[str, Any], s3: S3Client, bucket: str = ARTIFACTS_BUCKET
) -> dict[str, Any]:
    """Upload code folders, point the template at them, and run the SAM transform offline."""
    region: Any = s3.meta.region_name
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})

    def upload(logical_id: str, folder: Path) -> str:
        key = f"{logical_id}.zip"
        s3.put_object(Bucket=bucket, Key=key, Body=_zip_folder(folder))
        return f"s3://{bucket}/{key}"

    return sam_transform(_code_at(template, upload), region)


def without_skipped_outputs(cfn: dict[str, Any]) -> dict[str, Any]:
    """moto fails the whole stack on an output that reads a resource it skipped."""
    skipped = {
        logical_id
        for logical_id, resource in cfn["Resources"].items()
        if resource["Type"] in NOT_CREATED_BY_MOTO
    }
    outputs = {
        name: output
        for name, output in cfn.get("Outputs", {}).items()
        if not (_references(output) & skipped)
    }
    return cfn | {"Outputs": outputs}


def archive_patterns_as_text(cfn: dict[str, Any]) -> dict[str, Any]:
    """moto's ``AWS::Events::Archive`` parses ``EventPattern`` as a JSON string and crashes on
    the object CloudFormation takes (and AWS accepts either): give it the text."""
    resources = copy.deepcopy(cfn["Resources"])
    for resource in resources.values():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::Events::Archive" and isinstance(
            properties.get("EventPattern"), dict
        ):
            properties["EventPattern"] = json.dumps(properties["EventPattern"])
    return cfn | {"Resources": resources}


@contextlib.contextmanager
def _quiet_moto() -> Iterator[None]:
    """In-process, moto logs and warns about each resource type it skips, on every read."""
    moto_log = logging.getLogger("moto")
    level = moto_log.level
    moto_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        moto_log.setLevel(level)


# Who signs a local run's letters (a made-up name, as the recipients on example.org are): the
# stack's OmbudsmanName parameter, which on AWS has no default.
LOCAL_OMBUDSMAN = "Alex Example"


def deploy(
    cloudformation: CloudFormationClient,
    s3: S3Client,
    lambda_client: LambdaClient,
    stack_name: str = "annual-review-local",
    template_path: Path = TEMPLATE_PATH,
    function_overrides: dict[str, str] | None = None,
    parameters: Mapping[str, str] | None = None,
) -> LocalStack:
    """Deploy the template into moto and switch off the event-source mappings.

    moto cannot run Lambda code without Docker, but an enabled mapping makes it consume the queue
    itself; the local runner polls the queue and invokes the handler in-process instead.
    """
    template = load_template(template_path)
    parameters = {"OmbudsmanName": LOCAL_OMBUDSMAN, **(parameters or {})}
    cfn = archive_patterns_as_text(
        with_skipped_attributes(without_skipped_outputs(translate(template, s3)))
    )
    with _quiet_moto():
        cloudformation.create_stack(
            StackName=stack_name,
            TemplateBody=json.dumps(cfn),
            Parameters=[
                {"ParameterKey": key, "ParameterValue": value}
                for key, value in (parameters or {}).items()
            ],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
        )
        cloudformation.get_waiter("stack_create_complete").wait(
            StackName=stack_name, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
        )
        described = cloudformation.describe_stack_resources(StackName=stack_name)
        stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    resources = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in described["StackResources"]
        if r.get("PhysicalResourceId")  # skipped resources have none
    }
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    for mapping in lambda_client.list_event_source_mappings()["EventSourceMappings"]:
        lambda_client.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
    return LocalStack(
        stack_name,
        resources,
        outputs,
        template,
        dict(function_overrides or {}),
        dict(parameters or {}),
    )
