"""Handler cold-import time (``make bench``): each function's handler imported in a fresh
interpreter with template.yaml's environment, against ``import boto3`` alone, as ratios.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys

from annual_review_tools.benchmark import REGION
from annual_review_tools.local.stack import PROJECT_ROOT

IMPORT_PROBE = (
    "import time, importlib, sys; t = time.perf_counter(); importlib.import_module(sys.argv[1]);"
    " print(time.perf_counter() - t)"
)
HANDLERS = (
    "functions.ingest.app",
    "functions.freeze.app",
    "functions.letters.app",
    "functions.release.app",
)


def _template_environment() -> dict[str, str]:
    """The functions' environment variables that template.yaml sets to literal values (the
    Powertools and pydantic settings that change what an import does); references are left out."""
    from annual_review_tools.local.stack import load_template

    variables = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    return {name: value for name, value in variables.items() if isinstance(value, str)}


def cold_import_seconds(module: str, repeats: int = 5) -> float:
    """Median import time of ``module`` in a fresh interpreter (cold, as a Lambda init), with
    the environment template.yaml gives the functions."""
    env = os.environ | _template_environment() | {"AWS_DEFAULT_REGION": REGION}
    times = []
    for _ in range(repeats):
        out = subprocess.run(  # noqa: S603 - our own interpreter and a fixed probe
            [sys.executable, "-c", IMPORT_PROBE, module],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            cwd=PROJECT_ROOT,  # where `functions` is importable, as in the Lambda package
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def import_ratios(repeats: int = 7) -> dict[str, tuple[float, float]]:
    """Each handler's cold import time, and the median of its ratios to ``import boto3`` alone
    measured alternately (the machine's state drifts; a ratio taken side by side does not)."""
    found: dict[str, tuple[float, float]] = {}
    baselines: list[float] = []
    for module in HANDLERS:
        ratios, seconds = [], []
        for _ in range(repeats):
            baseline = cold_import_seconds("boto3", repeats=1)
            baselines.append(baseline)
            seconds.append(cold_import_seconds(module, repeats=1))
            ratios.append(seconds[-1] / baseline)
        found[module] = (statistics.median(seconds), statistics.median(ratios))
    return {"boto3": (statistics.median(baselines), 1.0), **found}


def format_imports(ratios: dict[str, tuple[float, float]]) -> list[str]:
    lines = ["| module | cold import (ms, median) | median ratio to boto3 |", "|---|---:|---:|"]
    for module, (seconds, ratio) in ratios.items():
        lines.append(f"| {module} | {seconds * 1000:.0f} | {ratio:.2f} |")
    return lines
