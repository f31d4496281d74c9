"""The local server's Flask bypass: requests go straight to the moto view Flask would route
them to, with the request moto would build, and back as the response Flask would make.

A quarter of the server's time in ingestion, and half of it for each S3 request, was Flask's
routing and request context. ``check_server`` refuses a moto whose routing (the two functions
fingerprinted in ``speedups.SERVER_FINGERPRINTS``) is not the one this mimics.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from botocore.exceptions import ClientError
from moto.core.request import Request as MotoRequest
from moto.core.utils import convert_to_flask_response
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from werkzeug.exceptions import HTTPException

from annual_review_tools.local.moto_fork import speedups

# The JSON-protocol services a run calls for every event, served without Flask's routing.
DIRECT_SERVICES = frozenset({"dynamodb", "sqs", "events"})
# The REST services a publication calls for every page, letter and email (any method and path).
DIRECT_REST_SERVICES = frozenset({"s3", "sesv2"})


class DirectDispatch:
    """``dispatch(environ, start_response)``: the response body, or None for Flask to serve."""

    def __init__(self, app: DomainDispatcherApplication) -> None:
        speedups.check_server()
        self.app = app

    def __call__(self, environ: Any, start_response: Any) -> list[bytes] | None:
        backend_app = self.app.get_application(environ)
        service = getattr(backend_app, "service", None)
        json_request = environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") == "/"
        if not ((service in DIRECT_SERVICES and json_request) or service in DIRECT_REST_SERVICES):
            return None
        try:
            endpoint, _ = backend_app.url_map.bind_to_environ(environ).match()
        except HTTPException:
            return None
        view = backend_app.view_functions.get(endpoint)
        if not isinstance(view, convert_to_flask_response):
            return None
        request = MotoRequest(environ)
        try:
            result = view.callback(request, request.raw_url, dict(request.headers))
        except ClientError as error:
            result = 400, {}, error.response["Error"]["Message"]
        except HTTPException as error:
            # moto's REST errors (S3's NoSuchKey, say) are werkzeug exceptions that Flask turns
            # into their own responses.
            return list(error.get_response(environ)(environ, start_response))
        except NotImplementedError as error:
            # What Flask answers for an action moto lacks (a message-move task, say): a 500,
            # not a dropped connection, so the client sees an error it can handle.
            result = 500, {}, str(error)
        status, headers, content = result if len(result) == 3 else (200, {}, result)
        body = content.encode("utf-8") if isinstance(content, str) else bytes(content or b"")
        response_headers = [(str(k), str(v)) for k, v in dict(headers).items()]
        if not any(name.lower() == "content-type" for name, _ in response_headers):
            response_headers.append(("Content-Type", "text/html; charset=utf-8"))
        start_response(f"{int(status)} {HTTPStatus(int(status)).phrase}", response_headers)
        return [body]
