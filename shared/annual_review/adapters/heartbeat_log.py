"""The last heartbeat ingestion saw, as one small object in the private bucket."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from annual_review.ingestion.heartbeat import Heartbeat, heartbeat_record

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

LATEST_KEY = "heartbeat/latest.json"


class S3HeartbeatLog:
    def __init__(self, bucket: str, s3: Callable[[], S3Client]) -> None:
        self.bucket = bucket
        self._s3 = s3

    def record(self, heartbeat: Heartbeat, received_at: datetime) -> None:
        self._s3().put_object(
            Bucket=self.bucket,
            Key=LATEST_KEY,
            Body=json.dumps(heartbeat_record(heartbeat, received_at), sort_keys=True).encode(),
            ContentType="application/json",
            CacheControl="no-store",
        )

    def latest(self) -> dict[str, Any] | None:
        """The last recorded heartbeat, or None before the first."""
        client = self._s3()
        try:
            body = client.get_object(Bucket=self.bucket, Key=LATEST_KEY)["Body"].read()
        except client.exceptions.NoSuchKey:
            return None
        record: dict[str, Any] = json.loads(body)
        return record
