"""What the publication needs from the outside world: small interfaces that adapters fill."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol

from annual_review.figures.aggregates import CouncilYearAggregate

if TYPE_CHECKING:
    from annual_review.calendar.release_calendar import PlannedStep, ScheduledStep
    from annual_review.ingestion.contract import Detail
    from annual_review.publication.letters.recipients import MessageKind
    from annual_review.publication.mail.delivery import DeliveryRecord, MailFeedback
    from annual_review.publication.mail.sending_account import SendingAccount

# (key, body, content type) for one file of the public map page.
SiteFile = tuple[str, bytes, str]
# (code, comparison group, lat, lon) of a council on the map.
MapPoint = tuple[str, str, float, float]


class StoredObject(NamedTuple):
    key: str
    body: bytes
    content_type: str
    cache_control: str


class ObjectStore(Protocol):
    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> bool:
        """Write unless identical bytes and headers are already there; True when written."""
        ...

    def put_many(self, objects: Sequence[StoredObject]) -> int:
        """``put`` each object, in any order and perhaps at once; how many were written. All
        have been attempted when it returns, and it raises the first failure."""
        ...

    def get(self, key: str) -> bytes | None: ...

    def exists(self, key: str) -> bool: ...

    def list(self, prefix: str) -> list[str]: ...


class AggregatesSource(Protocol):
    def year(self, year: str) -> dict[str, CouncilYearAggregate]: ...


class SiteProvider(Protocol):
    """The public map page (``annual_review.site.map_page``): its files, and one year's layout."""

    def page_files(self) -> Sequence[SiteFile]: ...

    def layout_files(self, year: str, councils: Sequence[MapPoint]) -> Sequence[SiteFile]:
        """The hex layout for a year, from (code, comparison group, lat, lon) per council."""
        ...


# ------------------------------------------------------------- calendar, cases and deliveries
class LedgerSource(Protocol):
    """Ledger entries' details and versions (the newest version of each case)."""

    def entries(self, year: str) -> Iterable[tuple[Detail, int]]:
        """Every entry of financial year ``year``, and perhaps others (the caller filters)."""
        ...


class DeliveryLog(Protocol):
    """One record per council, year, revision and message ("officers" with the case lists,
    "councillors" without): intent before sending, SES's id after."""

    def get(
        self, year: str, revision: int, code: str, message: MessageKind = "officers"
    ) -> DeliveryRecord | None: ...

    def begin(self, record: DeliveryRecord, expected_attempt: int | None) -> bool:
        """Record the intent to send attempt ``record.attempt``; False when someone else did
        (the stored attempt is not ``expected_attempt``, or a record exists when None)."""
        ...

    def accepted(self, record: DeliveryRecord, message_id: str, at: datetime) -> None: ...

    def failed(self, record: DeliveryRecord, error: str) -> None: ...

    def feedback(
        self,
        year: str,
        revision: int,
        code: str,
        event: MailFeedback,
        message: MessageKind = "officers",
    ) -> bool:
        """Add a bounce, complaint or send event to the record; False if there is none."""
        ...

    def list(self, year: str, revision: int | None = None) -> list[DeliveryRecord]: ...


class MailRejected(Exception):
    """SES refused the message: it was not sent, and sending it again may succeed or not.
    Its text is SES's error code (never SES's message, which may quote an address)."""


class MailThrottled(MailRejected):
    """SES's rate or 24-hour quota was exceeded (``ThrottlingException``,
    ``TooManyRequestsException``): not sent; the same message may be sent again later."""


class Mailer(Protocol):
    def send(
        self, raw: bytes, sender: str, to: Sequence[str], cc: Sequence[str], tags: Mapping[str, str]
    ) -> str:
        """Hand a MIME message to SES; its message id. ``MailRejected`` when it was refused
        (``MailThrottled`` when throttled); any other error leaves it unknown whether it was
        accepted."""
        ...

    def account(self, sender: str) -> SendingAccount:
        """The account's quotas and state, and whether ``sender``'s identity is verified."""
        ...


class ScheduleStore(Protocol):
    """The one-time schedules that run a year's publication steps (EventBridge Scheduler)."""

    def apply(self, year: str, planned: Sequence[PlannedStep], now: datetime) -> list[str]:
        """Make the year's schedules exactly ``planned``, each with its completion check;
        others are disabled while their moment is to come and deleted once it has passed (a
        schedule in the past is never written). What changed."""
        ...

    def upcoming(self) -> list[ScheduledStep]: ...
