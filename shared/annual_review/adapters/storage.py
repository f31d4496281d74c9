"""S3 objects for the publication: writes carry their type and cache lifetime and skip no-ops.

Every object written here carries the SHA-256 of its bytes in its metadata, so a re-run can tell
from one HEAD request that the object already holds the same bytes and leave it alone (no new
version in a versioned bucket, nothing for CloudFront to refetch).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from annual_review.publication.ports import StoredObject

_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})
# Each S3 request takes tens of milliseconds; a publication writes a thousand-odd files, so they
# go this many at a time (under botocore's default pool of 10 connections per client).
PARALLEL_WRITES = 8


def sha256_hex(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class S3ObjectStore:
    def __init__(self, bucket: str, s3: Callable[[], S3Client]) -> None:
        self.bucket = bucket
        self._s3 = s3  # made on first use: a function that never calls S3 never pays for it

    @property
    def client(self) -> S3Client:
        return self._s3()

    def _head(self, key: str) -> dict[str, str] | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code", "") in _MISSING:
                return None
            raise
        return {
            "sha256": head.get("Metadata", {}).get("sha256", ""),
            "content_type": head.get("ContentType", ""),
            "cache_control": head.get("CacheControl", ""),
        }

    def put(
        self,
        key: str,
        body: bytes,
        content_type: str,
        cache_control: str,
        *,
        may_exist: bool = True,
    ) -> bool:
        """Write unless the object already holds these bytes with these headers; True if written.
        ``may_exist=False`` (known to be absent) skips the HEAD that would tell."""
        digest = sha256_hex(body)
        wanted = {"sha256": digest, "content_type": content_type, "cache_control": cache_control}
        if may_exist and self._head(key) == wanted:
            return False
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            CacheControl=cache_control,
            Metadata={"sha256": digest},
        )
        return True

    def put_many(self, objects: Sequence[StoredObject]) -> int:
        if not objects:
            return 0
        # One listing (a request per thousand keys) says which keys exist: only those need a
        # HEAD to tell whether they already hold these bytes; the others are simply written.
        prefix = os.path.commonprefix([stored.key for stored in objects])  # noqa: RUF071 - S3 prefix
        existing = set(self.list(prefix))
        with ThreadPoolExecutor(max_workers=PARALLEL_WRITES) as pool:
            # Each write runs in a copy of the caller's context, as if the caller made it.
            written = [
                pool.submit(
                    copy_context().run,
                    self.put,
                    stored.key,
                    stored.body,
                    stored.content_type,
                    stored.cache_control,
                    may_exist=stored.key in existing,
                )
                for stored in objects
            ]
        # Every write has been attempted; the first failure (if any) is raised here.
        return sum(future.result() for future in written)

    def get(self, key: str) -> bytes | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code", "") in _MISSING:
                return None
            raise
        return response["Body"].read()

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def list(self, prefix: str) -> list[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        keys: list[str] = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            keys.extend(obj["Key"] for obj in page.get("Contents", []))
        return sorted(keys)
