"""The learning events: decision statements, public reports and service improvements.

They ride the same bus, source and strict parsing as the counting events (``events.py``), with
two rules of their own:

- Free text (a summary, title or description) is plain text, shown escaped everywhere. Text that
  looks like it holds an email address or a UK telephone number is refused, so the event is
  quarantined: the case system publishes anonymised text, and what slips through must not reach
  the public. The error names the field and the reason, never the text.
- A link (``statement_url``, ``url``) is https on a host the stack allows (the ``allowed_hosts``
  of the parsing context; by default the ombudsman's own site).

An item is taken down by a higher version carrying ``"withdrawn": true``; its other fields may be
present (then checked as usual) or left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, ValidationInfo, create_model, model_validator

from annual_review.fiscal import FinancialYear
from annual_review.ingestion.fields import (
    AuthorityCode,
    DecisionOutcome,
    EventDate,
    Identifier,
    ServiceArea,
    Version,
    _Detail,
)

DEFAULT_ALLOWED_HOSTS = frozenset({"www.lgo.org.uk"})
# The free-text fields: their values are never echoed in an error or a log line.
FREE_TEXT_FIELDS = frozenset({"summary", "title", "description"})

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# UK numbers: +44 or a leading 0, then 9 or 10 more digits, spaced, dashed or bracketed freely.
_PHONE = re.compile(r"(?<![\d])(?:\+\s?44\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s\-()]{0,2}\d){8,9}(?!\d)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plain_text(text: str) -> str:
    """Refuse personal contact details and control characters; the message never quotes text."""
    if not text.strip():
        raise ValueError("is blank")
    if _CONTROL.search(text):
        raise ValueError("holds a control character (plain text only)")
    if _EMAIL.search(text):
        raise ValueError("looks like it holds an email address (personal data is not published)")
    if _PHONE.search(text):
        raise ValueError(
            "looks like it holds a UK telephone number (personal data is not published)"
        )
    return text


def _allowed_url(url: str, info: ValidationInfo) -> str:
    hosts = (info.context or {}).get("allowed_hosts") or DEFAULT_ALLOWED_HOSTS
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise ValueError("must be an https address")
    if parts.username or parts.password or parts.port is not None:
        raise ValueError("must not carry a user, password or port")
    if (parts.hostname or "") not in hosts:
        raise ValueError(f"host is not one of the allowed hosts ({', '.join(sorted(hosts))})")
    return url


Summary = Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(_plain_text)]
Title = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_plain_text)]
Description = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_plain_text)]
Link = Annotated[str, Field(max_length=500), AfterValidator(_allowed_url)]
# The public case reference, as the ombudsman prints it: "19 012 345".
Reference = Annotated[str, Field(pattern=r"^\d{2} \d{3} \d{3}$")]


class ReportKind(StrEnum):
    PUBLIC_INTEREST_REPORT = "public_interest_report"
    FURTHER_REPORT = "further_report"
    NON_COMPLIANCE_REPORT = "non_compliance_report"


class ImprovementStatus(StrEnum):
    AGREED = "agreed"
    COMPLETED = "completed"
    COMPLETED_LATE = "completed_late"
    NOT_COMPLETED = "not_completed"


COMPLETED_STATUSES = frozenset({ImprovementStatus.COMPLETED, ImprovementStatus.COMPLETED_LATE})


class DecisionPublishedDetail(_Detail):
    """A decision statement published on the ombudsman's site."""

    decision_id: Identifier
    version: Version
    authority_code: AuthorityCode
    reference: Reference
    decided_on: EventDate
    published_on: EventDate
    outcome: DecisionOutcome
    service_area: ServiceArea
    summary: Summary
    statement_url: Link
    withdrawn: Literal[False] = False

    @model_validator(mode="after")
    def _published_after_decided(self) -> DecisionPublishedDetail:
        if self.published_on < self.decided_on:
            raise ValueError(
                f"published_on: {self.published_on.isoformat()} is before decided_on "
                f"{self.decided_on.isoformat()}"
            )
        return self

    @property
    def item_id(self) -> str:
        return self.decision_id

    @property
    def day(self) -> date:
        return self.decided_on

    @property
    def year(self) -> FinancialYear:
        return FinancialYear.containing(self.decided_on)


class PublicReportIssuedDetail(_Detail):
    report_id: Identifier
    version: Version
    authority_code: AuthorityCode
    issued_on: EventDate
    kind: ReportKind
    title: Title
    summary: Summary
    url: Link
    decision_id: Identifier | None = None
    withdrawn: Literal[False] = False

    @property
    def item_id(self) -> str:
        return self.report_id

    @property
    def day(self) -> date:
        return self.issued_on

    @property
    def year(self) -> FinancialYear:
        return FinancialYear.containing(self.issued_on)


