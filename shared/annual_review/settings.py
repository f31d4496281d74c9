"""Settings, read once from the environment when first needed (never at import)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    ledger_table: str = Field(default="annual-review-ledger")
    aggregates_table: str = Field(default="annual-review-aggregates")
    private_bucket: str = Field(default="annual-review-private")
    public_bucket: str = Field(default="annual-review-public")
    event_bus_name: str = Field(default="annual-review-casework")
    ingest_queue_url: str | None = None
    ingest_dlq_url: str | None = None
    # Publication.
    average_method: Literal["pooled", "mean_of_rates"] = "pooled"
    # The release calendar (private bucket) sets the dates; the calendar commands keep one-time
    # Scheduler schedules in this group, run through this role, failures to this queue.
    schedule_group: str = ""
    scheduler_role_arn: str = ""
    publication_failure_queue_arn: str = ""
    freeze_function_arn: str = ""
    letters_function_arn: str = ""
    release_function_arn: str = ""
    # Letters by email: on when a sender address is given (SES v2, this configuration set).
    deliveries_table: str = Field(default="annual-review-deliveries")
    sender_address: str = ""
    mail_configuration_set: str = ""
    # Local runs and tests act out the calendar by fixing "now"; never set on AWS.
    clock: datetime | None = None
    public_base_url: str = ""
    signatory_name: str = "The Ombudsman"
    signatory_title: str = "Local Government and Social Care Ombudsman"
    signatory_organisation: str = "Chair, Commission for Local Administration in England"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def now() -> datetime:
    """The current time, or the one a local run has fixed."""
    return get_settings().clock or datetime.now(UTC)
