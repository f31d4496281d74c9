"""Integration tier: handlers in-process against template.yaml deployed into moto."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from functions.ingest import app


@pytest.fixture(autouse=True)
def fresh_ingest_dependencies() -> Iterator[None]:
    """The handler's adapters are cached per process, as on Lambda; each test gets new ones."""
    app.dependencies.cache_clear()
    yield
    app.dependencies.cache_clear()
