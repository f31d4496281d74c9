"""Find a deployed stack's resources, so operational commands need only the stack's name.

The same lookup works against AWS and against the local moto stack (``--endpoint-url``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annual_review.adapters import clients

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient

# Environment variable (as the Lambda functions see it) for each logical id of template.yaml.
ENVIRONMENT_OF_RESOURCE = {
    "LedgerTable": "LEDGER_TABLE",
    "AggregatesTable": "AGGREGATES_TABLE",
    "PublicationLeaseTable": "PUBLICATION_LEASE_TABLE",
    "PrivateBucket": "PRIVATE_BUCKET",
    "PublicBucket": "PUBLIC_BUCKET",
    "IngestQueue": "INGEST_QUEUE_URL",
    "IngestDeadLetterQueue": "INGEST_DLQ_URL",
}


def stack_environment(
    stack_name: str, cloudformation: CloudFormationClient | None = None
) -> dict[str, str]:
    """The settings' environment variables for a deployed stack."""
    client = cloudformation or clients.cloudformation()
    found: dict[str, str] = {}
    paginator = client.get_paginator("list_stack_resources")
    for page in paginator.paginate(StackName=stack_name):
        for resource in page["StackResourceSummaries"]:
            name = ENVIRONMENT_OF_RESOURCE.get(resource["LogicalResourceId"])
            if name and resource.get("PhysicalResourceId"):
                found[name] = resource["PhysicalResourceId"]
    outputs = client.describe_stacks(StackName=stack_name)["Stacks"][0].get("Outputs", [])
    for output in outputs:
        if output["OutputKey"] == "CaseworkBusName":
            found["EVENT_BUS_NAME"] = output["OutputValue"]
    return found
