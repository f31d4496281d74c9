"""Ingestion: casework events from the SQS queue into the ledger and the running aggregates."""

from __future__ import annotations

import os
import random
import time
from datetime import UTC, datetime
from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError

from annual_review.adapters.clients import WORST_CASE_CALL_SECONDS, AwsClients
from annual_review.adapters.dynamo import DynamoLedgerStore
from annual_review.adapters.heartbeat_log import S3HeartbeatLog
from annual_review.adapters.quarantine import S3Quarantine
from annual_review.adapters.registry_source import ReloadingRegistry
from annual_review.ingestion.contract import DecisionWithdrawnDetail
from annual_review.ingestion.heartbeat import Heartbeat, split_heartbeats
from annual_review.ingestion.planner import (
    IncomingMessage,
    MessageResult,
    PartialBatchResponse,
    ProcessingOutcome,
    ingest_batch,
    partial_batch_response,
)
from annual_review.ingestion.retry import within_invocation
from annual_review.learning.contract import LearningWithdrawal
from annual_review.settings import Settings
from annual_review.wiring.observability import for_function

logger, metrics = for_function()
# Kept back from the invocation's time to log, count and return the batch response.
REPORT_SECONDS = 2.0


@cache
def dependencies() -> tuple[DynamoLedgerStore, S3Quarantine, ReloadingRegistry]:
    """Settings and adapters, made on the first call (never at import) and kept while warm."""
    settings = Settings.from_environment(os.environ)
    clients = AwsClients.from_environment(os.environ)
    return (
        DynamoLedgerStore(
            settings.ledger_table,
            settings.aggregates_table,
            clients.dynamodb,
            cases_table=settings.cases_table,
            changes_table=settings.learning_changes_table,
        ),
        S3Quarantine(settings.private_bucket, clients.s3),
        ReloadingRegistry(
            settings.private_bucket,
            clients.s3,
            check_every=settings.registry_check_seconds,
            recheck_unknown_after=settings.registry_recheck_seconds,
            on_invalid=lambda problem: logger.error("registry not used", problem=problem),
        ),
    )


@cache
def allowed_hosts() -> frozenset[str]:
    """The hosts a learning event's links may point at (the stack's LearningUrlHosts)."""
    return Settings.from_environment(os.environ).allowed_hosts


@cache
def heartbeat_log() -> S3HeartbeatLog:
    settings = Settings.from_environment(os.environ)
    return S3HeartbeatLog(settings.private_bucket, AwsClients.from_environment(os.environ).s3)


def record_heartbeat(message_id: str, heartbeat: Heartbeat) -> bool:
    """Record a heartbeat (no figure is touched); False when it is to be delivered again."""
    try:
        heartbeat_log().record(heartbeat, datetime.now(UTC))
    except (ClientError, BotoCoreError) as error:
        logger.warning("heartbeat not recorded", message_id=message_id, error=type(error).__name__)
        return False
    logger.info(
        "heartbeat recorded",
        message_id=message_id,
        outcome="heartbeat",
        heartbeat_id=heartbeat.heartbeat_id,
        sent_by=heartbeat.sent_by,
    )
    metrics.add_metric(name="HeartbeatsRecorded", unit=MetricUnit.Count, value=1)
    return True


def report(result: MessageResult) -> None:
    """One structured log line and one metric per message: ids and codes only, no personal data."""
    entry = result.entry
    keys: dict[str, Any] = {"message_id": result.message_id, "outcome": result.outcome.value}
    if entry is not None:
        keys |= {
            "ledger_key": entry.key,
            "version": entry.version,
            "detail_type": entry.detail_type,
        }
        if not isinstance(entry.detail, DecisionWithdrawnDetail | LearningWithdrawal):
            keys |= {"year": entry.detail.year.label, "authority_code": entry.detail.authority_code}
    if result.outcome is ProcessingOutcome.QUARANTINED:
        logger.warning("event quarantined", errors=result.errors, **keys)
    else:
        logger.info(f"event {result.outcome.value}", **keys)
    metrics.add_metric(name=f"Events{result.outcome.value.title()}", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialBatchResponse:
    # The batch commits as one transaction, so outcomes are decided for the whole batch first,
    # then the ones to retry make the partial batch response.
    store, quarantine, councils = dependencies()
    messages = [IncomingMessage(r["messageId"], r["body"]) for r in event.get("Records", [])]
    heartbeats, messages = split_heartbeats(messages)
    unrecorded = [m.message_id for m, b in heartbeats if not record_heartbeat(m.message_id, b)]
    retrier = within_invocation(
        context.get_remaining_time_in_millis() / 1000,
        reserve_seconds=REPORT_SECONDS,
        attempt_seconds=WORST_CASE_CALL_SECONDS,
        clock=time.monotonic,
        sleep=time.sleep,
        draw=random.random,
    )
    results = ingest_batch(
        messages,
        store,
        quarantine,
        councils=councils,
        retrier=retrier,
        allowed_hosts=allowed_hosts(),
    )
    for result in results:
        report(result)
    response = partial_batch_response(results)
    response["batchItemFailures"] += [{"itemIdentifier": m} for m in unrecorded]
    return response
