"""The letters step carries on in a new invocation when its time runs short, and fails loudly
when what is left is failed or unconfirmed (nothing more to start)."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools import Logger, Metrics

from annual_review.publication.mail.delivery import DeliveryResult
from annual_review.publication.mail.undelivered import LettersNotDelivered
from annual_review.publication.steps import Adapters
from annual_review.settings import Settings
from annual_review.wiring import lambda_step
from annual_review.wiring.lambda_step import StepFunction, handle_scheduled_step
from annual_review_tools.local.execution import FakeLambdaContext
from tests.fakes import InMemoryLeaseStore, MemoryObjectStore

PAYLOAD = {"step": "letters", "year": "2019-20"}


def function(again: list[tuple[str, dict[str, Any]]]) -> StepFunction:
    store = MemoryObjectStore()
    adapters = Adapters(aggregates=None, private=store, public=store, site=None)  # type: ignore[arg-type]
    return StepFunction(
        Settings(), adapters, InMemoryLeaseStore(), lambda arn, body: again.append((arn, body))
    )


def stopping_with(result: DeliveryResult, monkeypatch: pytest.MonkeyPatch) -> None:
    def run_step(*_: object) -> None:
        raise LettersNotDelivered("2019-20", 1, result)

    monkeypatch.setattr(lambda_step, "run_step", run_step)


def call(step_function: StepFunction, payload: dict[str, Any]) -> dict[str, Any]:
    context = FakeLambdaContext("LettersFunction", 1024, 300)
    metrics = Metrics(namespace="AnnualReview")
    return handle_scheduled_step(
        "letters",
        payload,
        step_function,
        Logger(),
        metrics,
        context,  # type: ignore[arg-type]
    )


def test_a_step_out_of_time_invokes_itself_again_with_the_next_continuation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    again: list[tuple[str, dict[str, Any]]] = []
    stopping_with(
        DeliveryResult(sending=True, mailed=40, not_started=["E09000021 officers"]), monkeypatch
    )
    step_function = function(again)
    assert call(step_function, PAYLOAD) == {"continued": 1, "not_started": 1}
    assert again == [
        (
            "arn:aws:lambda:eu-west-2:123456789012:function:LettersFunction",
            {"step": "letters", "year": "2019-20", "continuation": 1},
        )
    ]
    # The lease was given back before the next invocation was asked for.
    assert step_function.leases.held is None  # type: ignore[attr-defined]


def test_nothing_left_to_start_but_failures_is_the_loud_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    again: list[tuple[str, dict[str, Any]]] = []
    stopping_with(
        DeliveryResult(sending=True, failed=["E09000021 officers: MessageRejected"]), monkeypatch
    )
    with pytest.raises(LettersNotDelivered):
        call(function(again), PAYLOAD)
    assert again == []


def test_continuations_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    again: list[tuple[str, dict[str, Any]]] = []
    stopping_with(DeliveryResult(sending=True, not_started=["E09000021 officers"]), monkeypatch)
    with pytest.raises(LettersNotDelivered):
        call(function(again), PAYLOAD | {"continuation": lambda_step.MAX_CONTINUATIONS})
    assert again == []
