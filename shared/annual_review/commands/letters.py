"""`annual-review letters`: the email deliveries of a year's letters, and resending one.

annual-review letters deliveries --year 2019-20 [--json]
annual-review letters resend --year 2019-20 --council E09000021 --reason "..."
annual-review letters resend --year 2019-20 --failed [--reason "..."]
annual-review letters resend --year 2019-20 --unconfirmed [--reason "..."]

Each council's letter is two messages, each with its own delivery: "officers" (chief executive
and link officer, with the case lists) and "councillors" (leader and chair of scrutiny).

A message is "unconfirmed" when a run recorded its intent to send and stopped before recording
SES's answer: the email may have gone. Check (SES's sending events, or ask the council), then
resend: the record keeps each attempt, and a resend is refused once SES has accepted the message
(unless it bounced or drew a complaint). A "failed" message is one SES refused or kept
throttling (its error code is in the record). ``--failed`` and ``--unconfirmed`` resend every
such message of the year's latest revision in one command, each at most once (two commands run
at once still send each once: each resend is conditional on the attempt it follows).
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
    resend = actions.add_parser(
        "resend", help="send a council's letter again, or every failed or unconfirmed one, once"
    )
    resend.add_argument("--year", required=True)
    which = resend.add_mutually_exclusive_group(required=True)
    which.add_argument("--council", help="the council's code (its messages SES has not accepted)")
    which.add_argument("--failed", action="store_true", help="every message SES refused")
    which.add_argument(
        "--unconfirmed", action="store_true", help="every message whose outcome is unknown"
    )
    resend.add_argument("--reason", help="why (kept in the delivery record; --council needs it)")
    add_stack_options(resend)
    resend.set_defaults(run=resend_letter)


def delivery_summary(records: Sequence[DeliveryRecord]) -> dict[str, Any]:
    """Counts by state and the councils needing attention (for `status` and this command)."""
    states = Counter(r.state for r in records)
    return {
        "sent": states["sent"],
        "unconfirmed": sorted(r.label for r in records if r.state == "intent"),
        "failed": sorted(f"{r.label}: {r.error}" for r in records if r.state == "failed"),
        "bounced_or_complained": sorted(r.label for r in records if r.bounced_or_complained),
    }


def resend_targets(
    records: Sequence[DeliveryRecord],
    revision: int,
    *,
    council: str | None = None,
    failed: bool = False,
    unconfirmed: bool = False,
) -> list[DeliveryRecord]:
    """The records of ``revision`` one resend command sends, each once: a council's messages SES
    has not accepted (or that bounced), or every failed, or every unconfirmed one."""
    from annual_review.publication.mail.delivery import resend_refusal

    found = [r for r in records if r.revision == revision]
    if council is not None:
        return [r for r in found if r.code == council and resend_refusal(r) is None]
    wanted = "failed" if failed else "intent" if unconfirmed else None
    return [r for r in found if r.state == wanted]


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
                f"{record.label:<30} {record.state:<6} attempt {record.attempt}  "
                f"{record.accepted_at or '-'}  {record.error or ''}  "
                f"{', '.join(f.kind for f in record.feedback)}"
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

    if args.council and not (args.reason or "").strip():
        print("letters resend --council: give --reason (it is kept)", file=sys.stderr)
        return 2
    reason = args.reason or ("failed: resent" if args.failed else "unconfirmed: resent")
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
    records = log.list(args.year, snapshot.revision)
    targets = resend_targets(
        records,
        snapshot.revision,
        council=args.council,
        failed=args.failed,
        unconfirmed=args.unconfirmed,
    )
    if args.council and not targets:
        found = [r for r in records if r.code == args.council]
        why = "; ".join(f"{r.message}: {resend_refusal(r)}" for r in found) or (
            "no letter was sent for it yet: the letters step sends it"
        )
        print(f"letters resend {args.council}: refused: {why}", file=sys.stderr)
        return 1
    recipients = load_recipients(private) or {}
    mailer = SesMailer(settings.mail_configuration_set, clients.sesv2)
    outbox = Outbox(log, mailer, settings.sender_address, settings.now)
    names = {c.code: c.name for c in snapshot.councils}
    problems = 0
    for previous in targets:
        if previous.code not in recipients:
            print(f"letters resend {previous.label}: no recipients for it", file=sys.stderr)
            problems += 1
            continue
        mail = letter_mail(
            snapshot, previous.code, names[previous.code], private, entry.letters_at.year
        )
        sent = send_one(
            mail, recipients[previous.code], outbox, previous, reason, kind=previous.message
        )
        if sent is None or sent.state != "sent":
            print(f"letters resend {previous.label}: not sent ({sent.error if sent else 'busy'})")
            problems += 1
            continue
        print(f"{sent.label}: attempt {sent.attempt} accepted as {sent.message_id}")
    print(f"resent {len(targets) - problems} of {len(targets)} message(s)")
    return 1 if problems else 0
