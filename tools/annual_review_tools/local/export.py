"""What a run produced, copied out of the local buckets into ``out/`` key for key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def mirror_bucket(s3: S3Client, bucket: str, target: Path) -> list[str]:
    """Copy every object of ``bucket`` to ``target/<key>``; returns the keys copied."""
    root = target.resolve()
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for listed in page.get("Contents", []):
            key = listed["Key"]
            path = (root / key).resolve()
            if not path.is_relative_to(root) or key.endswith("/"):
                continue  # a key that is not a file path inside the mirror
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
            keys.append(key)
    return keys


def write_summary(summary: dict[str, Any], out_dir: Path) -> Path:
    path = out_dir / "summary.json"
    path.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", "utf-8")
    return path
