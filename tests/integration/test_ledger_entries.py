"""A freeze reads one year's counted cases: one strongly consistent Query of that year's
partition of the cases table (kept in the ledger's own transaction), exact through replays,
amendments moving a case between years and councils, and withdrawals. Requests and items read
are counted with botocore event hooks; the figures are worked out by hand below."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from moto import mock_aws

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.dynamo import DynamoAggregatesReader, DynamoLedgerStore
from annual_review.adapters.ledger_entries import DynamoLedgerEntries
from annual_review.ingestion.planner import IncomingMessage, ingest_batch
from annual_review.publication.freeze.case_lists import CaseCapture
from annual_review.registry.councils import load_registry
from annual_review_tools.local.stack import load_template
from tests.builders import body, decision, withdrawal
from tests.fakes import InMemoryQuarantine

pytestmark = pytest.mark.integration
WANDSWORTH, CAMDEN = "E09000032", "E09000007"


@pytest.fixture
def aws() -> Iterator[AwsClients]:
    with mock_aws():
        yield AwsClients(region="eu-west-2")


def tables(aws: AwsClients) -> dict[str, str]:
    """The three tables as template.yaml keys them."""
    resources = load_template()["Resources"]
    names = {"LedgerTable": "ledger", "AggregatesTable": "aggregates", "CasesTable": "cases"}
    for logical_id, name in names.items():
        properties = resources[logical_id]["Properties"]
        aws.dynamodb().create_table(
            TableName=name,
            AttributeDefinitions=properties["AttributeDefinitions"],
            KeySchema=properties["KeySchema"],
            BillingMode="PAY_PER_REQUEST",
        )
    return names


def ingest(store: DynamoLedgerStore, *events: tuple[str, dict[str, Any]]) -> None:
    messages = [IncomingMessage(f"m{i}", body(t, d)) for i, (t, d) in enumerate(events)]
    ingest_batch(
        messages,
        store,
        InMemoryQuarantine(),
        councils=load_registry(None),
        today=date(2022, 1, 1),
    )


class Reads:
    """Every DynamoDB request the reader makes, and the items each one returned."""

    def __init__(self, aws: AwsClients) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.items = 0
        events = aws.dynamodb().meta.events
        events.register("provide-client-params.dynamodb", self.request)
        events.register("after-call.dynamodb", self.answer)

    def request(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.requests.append((model.name, dict(params)))

    def answer(self, parsed: dict[str, Any], **_: Any) -> None:
        self.items += len(parsed.get("Items", []))


def test_the_freeze_reads_only_its_year_exactly(aws: AwsClients) -> None:
    names = tables(aws)
    store = DynamoLedgerStore(
        names["LedgerTable"],
        names["AggregatesTable"],
        aws.dynamodb,
        cases_table=names["CasesTable"],
    )
    # Given three years of decisions in Wandsworth (2019-20, 2020-21, 2021-22: one each)
    ingest(
        store,
        ("DecisionRecorded", decision("D-1", authority_code=WANDSWORTH, decided_on="2019-05-01")),
        ("DecisionRecorded", decision("D-2", authority_code=WANDSWORTH, decided_on="2020-05-01")),
        ("DecisionRecorded", decision("D-3", authority_code=WANDSWORTH, decided_on="2021-05-01")),
        ("DecisionRecorded", decision("D-4", authority_code=WANDSWORTH, decided_on="2020-06-01")),
        ("DecisionRecorded", decision("D-5", authority_code=WANDSWORTH, decided_on="2020-07-01")),
    )
    # and then: D-1 replayed (a duplicate); D-2 amended into 2021-22 and to Camden; D-3 amended
    # into 2020-21; D-4 withdrawn; D-5 amended within 2020-21 to not upheld
    ingest(
        store,
        ("DecisionRecorded", decision("D-1", authority_code=WANDSWORTH, decided_on="2019-05-01")),
        (
            "DecisionRecorded",
            decision("D-2", 2, authority_code=CAMDEN, decided_on="2021-06-01"),
        ),
        (
            "DecisionRecorded",
            decision("D-3", 2, authority_code=WANDSWORTH, decided_on="2020-08-01"),
        ),
        ("DecisionWithdrawn", withdrawal("D-4", 2)),
        (
            "DecisionRecorded",
            decision(
                "D-5", 2, authority_code=WANDSWORTH, decided_on="2020-07-01", outcome="not_upheld"
            ),
        ),
    )
    # By hand: 2020-21 holds D-3 v2 (upheld) and D-5 v2 (not upheld), both Wandsworth;
    # 2021-22 holds D-2 v2 in Camden; 2019-20 holds D-1 v1.
    entries = DynamoLedgerEntries(names["CasesTable"], aws.dynamodb)
    reads = Reads(aws)
    found = sorted((d.decision_id, v, d.authority_code) for d, v in entries.entries("2020-21"))  # type: ignore[union-attr]
    # The year's cases, then the next year's (for the case lists' join of complaints to later
    # decisions): D-3 and D-5 in 2020-21, D-2 in 2021-22
    assert found == [("D-2", 2, CAMDEN), ("D-3", 2, WANDSWORTH), ("D-5", 2, WANDSWORTH)]
    # Two requests, a strongly consistent Query of each year's partition, three items read
    assert [operation for operation, _ in reads.requests] == ["Query", "Query"]
    assert all(params["ConsistentRead"] is True for _, params in reads.requests)
    assert [params["ExpressionAttributeValues"] for _, params in reads.requests] == [
        {":year": {"S": "2020-21"}},
        {":year": {"S": "2021-22"}},
    ]
    assert reads.items == 3
    assert sorted((d.decision_id, v) for d, v in entries.entries("2021-22")) == [("D-2", 2)]  # type: ignore[union-attr]
    assert sorted((d.decision_id, v) for d, v in entries.entries("2019-20")) == [  # type: ignore[union-attr]
        ("D-1", 1),
        ("D-3", 2),
        ("D-5", 2),
    ]
    # And the freeze's capture agrees with the aggregates written in the same transactions
    capture = CaseCapture(DynamoAggregatesReader(names["AggregatesTable"], aws.dynamodb), entries)
    frozen = capture.year("2020-21")
    assert {code: {k: v for k, v in a.counters.items() if v} for code, a in frozen.items()} == {
        WANDSWORTH: {"decisions_upheld": 1, "decisions_not_upheld": 1, "decisions_area_housing": 2}
    }
