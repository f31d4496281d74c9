"""Contributions and deltas: what each event version adds, and what an amendment changes."""

from __future__ import annotations

from annual_review.figures.aggregates import (
    AggregateKey,
    CouncilYearAggregate,
    contribution_of,
    delta,
)
from annual_review.ingestion.fields import DecisionOutcome
from tests.builders import complaint, compliance, decision, withdrawal
from tests.parsing import parsed

KINGSTON = "E09000021"
LEEDS = "E08000035"


def test_an_upheld_decision_with_a_remedy_counts_outcome_area_remedy_and_improvements() -> None:
    detail = parsed(
        "DecisionRecorded",
        decision(satisfactory_remedy_by_authority=True, service_improvements=3),
    )
    assert contribution_of(detail) == {
        AggregateKey("2019-20", KINGSTON): {
            "decisions_upheld": 1,
            "decisions_area_housing": 1,
            "satisfactory_remedies": 1,
            "case_system_service_improvements": 3,
        }
    }


def test_compliance_counts_in_the_year_it_was_recorded() -> None:
    detail = parsed(
        "ComplianceRecorded", compliance(recorded_on="2020-04-01", outcome="complied_late")
    )
    assert contribution_of(detail) == {
        AggregateKey("2020-21", KINGSTON): {"compliance_complied_late": 1}
    }


def test_a_complaint_counts_by_service_area() -> None:
    detail = parsed("ComplaintReceived", complaint(service_area="benefits_and_tax"))
    assert contribution_of(detail) == {
        AggregateKey("2019-20", KINGSTON): {"complaints_area_benefits_and_tax": 1}
    }


def test_a_withdrawal_contributes_nothing() -> None:
    assert contribution_of(parsed("DecisionWithdrawn", withdrawal())) == {}


def test_an_amendment_that_changes_the_outcome_moves_one_count() -> None:
    old = parsed("DecisionRecorded", decision(outcome="upheld"))
    new = parsed("DecisionRecorded", decision(version=2, outcome="not_upheld"))
    assert delta(new, old) == {
        AggregateKey("2019-20", KINGSTON): {"decisions_not_upheld": 1, "decisions_upheld": -1}
    }


def test_an_amendment_that_moves_council_and_year_moves_the_whole_contribution() -> None:
    old = parsed("DecisionRecorded", decision(decided_on="2020-03-31"))
    new = parsed(
        "DecisionRecorded", decision(version=2, authority_code=LEEDS, decided_on="2020-04-01")
    )
    assert delta(new, old) == {
        AggregateKey("2019-20", KINGSTON): {"decisions_area_housing": -1, "decisions_upheld": -1},
        AggregateKey("2020-21", LEEDS): {"decisions_area_housing": 1, "decisions_upheld": 1},
    }


def test_withdrawing_removes_the_previous_contribution() -> None:
    old = parsed("DecisionRecorded", decision(outcome="not_upheld", service_area="other"))
    assert delta(parsed("DecisionWithdrawn", withdrawal()), old) == {
        AggregateKey("2019-20", KINGSTON): {"decisions_area_other": -1, "decisions_not_upheld": -1}
    }


def test_an_identical_resend_changes_nothing() -> None:
    same = parsed("DecisionRecorded", decision())
    assert delta(same, same) == {}


def test_derived_figures_follow_the_definitions() -> None:
    aggregate = CouncilYearAggregate(
        "2019-20",
        KINGSTON,
        {
            "decisions_upheld": 9,
            "decisions_not_upheld": 4,
            "decisions_closed_after_initial_enquiries": 5,
            "compliance_complied": 6,
            "compliance_complied_late": 1,
            "compliance_not_complied": 1,
            "complaints_area_housing": 2,
            "complaints_area_other": 1,
        },
    )
    assert aggregate.decisions(DecisionOutcome.UPHELD) == 9
    assert aggregate.detailed_investigations == 13
    assert aggregate.decisions_total == 18
    assert aggregate.complied == 7
    assert aggregate.compliance_total == 8
    assert aggregate.complaints_received == 3
