"""What a run produced, copied out of the local buckets into ``out/`` key for key."""

from __future__ import annotations

import json
import tarfile
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

from annual_review_tools.local.server import BUCKET_TAR_PATH


def export_bucket(endpoint: str, bucket: str, target: Path) -> list[str]:
    """Copy every object of ``bucket`` to ``target/<key>``; returns the keys copied. The local
    server sends them all in one tar (``server.BUCKET_TAR_PATH``): a GET per object took most
    of the export's time."""
    root = target.resolve()
    keys = []
    url = f"{endpoint}{BUCKET_TAR_PATH}?bucket={quote(bucket)}"
    with (
        urllib.request.urlopen(url, timeout=300) as response,  # noqa: S310 - the local server
        tarfile.open(fileobj=response, mode="r|") as archive,
    ):
        for member in archive:
            path = (root / member.name).resolve()
            if not member.isfile() or not path.is_relative_to(root) or member.name.endswith("/"):
                continue  # a key that is not a file path inside the mirror
            body = archive.extractfile(member)
            assert body is not None
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body.read())
            keys.append(member.name)
    return keys


def write_summary(summary: dict[str, Any], out_dir: Path) -> Path:
    path = out_dir / "summary.json"
    path.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", "utf-8")
    return path
