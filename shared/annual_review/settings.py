"""Settings: one object, built at the edge and passed down.

A handler builds it on its first call from its environment (``Settings.from_environment``); the CLI
builds it from the deployed function's configuration (``adapters.deployment``). Nothing below the
edge reads the process environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

from annual_review.figures.catalogue import AverageMethod


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    ledger_table: str = "annual-review-ledger"
    aggregates_table: str = "annual-review-aggregates"
    cases_table: str = "annual-review-cases"  # the counted cases under their year
    publication_lease_table: str = "annual-review-publication-lease"
    private_bucket: str = "annual-review-private"
    public_bucket: str = "annual-review-public"
    event_bus_name: str = "annual-review-casework"
    ingest_queue_url: str | None = None
    ingest_dlq_url: str | None = None
    # Ingestion: how often a warm function looks for a corrected registry/councils.csv (seconds),
    # and how soon it looks again when an event's council is not in the registry it has.
    registry_check_seconds: float = 300.0
    registry_recheck_seconds: float = 10.0
    # Publication.
    average_method: AverageMethod = AverageMethod.POOLED
    # Letters by email (the dates come from the release calendar, not from settings): on when
    # the stack is given a sender address; SES v2 through this configuration set.
    deliveries_table: str = "annual-review-deliveries"
    sender_address: str = ""
    mail_configuration_set: str = ""
    # Local runs and tests act out the calendar by fixing "now" (CLOCK); never set on AWS.
    clock: datetime | None = None
    # The public site's address (https://..., no trailing slash) for the sitemap and link
    # previews; empty leaves them root-relative (local runs).
    site_url: str = ""
    # Who signs the letters (the stack's OmbudsmanName and OmbudsmanTitle parameters): change
    # them when the ombudsman changes; the letters step refuses to write a letter unsigned.
    signatory_name: str = ""
    # Learning (decision statements, reports, improvements): the change records ingestion
    # writes, and the hosts their links may point at (comma-separated).
    learning_changes_table: str = ""
    learning_url_hosts: str = "www.lgo.org.uk"
    signatory_title: str = "Local Government and Social Care Ombudsman"
    signatory_organisation: str = "Chair, Commission for Local Administration in England"

    @classmethod
    def from_environment(cls, environment: Mapping[str, str]) -> Settings:
        """The settings a function's environment variables give (``LEDGER_TABLE`` and so on);
        variables that are not settings are ignored."""
        values = {
            name: environment[name.upper()]
            for name in cls.model_fields
            if environment.get(name.upper(), "") != ""
        }
        return cls.model_validate(values)

    @property
    def allowed_hosts(self) -> frozenset[str]:
        return frozenset(h.strip() for h in self.learning_url_hosts.split(",") if h.strip())

    def now(self) -> datetime:
        """The current time, or the one a local run has fixed: read once, at the edge."""
        return self.clock or datetime.now(UTC)
