"""The freeze's reads with 1, 5 and 10 years of history, at ten times today's volume.

Today's volume is the local synthetic year's (about 17,000 complaints received, 16,000
decisions and their compliance outcomes: ``local/synth.py``); ten times that is a body the size
of the Financial Ombudsman Service. Each year's counted cases are made as ingestion writes them
(the same ``DynamoLedgerStore`` builds each item) but **loaded directly into moto's table in
bulk, not through ingestion**: ten years at that volume through the ingestion handler would take
hours in moto.

Two measures:

- **Read units, as DynamoDB bills them**, computed from the items' sizes (DynamoDB Developer
  Guide, "Item sizes and formats" and "Read consumption" for Query and Scan): an item's size is
  the UTF-8 length of each attribute name plus its value (a string's UTF-8 bytes; a number about
  one byte per two significant digits, plus one); a Query or Scan request reads at most 1 MB and
  is billed for the total size of the items it read, rounded up to the next 4 KB, one read unit
  per 4 KB when strongly consistent. The freeze's Query of one year's partition is computed for
  every history length, and so is the Scan the freeze used to make (every item of every year,
  billed whatever its filter kept) for comparison. These use every item of every year.
- **Seconds in moto**: the freeze's read (``CaseCapture.year``: the year's cases and its
  aggregates, both strongly consistent Queries, decoded) timed in-process with the frozen
  year's items at ``moto_scale`` (today's volume by default: moto keeps every item as Python
  objects and pages a Query by walking the whole table, so ten times the volume would time moto
  rather than the freeze). Other years are not in moto's table: see ``freeze_history``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from annual_review.ingestion.contract import (
    ComplaintReceivedDetail,
    ComplianceRecordedDetail,
    DecisionRecordedDetail,
    Detail,
)
from annual_review.ingestion.fields import DecisionOutcome, ServiceArea

REGION = "eu-west-2"
TODAY_PER_YEAR = {"complaint": 17_000, "decision": 16_000, "compliance": 1_600}
PAGE_BYTES = 1024 * 1024
READ_UNIT_BYTES = 4096
FIRST_YEAR = 2010
_OUTCOMES = list(DecisionOutcome)
_AREAS = list(ServiceArea)


def _year_details(start_year: int, scale: float, councils: list[str]) -> Iterator[Detail]:
    """One financial year's counted cases (ids, dates and councils vary as real ones do)."""
    first = date(start_year, 4, 1)
    decision = DecisionRecordedDetail.model_validate(
        {
            "decision_id": "X",
            "version": 1,
            "authority_code": councils[0],
            "decided_on": first.isoformat(),
            "outcome": "upheld",
            "service_area": "housing",
            "satisfactory_remedy_by_authority": False,
        },
        context={"today": date.max},
        strict=False,
    )
    complaint = ComplaintReceivedDetail.model_validate(
        {
            "complaint_id": "X",
            "authority_code": councils[0],
            "received_on": first.isoformat(),
            "service_area": "housing",
        },
        context={"today": date.max},
        strict=False,
    )
    compliance = ComplianceRecordedDetail.model_validate(
        {
            "decision_id": "X",
            "version": 1,
            "authority_code": councils[0],
            "recorded_on": first.isoformat(),
            "outcome": "complied",
        },
        context={"today": date.max},
        strict=False,
    )
    for kind, today in TODAY_PER_YEAR.items():
        for n in range(round(today * scale)):
            code = councils[n % len(councils)]
            day = first + timedelta(days=n % 365)
            ident = f"{start_year % 100:02d}-{kind[:2]}-{n:07d}"
            if kind == "decision":
                yield decision.model_copy(
                    update={
                        "decision_id": ident,
                        "authority_code": code,
                        "decided_on": day,
                        "outcome": _OUTCOMES[n % len(_OUTCOMES)],
                        "service_area": _AREAS[n % len(_AREAS)],
                        "satisfactory_remedy_by_authority": n % 5 == 0,
                    }
                )
            elif kind == "complaint":
                yield complaint.model_copy(
                    update={
                        "complaint_id": ident,
                        "authority_code": code,
                        "received_on": day,
                        "service_area": _AREAS[n % len(_AREAS)],
                    }
                )
            else:
                yield compliance.model_copy(
                    update={"decision_id": ident, "authority_code": code, "recorded_on": day}
                )


def _detail_type(detail: Detail) -> str:
    return {
        DecisionRecordedDetail: "DecisionRecorded",
        ComplaintReceivedDetail: "ComplaintReceived",
        ComplianceRecordedDetail: "ComplianceRecorded",
    }[type(detail)]


def case_items(store: Any, details: Iterable[Detail]) -> Iterator[dict[str, Any]]:
    """The cases table's items for ``details``, built by the ingestion adapter itself."""
    from annual_review.ingestion.planner import LedgerWrite, ledger_entry

    for detail in details:
        write = LedgerWrite(ledger_entry(_detail_type(detail), detail), None)
        [put] = store._case_items(write)
        yield put["Put"]["Item"]


