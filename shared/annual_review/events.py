"""The casework event contract: what the case system puts on the bus, parsed strictly at the edge.

Parsing is strict (JSON mode, no coercion): "3" is not a version and "2020/01/01" is not a date.
Every failure becomes an error string naming the field and what kind of value it was given (never
the value itself, which may be personal data), for the quarantine and the logs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from annual_review.fiscal import FinancialYear

SOURCE = "ombudsman.casework"
# Real events are a few hundred bytes; anything near EventBridge's 256 KB limit is not ours.
MAX_BODY_BYTES = 16_384


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


class DecisionRecordedDetail(_Detail):
    decision_id: Identifier
    version: Version
    authority_code: AuthorityCode
    decided_on: EventDate
    outcome: DecisionOutcome
    service_area: ServiceArea
    satisfactory_remedy_by_authority: bool
    service_improvements: Annotated[int, Field(ge=0, le=1000)] = 0

    @model_validator(mode="after")
    def _remedy_only_when_upheld(self) -> DecisionRecordedDetail:
        if self.satisfactory_remedy_by_authority and self.outcome is not DecisionOutcome.UPHELD:
            raise ValueError(
                "satisfactory_remedy_by_authority: true is only allowed with outcome 'upheld' "
                f"(outcome {self.outcome.value!r})"
            )
        return self

    @property
    def year(self) -> FinancialYear:
        return FinancialYear.containing(self.decided_on)


class DecisionWithdrawnDetail(_Detail):
    decision_id: Identifier
    version: Version


class ComplianceRecordedDetail(_Detail):
    decision_id: Identifier
    version: Version
    authority_code: AuthorityCode
    recorded_on: EventDate
    outcome: ComplianceOutcome

    @property
    def year(self) -> FinancialYear:
        return FinancialYear.containing(self.recorded_on)


class ComplaintReceivedDetail(_Detail):
    complaint_id: Identifier
    authority_code: AuthorityCode
    received_on: EventDate
    service_area: ServiceArea

    @property
    def year(self) -> FinancialYear:
        return FinancialYear.containing(self.received_on)


Detail = (
    DecisionRecordedDetail
    | DecisionWithdrawnDetail
    | ComplianceRecordedDetail
    | ComplaintReceivedDetail
)


class CaseworkEnvelope(BaseModel):
    """The EventBridge envelope; ``detail`` is parsed strictly on its own, by type, afterwards.

    Its own small model, not Powertools' ``EventBridgeModel``: importing the Powertools parser
    costs ingestion's cold start about 50 ms (see BENCHMARKS.md), for the same nine fields.
    """

    model_config = ConfigDict(populate_by_name=True)

    version: str
    id: str
    source: Literal["ombudsman.casework"]
    # EventBridge always sets the account; moto's delivery to SQS leaves it out, and nothing
    # here depends on it.
    account: str = ""
    time: datetime
    region: str
    resources: list[str]
    detail_type: str = Field(alias="detail-type")
    detail: dict[str, Any]
    replay_name: str | None = Field(default=None, alias="replay-name")


DETAIL_MODELS: dict[str, type[Detail]] = {
    "DecisionRecorded": DecisionRecordedDetail,
    "DecisionWithdrawn": DecisionWithdrawnDetail,
    "ComplianceRecorded": ComplianceRecordedDetail,
    "ComplaintReceived": ComplaintReceivedDetail,
}


@dataclass(frozen=True)
class CaseworkEvent:
    """A valid event: its EventBridge id and type, and the typed detail."""

    event_id: str
    detail_type: str
    detail: Detail


class InvalidEvent(Exception):
    """An event that will fail the same way however often it is retried: it is quarantined."""

    def __init__(self, errors: list[str], detail_type: str | None = None) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors
        self.detail_type = detail_type


def _show(value: Any) -> str:
    """What kind of value was given, never the value: an unexpected free-text field may hold a
    complainant's name, and errors go to logs and the quarantine list (the body itself is kept
    only in the quarantine record, where access is recorded)."""
    match value:
        case bool():
            return "a boolean"
        case int() | float():
            return "a number"
        case str():
            return f"a string of {len(value)} character{'s' if len(value) != 1 else ''}"
        case dict():
            return "an object"
        case list():
            return f"a list of {len(value)}"
        case None:
            return "null"
    return type(value).__name__


def describe_errors(error: ValidationError, prefix: str = "") -> list[str]:
    """One line per pydantic error: the dotted field path, what is wrong, and the kind of value
    given (not the value)."""
    lines = []
    for item in error.errors(include_url=False):
        field = (prefix + ".".join(str(part) for part in item["loc"])).rstrip(".") or "event"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "missing":
            lines.append(f"{field}: field required (missing)")
        elif message.split(":", 1)[0] in DecisionRecordedDetail.model_fields:
            lines.append(
                prefix + message
            )  # a cross-field rule that already names its field and values
        else:
            lines.append(f"{field}: {message} (given {_show(item['input'])})")
    return lines


def _not_utf8(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first string (key or value) holding a lone surrogate, which JSON escapes allow."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "body", value
    elif isinstance(value, dict):
        for key, inner in value.items():
            if found := _not_utf8(key, path) or _not_utf8(inner, f"{path}.{key}".lstrip(".")):
                return found
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            if found := _not_utf8(inner, f"{path}.{index}"):
                return found
    return None


def parse_event(body: str, *, today: date | None = None) -> CaseworkEvent:
    """Parse one SQS message body (an EventBridge event) or raise ``InvalidEvent``."""
    try:
        size = len(body.encode("utf-8"))
    except UnicodeEncodeError as error:
        raise InvalidEvent([f"body: not valid UTF-8 text at character {error.start}"]) from None
    if size > MAX_BODY_BYTES:
        raise InvalidEvent([f"body: {size} bytes is over the {MAX_BODY_BYTES}-byte limit"])
    try:
        raw = json.loads(body)
    except json.JSONDecodeError as error:
        raise InvalidEvent([f"body: not JSON ({error.msg} at character {error.pos})"]) from None
    if not isinstance(raw, dict):
        raise InvalidEvent([f"body: expected a JSON object, got {_show(raw)}"])
    if bad := _not_utf8(raw):
        raise InvalidEvent([f"{bad[0]}: not valid UTF-8 text (given {_show(bad[1])})"])
    detail_type = raw.get("detail-type")
    model = DETAIL_MODELS.get(detail_type) if isinstance(detail_type, str) else None
    if model is None:
        known = ", ".join(DETAIL_MODELS)
        raise InvalidEvent(
            [f"detail-type: {_show(detail_type)} that is not one of {known}"],
            detail_type if isinstance(detail_type, str) else None,
        )
    try:
        envelope = CaseworkEnvelope.model_validate(raw)
    except ValidationError as error:
        raise InvalidEvent(describe_errors(error), detail_type) from None
    try:
        # JSON mode is what makes strict parsing accept ISO dates and enum values, and nothing else.
        detail = model.model_validate_json(
            json.dumps(envelope.detail), context={"today": today or date.today()}
        )
    except ValidationError as error:
        raise InvalidEvent(describe_errors(error, prefix="detail."), detail_type) from None
    return CaseworkEvent(event_id=envelope.id, detail_type=envelope.detail_type, detail=detail)
