"""What each scheduled publication function does with its event, once its decorators are on."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from annual_review.publication.snapshot import FreezeResult
from annual_review.publication.steps import Adapters, Step, StepRequest, run_step
from annual_review.settings import get_settings
from annual_review.settings import now as current_time


def handle_scheduled_step(
    step: Step, event: dict[str, Any], adapters: Adapters, logger: Logger, metrics: Metrics
) -> dict[str, Any]:
    """Parse the schedule's payload, run the step, log and count it, return its result."""
    request = StepRequest.model_validate(event)
    if request.step != step:
        raise ValueError(f"step: this function runs {step!r}, not {request.step!r}")
    result = run_step(request, adapters, get_settings(), current_time())
    if isinstance(result, FreezeResult) and result.codes_not_in_registry:
        logger.warning(
            "aggregates for codes not in the year's registry: see the data-quality report",
            year=result.year,
            codes=result.codes_not_in_registry,
        )
    logger.info(f"{step} done", result=result.model_dump(mode="json"))
    metrics.add_metric(name="PublicationStepsCompleted", unit=MetricUnit.Count, value=1)
    return result.model_dump(mode="json")
