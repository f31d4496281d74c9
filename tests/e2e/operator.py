"""The operator's commands run as an operator runs them: a separate process with no AWS variables.

``run_cli`` starts ``python -m annual_review.commands.cli`` with only ``PATH`` and an empty ``HOME``
(no credentials, region or config files), pointed at the local stack by ``--endpoint-url``; this is
what proves a loopback endpoint needs no AWS variables. ``python -m tests.e2e.operator flaky ...``
runs the CLI with the ingestion queue's sends failing (some entries refused, one call raising), for
the redrive test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STACK = "annual-review-local"


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


def run_cli(
    args: Sequence[str],
    endpoint: str,
    home: Path,
    *,
    cwd: Path | None = None,
    flaky: bool = False,
    on_stack: bool = True,
) -> Ran:
    module = (
        ["-m", "tests.e2e.operator", "flaky"] if flaky else ["-m", "annual_review.commands.cli"]
    )
    where = ["--stack", STACK, "--endpoint-url", endpoint] if on_stack else []
    completed = subprocess.run(
        [sys.executable, *module, *args, *where],
        capture_output=True,
        text=True,
        cwd=cwd or home,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(home), "PYTHONPATH": str(ROOT)},
        timeout=300,
        check=False,
    )
    return Ran(completed.returncode, completed.stdout, completed.stderr)


def _flaky_main(argv: list[str]) -> int:
    """The CLI with the dead-letter redrive's sends failing as SQS's can."""
    from botocore.exceptions import ClientError

    from annual_review.adapters.messaging import Queue
    from annual_review.commands.cli import main

    real_send = Queue.send
    calls = [0]

    def send(self: Queue, bodies: Sequence[str]) -> set[int]:
        if "DeadLetter" in self.url or "dead" in self.url.lower():
            return real_send(self, bodies)
        calls[0] += 1
        if calls[0] == 2:
            raise ClientError(
                {"Error": {"Code": "ServiceUnavailable", "Message": "injected"}},
                "SendMessageBatch",
            )
        refused = {i for i in range(len(bodies)) if i % 3 == 0}  # every third entry refused
        kept = [i for i in range(len(bodies)) if i not in refused]
        failed = real_send(self, [bodies[i] for i in kept]) if kept else set()
        return refused | {kept[i] for i in failed}

    Queue.send = send  # type: ignore[method-assign]
    return main(argv)


if __name__ == "__main__" and sys.argv[1:2] == ["flaky"]:
    sys.exit(_flaky_main(sys.argv[2:]))
