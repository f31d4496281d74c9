"""A moto server on a free local port.

The harness talks to it through ``server.clients()``; the functions it invokes get
``server.environment`` (``AWS_ENDPOINT_URL`` and dummy credentials) in their own environment, as
Lambda gives a function its variables, so the handlers run unchanged, exactly as on AWS.

The server runs in a child process (``python -m annual_review_tools.local.server``): moto's work and
the functions' work then use a core each instead of sharing one interpreter lock, which halves
a local year's wall time on two cores.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import warnings
from types import TracebackType
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from annual_review.adapters.clients import AwsClients
from annual_review_tools.local import moto_fixes, moto_speedups

REGION = "eu-west-2"
# Dummy credentials: botocore signs every request, moto accepts any signature.
_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


class LocalServer:
    """``with LocalServer() as server:`` serves moto at ``server.url`` until the block ends."""

    def __init__(self) -> None:
        self._child: subprocess.Popen[str] | None = None
        self.url = ""

    @property
    def environment(self) -> dict[str, str]:
        """What a function's environment needs to reach this server instead of AWS."""
        return _ENVIRONMENT | {"AWS_ENDPOINT_URL": self.url}

    def clients(self) -> AwsClients:
        return AwsClients(endpoint_url=self.url, region=REGION)

    def __enter__(self) -> LocalServer:
        self._child = subprocess.Popen(
            [sys.executable, "-m", "annual_review_tools.local.server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._child.stdout is not None
        announced = self._child.stdout.readline().split()
        if announced[:1] != ["serving"]:
            self._child.kill()
            raise RuntimeError(f"the moto server did not start: {announced!r}")
        self.url = announced[1]
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._child is not None:
            assert self._child.stdin is not None
            self._child.stdin.close()  # the child stops when its input closes
            try:
                self._child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._child.kill()


class _OneRequestAtATime:
    """moto's backends are not safe under concurrent requests (a transaction is several Python
    steps); AWS serialises conflicting writes itself. Requests here are handled one at a time."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: Any, start_response: Any) -> Any:
        with self.lock:
            return list(self.app(environ, start_response))


def _serve_until_input_closes() -> None:
    """The child: moto (with the local speed fixes) on a free port, until the parent goes."""
    # moto's `verbose=False` does not reach werkzeug's per-request log lines.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # moto says so, for each resource type it skips in a deploy.
    logging.getLogger("moto").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Tried to parse .* not supported by moto")
    moto_speedups.install()
    moto_fixes.install()
    app = _OneRequestAtATime(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    host, port = server.server_address[:2]
    print(f"serving http://{host!s}:{port}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    _serve_until_input_closes()
