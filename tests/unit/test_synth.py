"""The synthetic year: seeded, realistic in its proportions, and noisy the way real feeds are."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

import pytest

from annual_review.fiscal import FinancialYear
from annual_review.registry.councils import load_registry
from annual_review_tools.local.synth import councils_for, generate_year

YEAR = FinancialYear(2019)


@pytest.fixture(scope="module")
def year() -> list[tuple[str, dict[str, Any]]]:
    entries = generate_year(YEAR, councils_for(YEAR), seed=11, scale=0.3).entries
    return [(e["DetailType"], json.loads(e["Detail"])) for e in entries]


def test_same_seed_same_year_other_seed_other_year() -> None:
    councils = councils_for(YEAR)
    first = generate_year(YEAR, councils, seed=1, scale=0.02).entries
    assert generate_year(YEAR, councils, seed=1, scale=0.02).entries == first
    assert generate_year(YEAR, councils, seed=2, scale=0.02).entries != first


def test_volumes_and_proportions(year: list[tuple[str, dict[str, Any]]]) -> None:
    firsts = [d for t, d in year if t == "DecisionRecorded" and d.get("version") == 1]
    outcomes = Counter(d["outcome"] for d in firsts)
    investigations = outcomes["upheld"] + outcomes["not_upheld"]
    complaints = {d["complaint_id"] for t, d in year if t == "ComplaintReceived"}
    assert abs(len(complaints) - 17_000 * 0.3) < 50
    assert abs(len({d["decision_id"] for d in firsts}) - 16_000 * 0.3) < 60
    assert abs(investigations - 4_300 * 0.3) < 100
    assert 0.55 < outcomes["upheld"] / investigations < 0.65
    upheld = [d for d in firsts if d["outcome"] == "upheld"]
    assert 0.09 < sum(d["satisfactory_remedy_by_authority"] for d in upheld) / len(upheld) < 0.17
    compliance = Counter(d["outcome"] for t, d in year if t == "ComplianceRecorded")
    assert compliance["complied"] + compliance["complied_late"] > 0.97 * compliance.total()
    assert compliance["complied_late"] > 0


def test_volumes_follow_population(year: list[tuple[str, dict[str, Any]]]) -> None:
    by_council = Counter(d["authority_code"] for t, d in year if t == "ComplaintReceived")
    populous = max(councils_for(YEAR), key=lambda c: c.population_in(YEAR) or 0)
    small = min(councils_for(YEAR), key=lambda c: c.population_in(YEAR) or 10**9)
    assert by_council[populous.code] > 10 * by_council[small.code]


def test_noise(year: list[tuple[str, dict[str, Any]]]) -> None:
    serialised = Counter(json.dumps([t, d], sort_keys=True) for t, d in year)
    assert sum(n - 1 for n in serialised.values()) > 0.015 * len(year)  # duplicate deliveries
    positions: dict[str, dict[int, int]] = {}
    for index, (kind, detail) in enumerate(year):
        if kind == "DecisionRecorded" and isinstance(detail.get("version"), int):
            positions.setdefault(detail["decision_id"], {}).setdefault(detail["version"], index)
    amended = {k: v for k, v in positions.items() if 2 in v and 1 in v}
    assert len(amended) > 0.005 * len(positions)
    assert any(v[2] < v[1] for v in amended.values())  # some amendments arrive first
    assert any(t == "DecisionWithdrawn" for t, _ in year)
    malformed = [
        d for t, d in year if t == "DecisionReopened" or d.get("outcome") == "partly_upheld"
    ]
    assert malformed


def test_every_event_names_a_council_that_existed_on_its_date() -> None:
    # Given the three years around the Buckinghamshire and Northamptonshire reorganisations
    registry = load_registry(None)
    dated = {"DecisionRecorded": "decided_on", "ComplianceRecorded": "recorded_on",
             "ComplaintReceived": "received_on"}  # fmt: skip
    checked = 0
    after_reorganisation: Counter[str] = Counter()
    for start in (2019, 2020, 2021):
        year = FinancialYear(start)
        for entry in generate_year(year, councils_for(year), seed=3, scale=0.05).entries:
            detail = json.loads(entry["Detail"])
            field = dated.get(entry["DetailType"])
            if field is None or not isinstance(detail.get(field), str):
                continue
            code, day = detail.get("authority_code"), detail[field]
            if code not in registry.by_code or "/" in day:
                continue  # the deliberately malformed events
            # Then every code was a council on the event's date
            assert registry.by_code[code].exists_on(date.fromisoformat(day)), (code, day)
            checked += 1
            if code in ("E06000060", "E06000061", "E06000062"):
                after_reorganisation[entry["DetailType"]] += 1
    assert checked > 5_000
    # and the new unitaries get their share, including compliance for their predecessors' cases
    assert after_reorganisation["ComplaintReceived"] > 0
    assert after_reorganisation["ComplianceRecorded"] > 0
