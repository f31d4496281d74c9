"""`annual-review site`: the operator's notes on the public site.

annual-review site note --year 2020-21 "TEXT" [--stack NAME] [--endpoint-url URL]
annual-review site note --year 2020-21 --clear
annual-review site notes

A series-break note says a year's figures are not comparable with earlier ones (for example,
a change in how cases are assessed). Council pages show it beside their history from the next
release or republication of any year.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from annual_review.commands.cli import add_stack_options


def register(groups: Any) -> None:
    parser = groups.add_parser(
        "site",
        help="notes the public site shows (series breaks)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    note = actions.add_parser("note", help="add (or --clear) a year's series-break note")
    note.add_argument("--year", required=True, help="the financial year, e.g. 2020-21")
    note.add_argument("text", nargs="?", help="the note, as the council pages show it")
    note.add_argument("--clear", action="store_true", help="remove the year's notes")
    add_stack_options(note)
    note.set_defaults(run=set_note)
    shown = actions.add_parser("notes", help="list the notes")
    add_stack_options(shown)
    shown.set_defaults(run=list_notes)


def _store(args: argparse.Namespace) -> Any:
    from annual_review.adapters.storage import S3ObjectStore
    from annual_review.commands.cli import connect

    connected = connect(args, "ReleaseFunction")
    return S3ObjectStore(connected.settings.private_bucket, connected.clients.s3)


def set_note(args: argparse.Namespace) -> int:
    from annual_review.publication import bucket_keys as keys
    from annual_review.site.notes import (
        SITE_NOTES_KEY,
        NoteInvalid,
        dump_notes,
        read_notes,
        with_note,
    )

    if args.clear == bool(args.text):
        print("site note: give the note's text, or --clear", file=sys.stderr)
        return 2
    store = _store(args)
    try:
        notes = with_note(read_notes(store), args.year, None if args.clear else args.text)
    except (NoteInvalid, ValueError) as error:
        print(f"site note: {error}", file=sys.stderr)
        return 1
    store.put(SITE_NOTES_KEY, dump_notes(notes), keys.JSON, keys.PRIVATE)
    print(f"{args.year}: {len(notes.get(args.year, []))} note(s); shown from the next release")
    return 0


def list_notes(args: argparse.Namespace) -> int:
    from annual_review.site.notes import read_notes

    for year, notes in sorted(read_notes(_store(args)).items()):
        for note in notes:
            print(f"{year}  {note}")
    return 0
