"""Casework details parsed as ingestion parses them (strictly, with a fixed today)."""

from __future__ import annotations

import json
from datetime import date

from annual_review.ingestion.contract import DETAIL_MODELS, Detail


def parsed(detail_type: str, raw: dict[str, object]) -> Detail:
    return DETAIL_MODELS[detail_type].model_validate_json(
        json.dumps(raw), context={"today": date(2030, 1, 1)}
    )
