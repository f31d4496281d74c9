"""The letters' outcomes are alarmed on metrics the code really emits; SES delivers over TLS."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Metrics

from annual_review.publication.delivery import DeliveryResult
from annual_review.publication.lambda_step import count_undelivered
from annual_review.publication.undelivered import LettersNotDelivered
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


def test_the_letters_step_emits_what_the_alarms_watch() -> None:
    metrics = Metrics(namespace="AnnualReview")
    result = DeliveryResult(sending=True, failed=["E09000021 officers: MessageRejected"])
    count_undelivered(LettersNotDelivered("2019-20", 1, result), metrics)
    emitted = metrics.serialize_metric_set()
    assert emitted["LettersFailed"] == [1.0]
    assert emitted["LettersUnconfirmed"] == [0.0]
    for name in ("LettersFailed", "LettersUnconfirmed"):
        [alarm] = alarmed(name)
        assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")
        assert "Dimensions" not in alarm  # the metrics have none


def test_bounces_and_complaints_are_alarmed() -> None:
    source = (PROJECT_ROOT / "functions" / "mail_feedback" / "app.py").read_text()
    assert 'name="LetterBouncedOrComplained"' in source
    [alarm] = alarmed("LetterBouncedOrComplained")
    assert alarm["Statistic"] == "Sum"


def test_the_configuration_set_requires_tls() -> None:
    options = RESOURCES["MailConfigurationSet"]["Properties"]["DeliveryOptions"]
    assert options == {"TlsPolicy": "REQUIRE"}
