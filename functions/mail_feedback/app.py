"""Mail feedback: SES's events for the letters, recorded against each council's delivery."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.deliveries import DynamoDeliveryLog
from annual_review.publication.mail.ses_feedback import NotOurs, parse_ses_event
from annual_review.publication.ports import DeliveryLog
from annual_review.settings import Settings
from annual_review.wiring.observability import for_function

logger, metrics = for_function()


@cache
def deliveries() -> DeliveryLog:
    """The delivery record, made on the first call (never at import) and kept while warm."""
    settings = Settings.from_environment(os.environ)
    return DynamoDeliveryLog(
        settings.deliveries_table, AwsClients.from_environment(os.environ).dynamodb
    )


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        found = parse_ses_event(event)
    except NotOurs as reason:
        logger.info("SES event not for a letter; dropped", reason=str(reason))
        return {"recorded": False}
    recorded = deliveries().feedback(
        found.year, found.revision, found.code, found.feedback, found.message
    )
    logger.info(
        "mail feedback",
        year=found.year,
        revision=found.revision,
        council=found.code,
        letter_message=found.message,
        kind=found.feedback.kind,
        message_id=found.feedback.message_id,
        recorded=recorded,
    )
    if found.feedback.kind in ("bounce", "complaint", "reject"):
        metrics.add_metric(name="LetterBouncedOrComplained", unit=MetricUnit.Count, value=1)
    return {"recorded": recorded}
