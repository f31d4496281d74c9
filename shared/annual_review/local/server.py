"""A moto server on a free local port, and this process pointed at it.

Every boto3 client made afterwards (``annual_review.adapters.clients`` reads ``AWS_ENDPOINT_URL``
through botocore) talks to the server, so the handlers run unchanged, exactly as on AWS.
"""

from __future__ import annotations

import logging
import os
import urllib.request
import warnings
from types import TracebackType

from moto.server import ThreadedMotoServer

from annual_review.adapters import clients
from annual_review.local import moto_speedups
from annual_review.settings import get_settings

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
    """``with LocalServer() as server:`` serves moto at ``server.url`` until the block ends.

    While it runs, the AWS variables of this process point at it; they are restored afterwards.
    """

    def __init__(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._saved: dict[str, str | None] = {}
        self.url = ""

    def __enter__(self) -> LocalServer:
        # moto's `verbose=False` does not reach werkzeug's per-request log lines.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        # moto says so, in the server's thread, for each resource type it skips in a deploy.
        logging.getLogger("moto").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", message="Tried to parse .* not supported by moto")
        moto_speedups.install()
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        # moto keeps its state per process, not per server: start from nothing every time.
        reset = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")  # noqa: S310
        urllib.request.urlopen(reset, timeout=10).close()  # noqa: S310 - our own local server
        environment = _ENVIRONMENT | {"AWS_ENDPOINT_URL": self.url}
        self._saved = {name: os.environ.get(name) for name in [*environment, "AWS_PROFILE"]}
        os.environ.pop("AWS_PROFILE", None)
        os.environ.update(environment)
        clients.reset()
        get_settings.cache_clear()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._server.stop()
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        clients.reset()
        get_settings.cache_clear()
