"""`annual-review verify`: recompute a year from the ledger and compare it with what is stored."""

from __future__ import annotations

import argparse
import json
from typing import Any

from annual_review.adapters.dynamo import DynamoAggregatesReader, DynamoLedgerStore
from annual_review.adapters.ledger_entries import DynamoLedgerEntries
from annual_review.adapters.storage import S3ObjectStore
from annual_review.commands.cli import add_stack_options, connect
from annual_review.figures.verification import verify_year
from annual_review.fiscal import FinancialYear
from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.snapshot import load_snapshot


def register(groups: Any) -> None:
    parser = groups.add_parser(
        "verify",
        help="recompute a year's aggregates from the ledger; compare with the stored aggregates "
        "and the frozen snapshot; exit 1 on any difference",
    )
    parser.add_argument(
        "--year", help="financial year, e.g. 2019-20 (default: the one that ended last 31 March)"
    )
    parser.add_argument(
        "--whole-ledger",
        action="store_true",
        help="recompute from a scan of the whole ledger (every year, eventually consistent) "
        "rather than the year's counted cases (one strongly consistent query)",
    )
    add_stack_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    connected = connect(args, "FreezeFunction")
    settings, clients = connected.settings, connected.clients
    year = args.year or FinancialYear.last_ended(settings.now().date()).label
    FinancialYear.parse(year)
    ledger = DynamoLedgerStore(settings.ledger_table, settings.aggregates_table, clients.dynamodb)
    stored = DynamoAggregatesReader(settings.aggregates_table, clients.dynamodb)
    private = S3ObjectStore(settings.private_bucket, clients.s3)
    snapshot = load_snapshot(private, year)
    report = private.get(keys.data_quality_report(year))
    unregistered = (
        {item["code"] for item in json.loads(report)["codes_not_in_registry"]} if report else set()
    )
    details = (
        (entry.detail for entry in ledger.scan_ledger())
        if args.whole_ledger
        else (
            detail
            for detail, _ in DynamoLedgerEntries(settings.cases_table, clients.dynamodb).entries(
                year
            )
        )
    )
    differences = verify_year(
        details,
        year,
        stored.year(year),
        snapshot,
        unregistered,
    )
    compared = "the stored aggregates" + (
        f" and snapshot r{snapshot.revision}" if snapshot else " (no snapshot yet)"
    )
    for difference in differences:
        print(difference)
    if differences:
        print(f"{year}: {len(differences)} difference(s) between the ledger and {compared}")
        return 1
    print(f"{year}: the ledger agrees with {compared}")
    return 0
