"""Release: the year's data, letters and map page to the public bucket, on release day."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from annual_review.publication import Adapters, StepRequest, run_release
from annual_review.publication.wiring import aws_adapters
from annual_review.settings import get_settings
from annual_review.settings import now as current_time

# No Powertools Tracer, as in ingestion: the X-Ray SDK costs ~130 ms of every cold start.
logger = Logger()
metrics = Metrics(namespace="AnnualReview")
STEP = "release"


@cache
def adapters() -> Adapters:
    return aws_adapters(get_settings())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = StepRequest.model_validate(event)
    if request.step != STEP:
        raise ValueError(f"step: this function runs {STEP!r}, not {request.step!r}")
    settings = get_settings()
    now = current_time()
    result = run_release(request.financial_year(now), adapters(), settings, now, request.force)
    logger.info("release done", result=result.model_dump(mode="json"))
    metrics.add_metric(name="PublicationStepsCompleted", unit=MetricUnit.Count, value=1)
    return result.model_dump(mode="json")
