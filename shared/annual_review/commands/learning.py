"""`annual-review learning`: the learning publication by hand, and taking an item down at once.

annual-review learning publish                    run the weekly publication now
annual-review learning takedown ID --reason TEXT  take a decision statement, public report or
                                                  service improvement down, page and feed, now
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from annual_review.commands.cli import Connected, add_stack_options, connect


def register(groups: Any) -> None:
    parser = groups.add_parser(
        "learning",
        help="publish the week's decisions, reports and improvements; take an item down",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    publish = commands.add_parser("publish", help="run the weekly learning publication now")
    add_stack_options(publish)
    publish.set_defaults(run=run_publish)
    takedown = commands.add_parser(
        "takedown", help="take an item down from its council's pages and feeds at once"
    )
    takedown.add_argument("id", help="the item's id (decision_id, report_id or improvement_id)")
    takedown.add_argument("--reason", required=True, help="why (kept with the takedown record)")
    add_stack_options(takedown)
    takedown.set_defaults(run=run_takedown)


def _publisher(connected: Connected) -> Any:
    from annual_review.adapters.storage import S3ObjectStore
    from annual_review.learning.publication import LearningPublisher
    from annual_review.registry.councils import REGISTRY_KEY, load_registry

    settings = connected.settings
    private = S3ObjectStore(settings.private_bucket, connected.clients.s3)
    public = S3ObjectStore(settings.public_bucket, connected.clients.s3)
    registry = load_registry(private.get(REGISTRY_KEY))
    return LearningPublisher(private, public, registry, site_url=settings.site_url)


def run_publish(args: argparse.Namespace) -> int:
    from annual_review.adapters.learning_source import DynamoChangeSource

    connected = connect(args, "LearningFunction")
    settings = connected.settings
    changes = DynamoChangeSource(settings.learning_changes_table, connected.clients.dynamodb)
    result = _publisher(connected).run(changes, settings.now())
    print(json.dumps(result.as_dict(), sort_keys=True))
    return 0


def run_takedown(args: argparse.Namespace) -> int:
    from annual_review.adapters.dynamo import decode_ledger_item
    from annual_review.learning.changes import ledger_keys_for, scope_of
    from annual_review.learning.contract import LearningItem

    connected = connect(args, "LearningFunction")
    settings = connected.settings
    client = connected.clients.dynamodb()
    found = []
    for key in ledger_keys_for(args.id):
        item = client.get_item(
            TableName=settings.ledger_table, Key={"key": {"S": key}}, ConsistentRead=True
        ).get("Item")
        if item:
            found.append(decode_ledger_item(item))
    if not found:
        print(f"annual-review learning takedown: no item has id {args.id!r}", file=sys.stderr)
        return 1
    publisher = _publisher(connected)
    written = 0
    for entry in found:
        detail = entry.detail
        scope = scope_of(detail) if isinstance(detail, LearningItem) else None
        written += publisher.take_down(entry.key, scope, args.reason, settings.now())
        print(
            json.dumps({"taken_down": entry.key, "council_year": scope, "written": written}),
        )
    return 0
