"""What a run produced, copied out of the local buckets into ``out/`` key for key."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


# Objects fetched at once: this process prepares one request while the server answers another.
PARALLEL_GETS = 8


def mirror_bucket(s3: S3Client, bucket: str, target: Path) -> list[str]:
    """Copy every object of ``bucket`` to ``target/<key>``; returns the keys copied."""
    root = target.resolve()
    files: dict[str, Path] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for listed in page.get("Contents", []):
            key = listed["Key"]
            path = (root / key).resolve()
            if not path.is_relative_to(root) or key.endswith("/"):
                continue  # a key that is not a file path inside the mirror
            files[key] = path

    def copy(key: str) -> None:
        path = files[key]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())

    with ThreadPoolExecutor(max_workers=PARALLEL_GETS) as pool:
        list(pool.map(copy, files))  # list(): re-raises the first failure
    return list(files)


def write_summary(summary: dict[str, Any], out_dir: Path) -> Path:
    path = out_dir / "summary.json"
    path.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", "utf-8")
    return path
