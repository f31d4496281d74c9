"""Each kind of bad casework input, and what its error must name: the field and the value given."""

from __future__ import annotations

import json

from annual_review.ingestion.contract import (
    MAX_BODY_BYTES,
)
from tests.builders import body, complaint, decision, envelope


def _without(detail: dict[str, object], name: str) -> dict[str, object]:
    return {k: v for k, v in detail.items() if k != name}


# Each kind of bad input, and what its error must name: the field and the kind of value given.
# (The value itself is never in an error: it may be personal data, and errors reach the logs.)
BAD_INPUT = {
    "missing field": (
        body("DecisionRecorded", _without(decision(), "outcome")),
        ["detail.outcome", "missing"],
    ),
    "wrong type": (body("DecisionRecorded", decision(version=1.5)), ["detail.version", "a number"]),  # type: ignore[arg-type]
    "unknown outcome": (
        body("DecisionRecorded", decision(outcome="partly_upheld")),
        ["detail.outcome", "a string of 13 characters"],
    ),
    "unknown service area": (
        body("DecisionRecorded", decision(service_area="parking")),
        ["detail.service_area", "a string of 7 characters"],
    ),
    "malformed authority code": (
        body("DecisionRecorded", decision(authority_code="E0900021")),
        ["detail.authority_code", "a string of 8 characters"],
    ),
    "impossible date": (
        body("DecisionRecorded", decision(decided_on="2019-02-30")),
        ["detail.decided_on", "a string of 10 characters"],
    ),
    "version zero": (body("DecisionRecorded", decision(version=0)), ["detail.version", "a number"]),
    "negative version": (
        body("DecisionWithdrawn", {"decision_id": "D-1", "version": -2}),
        ["detail.version", "a number"],
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
        ["detail-type", "a string of 16 characters"],
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
        ["detail.decision_id", "UTF-8", "a string of 3 characters"],
    ),
    "a body carrying undecodable bytes": ('{"detail-type": "\udcff"}', ["body", "UTF-8"]),
    "a detail of 200 KB": (
        body("ComplaintReceived", complaint(complaint_id="C-" + "9" * 200_000)),
        ["body", "bytes"],
    ),
    "number as a string": (
        body("DecisionRecorded", decision(version="2")),  # type: ignore[arg-type]
        ["detail.version", "a string of 1 character"],
    ),
    "date in another format": (
        body("DecisionRecorded", decision(decided_on="10/06/2019")),
        ["detail.decided_on", "a string of 10 characters"],
    ),
    "date with a time": (
        body("ComplaintReceived", complaint(received_on="2019-05-02T10:00:00")),
        ["detail.received_on", "a string of 19 characters"],
    ),
    "council code in lower case": (
        body("DecisionRecorded", decision(authority_code="e09000021")),
        ["detail.authority_code", "a string of 9 characters"],
    ),
    "future date": (
        body("DecisionRecorded", decision(decided_on="2099-01-01")),
        ["detail.decided_on", "2099-01-01", "future"],
    ),
    "control characters": (
        body("DecisionRecorded", decision(decision_id="D-1\x00\x07")),
        ["detail.decision_id", "a string of 5 characters"],
    ),
    "markup in an identifier": (
        body("ComplaintReceived", complaint(complaint_id="<script>alert(1)</script>")),
        ["detail.complaint_id", "a string of 25 characters"],
    ),
    "markup in an unexpected text field": (
        body("DecisionRecorded", decision(council_name="<script>alert(1)</script>")),
        ["detail.council_name", "a string of 25 characters"],
    ),
    "boolean as a string": (
        body("DecisionRecorded", decision(satisfactory_remedy_by_authority="false")),  # type: ignore[arg-type]
        ["detail.satisfactory_remedy_by_authority", "a string of 5 characters"],
    ),
    "wrong source": (
        json.dumps(envelope("DecisionRecorded", decision(), source="ombudsman.finance")),
        ["source", "a string of 17 characters"],
    ),
    "body that is JSON but not an object": ('["DecisionRecorded"]', ["body", "object"]),
    "detail that is not an object": (
        body("DecisionRecorded", "upheld"),
        ["detail", "a string of 6 characters"],
    ),
}


# The values above that must not appear in any error (free text a case worker might type).
NEVER_ECHOED = {
    "unknown outcome": "partly_upheld",
    "unknown service area": "parking",
    "malformed authority code": "E0900021",
    "unknown detail-type": "DecisionReopened",
    "date in another format": "10/06/2019",
    "council code in lower case": "e09000021",
    "markup in an identifier": "<script>",
    "markup in an unexpected text field": "<script>",
    "wrong source": "ombudsman.finance",
    "oversized body": "xxxxxxxxxx",
}
