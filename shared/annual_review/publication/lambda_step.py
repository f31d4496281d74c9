"""What each scheduled publication function does with its event, once its decorators are on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from annual_review.adapters.clients import AwsClients
from annual_review.publication.snapshot import FreezeResult
from annual_review.publication.steps import Adapters, Step, StepRequest, run_step
from annual_review.publication.wiring import aws_adapters
from annual_review.settings import Settings


@dataclass(frozen=True)
class StepFunction:
    """What a publication function is given once, on its first call: its settings and adapters."""

    settings: Settings
    adapters: Adapters


def step_function(environment: Mapping[str, str]) -> StepFunction:
    """The edge of a publication function: settings from its environment, clients made once."""
    settings = Settings.from_environment(environment)
    return StepFunction(settings, aws_adapters(settings, AwsClients()))


def handle_scheduled_step(
    step: Step, event: dict[str, Any], function: StepFunction, logger: Logger, metrics: Metrics
) -> dict[str, Any]:
    """Parse the schedule's payload, run the step, log and count it, return its result."""
    request = StepRequest.model_validate(event)
    if request.step != step:
        raise ValueError(f"step: this function runs {step!r}, not {request.step!r}")
    settings = function.settings
    result = run_step(request, function.adapters, settings, settings.now())
    if isinstance(result, FreezeResult) and result.codes_not_in_registry:
        logger.warning(
            "aggregates for codes not in the year's registry: see the data-quality report",
            year=result.year,
            codes=result.codes_not_in_registry,
        )
    logger.info(f"{step} done", result=result.model_dump(mode="json"))
    metrics.add_metric(name="PublicationStepsCompleted", unit=MetricUnit.Count, value=1)
    return result.model_dump(mode="json")
