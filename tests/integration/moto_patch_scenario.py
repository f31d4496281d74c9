"""The transaction paths the local moto patches touch, as one scenario whose every result is
printed as JSON: run it in a process with the patches and in one without, and compare.

``python -m tests.integration.moto_patch_scenario [--patched]``
"""

from __future__ import annotations

import json
import sys
from typing import Any

from moto import mock_aws

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.dynamo import DynamoLedgerStore
from annual_review.aggregates import AggregateKey
from annual_review.events import DecisionRecordedDetail
from annual_review.ingest import CommitConflict, LedgerWrite, ledger_entry
from annual_review_tools.local.stack import load_template

REGION = "eu-west-2"


def _decision(decision_id: str, version: int, outcome: str = "upheld") -> Any:
    detail = DecisionRecordedDetail.model_validate(
        {
            "decision_id": decision_id,
            "version": version,
            "authority_code": "E09000021",
            "decided_on": "2019-10-01",
            "outcome": outcome,
            "service_area": "housing",
            "satisfactory_remedy_by_authority": False,
        },
        strict=False,
    )
    return ledger_entry("DecisionRecorded", detail)


def _create_tables(aws: AwsClients) -> dict[str, str]:
    """The two tables with the keys template.yaml gives them."""
    resources = load_template()["Resources"]
    names = {"LedgerTable": "ledger", "AggregatesTable": "aggregates"}
    for logical_id, name in names.items():
        properties = resources[logical_id]["Properties"]
        aws.dynamodb().create_table(
            TableName=name,
            AttributeDefinitions=properties["AttributeDefinitions"],
            KeySchema=properties["KeySchema"],
            BillingMode="PAY_PER_REQUEST",
        )
    return names


def scenario() -> dict[str, Any]:
    results: dict[str, Any] = {}
    with mock_aws():
        aws = AwsClients(region=REGION)
        names = _create_tables(aws)
        store = DynamoLedgerStore(names["LedgerTable"], names["AggregatesTable"], aws.dynamodb)
        year = AggregateKey("2019-20", "E09000021")

        def attempt(name: str, writes: list[LedgerWrite], deltas: dict[Any, Any]) -> None:
            try:
                store.commit(writes, deltas)
                results[name] = "committed"
            except CommitConflict as conflict:
                results[name] = {
                    key: None if entry is None else [entry.version, entry.detail.outcome]
                    for key, entry in sorted(conflict.current.items())
                }
            except Exception as error:
                results[name] = type(error).__name__

        first, second = _decision("D-1", 1), _decision("D-2", 1)
        attempt("two new", [LedgerWrite(first, None), LedgerWrite(second, None)],
                {year: {"decisions_upheld": 2}})  # fmt: skip
        # A duplicate among new writes: the whole transaction is cancelled, nothing is written,
        # and DynamoDB returns what the ledger holds for the failed condition.
        attempt("one new, one duplicate", [LedgerWrite(_decision("D-3", 1), None),
                LedgerWrite(first, None)], {year: {"decisions_upheld": 2}})  # fmt: skip
        amended = _decision("D-1", 2, "not_upheld")
        attempt("amendment", [LedgerWrite(amended, 1)],
                {year: {"decisions_upheld": -1, "decisions_not_upheld": 1}})  # fmt: skip
        attempt("stale amendment", [LedgerWrite(_decision("D-1", 2), 1)],
                {year: {"decisions_upheld": 1}})  # fmt: skip
        attempt("two writes to one item", [LedgerWrite(first, 1), LedgerWrite(first, 1)], {})
        results["ledger"] = sorted(
            [entry.key, entry.version, entry.detail.outcome] for entry in store.scan_ledger()
        )
        items = aws.dynamodb().scan(TableName=names["AggregatesTable"])["Items"]
        results["aggregates"] = sorted(json.dumps(item, sort_keys=True) for item in items)
    return results


if __name__ == "__main__":
    if "--patched" in sys.argv:
        from annual_review_tools.local import moto_speedups

        moto_speedups.install()
    print(json.dumps(scenario(), sort_keys=True))
