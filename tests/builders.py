"""Builders for casework events in the shape the case system sends and SQS delivers."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from typing import Any

from annual_review.calendar.release_calendar import (
    LONDON,
    CalendarEntry,
    ReleaseCalendar,
    default_dates,
)
from annual_review.fiscal import FinancialYear
from annual_review.publication.bucket_keys import CALENDAR
from annual_review.publication.ports import ObjectStore
from annual_review.settings import Settings

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


def statement(decision_id: str = "D-1", version: int = 1, **extra: Any) -> dict[str, Any]:
    """A DecisionPublished detail (a decision statement) for Kingston upon Thames."""
    return {
        "decision_id": decision_id,
        "version": version,
        "authority_code": "E09000021",
        "reference": "19 004 321",
        "decided_on": "2019-06-10",
        "published_on": "2019-07-15",
        "outcome": "upheld",
        "service_area": "housing",
        "summary": "The council took too long to repair Ms A's boiler and did not tell her why.",
        "statement_url": f"https://www.lgo.org.uk/decisions/housing/{decision_id}",
        **extra,
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


def release_calendar(*start_years: int) -> ReleaseCalendar:
    """A calendar with the model letter's rhythm (letters 22 July 09:00, release 29 July 09:30)
    for each year, announced well ahead (on 1 April)."""
    calendar = ReleaseCalendar()
    for start in start_years or (2019,):
        year = FinancialYear(start)
        letters = datetime(start + 1, 7, 22, 9, 0, tzinfo=LONDON)
        release = datetime(start + 1, 7, 29, 9, 30, tzinfo=LONDON)
        if letters.weekday() >= 5 or release.weekday() >= 5:
            letters, release = default_dates(year)
        calendar = calendar.set_dates(
            year.label, letters, release, now=datetime(start + 1, 4, 1, tzinfo=UTC), by="tests"
        )
    return calendar


def calendar_entry(start_year: int = 2019) -> CalendarEntry:
    found = release_calendar(start_year).entry(FinancialYear(start_year).label)
    assert found is not None
    return found


def store_calendar(private: ObjectStore, *start_years: int) -> None:
    private.put(CALENDAR, release_calendar(*start_years).to_bytes(), "application/json", "no-store")


def signed_settings(**values: Any) -> Settings:
    """Settings as a deployed stack has them for the letters: an ombudsman named to sign."""
    return Settings(signatory_name="Michael King", **values)
