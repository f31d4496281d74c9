"""Letters: one annual review letter per council, from the frozen snapshot."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from annual_review.publication.exclusive import LeaseStore
from annual_review.publication.lambda_step import handle_scheduled_step
from annual_review.publication.steps import Adapters
from annual_review.publication.wiring import aws_adapters, aws_leases
from annual_review.settings import get_settings

# No Powertools Tracer, as in ingestion: the X-Ray SDK costs ~130 ms of every cold start.
logger = Logger()
metrics = Metrics(namespace="AnnualReview")


@cache
def adapters() -> Adapters:
    return aws_adapters(get_settings())


@cache
def leases() -> LeaseStore:
    return aws_leases(get_settings())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_scheduled_step(
        "letters", event, adapters(), logger, metrics, leases=leases(), context=context
    )
