"""An event's council must exist on the event's date, in the registry in force: the packaged one,
or a corrected one uploaded to the private bucket, which a warm function picks up by its ETag."""

from __future__ import annotations

import boto3
import pytest

from annual_review.commands.cli import main
from annual_review.registry.councils import REGISTRY_KEY, packaged_registry_text
from annual_review_tools.local.stack import LocalStack
from functions.ingest import app
from tests.builders import complaint, compliance, decision
from tests.integration.sqs_lambda import aggregates, drain, put_events, quarantined

pytestmark = pytest.mark.integration

NORTHAMPTON, WEST_NORTHANTS = "E07000154", "E06000062"
GONE = (
    "authority_code E07000154 (Northampton Borough Council) did not exist on 2021-05-01: "
    "replaced by West Northamptonshire Council (E06000062) on 2021-04-01"
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    """The ingestion function's clock for registry checks, moved by hand."""
    fixed = Clock()
    _, _, councils = app.dependencies()
    councils.clock = fixed
    return fixed


def corrected_registry() -> bytes:
    """The packaged registry with Northampton abolished two months later (a correction)."""
    lines = packaged_registry_text().splitlines(keepends=True)
    fixed = [
        line.replace(",2021-04-01,E06000062,", ",2021-06-01,E06000062,")
        if line.startswith(NORTHAMPTON)
        else line
        for line in lines
    ]
    assert fixed != lines
    return "".join(fixed).encode()


def test_events_for_a_council_gone_by_their_date_are_quarantined_and_apply_after_a_correction(
    stack: LocalStack, clock: Clock
) -> None:
    # Given a decision, a compliance outcome and a complaint for Northampton a month after its
    # abolition, an amendment moving West Northamptonshire's decision onto it, and a code that
    # never existed
    put_events(stack, [("DecisionRecorded", decision("D-W", authority_code=WEST_NORTHANTS,
                                                     decided_on="2021-05-01"))])  # fmt: skip
    drain(stack)
    day, gone = "2021-05-01", NORTHAMPTON
    put_events(
        stack,
        [
            ("DecisionRecorded", decision("D-N", authority_code=gone, decided_on=day)),
            ("ComplianceRecorded", compliance("D-N", authority_code=gone, recorded_on=day)),
            ("ComplaintReceived", complaint("C-N", authority_code=gone, received_on=day)),
            ("DecisionRecorded", decision("D-W", version=2, authority_code=gone, decided_on=day)),
            ("DecisionRecorded", decision("D-X", authority_code="E06000099", decided_on=day)),
        ],
    )
    # When they are ingested
    drain(stack)
    # Then all five are quarantined, each error naming the code, council, date and successor
    errors = sorted(error for record in quarantined(stack) for error in record["errors"])
    assert errors == [
        "authority_code E06000099 is not a council in the registry (on 2021-05-01)",
        GONE,
        GONE,
        GONE,
        GONE,
    ]
    # and West Northamptonshire's decision stays counted as it was before the amendment
    assert aggregates(stack) == {
        "2021-22#E06000062": {"decisions_upheld": 1, "decisions_area_housing": 1}
    }

    # When the registry is corrected (uploaded, no redeploy) and the quarantine replayed
    boto3.client("s3").put_object(
        Bucket=stack.physical("PrivateBucket"), Key=REGISTRY_KEY, Body=corrected_registry()
    )
    clock.now += 11  # past the recheck interval for an unknown council, well within 5 minutes
    assert main(["quarantine", "replay", "--all", "--stack", "annual-review-local"]) == 0
    drain(stack)
    # Then the Northampton events apply, the amendment moves the decision, and only the code
    # that never existed is still quarantined
    assert [r["errors"] for r in quarantined(stack)] == [
        ["authority_code E06000099 is not a council in the registry (on 2021-05-01)"]
    ]
    assert {key: counters for key, counters in aggregates(stack).items() if counters} == {
        "2021-22#E07000154": {
            "decisions_upheld": 2,
            "decisions_area_housing": 2,
            "compliance_complied": 1,
            "complaints_area_housing": 1,
        }
    }


def test_the_registry_upload_is_checked_at_most_every_few_minutes_not_per_event(
    stack: LocalStack, clock: Clock
) -> None:
    _, _, councils = app.dependencies()
    put_events(stack, [("DecisionRecorded", decision(f"D-{n}")) for n in range(30)])
    drain(stack)
    assert councils.checks == 1  # one HEAD for 30 events in 3 batches
    clock.now += 299
    put_events(stack, [("DecisionRecorded", decision("D-30"))])
    drain(stack)
    assert councils.checks == 1
    clock.now += 1
    put_events(stack, [("DecisionRecorded", decision("D-31"))])
    drain(stack)
    assert councils.checks == 2
    assert aggregates(stack)["2019-20#E09000021"]["decisions_upheld"] == 32
