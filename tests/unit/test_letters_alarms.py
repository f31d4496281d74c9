"""The letters' outcomes are alarmed on metrics the code really emits; SES delivers over TLS."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Metrics

from annual_review.publication.mail.delivery import DeliveryResult
from annual_review.publication.mail.undelivered import LettersNotDelivered
from annual_review.wiring.lambda_step import count_undelivered
from annual_review_tools.local.stack import PROJECT_ROOT, load_template

RESOURCES: dict[str, Any] = load_template(PROJECT_ROOT / "template.yaml")["Resources"]


def alarmed(metric: str) -> list[dict[str, Any]]:
    return [
        r["Properties"]
        for r in RESOURCES.values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        and r["Properties"].get("MetricName") == metric
        and r["Properties"].get("Namespace") == "AnnualReview"
    ]


def service_of(function: str) -> str:
    variables = RESOURCES[function]["Properties"]["Environment"]["Variables"]
    return str(variables["POWERTOOLS_SERVICE_NAME"])


def test_the_letters_step_emits_what_the_alarms_watch() -> None:
    # The function's metrics carry its service name as their one dimension (Powertools).
    metrics = Metrics(namespace="AnnualReview", service=service_of("LettersFunction"))
    result = DeliveryResult(sending=True, failed=["E09000021 officers: MessageRejected"])
    count_undelivered(LettersNotDelivered("2019-20", 1, result), metrics)
    emitted: dict[str, Any] = dict(metrics.serialize_metric_set())
    assert emitted["LettersFailed"] == [1.0]
    assert emitted["LettersUnconfirmed"] == [0.0]
    [dimensions] = emitted["_aws"]["CloudWatchMetrics"][0]["Dimensions"]
    for name in ("LettersFailed", "LettersUnconfirmed"):
        [alarm] = alarmed(name)
        assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")
        assert [d["Name"] for d in alarm["Dimensions"]] == dimensions
        assert [emitted[d["Name"]] for d in alarm["Dimensions"]] == ["letters"]


def test_bounces_and_complaints_are_alarmed() -> None:
    source = (PROJECT_ROOT / "functions" / "mail_feedback" / "app.py").read_text()
    assert 'name="LetterBouncedOrComplained"' in source
    [alarm] = alarmed("LetterBouncedOrComplained")
    assert alarm["Statistic"] == "Sum"
    assert alarm["Dimensions"] == [{"Name": "service", "Value": service_of("MailFeedbackFunction")}]


def test_the_configuration_set_requires_tls() -> None:
    options = RESOURCES["MailConfigurationSet"]["Properties"]["DeliveryOptions"]
    assert options == {"TlsPolicy": "REQUIRE"}
