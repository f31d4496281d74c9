"""template.yaml keeps the promises the design depends on (cfn-lint and checkov run in CI too)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from annual_review.adapters.clients import WORST_CASE_CALL_SECONDS
from annual_review_tools.local.stack import PROJECT_ROOT, load_template
from functions.ingest.app import REPORT_SECONDS as INGEST_REPORT_SECONDS

TEMPLATE = load_template()
RESOURCES: dict[str, dict[str, Any]] = TEMPLATE["Resources"]
CHECKOV = PROJECT_ROOT / ".checkov.yaml"


def of_type(kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in RESOURCES.items() if r["Type"] == kind}


def statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for policy in function["Properties"]["Policies"] for s in policy["Statement"]]


@pytest.mark.parametrize("bucket", sorted(of_type("AWS::S3::Bucket")))
def test_every_bucket_is_encrypted_private_and_owner_enforced(bucket: str) -> None:
    properties = RESOURCES[bucket]["Properties"]
    assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert set(properties["PublicAccessBlockConfiguration"].values()) == {True}
    assert properties["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    [policy] = [
        p
        for p in of_type("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket}
    ]
    tls = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
    assert tls[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_public_bucket_is_read_only_by_cloudfront_with_origin_access_control() -> None:
    policy = RESOURCES["PublicBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    [allow] = [s for s in policy if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert "AWS:SourceArn" in allow["Condition"]["StringEquals"]
    [origin] = RESOURCES["PublicDistribution"]["Properties"]["DistributionConfig"]["Origins"]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["PublicOriginAccessControl", "Id"]}


def test_the_rule_sends_every_casework_event_to_the_queue_with_a_dead_letter_queue() -> None:
    rule = RESOURCES["CaseworkRule"]["Properties"]
    assert rule["EventPattern"] == {"source": ["ombudsman.casework"]}  # no detail-type filter
    [target] = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": ["IngestQueue", "Arn"]}
    assert "DeadLetterConfig" in target
    queue = RESOURCES["IngestQueue"]["Properties"]
    assert queue["RedrivePolicy"]["maxReceiveCount"] == 5
    # The Lambda guide's rule: at least six times the function timeout plus the batching window.
    casework = RESOURCES["IngestFunction"]["Properties"]["Events"]["Casework"]["Properties"]
    window = casework["MaximumBatchingWindowInSeconds"]
    assert 0 < window <= 5
    assert queue["VisibilityTimeout"] >= 6 * TEMPLATE["Globals"]["Function"]["Timeout"] + window


def test_ingestion_reports_partial_batch_failures() -> None:
    events = RESOURCES["IngestFunction"]["Properties"]["Events"]
    assert events["Casework"]["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


@pytest.mark.parametrize("function", sorted(of_type("AWS::Serverless::Function")))
def test_every_function_logs_to_a_group_with_retention_and_has_a_dead_letter_path(
    function: str,
) -> None:
    properties = RESOURCES[function]["Properties"]
    group = properties["LoggingConfig"]["LogGroup"]["Ref"]
    assert "RetentionInDays" in RESOURCES[group]["Properties"]
    fed_by_sqs = any(e["Type"] == "SQS" for e in properties.get("Events", {}).values())
    assert fed_by_sqs or properties["DeadLetterQueue"]["Type"] == "SQS"


# Actions with no resource-level permission: IAM only accepts "*" for them (Service
# Authorization Reference, Amazon SES v2: GetAccount has no resource type).
ACCOUNT_LEVEL_ACTIONS = frozenset({"ses:GetAccount"})


@pytest.mark.parametrize("function", sorted(of_type("AWS::Serverless::Function")))
def test_no_function_may_act_on_every_resource(function: str) -> None:
    for statement in statements(RESOURCES[function]):
        resources = statement["Resource"]
        if str(statement["Action"]) in ACCOUNT_LEVEL_ACTIONS and resources == "*":
            continue
        assert resources != "*"
        assert "*" not in (resources if isinstance(resources, list) else [])
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        assert not any(action.endswith(":*") for action in actions)


@pytest.mark.parametrize("function", sorted(of_type("AWS::Serverless::Function")))
def test_no_function_reserves_concurrency(function: str) -> None:
    # A new account's quota may be 10, all of which must stay unreserved: a reservation fails
    # the deploy. Ingestion is capped on its event source instead; publication takes a lease.
    assert "ReservedConcurrentExecutions" not in RESOURCES[function]["Properties"]
    assert "ReservedConcurrentExecutions" not in TEMPLATE["Globals"]["Function"]


def test_ingestion_concurrency_is_capped_on_the_event_source() -> None:
    [source] = RESOURCES["IngestFunction"]["Properties"]["Events"].values()
    assert source["Properties"]["ScalingConfig"] == {"MaximumConcurrency": 5}


@pytest.mark.parametrize("function", sorted(of_type("AWS::Serverless::Function")))
def test_every_aws_call_ends_inside_the_function_timeout_with_room_to_report(
    function: str,
) -> None:
    timeout = RESOURCES[function]["Properties"].get(
        "Timeout", TEMPLATE["Globals"]["Function"]["Timeout"]
    )
    assert timeout - 5 >= WORST_CASE_CALL_SECONDS + INGEST_REPORT_SECONDS


def test_every_alarm_notifies_the_stacks_topic() -> None:
    alarms = of_type("AWS::CloudWatch::Alarm")
    assert len(alarms) >= 13
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"][0] == {"Ref": "AlarmTopic"}
    watched = {
        (a["Properties"]["MetricName"], str(a["Properties"]["Dimensions"][0]["Value"]))
        for a in alarms.values()
        if "MetricName" in a["Properties"]  # not the metric math alarms (test_outcome_alarms)
    }
    for queue in ("IngestDeadLetterQueue", "UndeliveredEventsQueue", "PublicationFailureQueue"):
        assert (
            "ApproximateNumberOfMessagesVisible",
            str({"Fn::GetAtt": [queue, "QueueName"]}),
        ) in watched
    assert ("ApproximateAgeOfOldestMessage", str({"Fn::GetAtt": ["IngestQueue", "QueueName"]})) in (
        watched
    )
    assert ("EventsQuarantined", "ingest") in watched
    for function in of_type("AWS::Serverless::Function"):
        for metric in ("Errors", "Throttles"):
            assert (metric, str({"Ref": function})) in watched


def test_an_email_subscription_only_when_an_address_is_given() -> None:
    subscription = RESOURCES["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Protocol"] == "email"


def test_the_dashboard_shows_the_years_flow() -> None:
    body = json.dumps(RESOURCES["YearDashboard"]["Properties"]["DashboardBody"])
    for metric in (
        "EventsApplied",
        "EventsIgnored",
        "EventsQuarantined",
        "EventsRetry",
        "NumberOfMessagesSent",
        "ApproximateNumberOfMessagesVisible",
        "Errors",
    ):
        assert metric in body


def test_the_tls_minimum_applies_only_with_a_custom_domain_certificate() -> None:
    config = RESOURCES["PublicDistribution"]["Properties"]["DistributionConfig"]
    condition, custom, default = config["ViewerCertificate"]["Fn::If"]
    assert condition == "HasCustomDomain"
    assert custom == {
        "AcmCertificateArn": {"Ref": "CertificateArn"},
        "MinimumProtocolVersion": "TLSv1.2_2021",
        "SslSupportMethod": "sni-only",
    }
    assert default == {"CloudFrontDefaultCertificate": True}
    assert config["Aliases"]["Fn::If"][0] == "HasCustomDomain"


def test_other_accounts_may_put_casework_events_only_when_listed() -> None:
    policy = RESOURCES["CaseworkBusPolicy"]
    assert policy["Condition"] == "HasCaseworkAccounts"
    statement = policy["Properties"]["Statement"]
    assert statement["Action"] == "events:PutEvents"
    assert statement["Principal"] == {"AWS": {"Ref": "CaseworkAccountIds"}}
    assert TEMPLATE["Parameters"]["CaseworkAccountIds"]["Default"] == ""


def test_the_checkov_exceptions_are_the_ones_with_a_reason_that_holds() -> None:
    # Each skipped check is preceded by its reason; the two corrected ones say what is true.
    text = CHECKOV.read_text()
    skipped = re.findall(r"^  - (CKV_AWS_\d+)$", text, re.MULTILINE)
    assert len(skipped) == len(set(skipped))
    for check in skipped:
        reason = text.split(f"  - {check}\n")[0].rsplit("  - CKV", 1)[-1]
        assert "#" in reason, check
    assert "AWS managed KMS key" in text.split("CKV_AWS_119")[0].rsplit("CKV_AWS", 1)[-1]
    assert "need no bucket ACLs" in text.split("CKV_AWS_86")[0].rsplit("CKV_AWS", 1)[-1]
    assert all(
        r["Properties"]["SSESpecification"] == {"SSEEnabled": True}
        for r in of_type("AWS::DynamoDB::Table").values()
    )


def test_the_calendar_not_the_template_sets_the_dates() -> None:
    # No fixed month-day parameters and no yearly schedules: the calendar commands create
    # one-time schedules in the stack's group, run through a role that may only invoke the
    # three publication functions and report failures to the publication failure queue.
    assert not {"LettersMonthDay", "ReleaseMonthDay"} & set(TEMPLATE["Parameters"])
    for function in ("FreezeFunction", "LettersFunction", "ReleaseFunction"):
        events = RESOURCES[function]["Properties"].get("Events", {}).values()
        assert not [e for e in events if e["Type"] in ("Schedule", "ScheduleV2")]
    assert RESOURCES["PublicationScheduleGroup"]["Type"] == "AWS::Scheduler::ScheduleGroup"
    role = RESOURCES["PublicationSchedulerRole"]["Properties"]
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    granted = {
        action: statement["Resource"]
        for policy in role["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
        for action in [statement["Action"]]
    }
    assert granted == {
        "lambda:InvokeFunction": [
            {"Fn::GetAtt": [name, "Arn"]}
            for name in ("FreezeFunction", "LettersFunction", "ReleaseFunction")
        ],
        "sqs:SendMessage": {"Fn::GetAtt": ["PublicationFailureQueue", "Arn"]},
    }


def test_ses_events_reach_the_feedback_function_with_retries_and_a_dead_letter_queue() -> None:
    destination = RESOURCES["MailEventDestination"]["Properties"]["EventDestination"]
    assert {"bounce", "complaint", "send"} <= set(destination["MatchingEventTypes"])
    assert "EventBridgeDestination" in destination
    [rule] = RESOURCES["MailFeedbackFunction"]["Properties"]["Events"].values()
    assert rule["Type"] == "EventBridgeRule"
    assert rule["Properties"]["Pattern"]["source"] == ["aws.ses"]
    assert "DeadLetterConfig" in rule["Properties"]
    assert "RetryPolicy" in rule["Properties"]
    [statement] = statements(RESOURCES["MailFeedbackFunction"])
    assert statement["Action"] == "dynamodb:UpdateItem"


def test_only_the_letters_function_sends_email_and_only_from_the_sender() -> None:
    senders = [
        name
        for name, function in of_type("AWS::Serverless::Function").items()
        for statement in statements(function)
        if "ses:SendEmail" in str(statement["Action"])
    ]
    assert senders == ["LettersFunction"]
    [grant] = [
        s for s in statements(RESOURCES["LettersFunction"]) if s["Action"] == "ses:SendEmail"
    ]
    assert grant["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "SenderAddress"}}}
