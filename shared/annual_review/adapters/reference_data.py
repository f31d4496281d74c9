"""Reference data in the private bucket: the council registry, uploaded with a recorded version.

``registry/councils.csv`` is the registry in force
(``annual_review.registry.councils.REGISTRY_KEY``); ``registry/versions.json`` lists every upload,
newest last: the SHA-256 of the file's bytes (the version a freeze records), when it was uploaded,
how many councils it has, and the S3 version id (the private bucket is versioned, so any earlier
file can be fetched again).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from annual_review.registry.councils import REGISTRY_KEY

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

VERSIONS_KEY = "registry/versions.json"


class RegistryUploads:
    def __init__(self, bucket: str, s3: Callable[[], S3Client]) -> None:
        self.bucket = bucket
        self._s3 = s3

    def versions(self) -> list[dict[str, Any]]:
        try:
            body = self._s3().get_object(Bucket=self.bucket, Key=VERSIONS_KEY)["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return []
            raise
        found: list[dict[str, Any]] = json.loads(body)["versions"]
        return found

    def upload(self, body: bytes, sha256: str, uploaded_at: str, councils: int) -> dict[str, Any]:
        """Put the registry in force and record its version; the version's record."""
        response = self._s3().put_object(
            Bucket=self.bucket,
            Key=REGISTRY_KEY,
            Body=body,
            ContentType="text/csv; charset=utf-8",
            CacheControl="no-store",
            Metadata={"sha256": sha256},
        )
        record = {
            "sha256": sha256,
            "uploaded_at": uploaded_at,
            "councils": councils,
            "s3_version_id": response.get("VersionId"),
        }
        versions = [*self.versions(), record]
        self._s3().put_object(
            Bucket=self.bucket,
            Key=VERSIONS_KEY,
            Body=json.dumps(
                {"schema_version": 1, "versions": versions}, indent=2, sort_keys=True
            ).encode(),
            ContentType="application/json",
            CacheControl="no-store",
        )
        return record
