"""The published event contract: a JSON Schema per detail type generated from the models (and
current), and an example of every type that parses and that its schema accepts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from annual_review.ingestion.contract import DETAIL_MODELS, parse_event
from annual_review_tools.event_schemas import SCHEMA_DIR, rendered

EXAMPLES = Path(__file__).resolve().parents[2] / "events" / "eventbridge"
LEARNING_EXAMPLES = {
    "decision-published.json": "DecisionPublished",
    "decision-published-withdrawn.json": "DecisionPublished",
    "public-report-issued.json": "PublicReportIssued",
    "service-improvement-recorded.json": "ServiceImprovementRecorded",
}


@pytest.mark.parametrize("detail_type", sorted(DETAIL_MODELS))
def test_each_schema_is_what_the_models_give(detail_type: str) -> None:
    written = (SCHEMA_DIR / f"{detail_type}.schema.json").read_text()
    assert written == rendered(detail_type), "run `make event-schemas` and commit events/schemas"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_every_example_parses_and_its_schema_accepts_it(path: Path) -> None:
    text = path.read_text()
    event = parse_event(text, today=date(2021, 1, 1))
    raw = json.loads(text)
    assert event.detail_type == raw["detail-type"]
    schema = json.loads((SCHEMA_DIR / f"{raw['detail-type']}.schema.json").read_text())
    jsonschema.validate(raw["detail"], schema)


def test_there_is_an_example_of_each_learning_type_and_a_withdrawal() -> None:
    names = {p.name for p in EXAMPLES.glob("*.json")}
    assert set(LEARNING_EXAMPLES) <= names
    assert set(LEARNING_EXAMPLES.values()) == {
        "DecisionPublished",
        "PublicReportIssued",
        "ServiceImprovementRecorded",
    }


def test_the_schema_refuses_what_parsing_refuses() -> None:
    schema = json.loads((SCHEMA_DIR / "PublicReportIssued.schema.json").read_text())
    example = json.loads((EXAMPLES / "public-report-issued.json").read_text())["detail"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(example | {"kind": "annual_report"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(example | {"title": "x" * 201}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(example | {"colour": "red"}, schema)
