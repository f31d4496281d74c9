"""`annual-review recipients`: check and upload the private list of who receives each letter.

annual-review recipients validate FILE [--year 2019-20]
annual-review recipients upload FILE [--year 2019-20] [--stack NAME] [--endpoint-url URL]

Every council of the year must have a chief executive (name and address). The link officer
(columns link_officer, link_officer_email) receives the case lists with the chief executive; the
leader and the chair of scrutiny, when given, receive the letter without them. A list without
the link officer columns is still accepted, with a note that the case lists then go to the
chief executive alone. The file holds personal data: it goes to the private
bucket only (versioned), and nothing prints its names or addresses.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from annual_review.commands.cli import add_stack_options


def register(groups: Any) -> None:
    parser = groups.add_parser(
        "recipients",
        help="check and upload the list of who receives each council's letter",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    validate = actions.add_parser("validate", help="check a recipients CSV against the registry")
    validate.add_argument("file", type=Path)
    validate.add_argument("--year", help="every council of this year needs a chief executive")
    validate.set_defaults(run=validate_file)
    upload = actions.add_parser("upload", help="check, then upload to the private bucket")
    upload.add_argument("file", type=Path)
    upload.add_argument("--year", help="every council of this year needs a chief executive")
    add_stack_options(upload)
    upload.set_defaults(run=upload_file)


def _check(args: argparse.Namespace, registry_csv: bytes | None) -> int | str:
    from annual_review.commands.calendar import operator_settings
    from annual_review.fiscal import FinancialYear
    from annual_review.publication.letters.recipients import (
        RecipientsInvalid,
        link_officer_note,
        parse_recipients,
    )
    from annual_review.registry.councils import load_registry
    from annual_review.settings import Settings

    path: Path = args.file
    if not path.is_file():
        print(f"recipients: {args.file}: no such file", file=sys.stderr)
        return 1
    text = path.read_text("utf-8")
    registry = load_registry(registry_csv)
    today = operator_settings(Settings()).now().date()
    year = FinancialYear.parse(args.year) if args.year else FinancialYear.last_ended(today)
    try:
        found = parse_recipients(
            text,
            required_codes=[c.code for c in registry.for_year(year)],
            known_codes=registry.by_code,
        )
    except RecipientsInvalid as invalid:
        for problem in invalid.problems:
            print(f"invalid  {problem}", file=sys.stderr)
        print(f"{args.file}: {len(invalid.problems)} problem(s)", file=sys.stderr)
        return 1
    copies = sum(len(r.copies) for r in found.values())
    officers = sum(1 for r in found.values() if r.link_officer)
    print(
        f"{args.file}: {len(found)} councils, each with a chief executive; {officers} with a "
        f"link officer; {copies} councillors (leader, chair of scrutiny)"
    )
    note = link_officer_note(found)
    if note:
        print(f"note     {note}", file=sys.stderr)
    return text


def validate_file(args: argparse.Namespace) -> int:
    checked = _check(args, None)
    return checked if isinstance(checked, int) else 0


def upload_file(args: argparse.Namespace) -> int:
    from annual_review.adapters.storage import S3ObjectStore
    from annual_review.commands.cli import connect
    from annual_review.publication import bucket_keys as keys
    from annual_review.publication.letters.recipients import RECIPIENTS_KEY
    from annual_review.registry.councils import REGISTRY_KEY

    connected = connect(args, "LettersFunction")
    private = S3ObjectStore(connected.settings.private_bucket, connected.clients.s3)
    checked = _check(args, private.get(REGISTRY_KEY))
    if isinstance(checked, int):
        return checked
    written = private.put(RECIPIENTS_KEY, checked.encode("utf-8"), keys.CSV, keys.PRIVATE)
    print(f"uploaded to {RECIPIENTS_KEY}" if written else "unchanged: already uploaded")
    return 0