class ServiceImprovementRecordedDetail(_Detail):
    improvement_id: Identifier
    version: Version
    decision_id: Identifier
    authority_code: AuthorityCode
    agreed_on: EventDate
    service_area: ServiceArea
    description: Description
    due_on: date
    status: ImprovementStatus
    completed_on: EventDate | None = None
    withdrawn: Literal[False] = False

    @model_validator(mode="after")
    def _completion_date_with_completed_status(self) -> ServiceImprovementRecordedDetail:
        completed = self.status in COMPLETED_STATUSES
        if completed and self.completed_on is None:
            raise ValueError(
                f"completed_on: required when status is {self.status.value!r} (missing)"
            )
        if not completed and self.completed_on is not None:
            raise ValueError(
                f"completed_on: only allowed when status is completed or completed_late "
                f"(status {self.status.value!r})"
            )
        if self.completed_on is not None and self.completed_on < self.agreed_on:
            raise ValueError(
                f"completed_on: {self.completed_on.isoformat()} is before agreed_on "
                f"{self.agreed_on.isoformat()}"
            )
        if self.due_on < self.agreed_on:
            raise ValueError(
                f"due_on: {self.due_on.isoformat()} is before agreed_on "
                f"{self.agreed_on.isoformat()}"
            )
        return self

    @property
    def item_id(self) -> str:
        return self.improvement_id

    @property
    def day(self) -> date:
        return self.agreed_on

    @property
    def year(self) -> FinancialYear:
        return FinancialYear.containing(self.agreed_on)


class LearningWithdrawal(_Detail):
    """A higher version that takes a learning item down; subclasses name the item's id field."""

    version: Version
    withdrawn: Literal[True]

    @property
    def item_id(self) -> str:
        raise NotImplementedError


def _withdrawal_of(model: type[_Detail], id_field: str) -> type[LearningWithdrawal]:
    """The withdrawal form of ``model``: the id, the version and ``withdrawn: true`` required;
    every other field optional but, when given, checked exactly as in ``model``."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name == "withdrawn":
            continue
        annotation: Any = info.annotation
        if info.metadata:
            annotation = Annotated[annotation, *info.metadata]
        if name in (id_field, "version"):
            fields[name] = (annotation, ...)
        else:
            fields[name] = (annotation | None, None)
    withdrawal: type[LearningWithdrawal] = create_model(
        model.__name__.removesuffix("Detail") + "Withdrawal",
        __base__=LearningWithdrawal,
        __module__=__name__,
        **fields,
    )
    withdrawal.item_id = property(lambda self: getattr(self, id_field))  # type: ignore[method-assign,assignment]
    return withdrawal


DecisionPublishedWithdrawal = _withdrawal_of(DecisionPublishedDetail, "decision_id")
PublicReportIssuedWithdrawal = _withdrawal_of(PublicReportIssuedDetail, "report_id")
ServiceImprovementRecordedWithdrawal = _withdrawal_of(
    ServiceImprovementRecordedDetail, "improvement_id"
)

LearningItem = DecisionPublishedDetail | PublicReportIssuedDetail | ServiceImprovementRecordedDetail
LearningDetail = LearningItem | LearningWithdrawal

LEARNING_MODELS: dict[str, type[LearningDetail]] = {
    "DecisionPublished": DecisionPublishedDetail,
    "PublicReportIssued": PublicReportIssuedDetail,
    "ServiceImprovementRecorded": ServiceImprovementRecordedDetail,
}
WITHDRAWAL_MODELS: dict[str, type[LearningWithdrawal]] = {
    "DecisionPublished": DecisionPublishedWithdrawal,
    "PublicReportIssued": PublicReportIssuedWithdrawal,
    "ServiceImprovementRecorded": ServiceImprovementRecordedWithdrawal,
}
LEARNING_FIELDS = frozenset(
    name for model in LEARNING_MODELS.values() for name in model.model_fields
)
# Ledger key prefixes: a decision's statement is its own ledger entry beside the decision.
LEDGER_PREFIXES = {
    "DecisionPublished": "statement",
    "PublicReportIssued": "report",
    "ServiceImprovementRecorded": "improvement",
}


def learning_model(detail_type: str, detail: Mapping[str, Any]) -> type[LearningDetail] | None:
    """The withdrawal model when a learning event says ``"withdrawn": true``, else None (the
    type's usual model applies; ``"withdrawn": false`` or any other value is checked there)."""
    if detail_type in WITHDRAWAL_MODELS and detail.get("withdrawn") is True:
        return WITHDRAWAL_MODELS[detail_type]
    return None


def learning_detail_type(detail: LearningDetail) -> str:
    for models in (LEARNING_MODELS, WITHDRAWAL_MODELS):
        for detail_type, model in models.items():
            if isinstance(detail, model):
                return detail_type
    raise TypeError(type(detail).__name__)
