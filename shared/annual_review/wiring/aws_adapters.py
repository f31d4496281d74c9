"""The real adapters for the publication: S3, DynamoDB, SES, and the map page module."""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.dynamo import DynamoAggregatesReader
from annual_review.adapters.leases import DynamoLeaseStore
from annual_review.adapters.ledger_entries import DynamoLedgerEntries
from annual_review.adapters.storage import S3ObjectStore
from annual_review.publication.ports import DeliveryLog, Mailer, MapPoint, SiteFile, SiteProvider
from annual_review.publication.steps import Adapters
from annual_review.settings import Settings


class LazySite:
    """``annual_review.site.map_page``, imported on first use: freeze and letters never load it."""

    def _module(self) -> SiteProvider:
        module: SiteProvider = importlib.import_module("annual_review.site.map_page")
        return module

    def page_files(self) -> Sequence[SiteFile]:
        return self._module().page_files()

    def layout_files(self, year: str, councils: Sequence[MapPoint]) -> Sequence[SiteFile]:
        return self._module().layout_files(year, councils)


def aws_adapters(settings: Settings, clients: AwsClients, *, mail: bool = True) -> Adapters:
    """``mail=False`` (the freeze function) leaves out the delivery log and the mailer, and so
    never imports the mail machinery (the email package, SES)."""
    deliveries: DeliveryLog | None = None
    mailer: Mailer | None = None
    if mail:
        from annual_review.adapters.deliveries import DynamoDeliveryLog
        from annual_review.adapters.ses import SesMailer

        deliveries = DynamoDeliveryLog(settings.deliveries_table, clients.dynamodb)
        if settings.sender_address:
            mailer = SesMailer(settings.mail_configuration_set, clients.sesv2)
    return Adapters(
        aggregates=DynamoAggregatesReader(settings.aggregates_table, clients.dynamodb),
        private=S3ObjectStore(settings.private_bucket, clients.s3),
        public=S3ObjectStore(settings.public_bucket, clients.s3),
        site=LazySite(),
        ledger=DynamoLedgerEntries(settings.cases_table, clients.dynamodb),
        deliveries=deliveries,
        mailer=mailer,
        clock=settings.now,
    )


def aws_leases(settings: Settings, clients: AwsClients) -> DynamoLeaseStore:
    """The lease that keeps publication steps from running at once (scheduled or by hand)."""
    return DynamoLeaseStore(settings.publication_lease_table, clients.dynamodb)
