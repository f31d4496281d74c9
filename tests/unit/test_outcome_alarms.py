"""Alarms on outcomes: a step not completed by its deadline, DynamoDB throttles and system
errors on every table of the stack (read from template.yaml)."""

from __future__ import annotations

from typing import Any

from annual_review.calendar.schedules import OVERDUE_METRIC
from annual_review_tools.local.stack import load_template

RESOURCES: dict[str, dict[str, Any]] = load_template()["Resources"]
ALARMS = {n: r["Properties"] for n, r in RESOURCES.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
TABLES = sorted(n for n, r in RESOURCES.items() if r["Type"] == "AWS::DynamoDB::Table")


def watched_table_metrics() -> set[tuple[str, str]]:
    """(metric name, table) for every DynamoDB metric some metric math alarm sums."""
    found = set()
    for alarm in ALARMS.values():
        for query in alarm.get("Metrics", []):
            metric = query.get("MetricStat", {}).get("Metric", {})
            if metric.get("Namespace") != "AWS/DynamoDB":
                continue
            table = next(
                d["Value"]["Ref"] for d in metric["Dimensions"] if d["Name"] == "TableName"
            )
            found.add((metric["MetricName"], table))
        if alarm.get("Metrics"):
            [total] = [q for q in alarm["Metrics"] if q.get("ReturnData", True)]
            assert total["Expression"] == "SUM(METRICS())"
            assert alarm["Threshold"] == 0
            assert alarm["TreatMissingData"] == "notBreaching"
            assert alarm["AlarmActions"][0] == {"Ref": "AlarmTopic"}
    return found


def test_every_table_alarms_on_read_and_write_throttles_and_system_errors() -> None:
    assert TABLES  # the ledger, the aggregates, the lease, the deliveries...
    watched = watched_table_metrics()
    for table in TABLES:
        for metric in ("ReadThrottleEvents", "WriteThrottleEvents", "SystemErrors"):
            assert (metric, table) in watched, f"{table}: no alarm on {metric}"


def test_a_step_not_completed_by_its_deadline_alarms() -> None:
    [overdue] = [a for a in ALARMS.values() if a.get("MetricName") == OVERDUE_METRIC]
    # The checks run in the release function, whose metrics carry its service name.
    assert overdue["Namespace"] == "AnnualReview"
    assert overdue["Dimensions"] == [{"Name": "service", "Value": "release"}]
    release = RESOURCES["ReleaseFunction"]["Properties"]["Environment"]["Variables"]
    assert release["POWERTOOLS_SERVICE_NAME"] == "release"
    assert (overdue["ComparisonOperator"], overdue["Threshold"]) == ("GreaterThanThreshold", 0)
    assert overdue["TreatMissingData"] == "notBreaching"  # no check, no alarm: most of the year
