"""Builders for casework events in the shape the case system sends and SQS delivers."""

from __future__ import annotations

import itertools
import json
from typing import Any

_ids = itertools.count(1)


def decision(
    decision_id: str = "D-1",
    version: int = 1,
    authority_code: str = "E09000021",
    decided_on: str = "2019-06-10",
    outcome: str = "upheld",
    service_area: str = "housing",
    satisfactory_remedy_by_authority: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "decision_id": decision_id,
        "version": version,
        "authority_code": authority_code,
        "decided_on": decided_on,
        "outcome": outcome,
        "service_area": service_area,
        "satisfactory_remedy_by_authority": satisfactory_remedy_by_authority,
        **extra,
    }


def withdrawal(decision_id: str = "D-1", version: int = 2) -> dict[str, Any]:
    return {"decision_id": decision_id, "version": version}


def compliance(
    decision_id: str = "D-1",
    version: int = 1,
    authority_code: str = "E09000021",
    recorded_on: str = "2019-09-01",
    outcome: str = "complied",
) -> dict[str, Any]:
    return {
        "decision_id": decision_id,
        "version": version,
        "authority_code": authority_code,
        "recorded_on": recorded_on,
        "outcome": outcome,
    }


def complaint(
    complaint_id: str = "C-1",
    authority_code: str = "E09000021",
    received_on: str = "2019-05-02",
    service_area: str = "housing",
) -> dict[str, Any]:
    return {
        "complaint_id": complaint_id,
        "authority_code": authority_code,
        "received_on": received_on,
        "service_area": service_area,
    }


def envelope(detail_type: str, detail: Any, source: str = "ombudsman.casework") -> dict[str, Any]:
    """The EventBridge event as the rule puts it into the queue."""
    return {
        "version": "0",
        "id": f"00000000-0000-4000-8000-{next(_ids):012d}",
        "detail-type": detail_type,
        "source": source,
        "account": "123456789012",
        "time": "2020-01-01T00:00:00Z",
        "region": "eu-west-2",
        "resources": [],
        "detail": detail,
    }


def body(detail_type: str, detail: Any) -> str:
    return json.dumps(envelope(detail_type, detail))


DETAIL_TYPE_OF = {
    "decision": "DecisionRecorded",
    "withdrawal": "DecisionWithdrawn",
    "compliance": "ComplianceRecorded",
    "complaint": "ComplaintReceived",
}
