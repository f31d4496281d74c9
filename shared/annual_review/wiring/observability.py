"""Observability for every function, defined once: its logger and its metrics.

Each function's ``app.py`` takes ``logger, metrics = for_function()``. The service name on both
is the function's ``POWERTOOLS_SERVICE_NAME`` (template.yaml); the metrics namespace is
``METRICS_NAMESPACE``, set here only (the template's alarms and dashboard read metrics from it,
and a test holds them to this constant).

No Powertools Tracer: the X-Ray SDK alone adds about 130 ms to a cold start (more than all of our
own code; see BENCHMARKS.md), and ``Tracing: Active`` still traces each invocation. Should
tracing be wanted, it is created here, once, for every function.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

METRICS_NAMESPACE = "AnnualReview"


def for_function() -> tuple[Logger, Metrics]:
    """The logger and the metrics of the function this module is imported in."""
    return Logger(), Metrics(namespace=METRICS_NAMESPACE)
