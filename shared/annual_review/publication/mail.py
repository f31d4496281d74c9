"""One council's email: the letter as the HTML body with a plain-text alternative, the letter and
its case lists attached. Built as a MIME message for SES v2's raw content; 7-bit clean, CRLF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

from annual_review.publication.recipients import WITH_CASE_LISTS, MessageKind, Recipients

# 7-bit: every part is quoted-printable or base64, so the message is ASCII from end to end.
POLICY = SMTP.clone(cte_type="7bit")
HEADER_YEAR = "X-Annual-Review-Year"
HEADER_REVISION = "X-Annual-Review-Revision"
HEADER_COUNCIL = "X-Annual-Review-Council"
HEADER_MESSAGE = "X-Annual-Review-Message"  # "officers" (with the case lists) or "councillors"


@dataclass(frozen=True)
class LetterMail:
    """What goes to one council for one revision (recipients aside)."""

    year: str
    revision: int
    code: str
    council_name: str
    subject: str
    html: bytes
    text: bytes
    cases_csv: bytes

    @property
    def letter_filename(self) -> str:
        return f"annual-review-letter-{self.year}-{self.code}-r{self.revision}.html"

    @property
    def cases_filename(self) -> str:
        return f"case-lists-{self.year}-{self.code}-r{self.revision}.csv"

    def tags(self) -> dict[str, str]:
        """SES message tags: they come back on bounce, complaint and send events."""
        return {"year": self.year, "revision": str(self.revision), "council": self.code}


def build_message(
    mail: LetterMail,
    recipients: Recipients,
    sender: str,
    date: datetime,
    kind: MessageKind = "officers",
) -> bytes:
    """The ``kind`` message of the council's letter: its addressees, and the case lists only
    when it is a message that carries them."""
    addressees = recipients.messages()[kind]
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = ", ".join(formataddr((p.name, p.email)) for p in addressees.to)
    if addressees.cc:
        message["Cc"] = ", ".join(formataddr((p.name, p.email)) for p in addressees.cc)
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(date)
    message[HEADER_YEAR] = mail.year
    message[HEADER_REVISION] = str(mail.revision)
    message[HEADER_COUNCIL] = mail.code
    message[HEADER_MESSAGE] = kind
    message.set_content(mail.text.decode("utf-8"))
    message.add_alternative(mail.html.decode("utf-8"), subtype="html")
    message.add_attachment(
        mail.html,
        maintype="text",
        subtype="html",
        filename=mail.letter_filename,
        params={"charset": "utf-8"},
    )
    if kind not in WITH_CASE_LISTS:
        return message.as_bytes(policy=POLICY)
    message.add_attachment(
        mail.cases_csv,
        maintype="text",
        subtype="csv",
        filename=mail.cases_filename,
        params={"charset": "utf-8"},
    )
    return message.as_bytes(policy=POLICY)
