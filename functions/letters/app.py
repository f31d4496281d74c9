"""Letters: one annual review letter per council, from the frozen snapshot."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from annual_review.wiring.lambda_step import StepFunction, handle_scheduled_step, step_function
from annual_review.wiring.observability import for_function

logger, metrics = for_function()


@cache
def function() -> StepFunction:
    """Settings and adapters, made on the first call (never at import) and kept while warm."""
    return step_function(os.environ)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_scheduled_step("letters", event, function(), logger, metrics, context)
