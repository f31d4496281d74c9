"""Email, locally: moto's SES with a sender identity and the stack's configuration set, a
synthetic recipients list on reserved example domains, and every message SES accepted written
exactly as sent to ``out/mail/{year}/r{n}/``: ``{code}.eml`` the officers' message (chief
executive and link officer, with the case lists), ``{code}.councillors.eml`` the councillors'
(leader and chair of scrutiny, without). A message SES accepted twice is written twice
(``{code}.eml``, ``{code}.2.eml``), so nothing sent is hidden."""

from __future__ import annotations

import email
import hashlib
import json
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annual_review.publication import bucket_keys as keys
from annual_review.publication.letters.recipients import (
    RECIPIENTS_KEY,
    ROLE_CHIEF_EXECUTIVE,
    ROLE_LEADER,
    ROLE_LINK_OFFICER,
    ROLE_SCRUTINY_CHAIR,
    Person,
    Recipients,
    recipients_csv,
)
from annual_review.publication.mail.message import (
    HEADER_COUNCIL,
    HEADER_MESSAGE,
    HEADER_REVISION,
    HEADER_YEAR,
)
from annual_review.registry.councils import Council
from annual_review_tools.local.server import SENT_MAIL_PATH
from annual_review_tools.local.stack import LocalStack

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_scheduler import EventBridgeSchedulerClient
    from mypy_boto3_sesv2 import SESV2Client

LOCAL_SENDER = "annual-review@example.org"
_TITLES = ("Ms", "Mr", "Dr", "Mx")
_SURNAMES = ("Thomas", "Okafor", "Patel", "Nowak", "Hughes", "Khan", "Murphy", "Evans", "Lewis")
_GIVEN = ("Alex", "Sam", "Jordan", "Priya", "Tomasz", "Aisha", "Owen", "Ruth", "Imran")


def _pick(code: str, role: str, options: tuple[str, ...]) -> str:
    digest = hashlib.sha256(f"{code}:{role}".encode()).digest()
    return options[digest[0] % len(options)]


def synthetic_recipients(councils: Iterable[Council]) -> list[Recipients]:
    """A chief executive, a link officer, a leader and a chair of scrutiny per council, at
    example.org."""
    found = []
    for council in councils:
        code = council.code
        chief = _person(code, ROLE_CHIEF_EXECUTIVE, "chief.executive")
        title = _pick(code, "title", _TITLES)
        found.append(
            Recipients(
                code=code,
                chief_executive=chief,
                salutation=f"{title} {chief.name.split()[-1]}",
                address=f"Council Offices; {council.name}",
                copies=(
                    _person(code, ROLE_LEADER, "leader"),
                    _person(code, ROLE_SCRUTINY_CHAIR, "scrutiny"),
                ),
                link_officer=_person(code, ROLE_LINK_OFFICER, "link.officer"),
            )
        )
    return found


def _person(code: str, role: str, mailbox: str) -> Person:
    name = f"{_pick(code, role, _GIVEN)} {_pick(code, role + 's', _SURNAMES)}"
    return Person(role, name, f"{mailbox}.{code.lower()}@example.org")


def prepare(
    stack: LocalStack,
    sesv2: SESV2Client,
    scheduler: EventBridgeSchedulerClient,
    s3: S3Client,
    councils: Iterable[Council],
) -> None:
    """What moto's CloudFormation skips (SES, the schedule group) and what the office uploads."""
    sesv2.create_email_identity(EmailIdentity=LOCAL_SENDER)
    sesv2.create_configuration_set(ConfigurationSetName=stack.outputs["MailConfigurationSetName"])
    scheduler.create_schedule_group(Name=stack.outputs["PublicationScheduleGroupName"])
    s3.put_object(
        Bucket=stack.outputs["PrivateBucketName"],
        Key=RECIPIENTS_KEY,
        Body=recipients_csv(synthetic_recipients(councils)).encode(),
        ContentType=keys.CSV,
        CacheControl=keys.PRIVATE,
    )


@dataclass(frozen=True)
class SentMessage:
    message_id: str
    destinations: list[str]
    raw: bytes

    @property
    def headers(self) -> email.message.Message:
        return email.message_from_bytes(self.raw)

    def key(self) -> tuple[str, str, str]:
        found = self.headers
        return (str(found[HEADER_YEAR]), str(found[HEADER_REVISION]), str(found[HEADER_COUNCIL]))

    @property
    def kind(self) -> str:
        """ "officers" or "councillors" (a message from before the split: "officers")."""
        return str(self.headers.get(HEADER_MESSAGE) or "officers")


def sent_messages(endpoint: str) -> list[SentMessage]:
    """Every raw message moto's SES accepted, in order (from the local server)."""
    with urllib.request.urlopen(f"{endpoint}{SENT_MAIL_PATH}", timeout=300) as response:  # noqa: S310
        data = json.load(response)
    found = []
    for item in data.get("ses", {}).get("RawMessage", []):
        found.append(
            SentMessage(
                message_id=str(item.get("id", "")),
                destinations=list(item.get("destinations", [])),
                raw=str(item["raw_data"]).encode("utf-8"),
            )
        )
    return found


def mail_filename(code: str, kind: str, copy: int = 1) -> str:
    stem = code if kind == "officers" else f"{code}.{kind}"
    return f"{stem}.eml" if copy == 1 else f"{stem}.{copy}.eml"


def export_mail(endpoint: str, out_dir: Path) -> int:
    """Write each accepted letter email under out/mail/{year}/r{n}/; returns how many."""
    written = 0
    seen: dict[tuple[str, str, str, str], int] = {}
    for message in sent_messages(endpoint):
        year, revision, code = message.key()
        if "None" in (year, revision, code):
            continue
        copy = seen[(year, revision, code, message.kind)] = (
            seen.get((year, revision, code, message.kind), 0) + 1
        )
        path = out_dir / "mail" / year / f"r{revision}" / mail_filename(code, message.kind, copy)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(message.raw)
        written += 1
    return written
