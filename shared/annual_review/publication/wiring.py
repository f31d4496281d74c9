"""The real adapters for the publication: S3, the aggregates table, and the map page module."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from datetime import UTC, datetime

from annual_review.adapters.deliveries import DynamoDeliveryLog
from annual_review.adapters.dynamo import DynamoAggregatesReader
from annual_review.adapters.ledger_entries import DynamoLedgerEntries
from annual_review.adapters.ses import SesMailer
from annual_review.adapters.storage import S3ObjectStore
from annual_review.publication.ports import MapPoint, SiteFile, SiteProvider
from annual_review.publication.steps import Adapters
from annual_review.settings import Settings


class LazySite:
    """``annual_review.site``, imported on first use: freeze and letters never load the page."""

    def _module(self) -> SiteProvider:
        module: SiteProvider = importlib.import_module("annual_review.site")
        return module

    def page_files(self) -> Sequence[SiteFile]:
        return self._module().page_files()

    def layout_files(self, year: str, councils: Sequence[MapPoint]) -> Sequence[SiteFile]:
        return self._module().layout_files(year, councils)


def aws_adapters(settings: Settings) -> Adapters:
    return Adapters(
        aggregates=DynamoAggregatesReader(settings.aggregates_table),
        private=S3ObjectStore(settings.private_bucket),
        public=S3ObjectStore(settings.public_bucket),
        site=LazySite(),
        ledger=DynamoLedgerEntries(settings.ledger_table),
        deliveries=DynamoDeliveryLog(settings.deliveries_table),
        mailer=SesMailer(settings.mail_configuration_set) if settings.sender_address else None,
        clock=lambda: settings.clock or datetime.now(UTC),
    )
