"""The field types of the casework event contract: outcomes, service areas, council codes,
identifiers, dates and versions, and the strict base every event detail is parsed with.

Their own module so that each family of events (``contract``, ``learning_events``) builds on
them without importing the other.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo


class DecisionOutcome(StrEnum):
    UPHELD = "upheld"
    NOT_UPHELD = "not_upheld"
    CLOSED_AFTER_INITIAL_ENQUIRIES = "closed_after_initial_enquiries"
    REFERRED_BACK_FOR_LOCAL_RESOLUTION = "referred_back_for_local_resolution"
    INCOMPLETE_INVALID = "incomplete_invalid"


class ServiceArea(StrEnum):
    ADULT_CARE_SERVICES = "adult_care_services"
    BENEFITS_AND_TAX = "benefits_and_tax"
    CORPORATE_AND_OTHER_SERVICES = "corporate_and_other_services"
    EDUCATION_AND_CHILDRENS_SERVICES = "education_and_childrens_services"
    ENVIRONMENTAL_SERVICES = "environmental_services"
    HIGHWAYS_AND_TRANSPORT = "highways_and_transport"
    HOUSING = "housing"
    PLANNING_AND_DEVELOPMENT = "planning_and_development"
    OTHER = "other"


class ComplianceOutcome(StrEnum):
    COMPLIED = "complied"
    COMPLIED_LATE = "complied_late"
    NOT_COMPLIED = "not_complied"


def _not_in_future(day: date, info: ValidationInfo) -> date:
    today = (info.context or {}).get("today") or date.today()
    if day > today:
        raise ValueError(f"{day.isoformat()} is in the future (today is {today.isoformat()})")
    return day


# ONS codes of English principal councils: unitary, district, metropolitan, London, county.
AuthorityCode = Annotated[str, StringConstraints(pattern=r"^E(0[6-9]|10)\d{6}$")]
# Case-system identifiers: letters, digits and a little punctuation, never markup or controls.
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")]
EventDate = Annotated[date, AfterValidator(_not_in_future)]
Version = Annotated[int, Field(ge=1)]


class _Detail(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
