"""The public tree served as CloudFront serves it, for the benchmark and local checks: gzip when
the client accepts it (the distribution compresses), ``index.html`` for a folder's address (the
directory-index function), ``404.html`` with status 404 for anything missing."""

from __future__ import annotations

import gzip
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".csv": "text/csv; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".md": "text/markdown; charset=utf-8",
}
COMPRESSED = (
    "text/",
    "application/json",
    "application/geo+json",
    "image/svg+xml",
    "application/xml",
)


@lru_cache(maxsize=4096)
def _gzipped(path: Path, mtime: float) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


def handler_for(root: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            path = unquote(urlparse(self.path).path)
            target = (root / path.lstrip("/")).resolve()
            if root.resolve() not in (target, *target.parents):
                target = root / "missing"
            if target.is_dir():
                target = target / "index.html"
            status = 200
            if not target.is_file():
                status, target = 404, root / "404.html"
            kind = (
                TYPES.get(target.suffix)
                or mimetypes.guess_type(target.name)[0]
                or "application/octet-stream"
            )
            body = target.read_bytes()
            headers = {"Content-Type": kind, "Cache-Control": "public, max-age=300"}
            if "gzip" in self.headers.get("Accept-Encoding", "") and kind.startswith(COMPRESSED):
                body = _gzipped(target, target.stat().st_mtime)
                headers["Content-Encoding"] = "gzip"
                headers["Vary"] = "Accept-Encoding"
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serving(root: Path, port: int = 0) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 in a thread; yields the base URL (with a trailing slash)."""
    server = ThreadingHTTPServer(("127.0.0.1", port), handler_for(root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
