"""Deploy ``template.yaml`` into moto through CloudFormation, the way ``sam deploy`` would on AWS.

The SAM transform runs offline (aws-sam-translator with its bundled managed-policy map), local
``CodeUri``/``ContentUri`` folders are zipped and uploaded, and moto's ``create_stack`` brings up
the tables, buckets, queues, bus and rule. moto skips CloudFront, bucket and queue policies,
alarms and Scheduler schedules (the runner acts the schedules out), so outputs that point at
skipped resources are left out of the local deploy.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import logging
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from cfnlint.decode.cfn_yaml import load as load_cfn_yaml
from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

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
        "AWS::Lambda::EventInvokeConfig",
    }
)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The SAM template as plain data, CloudFormation tags (``!Ref``, ``!Sub`` …) understood."""
    return json.loads(json.dumps(load_cfn_yaml(str(path))))  # type: ignore[no-any-return]


class _BundledPolicies:
    """The managed-policy loader the translator wants, answered offline."""

    def load(self) -> dict[str, str]:
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

    def physical(self, logical_id: str) -> str:
        return self.resources[logical_id]

    def function_settings(self, logical_id: str) -> dict[str, str]:
        """A function's environment exactly as the template gives it, with references resolved."""
        known = self.resources | {
            name: str(parameter.get("Default", ""))
            for name, parameter in self.template.get("Parameters", {}).items()
        }
        resolved = {
            name: _resolve(value, known)
            for name, value in self.template["Globals"]["Function"]["Environment"][
                "Variables"
            ].items()
        }
        function = self.template["Resources"][logical_id]["Properties"]
        for name, value in function.get("Environment", {}).get("Variables", {}).items():
            resolved[name] = _resolve(value, known)
        return resolved

    def schedules(self) -> list[tuple[str, dict[str, Any]]]:
        """(function logical id, payload) for every ScheduleV2 event, in template order.

        moto stores schedules but never fires them: the local runner invokes each handler
        with exactly the payload its schedule would send.
        """
        found = []
        for logical_id, resource in self.template["Resources"].items():
            events = resource.get("Properties", {}).get("Events", {})
            for event in events.values():
                if event.get("Type") == "ScheduleV2":
                    found.append((logical_id, json.loads(event["Properties"]["Input"])))
        return found


def _resolve(value: Any, resources: Mapping[str, str]) -> str:
    if isinstance(value, dict) and "Ref" in value:
        return resources[value["Ref"]] if value["Ref"] in resources else str(value["Ref"])
    return str(value)


def translate(
    template: dict[str, Any], s3: S3Client, bucket: str = ARTIFACTS_BUCKET
) -> dict[str, Any]:
    """Upload code folders, point the template at them, and run the SAM transform offline."""
    sam = copy.deepcopy(template)
    region: Any = s3.meta.region_name
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    for logical_id, resource in sam["Resources"].items():
        properties = resource.get("Properties", {})
        for uri_key in ("CodeUri", "ContentUri"):
            uri = properties.get(uri_key)
            if isinstance(uri, str) and not uri.startswith("s3://"):
                key = f"{logical_id}.zip"
                s3.put_object(Bucket=bucket, Key=key, Body=_zip_folder(PROJECT_ROOT / uri))
                properties[uri_key] = f"s3://{bucket}/{key}"
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=region))
    return translator.translate(  # type: ignore[no-any-return]
        sam, parameter_values={}, get_managed_policy_map=_BundledPolicies().load
    )


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


def deploy(
    cloudformation: CloudFormationClient,
    s3: S3Client,
    lambda_client: LambdaClient,
    stack_name: str = "annual-review-local",
    template_path: Path = TEMPLATE_PATH,
    function_overrides: dict[str, str] | None = None,
) -> LocalStack:
    """Deploy the template into moto and switch off the event-source mappings.

    moto cannot run Lambda code without Docker, but an enabled mapping makes it consume the queue
    itself; the local runner polls the queue and invokes the handler in-process instead.
    """
    template = load_template(template_path)
    cfn = without_skipped_outputs(translate(template, s3))
    with _quiet_moto():
        cloudformation.create_stack(
            StackName=stack_name,
            TemplateBody=json.dumps(cfn),
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
    return LocalStack(stack_name, resources, outputs, template, dict(function_overrides or {}))
