"""Browser-test fixtures: what a small local-stack run published, served over HTTP, and
headless Debian Chromium."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright

from annual_review.fiscal import FinancialYear
from annual_review_tools.local.cdn import handler_with_policy
from annual_review_tools.local.harness import RunOptions, run_on
from annual_review_tools.local.server import LocalServer
from tests.browser.helpers import ODD_CODE, ODD_NAME

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".json": "application/json",
        ".geojson": "application/geo+json",
        ".svg": "image/svg+xml",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass


YEARS = [FinancialYear(2019), FinancialYear(2020)]


def _rename(root: Path, year: str, code: str, name: str) -> None:
    """Give one council an awkward name in the year's published JSON (every copy of it)."""
    for path in (root / "data" / year).rglob("councils.json"):
        document = json.loads(path.read_text())
        for council in document["councils"]:
            if council["code"] == code:
                council["name"] = name
        path.write_text(json.dumps(document))


@pytest.fixture(scope="session")
def public_root(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The public bucket after a small seeded two-year run of the local stack, and the
    councils.json documents it published, by year."""
    out = tmp_path_factory.mktemp("local-run")
    with LocalServer() as server:
        result = run_on(
            server, RunOptions(years=YEARS, out_dir=out, seed=3, scale=0.02, progress=False)
        )
    assert result.publication_failures == 0, result.publication
    root = out / "public"
    _rename(root, "2019-20", ODD_CODE, ODD_NAME)
    published = {
        year.label: json.loads((root / "data" / year.label / "councils.json").read_text())
        for year in YEARS
    }
    return root, published


@pytest.fixture(scope="session")
def published(public_root: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    return public_root[1]


@pytest.fixture(scope="session")
def base_url(public_root: tuple[Path, dict[str, Any]]) -> Iterator[str]:
    # The response headers CloudFront's policy in template.yaml adds (its Content-Security-Policy
    # included), so a page that breaks the policy breaks here as it would in production.
    handler = functools.partial(handler_with_policy(QuietHandler), directory=str(public_root[0]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is not installed: apt-get install chromium (as .ci/run does)")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


class ConsoleLog:
    """Console errors and uncaught exceptions of a page."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"{message.type}: {message.text}")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_log = ConsoleLog(page)  # type: ignore[attr-defined]
    yield page
    context.close()
