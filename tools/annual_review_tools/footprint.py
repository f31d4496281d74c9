"""What the product costs to ship and to set up: the Lambda layer's size from ``sam build``, and
``make install``'s wall time on a fresh clone (for ``make bench``)."""

from __future__ import annotations

import io
import json
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annual_review_tools.local.stack import PROJECT_ROOT

LAYER_BUILD = PROJECT_ROOT / ".aws-sam" / "build" / "SharedLayer"


@dataclass(frozen=True)
class LayerSize:
    files: int
    unzipped_bytes: int
    zipped_bytes: int
    largest: list[tuple[str, int]]  # top-level folders of python/, by unzipped bytes


def layer_size(build: bool = True) -> LayerSize:
    """Build with SAM (no container), then measure the layer as Lambda receives it."""
    if build:
        subprocess.run(["make", "-s", "sam-validate"], cwd=PROJECT_ROOT, check=True)  # noqa: S607
    files = [p for p in LAYER_BUILD.rglob("*") if p.is_file()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            archive.write(path, path.relative_to(LAYER_BUILD).as_posix())
    by_folder: dict[str, int] = {}
    for path in files:
        parts = path.relative_to(LAYER_BUILD).parts
        folder = parts[1] if len(parts) > 2 else parts[-1]
        by_folder[folder] = by_folder.get(folder, 0) + path.stat().st_size
    largest = sorted(by_folder.items(), key=lambda item: -item[1])[:6]
    return LayerSize(
        len(files), sum(p.stat().st_size for p in files), len(buffer.getvalue()), largest
    )


@dataclass(frozen=True)
class FreshRun:
    install_seconds: float
    run_seconds: float
    summary: dict[str, Any]


def fresh_clone_make_run(out_dir: Path, args: str = "") -> FreshRun:
    """``make install`` then ``make run`` on a fresh clone of HEAD, each timed as a newcomer
    would see it; the run writes to ``out_dir`` (its log to ``out_dir/make-run.log``)."""
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        clone = Path(folder) / "clone"
        subprocess.run(  # noqa: S603
            ["git", "clone", "-q", str(PROJECT_ROOT), str(clone)],  # noqa: S607
            check=True,
        )
        started = time.perf_counter()
        subprocess.run(["make", "-s", "install"], cwd=clone, check=True)  # noqa: S607
        installed = time.perf_counter()
        with (out_dir / "make-run.log").open("w", encoding="utf-8") as log:
            subprocess.run(  # noqa: S603
                ["make", "-s", "run", f"ARGS=--out {out_dir} {args}".strip()],  # noqa: S607
                cwd=clone,
                check=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finished = time.perf_counter()
    summary = json.loads((out_dir / "summary.json").read_text("utf-8"))
    return FreshRun(installed - started, finished - installed, summary)


def format_footprint(layer: LayerSize, install: float) -> list[str]:
    megabytes = 1024 * 1024
    return [
        "| measure | value | target |",
        "|---|---:|---:|",
        f"| Lambda layer, zipped | {layer.zipped_bytes / megabytes:.1f} MB | <= 10 MB |",
        f"| Lambda layer, unzipped | {layer.unzipped_bytes / megabytes:.1f} MB | |",
        f"| files in the layer | {layer.files} | |",
        f"| `make install` on a fresh clone | {install:.0f} s | <= 30 s |",
        "",
        "Largest parts of the layer (unzipped): "
        + ", ".join(f"{name} {size / megabytes:.1f} MB" for name, size in layer.largest)
        + ".",
    ]
