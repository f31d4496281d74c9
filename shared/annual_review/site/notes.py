"""The operator's notes on the public site: a series break for a year (a change in how cases
are assessed or counted), shown on every council page whose history spans that year.

Kept in the private bucket as ``site/notes.json`` ({"series_breaks": {"2020-21": ["..."]}}),
set with ``annual-review site note``, and read by the release step when it renders the pages:
a note appears at the next release or republication.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Protocol

from annual_review.fiscal import FinancialYear

SITE_NOTES_KEY = "site/notes.json"
MAX_NOTE = 600


class NoteInvalid(ValueError):
    pass


class Readable(Protocol):
    def get(self, key: str) -> bytes | None: ...


def load_notes(body: bytes | None) -> dict[str, list[str]]:
    """Series-break notes by financial year, from the stored file (none when there is none)."""
    if body is None:
        return {}
    document = json.loads(body)
    found = document.get("series_breaks", {}) if isinstance(document, dict) else {}
    if not isinstance(found, dict):
        raise NoteInvalid("series_breaks: must be an object of year: [notes]")
    return {str(y): [str(n) for n in notes] for y, notes in found.items()}


def read_notes(store: Readable) -> dict[str, list[str]]:
    return load_notes(store.get(SITE_NOTES_KEY))


def with_note(
    notes: Mapping[str, Sequence[str]], year: str, text: str | None
) -> dict[str, list[str]]:
    """The notes with ``text`` added for ``year``; ``text`` None clears the year's notes."""
    label = FinancialYear.parse(year).label
    changed = {y: list(n) for y, n in notes.items()}
    if text is None:
        changed.pop(label, None)
        return changed
    words = " ".join(text.split())
    if not words:
        raise NoteInvalid("note: empty")
    if len(words) > MAX_NOTE:
        raise NoteInvalid(f"note: longer than {MAX_NOTE} characters")
    if words not in changed.get(label, []):
        changed.setdefault(label, []).append(words)
    return changed


def dump_notes(notes: Mapping[str, Sequence[str]]) -> bytes:
    body = {"series_breaks": {y: list(notes[y]) for y in sorted(notes) if notes[y]}}
    return (json.dumps(body, indent=1, ensure_ascii=False) + "\n").encode()