def item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it (strings and numbers are all these items hold)."""
    size = 0
    for name, value in item.items():
        size += len(name.encode())
        if "S" in value:
            size += len(value["S"].encode())
        else:
            digits = value["N"].lstrip("-").replace(".", "").strip("0") or "0"
            size += math.ceil(len(digits) / 2) + 1
    return size


def billed_read_units(sizes: Iterable[int]) -> tuple[int, int]:
    """(read units, requests) for strongly consistent Query or Scan pages over these items."""
    units = requests = 0
    page = 0
    for size in sizes:
        if page and page + size > PAGE_BYTES:
            units += math.ceil(page / READ_UNIT_BYTES)
            requests += 1
            page = 0
        page += size
    units += math.ceil(page / READ_UNIT_BYTES)
    return units, requests + 1


@dataclass(frozen=True)
class FreezeReads:
    history_years: int
    cases_in_year: int
    cases_in_ledger: int
    query_units: int
    query_requests: int
    scan_units: int  # the whole-ledger Scan the freeze used to make, for comparison
    seconds: float  # the freeze's read in moto, the year at ``moto_scale``


def freeze_history(
    histories: tuple[int, ...] = (1, 5, 10), scale: float = 10.0, moto_scale: float = 1.0
) -> list[FreezeReads]:
    """Read units at ``scale`` over every item of every year; seconds in moto at
    ``moto_scale`` with the frozen year's cases and aggregates loaded. moto's Query walks every
    item of the table for each page (DynamoDB reads the partition only: "a Query on a partition
    key reads only that partition"), so the other years are left out of moto's table for the
    timing, where they would only measure moto."""
    from annual_review.adapters.dynamo import DynamoLedgerStore
    from annual_review.fiscal import FinancialYear
    from annual_review.registry.councils import load_registry

    store = DynamoLedgerStore("ledger", "aggregates", lambda: None, cases_table="cases")  # type: ignore[arg-type,return-value]
    sizes: dict[int, list[int]] = {}
    results = []
    for history in histories:
        frozen_start = FIRST_YEAR + history - 1
        for start in range(FIRST_YEAR, frozen_start + 1):
            if start not in sizes:
                councils = [c.code for c in load_registry(None).for_year(FinancialYear(start))]
                details = _year_details(start, scale, councils)
                sizes[start] = [item_size(i) for i in case_items(store, details)]
        units, requests = billed_read_units(sizes[frozen_start])
        scan_units, _ = billed_read_units(
            size for start in range(FIRST_YEAR, frozen_start + 1) for size in sizes[start]
        )
        results.append(
            FreezeReads(
                history,
                len(sizes[frozen_start]),
                sum(len(sizes[start]) for start in range(FIRST_YEAR, frozen_start + 1)),
                units,
                requests,
                scan_units,
                _moto_seconds(frozen_start, moto_scale),
            )
        )
    return results


def _moto_seconds(start: int, scale: float) -> float:
    from moto import mock_aws

    from annual_review.adapters.clients import AwsClients
    from annual_review.adapters.dynamo import DynamoAggregatesReader, DynamoLedgerStore
    from annual_review.adapters.ledger_entries import DynamoLedgerEntries
    from annual_review.figures.aggregates import aggregates_from
    from annual_review.fiscal import FinancialYear
    from annual_review.publication.freeze.case_lists import CaseCapture
    from annual_review.registry.councils import load_registry
    from annual_review_tools.local.stack import load_template

    resources = load_template()["Resources"]
    year = FinancialYear(start)
    councils = [c.code for c in load_registry(None).for_year(year)]
    with mock_aws():
        aws = AwsClients(region=REGION)
        for logical_id, name in (("CasesTable", "cases"), ("AggregatesTable", "aggregates")):
            properties = resources[logical_id]["Properties"]
            aws.dynamodb().create_table(
                TableName=name,
                AttributeDefinitions=properties["AttributeDefinitions"],
                KeySchema=properties["KeySchema"],
                BillingMode="PAY_PER_REQUEST",
            )
        store = DynamoLedgerStore("ledger", "aggregates", aws.dynamodb, cases_table="cases")
        details = list(_year_details(start, scale, councils))
        table = _moto_table("cases")
        for item in case_items(store, details):  # in bulk, straight into moto's table
            table.put_item(item)
        for key, aggregate in aggregates_from(details).items():
            store.commit([], {key: aggregate.counters})
        capture = CaseCapture(
            DynamoAggregatesReader("aggregates", aws.dynamodb),
            DynamoLedgerEntries("cases", aws.dynamodb),
        )
        started = time.perf_counter()
        capture.year(year.label)
        return time.perf_counter() - started


def _moto_table(name: str) -> Any:
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(name)


def format_freeze_history(rows: list[FreezeReads]) -> list[str]:
    base = rows[0]
    lines = [
        "| years of history | cases in the frozen year | cases in the ledger |"
        " freeze Query: read units (requests) | ratio | freeze read in moto (s) | ratio |"
        " the old whole-ledger Scan: read units |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.history_years} | {r.cases_in_year:,} | {r.cases_in_ledger:,} |"
            f" {r.query_units:,} ({r.query_requests}) | {r.query_units / base.query_units:.2f} |"
            f" {r.seconds:.1f} | {r.seconds / base.seconds:.2f} | {r.scan_units:,} |"
        )
    return lines
