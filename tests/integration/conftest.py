"""Integration tier: handlers in-process against template.yaml deployed into moto."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from functions.freeze import app as freeze_app
from functions.ingest import app
from functions.letters import app as letters_app
from functions.release import app as release_app

PUBLICATION_HANDLERS = (freeze_app, letters_app, release_app)


def forget_handler_caches() -> None:
    app.dependencies.cache_clear()
    for handler in PUBLICATION_HANDLERS:
        handler.adapters.cache_clear()
        handler.leases.cache_clear()


@pytest.fixture(autouse=True)
def fresh_handler_dependencies() -> Iterator[None]:
    """The handlers' adapters are cached per process, as on Lambda; each test gets new ones."""
    forget_handler_caches()
    yield
    forget_handler_caches()
