"""boto3 clients for one place (AWS itself, or an endpoint such as the local moto server).

An ``AwsClients`` is made once at the edge (a handler's first call, the CLI) and its getters are
passed to the adapters, which make each client on first use: a function pays only for the clients
it calls. Without an endpoint, botocore reads ``AWS_ENDPOINT_URL`` and the credentials chain itself,
as on Lambda. A loopback endpoint (the local stack) needs no AWS variables: a region and dummy
credentials are supplied when none are configured.
"""

from __future__ import annotations

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
    from mypy_boto3_sqs import SQSClient

LOCAL_REGION = "eu-west-2"
LOCAL_KEY = "local"  # the local stack (moto) accepts any key and any signature
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Standard retry mode retries throttling a few times with backoff before we see it.
_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=10
)


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

    @cache  # noqa: B019 - one client per service for the life of this (edge-owned) object
    def client(self, service: str) -> Any:
        return self.session.client(  # type: ignore[call-overload]
            service, endpoint_url=self.endpoint_url, config=_CONFIG
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
