"""The event contract: strict parsing, and errors that name the field and the value."""

from __future__ import annotations

import json
from datetime import date

import pytest

from annual_review.fiscal import FinancialYear
from annual_review.ingestion.contract import (
    MAX_BODY_BYTES,
    ComplaintReceivedDetail,
    DecisionOutcome,
    DecisionRecordedDetail,
    InvalidEvent,
    parse_event,
)
from tests.builders import body, complaint, decision, envelope

TODAY = date(2020, 6, 1)


def test_a_valid_decision_parses_into_typed_fields() -> None:
    event = parse_event(body("DecisionRecorded", decision(service_improvements=2)), today=TODAY)
    assert isinstance(event.detail, DecisionRecordedDetail)
    assert event.detail.outcome is DecisionOutcome.UPHELD
    assert event.detail.decided_on == date(2019, 6, 10)
    assert event.detail.service_improvements == 2
    assert event.detail.year == FinancialYear(2019)


def test_service_improvements_default_to_zero() -> None:
    event = parse_event(body("DecisionRecorded", decision()), today=TODAY)
    assert isinstance(event.detail, DecisionRecordedDetail)
    assert event.detail.service_improvements == 0


@pytest.mark.parametrize(
    ("received_on", "label"),
    [("2019-04-01", "2019-20"), ("2020-03-31", "2019-20"), ("2020-04-01", "2020-21")],
)
def test_the_financial_year_runs_from_1_april_to_31_march(received_on: str, label: str) -> None:
    event = parse_event(
        body("ComplaintReceived", complaint(received_on=received_on)), today=date(2021, 1, 1)
    )
    assert isinstance(event.detail, ComplaintReceivedDetail)
    assert event.detail.year.label == label


def _errors(raw: str) -> list[str]:
    with pytest.raises(InvalidEvent) as caught:
        parse_event(raw, today=TODAY)
    return caught.value.errors


def _without(detail: dict[str, object], name: str) -> dict[str, object]:
    return {k: v for k, v in detail.items() if k != name}


# Each kind of bad input, and what its error must name: the field and the value given.
BAD_INPUT = {
    "missing field": (
        body("DecisionRecorded", _without(decision(), "outcome")),
        ["detail.outcome", "missing"],
    ),
    "wrong type": (body("DecisionRecorded", decision(version=1.5)), ["detail.version", "1.5"]),
    "unknown outcome": (
        body("DecisionRecorded", decision(outcome="partly_upheld")),
        ["detail.outcome", "'partly_upheld'"],
    ),
    "unknown service area": (
        body("DecisionRecorded", decision(service_area="parking")),
        ["detail.service_area", "'parking'"],
    ),
    "malformed authority code": (
        body("DecisionRecorded", decision(authority_code="E0900021")),
        ["detail.authority_code", "'E0900021'"],
    ),
    "impossible date": (
        body("DecisionRecorded", decision(decided_on="2019-02-30")),
        ["detail.decided_on", "'2019-02-30'"],
    ),
    "version zero": (body("DecisionRecorded", decision(version=0)), ["detail.version", "0"]),
    "negative version": (
        body("DecisionWithdrawn", {"decision_id": "D-1", "version": -2}),
        ["detail.version", "-2"],
    ),
    "remedy with a non-upheld outcome": (
        body(
            "DecisionRecorded",
            decision(outcome="not_upheld", satisfactory_remedy_by_authority=True),
        ),
        ["detail.satisfactory_remedy_by_authority", "'not_upheld'"],
    ),
    "body that is not JSON": ("{'detail-type': 'DecisionRecorded'", ["body", "not JSON"]),
    "unknown detail-type": (
        body("DecisionReopened", decision()),
        ["detail-type", "DecisionReopened"],
    ),
    "missing detail": (
        json.dumps({k: v for k, v in envelope("DecisionRecorded", {}).items() if k != "detail"}),
        ["detail", "missing"],
    ),
    "oversized body": (
        body("DecisionRecorded", decision(note="x" * MAX_BODY_BYTES)),
        ["body", "bytes", str(MAX_BODY_BYTES)],
    ),
    "text that is not UTF-8": (
        body("DecisionRecorded", decision(decision_id="D-\udcff")),
        ["detail.decision_id", "UTF-8", "D-"],
    ),
    "a body carrying undecodable bytes": ('{"detail-type": "\udcff"}', ["body", "UTF-8"]),
    "a detail of 200 KB": (
        body("ComplaintReceived", complaint(complaint_id="C-" + "9" * 200_000)),
        ["body", "bytes"],
    ),
    "number as a string": (
        body("DecisionRecorded", decision(version="2")),
        ["detail.version", "'2'"],
    ),
    "date in another format": (
        body("DecisionRecorded", decision(decided_on="10/06/2019")),
        ["detail.decided_on", "'10/06/2019'"],
    ),
    "date with a time": (
        body("ComplaintReceived", complaint(received_on="2019-05-02T10:00:00")),
        ["detail.received_on", "'2019-05-02T10:00:00'"],
    ),
    "council code in lower case": (
        body("DecisionRecorded", decision(authority_code="e09000021")),
        ["detail.authority_code", "'e09000021'"],
    ),
    "future date": (
        body("DecisionRecorded", decision(decided_on="2099-01-01")),
        ["detail.decided_on", "2099-01-01", "future"],
    ),
    "control characters": (
        body("DecisionRecorded", decision(decision_id="D-1\x00\x07")),
        ["detail.decision_id", "\\x00"],
    ),
    "markup in an identifier": (
        body("ComplaintReceived", complaint(complaint_id="<script>alert(1)</script>")),
        ["detail.complaint_id", "<script>"],
    ),
    "markup in an unexpected text field": (
        body("DecisionRecorded", decision(council_name="<script>alert(1)</script>")),
        ["detail.council_name", "<script>"],
    ),
    "boolean as a string": (
        body("DecisionRecorded", decision(satisfactory_remedy_by_authority="false")),
        ["detail.satisfactory_remedy_by_authority", "'false'"],
    ),
    "wrong source": (
        json.dumps(envelope("DecisionRecorded", decision(), source="ombudsman.finance")),
        ["source", "'ombudsman.finance'"],
    ),
    "body that is JSON but not an object": ('["DecisionRecorded"]', ["body", "object"]),
    "detail that is not an object": (
        body("DecisionRecorded", "upheld"),
        ["detail", "'upheld'"],
    ),
}


@pytest.mark.parametrize("kind", list(BAD_INPUT))
def test_bad_input_is_rejected_with_the_field_and_the_value(kind: str) -> None:
    raw, must_mention = BAD_INPUT[kind]
    message = "; ".join(_errors(raw))
    for fragment in must_mention:
        assert fragment in message, f"{kind}: {fragment!r} not in {message!r}"


def test_the_catalogue_covers_at_least_28_kinds() -> None:
    assert len(BAD_INPUT) >= 28
