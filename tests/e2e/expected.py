"""What the figures must be, worked out straight from the entries offered to the bus.

This restates the event contract plainly (newest version per decision, withdrawals removed, each
complaint once, compliance in the year it was recorded) without the system's parser, planner or
aggregates, so the end-to-end tests check the system against an independent calculation.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from annual_review.fiscal import FinancialYear

OUTCOMES = {
    "upheld",
    "not_upheld",
    "closed_after_initial_enquiries",
    "referred_back_for_local_resolution",
    "incomplete_invalid",
}
AREAS = {
    "adult_care_services",
    "benefits_and_tax",
    "corporate_and_other_services",
    "education_and_childrens_services",
    "environmental_services",
    "highways_and_transport",
    "housing",
    "planning_and_development",
    "other",
}
CODE = re.compile(r"^E(0[6-9]|10)\d{6}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The reorganisations of 2020, 2021 and 2023 (first day of the new councils, and the first
# day the old ones no longer existed), restated from the reference data.
BUCKS_2020 = ("E10000002", "E07000004", "E07000005", "E07000006", "E07000007")
NORTHANTS_2021 = ("E10000021", *(f"E0700015{n}" for n in range(7)))
CUMBRIA_NORTH_YORKS_SOMERSET_2023 = (
    "E10000006", "E07000026", "E07000027", "E07000028", "E07000029", "E07000030", "E07000031",
    "E10000023", "E07000163", "E07000164", "E07000165", "E07000166", "E07000167", "E07000168",
    "E07000169", "E10000027", "E07000187", "E07000188", "E07000189", "E07000246",
)  # fmt: skip
ABOLISHED = (
    dict.fromkeys(BUCKS_2020, "2020-04-01")
    | dict.fromkeys(NORTHANTS_2021, "2021-04-01")
    | dict.fromkeys(CUMBRIA_NORTH_YORKS_SOMERSET_2023, "2023-04-01")
)
FORMED = {
    "E06000060": "2020-04-01",
    "E06000061": "2021-04-01",
    "E06000062": "2021-04-01",
    **dict.fromkeys(("E06000063", "E06000064", "E06000065", "E06000066"), "2023-04-01"),
}
DATE_FIELD = {
    "DecisionRecorded": "decided_on",
    "ComplianceRecorded": "recorded_on",
    "ComplaintReceived": "received_on",
    "ServiceImprovementRecorded": "agreed_on",
    "DecisionPublished": "decided_on",
    "PublicReportIssued": "issued_on",
}
# Personal contact details in free text, restated plainly: an email address or a UK number.
PERSONAL = re.compile(r"@|(\+44|\b0)\d{2,4} ?\d{3,4} ?\d{3,4}")
STATUSES = {"agreed", "completed", "completed_late", "not_completed"}


def council_existed(detail_type: str, detail: dict[str, Any]) -> bool:
    """The event's council existed on the event's date (ISO dates compare as text)."""
    day = str(detail.get(DATE_FIELD.get(detail_type, ""), ""))
    code = str(detail.get("authority_code"))
    if not day:
        return True
    return not (code in ABOLISHED and day >= ABOLISHED[code]) and not (
        code in FORMED and day < FORMED[code]
    )


def _year_of(day: str) -> str:
    return FinancialYear.containing(date.fromisoformat(day)).label


def valid(detail_type: str, detail: dict[str, Any]) -> bool:
    """The contract, restated plainly for the events these tests send."""
    return _well_formed(detail_type, detail) and council_existed(detail_type, detail)


def _well_formed(detail_type: str, detail: dict[str, Any]) -> bool:
    version_ok = type(detail.get("version")) is int and detail["version"] >= 1
    if detail_type == "DecisionRecorded":
        return (
            version_ok
            and detail.get("outcome") in OUTCOMES
            and detail.get("service_area") in AREAS
            and bool(CODE.match(str(detail.get("authority_code"))))
            and bool(ISO_DATE.match(str(detail.get("decided_on"))))
            and (
                not detail.get("satisfactory_remedy_by_authority") or detail["outcome"] == "upheld"
            )
        )
    if detail_type == "DecisionWithdrawn":
        return version_ok
    if detail_type == "ComplianceRecorded":
        return version_ok and bool(CODE.match(str(detail.get("authority_code"))))
    if detail_type in ("DecisionPublished", "PublicReportIssued"):
        return version_ok and (
            detail.get("withdrawn") is True
            or (
                bool(CODE.match(str(detail.get("authority_code"))))
                and not PERSONAL.search(str(detail.get("summary")) + str(detail.get("title", "")))
            )
        )
    if detail_type == "ServiceImprovementRecorded":
        # A withdrawal needs only its id and a version; an improvement its council, a status
        # (with a completion date when completed) and a description without an email address.
        return version_ok and (
            detail.get("withdrawn") is True
            or (
                bool(CODE.match(str(detail.get("authority_code"))))
                and detail.get("status") in STATUSES
                and ("completed_on" in detail) == detail["status"].startswith("completed")
                and "@" not in str(detail.get("description"))
            )
        )
    return detail_type == "ComplaintReceived"


def expected_figures(entries: list[dict[str, str]], year: str) -> dict[str, Counter[str]]:
    """Per council: decisions by outcome, remedies, improvements, compliance, complaints."""
    decisions: dict[str, tuple[int, dict[str, Any] | None]] = {}
    compliance: dict[str, tuple[int, dict[str, Any]]] = {}
    complaints: dict[str, dict[str, Any]] = {}
    improvements: dict[str, tuple[int, dict[str, Any] | None]] = {}
    for entry in entries:
        try:
            detail = json.loads(entry["Detail"])
        except (KeyError, ValueError):
            continue  # never accepted by the bus
        kind = entry.get("DetailType", "")
        if not valid(kind, detail):
            continue
        if kind in ("DecisionRecorded", "DecisionWithdrawn"):
            held = decisions.get(detail["decision_id"])
            if held is None or detail["version"] > held[0]:
                kept = detail if kind == "DecisionRecorded" else None
                decisions[detail["decision_id"]] = (detail["version"], kept)
        elif kind == "ServiceImprovementRecorded":
            held_improvement = improvements.get(detail["improvement_id"])
            if held_improvement is None or detail["version"] > held_improvement[0]:
                standing = None if detail.get("withdrawn") is True else detail
                improvements[detail["improvement_id"]] = (detail["version"], standing)
        elif kind in ("DecisionPublished", "PublicReportIssued"):
            continue  # learning that counts in no figure
        elif kind == "ComplianceRecorded":
            held_compliance = compliance.get(detail["decision_id"])
            if held_compliance is None or detail["version"] > held_compliance[0]:
                compliance[detail["decision_id"]] = (detail["version"], detail)
        else:
            complaints.setdefault(detail["complaint_id"], detail)
    figures: dict[str, Counter[str]] = defaultdict(Counter)
    for _, decision in decisions.values():
        if decision is None or _year_of(decision["decided_on"]) != year:
            continue
        council = figures[decision["authority_code"]]
        council[f"decisions_{decision['outcome']}"] += 1
        council["satisfactory_remedies"] += decision["satisfactory_remedy_by_authority"]
        council["case_system_service_improvements"] += decision.get("service_improvements", 0)
    # The published service improvements figure counts the improvements recorded (newest
    # version, not withdrawn) in the year they were agreed; the decision's own count is the case
    # system's, never published.
    for _, improvement in improvements.values():
        if improvement is not None and _year_of(improvement["agreed_on"]) == year:
            figures[improvement["authority_code"]]["service_improvements"] += 1
    for _, outcome in compliance.values():
        if _year_of(outcome["recorded_on"]) == year:
            figures[outcome["authority_code"]][f"compliance_{outcome['outcome']}"] += 1
    for complaint in complaints.values():
        if _year_of(complaint["received_on"]) == year:
            figures[complaint["authority_code"]]["complaints_received"] += 1
    return {code: +counts for code, counts in figures.items() if +counts}
