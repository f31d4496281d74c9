"""Three councils' letters by email, as the delivery tests send them: who receives each, what
is sent, and the outbox with a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime

from annual_review.publication.letters.recipients import Person, Recipients
from annual_review.publication.mail.delivery import Outbox
from annual_review.publication.mail.message import LetterMail
from tests.fakes import InMemoryDeliveryLog, RecordingMailer

CODES = ("E06000001", "E09000021", "E10000002")
NOW = datetime(2020, 7, 22, 8, 0, tzinfo=UTC)


def recipients(code: str) -> Recipients:
    return Recipients(
        code=code,
        chief_executive=Person("chief executive", "Ian Thomas", f"ce.{code}@example.org"),
        salutation="Mr Thomas",
        address="Guildhall; High Street",
        copies=(
            Person("leader", "Ann Leader", f"leader.{code}@example.org"),
            Person("chair of scrutiny", "Sam Chair", f"scrutiny.{code}@example.org"),
        ),
        link_officer=Person("link officer", "Lin Officer", f"link.{code}@example.org"),
    )


def mail(code: str, revision: int = 1) -> LetterMail:
    return LetterMail(
        year="2019-20",
        revision=revision,
        code=code,
        council_name="Royal Borough of Kingston upon Thames",
        subject="Annual Review letter 2020: Royal Borough of Kingston upon Thames",
        html="<p>Dear Mr Thomas</p><p>67% – upheld</p>".encode(),
        text="Dear Mr Thomas\n67% – upheld\n".encode(),
        cases_csv=b"list,id\r\ndecision,D-1\r\n",
    )


def outbox(log: InMemoryDeliveryLog, mailer: RecordingMailer) -> Outbox:
    return Outbox(log, mailer, "letters@example.org", lambda: NOW)
