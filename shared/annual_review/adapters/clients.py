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
    from mypy_boto3_sqs import SQSClient

# Every call must end well inside the shortest function timeout (ingestion's 30 s), with time
# left to report the batch: standard retry mode makes up to MAX_ATTEMPTS attempts, each bounded
# by the connect and read timeouts, with a jittered pause of at most 1 s, then 2 s, between them.
# DynamoDB and S3 in the same region connect in milliseconds and answer these requests in well
# under a second, so the bounds only cut off a request that has hung.
CONNECT_TIMEOUT_SECONDS = 1
READ_TIMEOUT_SECONDS = 4
MAX_ATTEMPTS = 3
_MAX_RETRY_PAUSES_SECONDS = sum(2**retry for retry in range(MAX_ATTEMPTS - 1))
# The longest one call can take, retries included: 3 x (1 + 4) + (1 + 2) = 18 s.
WORST_CASE_CALL_SECONDS = (
    CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS
) * MAX_ATTEMPTS + _MAX_RETRY_PAUSES_SECONDS
_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
    connect_timeout=CONNECT_TIMEOUT_SECONDS,
    read_timeout=READ_TIMEOUT_SECONDS,
)


@cache
def _client(service: str) -> Any:
    return boto3.session.Session().client(service, config=_CONFIG)  # type: ignore[call-overload]


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


def reset() -> None:
    """Forget cached clients (tests that switch endpoints or credentials call this)."""
    _client.cache_clear()
