"""What each scheduled publication function does with its event, once its decorators are on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.continuation import LambdaContinuation
from annual_review.publication.freeze.snapshot import FreezeResult
from annual_review.publication.lease import (
    LeaseStore,
    StepAlreadyRunning,
    exclusively,
    invocation_hold,
    lease_for,
)
from annual_review.publication.mail.undelivered import LettersNotDelivered
from annual_review.publication.steps import Adapters, Step, StepRequest, run_step
from annual_review.settings import Settings
from annual_review.wiring.aws_adapters import aws_adapters, aws_leases


@dataclass(frozen=True)
class StepFunction:
    """What a publication function is given once, on its first call: its settings and adapters."""

    settings: Settings
    adapters: Adapters
    leases: LeaseStore
    # Invoke this function again, asynchronously, with a payload (the letters step's
    # continuation); None where a step never continues.
    again: Callable[[str, dict[str, Any]], None] | None = None


def step_function(environment: Mapping[str, str], *, mail: bool = True) -> StepFunction:
    """The edge of a publication function: settings from its environment, clients made once;
    ``mail=False`` for a step that sends no mail and reads no delivery (the freeze)."""
    settings = Settings.from_environment(environment)
    clients = AwsClients.from_environment(environment)
    adapters = aws_adapters(settings, clients, mail=mail)
    again = LambdaContinuation(clients.lambda_).invoke_again if mail else None
    return StepFunction(settings, adapters, aws_leases(settings, clients), again)


# At 1 recipient a second, 1,500 councils' letters take 12 invocations (make bench).
MAX_CONTINUATIONS = 48


def continues(undelivered: LettersNotDelivered, request: StepRequest) -> bool:
    """The step ran out of time with messages not yet started: another invocation of the
    function carries on (each send is recorded, so it starts where this one stopped). What is
    failed or unconfirmed with nothing left to start is the loud failure instead."""
    return bool(undelivered.result.not_started) and request.continuation < MAX_CONTINUATIONS


def count_undelivered(undelivered: LettersNotDelivered, metrics: Metrics) -> None:
    """The metrics the letters alarm watches: messages SES has not accepted, by why."""
    result = undelivered.result
    metrics.add_metric(name="LettersFailed", unit=MetricUnit.Count, value=len(result.failed))
    metrics.add_metric(
        name="LettersUnconfirmed", unit=MetricUnit.Count, value=len(result.unconfirmed)
    )
    metrics.add_metric(
        name="LettersNotStarted", unit=MetricUnit.Count, value=len(result.not_started)
    )


def handle_scheduled_step(
    step: Step,
    event: dict[str, Any],
    function: StepFunction,
    logger: Logger,
    metrics: Metrics,
    context: LambdaContext,
) -> dict[str, Any]:
    """Parse the schedule's payload, run the step holding the publication lease, log and count
    it, return its result. Another step running refuses this one (``StepAlreadyRunning``)."""
    request = StepRequest.model_validate(event)
    if request.step != step:
        raise ValueError(f"step: this function runs {step!r}, not {request.step!r}")
    settings = function.settings
    moment = settings.now()
    if request.overdue is not None:
        return check_completed(request.overdue, request, function, logger, metrics, moment)
    lease = lease_for(
        step,
        request.financial_year(moment).label,
        holder=context.aws_request_id,
        now=moment,
        hold_for=invocation_hold(context.get_remaining_time_in_millis()),
    )
    continued: LettersNotDelivered | None = None
    try:
        with exclusively(function.leases, lease):
            try:
                result = run_step(
                    request,
                    function.adapters,
                    settings,
                    moment,
                    context.get_remaining_time_in_millis() / 1000,
                )
            except LettersNotDelivered as undelivered:
                if not continues(undelivered, request) or function.again is None:
                    count_undelivered(undelivered, metrics)
                    logger.error(
                        "letters not all accepted by SES",
                        failed=len(undelivered.result.failed),
                        unconfirmed=len(undelivered.result.unconfirmed),
                        not_started=len(undelivered.result.not_started),
                    )
                    raise
                continued = undelivered
    except StepAlreadyRunning as running:
        if (running.running.step, running.running.year) != (lease.step, lease.year):
            raise  # another step holds the lease: this one must run later (retried, then alarmed)
        # Scheduler delivers at least once: the same step of the same year is already running
        # from the first delivery, so this one has nothing to do and is not an error.
        logger.info(
            "duplicate delivery: the step is already running",
            step=step,
            year=lease.year,
            holder=running.running.holder,
        )
        metrics.add_metric(name="DuplicateStepDeliveries", unit=MetricUnit.Count, value=1)
        return {"step": step, "year": lease.year, "duplicate_of": running.running.holder}
    if continued is not None and function.again is not None:
        # The lease is given back: the next invocation carries on where this one stopped.
        again = request.model_copy(update={"continuation": request.continuation + 1})
        function.again(context.invoked_function_arn, again.model_dump(exclude_none=True))
        logger.info(
            "step continues in another invocation",
            step=step,
            continuation=again.continuation,
            mailed=continued.result.mailed,
            not_started=len(continued.result.not_started),
        )
        metrics.add_metric(name="LettersContinued", unit=MetricUnit.Count, value=1)
        return {"continued": again.continuation, "not_started": len(continued.result.not_started)}
    if isinstance(result, FreezeResult) and result.codes_not_in_registry:
        logger.warning(
            "aggregates for codes not in the year's registry: see the data-quality report",
            year=result.year,
            codes=result.codes_not_in_registry,
        )
    logger.info(f"{step} done", result=result.model_dump(mode="json"))
    metrics.add_metric(name="PublicationStepsCompleted", unit=MetricUnit.Count, value=1)
    return result.model_dump(mode="json")


def check_completed(
    step: Step,
    request: StepRequest,
    function: StepFunction,
    logger: Logger,
    metrics: Metrics,
    moment: datetime,
) -> dict[str, Any]:
    """At a step's deadline: did it complete? ``PublicationStepOverdue`` counts 1 when not (its
    alarm fires) and 0 when it did, read from the publication record, not from logs."""
    from annual_review.calendar.schedules import OVERDUE_METRIC
    from annual_review.publication.step_record import completed_steps

    year = request.financial_year(moment).label
    adapters = function.adapters
    completed = step in completed_steps(adapters.private, adapters.public, year)
    if completed:
        logger.info("step completed by its deadline", step=step, year=year)
    else:
        logger.error("step not completed by its deadline", step=step, year=year)
    metrics.add_metric(name=OVERDUE_METRIC, unit=MetricUnit.Count, value=0 if completed else 1)
    return {"step": step, "year": year, "completed": completed}
