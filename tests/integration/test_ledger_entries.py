"""A freeze reads one year's ledger entries (with a filter on the entry's year), never losing an
entry that has no year: withdrawals, and entries written before entries carried one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.dynamo import DynamoLedgerStore
from annual_review.adapters.ledger_entries import DynamoLedgerEntries
from annual_review.aggregates import AggregateKey
from annual_review.events import DecisionRecordedDetail, DecisionWithdrawnDetail
from annual_review.ingest import LedgerWrite, ledger_entry
from tests.integration.moto_patch_scenario import create_tables

pytestmark = pytest.mark.integration


def decided(decision_id: str, on: str) -> DecisionRecordedDetail:
    return DecisionRecordedDetail.model_validate(
        {
            "decision_id": decision_id,
            "version": 1,
            "authority_code": "E09000021",
            "decided_on": on,
            "outcome": "upheld",
            "service_area": "housing",
            "satisfactory_remedy_by_authority": False,
        },
        strict=False,
    )


@pytest.fixture
def aws() -> Iterator[AwsClients]:
    with mock_aws():
        yield AwsClients(region="eu-west-2")


def test_a_year_is_read_with_the_entries_that_carry_no_year(aws: AwsClients) -> None:
    tables = create_tables(aws)
    ledger = tables["LedgerTable"]
    store = DynamoLedgerStore(ledger, tables["AggregatesTable"], aws.dynamodb)
    writes = [
        LedgerWrite(ledger_entry("DecisionRecorded", decided("D-1", "2019-05-01")), None),
        LedgerWrite(ledger_entry("DecisionRecorded", decided("D-2", "2020-05-01")), None),
        LedgerWrite(ledger_entry("DecisionRecorded", decided("D-3", "2021-05-01")), None),
        LedgerWrite(
            ledger_entry(
                "DecisionWithdrawn",
                DecisionWithdrawnDetail.model_validate({"decision_id": "D-4", "version": 2}),
            ),
            None,
        ),
    ]
    store.commit(writes, {AggregateKey("2019-20", "E09000021"): {"decisions_upheld": 1}})
    # An entry from before entries carried their year: the same item, without the attribute.
    old = decided("D-5", "2020-06-01")
    aws.dynamodb().put_item(
        TableName=ledger,
        Item={
            "key": {"S": "decision#D-5"},
            "version": {"N": "1"},
            "detail_type": {"S": "DecisionRecorded"},
            "detail": {"S": old.model_dump_json()},
        },
    )
    items = aws.dynamodb().scan(TableName=ledger)["Items"]
    assert sorted(item.get("year", {}).get("S", "-") for item in items) == [
        "-", "-", "2019-20", "2020-21", "2021-22"]  # fmt: skip
    read = DynamoLedgerEntries(ledger, aws.dynamodb).entries("2020-21")
    ids = sorted(detail.decision_id for detail, _ in read)  # type: ignore[union-attr]
    # 2020-21's own entry, 2021-22's (for the case lists' join of complaints to later
    # decisions), the withdrawal and the entry without a year; not 2019-20's
    assert ids == ["D-2", "D-3", "D-4", "D-5"]
