"""boto3 clients for one place (AWS itself, or an endpoint such as the local moto server).

An ``AwsClients`` is made once at the edge (a handler's first call, the CLI) and its getters are
passed to the adapters, which make each client on first use: a function pays only for the clients
it calls. Without an endpoint, botocore reads ``AWS_ENDPOINT_URL`` and the credentials chain itself,
as on Lambda. A loopback endpoint (the local stack) needs no AWS variables: a region and dummy
credentials are supplied when none are configured.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_scheduler import EventBridgeSchedulerClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sqs import SQSClient

LOCAL_REGION = "eu-west-2"
LOCAL_KEY = "local"  # the local stack (moto) accepts any key and any signature
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

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
# The local moto stack is one process on a shared machine: a deploy or a busy moment can take
# far longer than AWS ever should, and a client that gave up and retried would repeat a request
# moto is still carrying out (a second CreateStack, say).
_LOCAL_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS}, connect_timeout=10, read_timeout=300
)
# Sending an email is never retried by botocore: a timeout after SES accepted it would send it
# twice. The delivery record decides what is sent again (publication/delivery.py).
_NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1})


def is_loopback(endpoint_url: str | None) -> bool:
    host = urlsplit(endpoint_url).hostname if endpoint_url else None
    return host is not None and (host in _LOOPBACK_HOSTS or host.startswith("127."))


class AwsClients:
    def __init__(self, endpoint_url: str | None = None, region: str | None = None) -> None:
        self.endpoint_url = endpoint_url
        session = boto3.session.Session(region_name=region)
        if is_loopback(endpoint_url):
            # The local stack accepts any signature: no AWS variables needed to reach it, and no
            # credentials looked up (the chain would end by asking an instance-metadata service).
            session = boto3.session.Session(
                aws_access_key_id=LOCAL_KEY,
                aws_secret_access_key=LOCAL_KEY,
                region_name=session.region_name or LOCAL_REGION,
            )
        self.session = session
        self.config = _LOCAL_CONFIG if is_loopback(endpoint_url) else _CONFIG

    @classmethod
    def from_environment(cls, environment: Mapping[str, str]) -> AwsClients:
        """A function's clients: AWS itself, or the endpoint its environment names (a local run
        gives its functions ``AWS_ENDPOINT_URL``, as botocore would read it)."""
        return cls(endpoint_url=environment.get("AWS_ENDPOINT_URL") or None)

    @cache  # noqa: B019 - one client per service for the life of this (edge-owned) object
    def client(self, service: str) -> Any:
        return self.session.client(  # type: ignore[call-overload]
            service,
            endpoint_url=self.endpoint_url,
            config=self.config.merge(_NO_RETRY) if service == "sesv2" else self.config,
        )

    def dynamodb(self) -> DynamoDBClient:
        return self.client("dynamodb")  # type: ignore[no-any-return]

    def s3(self) -> S3Client:
        return self.client("s3")  # type: ignore[no-any-return]

    def sqs(self) -> SQSClient:
        return self.client("sqs")  # type: ignore[no-any-return]

    def events(self) -> EventBridgeClient:
        return self.client("events")  # type: ignore[no-any-return]

    def cloudformation(self) -> CloudFormationClient:
        return self.client("cloudformation")  # type: ignore[no-any-return]

    def lambda_(self) -> LambdaClient:
        return self.client("lambda")  # type: ignore[no-any-return]

    def sesv2(self) -> SESV2Client:
        return self.client("sesv2")  # type: ignore[no-any-return]

    def scheduler(self) -> EventBridgeSchedulerClient:
        return self.client("scheduler")  # type: ignore[no-any-return]
