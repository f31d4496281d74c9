"""A moto server on a free local port.

The harness talks to it through ``server.clients()``; the functions it invokes get
``server.environment`` (``AWS_ENDPOINT_URL`` and dummy credentials) in their own environment, as
Lambda gives a function its variables, so the handlers run unchanged, exactly as on AWS.

The server runs in a child process (``python -m annual_review_tools.local.server``): moto's work and
the functions' work then use a core each instead of sharing one interpreter lock, which halves
a local year's wall time on two cores.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import tarfile
import threading
import warnings
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from annual_review.adapters.clients import AwsClients
from annual_review_tools.local.moto_fork import speedups as moto_speedups
from annual_review_tools.local.moto_fork.direct_server import DirectDispatch
from annual_review_tools.local.ses_standin import (
    SES_ACCOUNT_PATH,
    serve_in_moto,
    ses_account_body,
)

REGION = "eu-west-2"
LOCAL_ACCOUNT = "123456789012"  # moto's default account
# Lambda's Invoke (run by local/invoke.py), and the server's own address once it listens (for
# the functions an Invoke runs).
INVOKE_PATH = re.compile(r"^/2015-03-31/functions/([^/]+)/invocations$")
SERVER_URL = [""]
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


class _KeepAliveHandler(MotoRequestHandler):
    """moto's request handler, keeping each connection open for the next request (HTTP/1.1).

    werkzeug's development server closes every connection after one response ("Connection:
    close"), so each AWS request paid for a new TCP connection on the client and a new thread
    on the server: a fifth of both processes' time in a local year. Here the request body is
    read whole (by Content-Length, or de-chunked), the application's response is collected and
    written in one send with its Content-Length, and the connection stays open for the client's
    next request unless it asks to close.
    """

    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def run_wsgi(self) -> None:
        environ = self.make_environ()
        if environ.get("wsgi.input_terminated"):
            body = environ["wsgi.input"].read()
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        environ.pop("wsgi.input_terminated", None)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        started: list[Any] = []
        chunks: list[bytes] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            started[:] = [status, headers]
            return chunks.append

        result = self.server.app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers = started
        payload = b"".join(chunks)
        head = self.command == "HEAD"
        lines = [f"{self.protocol_version} {status}"]
        for name, value in headers:
            lowered = name.lower()
            if lowered in ("connection", "transfer-encoding"):
                continue
            if lowered == "content-length" and not head:
                continue  # written below, from what is actually sent
            lines.append(f"{name}: {value}")
        if not head:
            lines.append(f"Content-Length: {len(payload)}")
        if self.close_connection:
            lines.append("Connection: close")
        response = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(response if head else response + payload)
        self.wfile.flush()


SENT_MAIL_PATH = "/_local/ses/sent"
BUCKET_TAR_PATH = "/_local/s3/tar"


def _sent_mail(start_response: Any) -> list[bytes]:
    """Every raw message moto's SES accepted, in order, as moto's own data dump lists them
    (``/moto-api/data.json`` dumps every service, a year's tables included: far too slow)."""
    from moto.ses.models import RawMessage, ses_backends

    messages = [
        {"id": m.id, "destinations": list(m.destinations), "raw_data": m.raw_data}
        for account in ses_backends.values()
        for backend in account.values()
        for m in backend.sent_messages
        if isinstance(m, RawMessage)
    ]
    body = json.dumps({"ses": {"RawMessage": messages}}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def _bucket_tar(environ: Any, start_response: Any) -> list[bytes]:
    """The current version of every object of ``?bucket=NAME``, as one tar: what a run's export
    mirrors into ``out/``, in one request instead of a GET per object."""
    from moto.s3.models import FakeDeleteMarker, s3_backends

    name = parse_qs(environ.get("QUERY_STRING", "")).get("bucket", [""])[0]
    buckets = [
        backend.buckets[name]
        for account in s3_backends.values()
        for backend in account.values()
        if name in backend.buckets
    ]
    if not buckets:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [f"no bucket {name!r}".encode()]
    archive_bytes = io.BytesIO()
    with tarfile.open(fileobj=archive_bytes, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for key_name, key in sorted(buckets[0].keys.items()):
            if isinstance(key, FakeDeleteMarker):
                continue
            body = key.value
            member = tarfile.TarInfo(key_name)
            member.size = len(body)
            archive.addfile(member, io.BytesIO(body))
    start_response("200 OK", [("Content-Type", "application/x-tar")])
    return [archive_bytes.getvalue()]


class _OneRequestAtATime:
    """moto's backends are not safe under concurrent requests (a transaction is several Python
    steps); AWS serialises conflicting writes itself. Requests here are handled one at a time.

    Requests to the JSON services a run sends per event (DynamoDB, SQS, EventBridge), and to the
    REST services a publication sends per file and email (S3, SES), go straight to the moto view
    Flask would route them to (``moto_fork.direct_server``); anything else goes through Flask.
    """

    def __init__(self, app: DomainDispatcherApplication) -> None:
        self.direct = DirectDispatch(app)
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: Any, start_response: Any) -> Any:
        if environ.get("REQUEST_METHOD") == "POST" and (
            found := INVOKE_PATH.match(environ.get("PATH_INFO", ""))
        ):
            return self._invoke(found[1], environ, start_response)
        with self.lock:
            if environ.get("PATH_INFO") == SENT_MAIL_PATH:
                return _sent_mail(start_response)
            if environ.get("PATH_INFO") == BUCKET_TAR_PATH:
                return _bucket_tar(environ, start_response)
            if environ.get("PATH_INFO") == SES_ACCOUNT_PATH:
                start_response("200 OK", [("Content-Type", "application/json")])
                return [ses_account_body().encode("utf-8")]
            direct = self.direct(environ, start_response)
            if direct is not None:
                return direct
            return list(self.app(environ, start_response))

    def _invoke(self, function_name: str, environ: Any, start_response: Any) -> list[bytes]:
        """Lambda's synchronous Invoke, running the real handler (``local/invoke.py``) outside
        the lock: the handler's own requests come back to this server while it runs."""
        from moto.awslambda.models import lambda_backends

        from annual_review_tools.local import invoke
        from annual_review_tools.local.execution import LOCAL_OVERRIDES

        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        with self.lock:
            deployed = dict(
                lambda_backends[LOCAL_ACCOUNT][REGION]
                .get_function(unquote(function_name), None)
                .environment_vars
            )
        variables = deployed | LOCAL_OVERRIDES | _ENVIRONMENT | {"AWS_ENDPOINT_URL": SERVER_URL[0]}
        payload, failed = invoke.invoke_in_child(
            invoke.logical_id_of(function_name), variables, body
        )
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
        if failed:
            headers.append(("X-Amz-Function-Error", "Unhandled"))
        start_response("200 OK", headers)
        return [payload]


def _serve_until_input_closes() -> None:
    """The child: moto (with the local speed fixes) on a free port, until the parent goes."""
    # moto's `verbose=False` does not reach werkzeug's per-request log lines.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # moto says so, for each resource type it skips in a deploy.
    logging.getLogger("moto").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="Tried to parse .* not supported by moto")
    moto_speedups.install()
    serve_in_moto()  # GetAccount and verified identities, which moto lacks
    app = _OneRequestAtATime(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_KeepAliveHandler)
    host, port = server.server_address[:2]
    SERVER_URL[0] = f"http://{host!s}:{port}"
    print(f"serving http://{host!s}:{port}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()
    # Nothing is left to flush, and freeing moto's state object by object (a three-year run's
    # tables, queues and buckets) took seconds: the process ends at once.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    _serve_until_input_closes()
