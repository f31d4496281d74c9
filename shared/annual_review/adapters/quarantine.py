"""The quarantine: poison events kept in the private bucket with their errors, for replay."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from annual_review.ingestion.planner import QuarantinedEvent, TransientStoreError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PREFIX = "quarantine/"
REPLAYED_PREFIX = "quarantine-replayed/"


def quarantine_id(body: str) -> str:
    """Content-addressed, so the same poison delivered twice is kept once."""
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class S3Quarantine:
    def __init__(self, bucket: str, s3: Callable[[], S3Client]) -> None:
        self.bucket = bucket
        self._s3 = s3  # made on first use: a function that never calls S3 never pays for it

    @property
    def client(self) -> S3Client:
        return self._s3()

    def keep(self, event: QuarantinedEvent) -> None:
        record = {
            "id": quarantine_id(event.body),
            # Text that is not UTF-8 is kept as backslash escapes, so the record stays valid JSON.
            "body": event.body.encode("utf-8", "backslashreplace").decode("utf-8"),
            "errors": event.errors,
            "detail_type": event.detail_type,
            "message_id": event.message_id,
            "received_at": event.received_at,
        }
        try:
            self._put(f"{PREFIX}{record['id']}.json", record)
        except (ClientError, BotoCoreError) as error:
            raise TransientStoreError(f"quarantine write failed: {error}") from error

    def list(self) -> Iterator[dict[str, Any]]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=PREFIX):
            for obj in page.get("Contents", []):
                yield self.get(obj["Key"].removeprefix(PREFIX).removesuffix(".json"))

    def get(self, record_id: str) -> dict[str, Any]:
        body = self.client.get_object(Bucket=self.bucket, Key=f"{PREFIX}{record_id}.json")["Body"]
        record: dict[str, Any] = json.loads(body.read())
        return record

    def keep_record(self, record: dict[str, Any]) -> None:
        """Put a record back in the open quarantine (a replay the bus refused)."""
        self._put(f"{PREFIX}{record['id']}.json", record)

    def mark_replayed(self, record: dict[str, Any], replayed_body: str, when: str) -> None:
        """Move a record out of the open quarantine, keeping what was replayed and when."""
        kept = record | {"replayed_body": replayed_body, "replayed_at": when}
        self._put(f"{REPLAYED_PREFIX}{record['id']}.json", kept)
        self.client.delete_object(Bucket=self.bucket, Key=f"{PREFIX}{record['id']}.json")

    def _put(self, key: str, record: dict[str, Any]) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=json.dumps(record, indent=2, sort_keys=True).encode(),
            ContentType="application/json",
            CacheControl="no-store",
        )
