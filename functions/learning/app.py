"""The learning publication: weekly (Wednesdays 09:30 Europe/London) and, each morning after the
release time, a check that publishes a newly released year's service improvements at once."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.learning_source import DynamoChangeSource
from annual_review.adapters.storage import S3ObjectStore
from annual_review.learning.publication import LearningPublisher, newly_released
from annual_review.registry.councils import REGISTRY_KEY, load_registry
from annual_review.settings import Settings
from annual_review.wiring.observability import for_function

logger, metrics = for_function()


@cache
def function() -> tuple[Settings, LearningPublisher, DynamoChangeSource]:
    """Settings and adapters, made on the first call (never at import) and kept while warm."""
    settings = Settings.from_environment(os.environ)
    clients = AwsClients.from_environment(os.environ)
    private = S3ObjectStore(settings.private_bucket, clients.s3)
    public = S3ObjectStore(settings.public_bucket, clients.s3)
    registry = load_registry(private.get(REGISTRY_KEY))
    publisher = LearningPublisher(private, public, registry, site_url=settings.site_url)
    return (
        settings,
        publisher,
        DynamoChangeSource(settings.learning_changes_table, clients.dynamodb),
    )


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings, publisher, changes = function()
    if event.get("run") == "release-check" and not newly_released(publisher):
        logger.info("no newly released year")
        return {"run": "release-check", "published": False}
    result = publisher.run(changes, settings.now()).as_dict()
    logger.info("learning published", **result)
    metrics.add_metric(
        name="LearningObjectsWritten", unit=MetricUnit.Count, value=result["written"]
    )
    return result
