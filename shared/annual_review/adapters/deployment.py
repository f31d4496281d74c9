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
    "PrivateBucket": "PRIVATE_BUCKET",
    "PublicBucket": "PUBLIC_BUCKET",
    "IngestQueue": "INGEST_QUEUE_URL",
    "IngestDeadLetterQueue": "INGEST_DLQ_URL",
    "DeliveriesTable": "DELIVERIES_TABLE",
}
# ... and for each of the stack's outputs the commands need.
ENVIRONMENT_OF_OUTPUT = {
    "CaseworkBusName": "EVENT_BUS_NAME",
    "PublicationScheduleGroupName": "SCHEDULE_GROUP",
    "PublicationSchedulerRoleArn": "SCHEDULER_ROLE_ARN",
    "PublicationFailureQueueArn": "PUBLICATION_FAILURE_QUEUE_ARN",
    "FreezeFunctionArn": "FREEZE_FUNCTION_ARN",
    "LettersFunctionArn": "LETTERS_FUNCTION_ARN",
    "ReleaseFunctionArn": "RELEASE_FUNCTION_ARN",
    "MailConfigurationSetName": "MAIL_CONFIGURATION_SET",
}
ENVIRONMENT_OF_PARAMETER = {"SenderAddress": "SENDER_ADDRESS"}


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
    stack = client.describe_stacks(StackName=stack_name)["Stacks"][0]
    for output in stack.get("Outputs", []):
        if output["OutputKey"] in ENVIRONMENT_OF_OUTPUT:
            found[ENVIRONMENT_OF_OUTPUT[output["OutputKey"]]] = output["OutputValue"]
    for parameter in stack.get("Parameters", []):
        if parameter["ParameterKey"] in ENVIRONMENT_OF_PARAMETER:
            value = parameter.get("ParameterValue", "")
            found[ENVIRONMENT_OF_PARAMETER[parameter["ParameterKey"]]] = value
    return found
