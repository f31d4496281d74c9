"""A year of casework for one stack, with its aggregates worked out by hand, and reading or
emptying a table as the recovery tests do."""

from __future__ import annotations

import json
from typing import Any

import boto3

from annual_review_tools.local.stack import LocalStack
from tests.builders import complaint, compliance, decision
from tests.integration.sqs_lambda import drain, put_events

YEAR = "2019-20"
# What the events of ``a_year_of_casework`` add up to, worked out by hand: D-1 upheld then
# amended to not upheld (housing); D-2 upheld with a satisfactory remedy (planning), complied
# with; D-3 closed after initial enquiries (education); one complaint about housing.
EXPECTED = {
    f"{YEAR}#E09000021": {
        "decisions_upheld": 1,
        "decisions_not_upheld": 1,
        "decisions_area_housing": 1,
        "decisions_area_planning_and_development": 1,
        "satisfactory_remedies": 1,
        "compliance_complied": 1,
    },
    f"{YEAR}#E09000007": {
        "decisions_closed_after_initial_enquiries": 1,
        "decisions_area_education_and_childrens_services": 1,
        "complaints_area_housing": 1,
    },
}


def a_year_of_casework(stack: LocalStack) -> None:
    put_events(
        stack,
        [
            ("DecisionRecorded", decision("D-1")),
            ("DecisionRecorded", decision("D-2", service_area="planning_and_development",
                                          satisfactory_remedy_by_authority=True)),
            ("ComplianceRecorded", compliance("D-2")),
            ("DecisionRecorded", decision("D-3", authority_code="E09000007",
                                          outcome="closed_after_initial_enquiries",
                                          service_area="education_and_childrens_services")),
            ("ComplaintReceived", complaint("C-1", authority_code="E09000007")),
        ],
    )  # fmt: skip
    drain(stack)
    put_events(stack, [("DecisionRecorded", decision("D-1", version=2, outcome="not_upheld"))])
    drain(stack)


def items(stack: LocalStack, table: str) -> list[dict[str, Any]]:
    """Every item of a table exactly as DynamoDB returns it (its wire format), in key order."""
    found = boto3.client("dynamodb").scan(TableName=stack.physical(table))["Items"]
    return sorted(found, key=lambda item: json.dumps(item, sort_keys=True))


def empty(stack: LocalStack, table: str, key: tuple[str, ...]) -> None:
    client = boto3.client("dynamodb")
    for item in items(stack, table):
        client.delete_item(TableName=stack.physical(table), Key={name: item[name] for name in key})
