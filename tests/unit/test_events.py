"""The event contract: strict parsing, and errors that name the field and never the value."""

from __future__ import annotations

import json
from datetime import date

import pytest

from annual_review.events import (
    MAX_BODY_BYTES,
    ComplaintReceivedDetail,
    DecisionOutcome,
    DecisionRecordedDetail,
    InvalidEvent,
    parse_event,
)
from annual_review.fiscal import FinancialYear
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


# Each kind of bad input, and what its error must name: the field and the kind of value given.
# (The value itself is never in an error: it may be personal data, and errors reach the logs.)
BAD_INPUT = {
    "missing field": (
        body("DecisionRecorded", _without(decision(), "outcome")),
        ["detail.outcome", "missing"],
    ),
    "wrong type": (body("DecisionRecorded", decision(version=1.5)), ["detail.version", "a number"]),
    "unknown outcome": (
        body("DecisionRecorded", decision(outcome="partly_upheld")),
        ["detail.outcome", "a string of 13 characters"],
    ),
    "unknown service area": (
        body("DecisionRecorded", decision(service_area="parking")),
        ["detail.service_area", "a string of 7 characters"],
    ),
    "malformed authority code": (
        body("DecisionRecorded", decision(authority_code="E0900021")),
        ["detail.authority_code", "a string of 8 characters"],
    ),
    "impossible date": (
        body("DecisionRecorded", decision(decided_on="2019-02-30")),
        ["detail.decided_on", "a string of 10 characters"],
    ),
    "version zero": (body("DecisionRecorded", decision(version=0)), ["detail.version", "a number"]),
    "negative version": (
        body("DecisionWithdrawn", {"decision_id": "D-1", "version": -2}),
        ["detail.version", "a number"],
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
        ["detail-type", "a string of 16 characters"],
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
        ["detail.decision_id", "UTF-8", "a string of 3 characters"],
    ),
    "a body carrying undecodable bytes": ('{"detail-type": "\udcff"}', ["body", "UTF-8"]),
    "a detail of 200 KB": (
        body("ComplaintReceived", complaint(complaint_id="C-" + "9" * 200_000)),
        ["body", "bytes"],
    ),
    "number as a string": (
        body("DecisionRecorded", decision(version="2")),
        ["detail.version", "a string of 1 character"],
    ),
    "date in another format": (
        body("DecisionRecorded", decision(decided_on="10/06/2019")),
        ["detail.decided_on", "a string of 10 characters"],
    ),
    "date with a time": (
        body("ComplaintReceived", complaint(received_on="2019-05-02T10:00:00")),
        ["detail.received_on", "a string of 19 characters"],
    ),
    "council code in lower case": (
        body("DecisionRecorded", decision(authority_code="e09000021")),
        ["detail.authority_code", "a string of 9 characters"],
    ),
    "future date": (
        body("DecisionRecorded", decision(decided_on="2099-01-01")),
        ["detail.decided_on", "2099-01-01", "future"],
    ),
    "control characters": (
        body("DecisionRecorded", decision(decision_id="D-1\x00\x07")),
        ["detail.decision_id", "a string of 5 characters"],
    ),
    "markup in an identifier": (
        body("ComplaintReceived", complaint(complaint_id="<script>alert(1)</script>")),
        ["detail.complaint_id", "a string of 25 characters"],
    ),
    "markup in an unexpected text field": (
        body("DecisionRecorded", decision(council_name="<script>alert(1)</script>")),
        ["detail.council_name", "a string of 25 characters"],
    ),
    "boolean as a string": (
        body("DecisionRecorded", decision(satisfactory_remedy_by_authority="false")),
        ["detail.satisfactory_remedy_by_authority", "a string of 5 characters"],
    ),
    "wrong source": (
        json.dumps(envelope("DecisionRecorded", decision(), source="ombudsman.finance")),
        ["source", "a string of 17 characters"],
    ),
    "body that is JSON but not an object": ('["DecisionRecorded"]', ["body", "object"]),
    "detail that is not an object": (
        body("DecisionRecorded", "upheld"),
        ["detail", "a string of 6 characters"],
    ),
}


# The values above that must not appear in any error (free text a case worker might type).
NEVER_ECHOED = {
    "unknown outcome": "partly_upheld",
    "unknown service area": "parking",
    "malformed authority code": "E0900021",
    "unknown detail-type": "DecisionReopened",
    "date in another format": "10/06/2019",
    "council code in lower case": "e09000021",
    "markup in an identifier": "<script>",
    "markup in an unexpected text field": "<script>",
    "wrong source": "ombudsman.finance",
    "oversized body": "xxxxxxxxxx",
}


@pytest.mark.parametrize("kind", list(BAD_INPUT))
def test_bad_input_is_rejected_with_the_field_and_not_the_value(kind: str) -> None:
    raw, must_mention = BAD_INPUT[kind]
    message = "; ".join(_errors(raw))
    for fragment in must_mention:
        assert fragment in message, f"{kind}: {fragment!r} not in {message!r}"
    if kind in NEVER_ECHOED:
        assert NEVER_ECHOED[kind] not in message, f"{kind}: the value is echoed in {message!r}"


def test_the_catalogue_covers_at_least_28_kinds() -> None:
    assert len(BAD_INPUT) >= 28
