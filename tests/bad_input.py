"""Each kind of bad casework input, and what its error must name: the field and the value given."""

from __future__ import annotations

import json

from annual_review.ingestion.contract import (
    MAX_BODY_BYTES,
)
from tests.builders import body, complaint, decision, envelope


def _without(detail: dict[str, object], name: str) -> dict[str, object]:
    return {k: v for k, v in detail.items() if k != name}


# Each kind of bad input, and what its error must name: the field and the value given.
BAD_INPUT = {
    "missing field": (
        body("DecisionRecorded", _without(decision(), "outcome")),
        ["detail.outcome", "missing"],
    ),
    "wrong type": (body("DecisionRecorded", decision(version=1.5)), ["detail.version", "1.5"]),  # type: ignore[arg-type]
    "unknown outcome": (
        body("DecisionRecorded", decision(outcome="partly_upheld")),
        ["detail.outcome", "'partly_upheld'"],
    ),
    "unknown service area": (
        body("DecisionRecorded", decision(service_area="parking")),
        ["detail.service_area", "'parking'"],
    ),
    "malformed authority code": (
        body("DecisionRecorded", decision(authority_code="E0900021")),
        ["detail.authority_code", "'E0900021'"],
    ),
    "impossible date": (
        body("DecisionRecorded", decision(decided_on="2019-02-30")),
        ["detail.decided_on", "'2019-02-30'"],
    ),
    "version zero": (body("DecisionRecorded", decision(version=0)), ["detail.version", "0"]),
    "negative version": (
        body("DecisionWithdrawn", {"decision_id": "D-1", "version": -2}),
        ["detail.version", "-2"],
    ),
    "remedy with a non-upheld outcome": (
        body(
            "DecisionRecorded",
            decision(outcome="not_upheld", satisfactory_remedy_by_authority=True),
        ),
        ["detail.satisfactory_remedy_by_authority", "'not_upheld'"],
    ),
    "body that is not JSON": ("{'detail-type': 'DecisionRecorded'", ["body", "not JSON"]),
    "unknown detail-type": (
        body("DecisionReopened", decision()),
        ["detail-type", "DecisionReopened"],
    ),
    "missing detail": (
        json.dumps({k: v for k, v in envelope("DecisionRecorded", {}).items() if k != "detail"}),
        ["detail", "missing"],
    ),
    "oversized body": (
        body("DecisionRecorded", decision(note="x" * MAX_BODY_BYTES)),
        ["body", "bytes", str(MAX_BODY_BYTES)],
    ),
    "text that is not UTF-8": (
        body("DecisionRecorded", decision(decision_id="D-\udcff")),
        ["detail.decision_id", "UTF-8", "D-"],
    ),
    "a body carrying undecodable bytes": ('{"detail-type": "\udcff"}', ["body", "UTF-8"]),
    "a detail of 200 KB": (
        body("ComplaintReceived", complaint(complaint_id="C-" + "9" * 200_000)),
        ["body", "bytes"],
    ),
    "number as a string": (
        body("DecisionRecorded", decision(version="2")),  # type: ignore[arg-type]
        ["detail.version", "'2'"],
    ),
    "date in another format": (
        body("DecisionRecorded", decision(decided_on="10/06/2019")),
        ["detail.decided_on", "'10/06/2019'"],
    ),
    "date with a time": (
        body("ComplaintReceived", complaint(received_on="2019-05-02T10:00:00")),
        ["detail.received_on", "'2019-05-02T10:00:00'"],
    ),
    "council code in lower case": (
        body("DecisionRecorded", decision(authority_code="e09000021")),
        ["detail.authority_code", "'e09000021'"],
    ),
    "future date": (
        body("DecisionRecorded", decision(decided_on="2099-01-01")),
        ["detail.decided_on", "2099-01-01", "future"],
    ),
    "control characters": (
        body("DecisionRecorded", decision(decision_id="D-1\x00\x07")),
        ["detail.decision_id", "\\x00"],
    ),
    "markup in an identifier": (
        body("ComplaintReceived", complaint(complaint_id="<script>alert(1)</script>")),
        ["detail.complaint_id", "<script>"],
    ),
    "markup in an unexpected text field": (
        body("DecisionRecorded", decision(council_name="<script>alert(1)</script>")),
        ["detail.council_name", "<script>"],
    ),
    "boolean as a string": (
        body("DecisionRecorded", decision(satisfactory_remedy_by_authority="false")),  # type: ignore[arg-type]
        ["detail.satisfactory_remedy_by_authority", "'false'"],
    ),
    "wrong source": (
        json.dumps(envelope("DecisionRecorded", decision(), source="ombudsman.finance")),
        ["source", "'ombudsman.finance'"],
    ),
    "body that is JSON but not an object": ('["DecisionRecorded"]', ["body", "object"]),
    "detail that is not an object": (
        body("DecisionRecorded", "upheld"),
        ["detail", "'upheld'"],
    ),
}
