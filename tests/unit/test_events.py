"""The event contract: strict parsing, and errors that name the field and never the value."""

from __future__ import annotations

from datetime import date

import pytest

from annual_review.fiscal import FinancialYear
from annual_review.ingestion.contract import (
    ComplaintReceivedDetail,
    DecisionRecordedDetail,
    InvalidEvent,
    parse_event,
)
from annual_review.ingestion.fields import DecisionOutcome
from tests.bad_input import BAD_INPUT, NEVER_ECHOED
from tests.builders import body, complaint, decision

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
