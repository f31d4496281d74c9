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
    # Ingestion: how often a warm function looks for a corrected registry/councils.csv (seconds),
    # and how soon it looks again when an event's council is not in the registry it has.
    registry_check_seconds: float = 300.0
    registry_recheck_seconds: float = 10.0
    # Publication.
    average_method: Literal["pooled", "mean_of_rates"] = "pooled"
    # The yearly rhythm (MM-DD, Europe/London), as the schedules in template.yaml use it.
    letters_month_day: str = "07-22"
    release_month_day: str = "07-29"
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
