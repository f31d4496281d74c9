"""The operator's series-break notes, as `annual-review site note` keeps them."""

from __future__ import annotations

import json

import pytest

from annual_review.site.notes import MAX_NOTE, NoteInvalid, dump_notes, load_notes, with_note


def test_a_note_is_added_once_per_year_kept_in_order_and_cleared() -> None:
    notes = with_note({}, "2020-21", "  Cases   assessed\nanew. ")
    notes = with_note(notes, "2020-21", "Cases assessed anew.")  # the same words: once
    notes = with_note(notes, "2019-20", "Earlier note.")
    stored = dump_notes(notes)
    assert json.loads(stored) == {
        "series_breaks": {"2019-20": ["Earlier note."], "2020-21": ["Cases assessed anew."]}
    }
    assert load_notes(stored) == notes
    assert with_note(notes, "2020-21", None) == {"2019-20": ["Earlier note."]}
    assert load_notes(None) == {}


def test_a_bad_year_an_empty_or_overlong_note_is_refused_naming_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="2020-22"):
        with_note({}, "2020-22", "text")
    with pytest.raises(NoteInvalid, match="note: empty"):
        with_note({}, "2020-21", "   ")
    with pytest.raises(NoteInvalid, match=f"longer than {MAX_NOTE}"):
        with_note({}, "2020-21", "x" * (MAX_NOTE + 1))
    with pytest.raises(NoteInvalid, match="series_breaks"):
        load_notes(b'{"series_breaks": ["not", "an", "object"]}')
