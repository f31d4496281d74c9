"""The functions' handlers as a new execution environment finds them, and the event fixtures
of events/ (the same files `sam local invoke -e` uses)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from functions.freeze import app as freeze_app
from functions.ingest import app as ingest_app
from functions.learning import app as learning_app
from functions.letters import app as letters_app
from functions.mail_feedback import app as mail_feedback_app
from functions.release import app as release_app

EVENTS_DIR = Path(__file__).resolve().parents[1] / "events"


def cold_start() -> None:
    """Forget what each handler made on its first call, as a new execution environment would."""
    ingest_app.dependencies.cache_clear()
    ingest_app.allowed_hosts.cache_clear()
    ingest_app.heartbeat_log.cache_clear()
    learning_app.function.cache_clear()
    mail_feedback_app.deliveries.cache_clear()
    for step in (freeze_app, letters_app, release_app):
        step.function.cache_clear()


def load_event(name: str) -> dict[str, Any]:
    """An event fixture from events/ (the same files `sam local invoke -e` uses)."""
    return json.loads((EVENTS_DIR / name).read_text())  # type: ignore[no-any-return]
