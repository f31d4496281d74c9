"""Observability is defined once: every function's logger and metrics come from one module, and
the metrics namespace is set there only (the template's alarms and dashboard read that one)."""

from __future__ import annotations

import re
from pathlib import Path

from annual_review.wiring.observability import METRICS_NAMESPACE, for_function

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = sorted((ROOT / "functions").glob("*/app.py"))


def test_every_function_takes_its_logger_and_metrics_from_the_one_module() -> None:
    assert len(FUNCTIONS) >= 5
    for app in FUNCTIONS:
        source = app.read_text("utf-8")
        assert "logger, metrics = for_function()" in source, app
        assert not re.search(r"\b(Logger|Metrics|Tracer)\(", source), app


def test_the_metrics_namespace_is_set_once_and_the_template_reads_that_one() -> None:
    template = (ROOT / "template.yaml").read_text("utf-8")
    assert "POWERTOOLS_METRICS_NAMESPACE" not in template
    alarms = {n for n in re.findall(r"Namespace: (\S+)", template) if not n.startswith("AWS/")}
    dashboard = set(re.findall(r'\[\s*"([A-Za-z]+)",\s*"[A-Za-z]+",\s*"service"', template))
    assert alarms == dashboard == {METRICS_NAMESPACE}
    _, metrics = for_function()
    assert metrics.namespace == METRICS_NAMESPACE
