"""The event contract for the case system's team: one JSON Schema per detail type, generated from
the models that parse the events (``events/schemas/{DetailType}.schema.json``).

``python -m annual_review_tools.event_schemas`` (or ``make event-schemas``) writes them; a unit
test fails when a file is not what the models give, so the published contract never drifts.
A learning type's schema is the item or its withdrawal (``"withdrawn": true`` with the id and a
higher version). Rules the schema cannot say (no email address or UK telephone number in free
text, links on an allowed host, dates not in the future) are stated in each description.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from annual_review.ingestion.contract import DETAIL_MODELS
from annual_review.learning.contract import WITHDRAWAL_MODELS

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "events" / "schemas"
RULES = (
    "Sent on the casework bus with source 'ombudsman.casework' and this detail-type. Parsed "
    "strictly: numbers are not strings, dates are YYYY-MM-DD and not in the future (except a "
    "service improvement's due_on), codes are upper case, unknown fields are refused."
)
LEARNING_RULES = (
    " Free text (summary, title, description) is plain text, shown escaped; text that looks like "
    "it holds an email address or a UK telephone number is quarantined. Links are https on a host "
    "the stack allows (by default www.lgo.org.uk). The newest version of an item wins; a higher "
    'version with "withdrawn": true takes it down (its other fields may be left out).'
)


def schema(detail_type: str) -> dict[str, Any]:
    model: Any = DETAIL_MODELS[detail_type]
    if detail_type in WITHDRAWAL_MODELS:
        model = model | WITHDRAWAL_MODELS[detail_type]
    found: dict[str, Any] = TypeAdapter(model).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://www.lgo.org.uk/schemas/casework/{detail_type}.schema.json",
        "title": f"{detail_type} (detail)",
        "description": RULES + (LEARNING_RULES if detail_type in WITHDRAWAL_MODELS else ""),
    } | {k: v for k, v in found.items() if k not in ("title", "description")}


def rendered(detail_type: str) -> str:
    return json.dumps(schema(detail_type), indent=2, sort_keys=True) + "\n"


def main() -> int:
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for detail_type in DETAIL_MODELS:
        (SCHEMA_DIR / f"{detail_type}.schema.json").write_text(rendered(detail_type))
    print(f"wrote {len(DETAIL_MODELS)} schemas to {SCHEMA_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
