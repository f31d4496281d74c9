"""`annual-review letters`: the email deliveries of a year's letters, and resending one.

annual-review letters deliveries --year 2019-20 [--json]
annual-review letters resend --year 2019-20 --council E09000021 --reason "..."

A council is "unconfirmed" when a run recorded its intent to send and stopped before recording
SES's answer: the email may have gone. Check (SES's sending events, or ask the council), then
resend: the record keeps each attempt, and a resend is refused once SES has accepted the letter
(unless it bounced or drew a complaint).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any

from annual_review.commands.cli import add_stack_options
from annual_review.publication.mail.delivery import DeliveryRecord


def register(groups: Any) -> None:
    parser = groups.add_parser(
        "letters",
        help="the letters' email deliveries: list them, resend one",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("deliveries", help="each council's delivery for a year")
    listing.add_argument("--year", required=True)
    listing.add_argument("--json", action="store_true", help="one JSON record per line")
    add_stack_options(listing)
    listing.set_defaults(run=list_deliveries)
    resend = actions.add_parser("resend", help="send one council's letter again, once")
    resend.add_argument("--year", required=True)
    resend.add_argument("--council", required=True, help="the council's code")
    resend.add_argument("--reason", required=True, help="why (kept in the delivery record)")
    add_stack_options(resend)
    resend.set_defaults(run=resend_letter)


def delivery_summary(records: Sequence[DeliveryRecord]) -> dict[str, Any]:
    """Counts by state and the councils needing attention (for `status` and this command)."""
    states = Counter(r.state for r in records)
    return {
        "sent": states["sent"],
        "unconfirmed": sorted(f"r{r.revision} {r.code}" for r in records if r.state == "intent"),
        "failed": sorted(f"r{r.revision} {r.code}" for r in records if r.state == "failed"),
        "bounced_or_complained": sorted(
            f"r{r.revision} {r.code}" for r in records if r.bounced_or_complained
        ),
    }


def list_deliveries(args: argparse.Namespace) -> int:
    from annual_review.adapters.deliveries import DynamoDeliveryLog
    from annual_review.commands.cli import connect

    connected = connect(args, "LettersFunction")
    log = DynamoDeliveryLog(connected.settings.deliveries_table, connected.clients.dynamodb)
    records = log.list(args.year)
    for record in records:
        if args.json:
            print(json.dumps(record.model_dump(mode="json"), sort_keys=True))
        else:
            print(
                f"r{record.revision} {record.code}  {record.state:<6} attempt {record.attempt}  "
                f"{record.accepted_at or '-'}  {', '.join(f.kind for f in record.feedback)}"
            )
    summary = delivery_summary(records)
    if not args.json:
        print(json.dumps(summary, sort_keys=True))
    return 1 if summary["unconfirmed"] or summary["failed"] else 0


def resend_letter(args: argparse.Namespace) -> int:
    from annual_review.adapters.deliveries import DynamoDeliveryLog
    from annual_review.adapters.ses import SesMailer
    from annual_review.adapters.storage import S3ObjectStore
    from annual_review.calendar.calendar_files import load_calendar
    from annual_review.commands.calendar import operator_settings
    from annual_review.commands.cli import connect
    from annual_review.publication.freeze.snapshot import load_snapshot
    from annual_review.publication.mail.delivery import Outbox, resend_refusal, send_one
    from annual_review.publication.mail.letters_by_email import letter_mail, load_recipients

    connected = connect(args, "LettersFunction")
    settings, clients = operator_settings(connected.settings), connected.clients
    if not settings.sender_address:
        print("letters resend: the stack has no SenderAddress: email is off", file=sys.stderr)
        return 1
    private = S3ObjectStore(settings.private_bucket, clients.s3)
    snapshot = load_snapshot(private, args.year)
    entry = load_calendar(private).entry(args.year)
    if snapshot is None or entry is None:
        print(f"letters resend: {args.year} is not frozen or has no dates", file=sys.stderr)
        return 1
    log = DynamoDeliveryLog(settings.deliveries_table, clients.dynamodb)
    previous = log.get(args.year, snapshot.revision, args.council)
    refusal = resend_refusal(previous)
    if refusal:
        print(f"letters resend {args.council}: refused: {refusal}", file=sys.stderr)
        return 1
    recipients = load_recipients(private) or {}
    if args.council not in recipients:
        print(f"letters resend: {args.council} has no recipients", file=sys.stderr)
        return 1
    name = next(c.name for c in snapshot.councils if c.code == args.council)
    mail = letter_mail(snapshot, args.council, name, private, entry.letters_at.year)
    mailer = SesMailer(settings.mail_configuration_set, clients.sesv2)
    outbox = Outbox(log, mailer, settings.sender_address, settings.now)
    sent = send_one(mail, recipients[args.council], outbox, previous, resend_reason=args.reason)
    if sent is None or sent.state != "sent":
        print(f"letters resend {args.council}: not sent ({sent.error if sent else 'busy'})")
        return 1
    print(f"r{sent.revision} {sent.code}: attempt {sent.attempt} accepted as {sent.message_id}")
    return 0
