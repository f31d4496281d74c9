"""A deployed stack as the operator's commands see it: its resources and its functions' settings.

The commands run with exactly the settings the deployed functions have (read from the function's
configuration, not the operator's defaults), and the same lookup works against AWS and against
the local moto stack (``--endpoint-url``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annual_review.adapters.clients import AwsClients
from annual_review.settings import Settings

# Settings that are not in any function's environment, from the stack's resources.
SETTING_OF_RESOURCE = {
    "IngestQueue": "ingest_queue_url",
    "IngestDeadLetterQueue": "ingest_dlq_url",
}


class StackNotFound(Exception):
    """The named stack, or a function it should have, is not deployed where we looked."""


@dataclass(frozen=True)
class DeployedStack:
    name: str
    resources: dict[str, str]  # logical id -> physical id
    outputs: dict[str, str]
    types: dict[str, str] = field(default_factory=dict)  # logical id -> resource type

    def of_type(self, resource_type: str) -> list[str]:
        """The physical ids of the stack's resources of one type (``AWS::CloudWatch::Alarm``)."""
        return [
            self.resources[logical_id]
            for logical_id, kind in self.types.items()
            if kind == resource_type and logical_id in self.resources
        ]

    def physical(self, logical_id: str) -> str:
        try:
            return self.resources[logical_id]
        except KeyError:
            raise StackNotFound(f"stack {self.name} has no resource {logical_id}") from None


def describe_stack(name: str, clients: AwsClients) -> DeployedStack:
    cloudformation = clients.cloudformation()
    resources: dict[str, str] = {}
    types: dict[str, str] = {}
    try:
        pages = list(cloudformation.get_paginator("list_stack_resources").paginate(StackName=name))
        stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except cloudformation.exceptions.ClientError as error:
        raise StackNotFound(f"stack {name}: {error}") from None
    for page in pages:
        for resource in page["StackResourceSummaries"]:
            if resource.get("PhysicalResourceId"):
                resources[resource["LogicalResourceId"]] = resource["PhysicalResourceId"]
                types[resource["LogicalResourceId"]] = resource["ResourceType"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    return DeployedStack(name, resources, outputs, types)


def function_settings(stack: DeployedStack, function: str, clients: AwsClients) -> Settings:
    """The settings ``function`` (a logical id) runs with, plus the stack's queues and bus."""
    configuration = clients.lambda_().get_function_configuration(
        FunctionName=stack.physical(function)
    )
    environment = dict(configuration.get("Environment", {}).get("Variables", {}))
    settings = Settings.from_environment(environment)
    extra: dict[str, str] = {
        setting: stack.resources[logical_id]
        for logical_id, setting in SETTING_OF_RESOURCE.items()
        if logical_id in stack.resources
    }
    if "CaseworkBusName" in stack.outputs:
        extra["event_bus_name"] = stack.outputs["CaseworkBusName"]
    return settings.model_copy(update=extra)
