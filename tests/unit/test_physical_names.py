"""Two stacks of template.yaml can live side by side in one account and region: every physical
name the template (after the SAM transform, offline) gives a resource differs between stacks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from annual_review_tools.local.stack import translate_offline

ACCOUNT, REGION = "123456789012", "eu-west-2"
STACKS = {
    "annual-review": "d0c8a3e0-0000-4000-8000-000000000001",
    "annual-review-staging": "d0c8a3e0-0000-4000-8000-000000000002",
}
# Where each resource type of the template takes its physical name (absent: CloudFormation makes
# one up from the stack's name, unique). A type not listed fails the test, so a new kind of
# resource is looked at before it ships.
NAME_PROPERTIES: dict[str, tuple[str, ...]] = {
    "AWS::CloudFront::Distribution": (),
    "AWS::CloudFront::Function": ("Name",),
    "AWS::CloudFront::OriginAccessControl": ("OriginAccessControlConfig.Name",),
    "AWS::CloudFront::ResponseHeadersPolicy": ("ResponseHeadersPolicyConfig.Name",),
    "AWS::CloudWatch::Alarm": ("AlarmName",),
    "AWS::CloudWatch::Dashboard": ("DashboardName",),
    "AWS::DynamoDB::Table": ("TableName",),
    "AWS::Events::EventBus": ("Name",),
    "AWS::Events::EventBusPolicy": (),  # a statement in this stack's own bus's policy
    "AWS::Events::Rule": ("Name",),
    "AWS::IAM::Role": ("RoleName",),
    "AWS::Lambda::EventInvokeConfig": (),
    "AWS::Lambda::EventSourceMapping": (),
    "AWS::Lambda::Function": ("FunctionName",),
    "AWS::Lambda::LayerVersion": ("LayerName",),
    "AWS::Lambda::Permission": (),
    "AWS::Logs::LogGroup": ("LogGroupName",),
    "AWS::S3::Bucket": ("BucketName",),
    "AWS::S3::BucketPolicy": (),
    "AWS::SNS::Subscription": (),
    "AWS::SNS::Topic": ("TopicName",),
    "AWS::SNS::TopicPolicy": (),
    "AWS::SQS::Queue": ("QueueName",),
    "AWS::SQS::QueuePolicy": (),
    "AWS::Scheduler::Schedule": ("Name",),
    "AWS::Scheduler::ScheduleGroup": ("Name",),
    "AWS::SES::ConfigurationSet": ("Name",),
    "AWS::SES::ConfigurationSetEventDestination": (),  # named inside its own configuration set
    # Recovery, data protection and operators (issue 21).
    "AWS::Events::Archive": ("ArchiveName",),
    "AWS::Backup::BackupVault": ("BackupVaultName",),
    "AWS::Backup::BackupPlan": (),  # known by its id; its name need not be unique
    "AWS::Backup::BackupSelection": (),
    "AWS::KMS::Key": (),
    "AWS::KMS::Alias": ("AliasName",),
    "AWS::CloudTrail::Trail": ("TrailName",),
    "AWS::IAM::ManagedPolicy": ("ManagedPolicyName",),
}
CFN = translate_offline()


def resolve(value: Any, known: Mapping[str, str]) -> str:
    """A name's value for one stack: the intrinsic functions names are built with."""
    if isinstance(value, str):
        return value
    [(function, argument)] = value.items()
    if function == "Ref":
        return known[argument]
    if function == "Fn::Sub":
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        scope = dict(known) | {k: resolve(v, known) for k, v in variables.items()}
        for name, replacement in scope.items():
            text = text.replace("${" + name + "}", replacement)
        assert "${" not in text, f"unresolved in {text}"
        return str(text)
    if function == "Fn::Select":
        index, items = argument
        return resolve_list(items, known)[int(index)]
    if function == "Fn::Join":
        separator, items = argument
        return str(separator).join(resolve(item, known) for item in items)
    raise AssertionError(f"a name built with {function}: teach this test to resolve it")


def resolve_list(value: Any, known: Mapping[str, str]) -> list[str]:
    if isinstance(value, dict) and "Fn::Split" in value:
        separator, text = value["Fn::Split"]
        return resolve(text, known).split(separator)
    return [resolve(item, known) for item in value]


def physical_names(stack: str) -> dict[str, str]:
    """Every explicit physical name, by resource and property, as the named stack resolves it."""
    known = {
        "AWS::StackName": stack,
        "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{stack}/{STACKS[stack]}",
        "AWS::Region": REGION,
        "AWS::AccountId": ACCOUNT,
        "AWS::Partition": "aws",
    } | {name: str(p.get("Default", "")) for name, p in CFN.get("Parameters", {}).items()}
    names: dict[str, str] = {}
    for logical_id, resource in CFN["Resources"].items():
        assert resource["Type"] in NAME_PROPERTIES, f"{resource['Type']}: where is its name?"
        for path in NAME_PROPERTIES[resource["Type"]]:
            value: Any = resource.get("Properties", {})
            for part in path.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if value is not None:
                names[f"{logical_id}.{path}"] = resolve(value, known)
    return names


def test_no_physical_name_is_shared_by_two_stacks_in_one_account_and_region() -> None:
    production, staging = (physical_names(stack) for stack in STACKS)
    assert set(production) == set(staging)
    shared = {key: name for key, name in production.items() if staging[key] == name}
    assert shared == {}
    # and no two resources of one stack share a name either
    assert len(set(production.values())) == len(production)


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ("CaseworkBus.Name", "annual-review-staging-casework"),
        ("YearDashboard.DashboardName", "annual-review-staging-eu-west-2"),
        (
            "PublicOriginAccessControl.OriginAccessControlConfig.Name",
            "public-d0c8a3e0-0000-4000-8000-000000000002",
        ),
        (
            "PublicResponseHeadersPolicy.ResponseHeadersPolicyConfig.Name",
            "public-data-d0c8a3e0-0000-4000-8000-000000000002",
        ),
    ],
)
def test_names_that_must_be_given_carry_the_stack(resource: str, expected: str) -> None:
    assert physical_names("annual-review-staging")[resource] == expected


def test_the_schedules_and_the_layer_are_not_named_by_sam_alone() -> None:
    # The calendar commands keep the one-time schedules in the stack's own schedule group. The
    # recurring ones are the learning publication's and the hourly heartbeat, named per stack.
    schedules = [r for r in CFN["Resources"].values() if r["Type"] == "AWS::Scheduler::Schedule"]
    assert sorted(r["Properties"]["ScheduleExpression"] for r in schedules) == [
        "cron(30 9 ? * WED *)",
        "cron(35 9 * * ? *)",
        "rate(1 hour)",
    ]
    assert {
        r["Properties"]["ScheduleExpressionTimezone"]
        for r in schedules
        if r["Properties"]["ScheduleExpression"].startswith("cron")
    } == {"Europe/London"}
    names = physical_names("annual-review-staging")
    assert names["LearningFunctionWeekly.Name"] == "annual-review-staging-learning-weekly"
    assert names["HeartbeatSchedule.Name"] == "annual-review-staging-heartbeat"
    assert names["PublicationScheduleGroup.Name"] == "annual-review-staging-publication"
    assert [v for k, v in names.items() if k.endswith(".LayerName")] == [
        "annual-review-staging-shared"
    ]


def test_every_explicit_name_fits_the_tightest_limit() -> None:
    # Origin access control names are at most 64 characters; the others here allow more.
    names = physical_names("annual-review")
    assert {key: name for key, name in names.items() if len(name) > 64} == {}
