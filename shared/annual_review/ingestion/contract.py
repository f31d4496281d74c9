"""The casework event contract: what the case system puts on the bus, parsed strictly at the edge.

Parsing is strict (JSON mode, no coercion): "3" is not a version and "2020/01/01" is not a date.
Every failure becomes an error string naming the field and what kind of value it was given (never
the value itself, which may be personal data), for the quarantine and the logs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from annual_review.fiscal import FinancialYear
from annual_review.ingestion.fields import (
    AuthorityCode,
    ComplianceOutcome,
    DecisionOutcome,
    EventDate,
    Identifier,
    ServiceArea,
    Version,
    _Detail,
)
from annual_review.learning.contract import (
    FREE_TEXT_FIELDS,
    LEARNING_FIELDS,
    LEARNING_MODELS,
    LearningDetail,
    learning_model,
)

SOURCE = "ombudsman.casework"
# Real events are a few hundred bytes; anything near EventBridge's 256 KB limit is not ours.
MAX_BODY_BYTES = 16_384


class DecisionRecordedDetail(_Detail):
    decision_id: Identifier
    version: Version
    authority_code: AuthorityCode
    decided_on: EventDate
    outcome: DecisionOutcome
    service_area: ServiceArea
    satisfactory_remedy_by_authority: bool
    service_improvements: Annotated[int, Field(ge=0, le=1000)] = 0
    # The complaint this decision closes, where the case system sends it (joins the case lists).
    complaint_id: Identifier | None = None

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
    | LearningDetail
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


# Field names that a cross-field rule's message starts with (it names its own values).
_NAMED_IN_MESSAGE = frozenset(DecisionRecordedDetail.model_fields) | LEARNING_FIELDS

DETAIL_MODELS: dict[str, type[Detail]] = {
    "DecisionRecorded": DecisionRecordedDetail,
    "DecisionWithdrawn": DecisionWithdrawnDetail,
    "ComplianceRecorded": ComplianceRecordedDetail,
    "ComplaintReceived": ComplaintReceivedDetail,
    **LEARNING_MODELS,
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
        elif field.rsplit(".", 1)[-1] in FREE_TEXT_FIELDS:
            # Free text may hold the very personal data it is refused for: never echo it.
            lines.append(f"{field}: {message} (value not shown)")
        elif message.split(":", 1)[0] in _NAMED_IN_MESSAGE:
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


def detail_model(detail_type: str, detail: Mapping[str, Any]) -> type[Detail]:
    """The model for a known detail type's detail (a learning withdrawal has its own)."""
    return learning_model(detail_type, detail) or DETAIL_MODELS[detail_type]


def parse_event(
    body: str, *, today: date | None = None, allowed_hosts: frozenset[str] | None = None
) -> CaseworkEvent:
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
    if model is not None and isinstance(detail_type, str) and isinstance(raw.get("detail"), dict):
        model = detail_model(detail_type, raw["detail"])
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
            json.dumps(envelope.detail),
            context={"today": today or date.today(), "allowed_hosts": allowed_hosts},
        )
    except ValidationError as error:
        raise InvalidEvent(describe_errors(error, prefix="detail."), detail_type) from None
    return CaseworkEvent(event_id=envelope.id, detail_type=envelope.detail_type, detail=detail)
