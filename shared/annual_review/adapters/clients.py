"""boto3 clients made lazily and cached, so moto's ``mock_aws`` sees them and tests need no reloads.

``AWS_ENDPOINT_URL`` (read by botocore itself) points every client at a local moto server.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_scheduler import EventBridgeSchedulerClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sqs import SQSClient

# Standard retry mode retries throttling a few times with backoff before we see it.
_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=10
)


# Sending an email is never retried by botocore: a timeout after SES accepted it would send it
# twice. The delivery record decides what is sent again (publication/delivery.py).
_NO_RETRY = _CONFIG.merge(Config(retries={"mode": "standard", "total_max_attempts": 1}))


@cache
def _client(service: str) -> Any:
    config = _NO_RETRY if service == "sesv2" else _CONFIG
    return boto3.session.Session().client(service, config=config)  # type: ignore[call-overload]


def dynamodb() -> DynamoDBClient:
    return _client("dynamodb")  # type: ignore[no-any-return]


def s3() -> S3Client:
    return _client("s3")  # type: ignore[no-any-return]


def sqs() -> SQSClient:
    return _client("sqs")  # type: ignore[no-any-return]


def events() -> EventBridgeClient:
    return _client("events")  # type: ignore[no-any-return]


def cloudformation() -> CloudFormationClient:
    return _client("cloudformation")  # type: ignore[no-any-return]


def sesv2() -> SESV2Client:
    return _client("sesv2")  # type: ignore[no-any-return]


def scheduler() -> EventBridgeSchedulerClient:
    return _client("scheduler")  # type: ignore[no-any-return]


def reset() -> None:
    """Forget cached clients (tests that switch endpoints or credentials call this)."""
    _client.cache_clear()
