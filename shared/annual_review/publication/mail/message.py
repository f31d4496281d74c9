"""One council's email: a short covering note and the letter as the HTML body (styles inline,
as mail clients keep them), with a plain-text alternative, and the case lists attached when
the recipients are the ones who reconcile them. Built as a MIME message for SES v2's raw
content; 7-bit clean, CRLF."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid

from annual_review.publication.letters.recipients import WITH_CASE_LISTS, MessageKind, Recipients
from annual_review.publication.rendering import render

# 7-bit: every part is quoted-printable or base64, so the message is ASCII from end to end.
POLICY = SMTP.clone(cte_type="7bit")
HEADER_YEAR = "X-Annual-Review-Year"
HEADER_REVISION = "X-Annual-Review-Revision"
HEADER_COUNCIL = "X-Annual-Review-Council"
HEADER_MESSAGE = "X-Annual-Review-Message"  # "officers" (with the case lists) or "councillors"
# Who the email is from, as the reader's mail client shows it beside the sender address.
SENDER_NAME = "Local Government and Social Care Ombudsman"
# Where the covering note goes in the letter as emailed (``templates/letter.html``).
COVERING_NOTE_SLOT = "<!-- covering note -->"
_BODY = re.compile(r"<body[^>]*>")


@dataclass(frozen=True)
class CaseList:
    """An attachment: the cases behind one council's figures (``publication/case_lists.py``)."""

    filename: str
    csv: bytes


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
    # For the covering note (from the letters' manifest): the council's page for the year, who
    # signs the letter, and the release day (ISO).
    page_url: str = ""
    signed_by: str = ""
    release_date: str = ""

    @property
    def cases_filename(self) -> str:
        return f"case-lists-{self.year}-{self.code}-r{self.revision}.csv"

    def case_lists(self) -> list[CaseList]:
        return [CaseList(self.cases_filename, self.cases_csv)]

    def tags(self) -> dict[str, str]:
        """SES message tags: they come back on bounce, complaint and send events."""
        return {"year": self.year, "revision": str(self.revision), "council": self.code}


def _long_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def covering_note(mail: LetterMail, case_lists: Sequence[CaseList]) -> tuple[str, str]:
    """The note above the letter (HTML, text): who it is from, what is attached, the link."""
    values = {
        "mail": mail,
        "sender_name": SENDER_NAME,
        "case_lists": case_lists,
        "release_day": _long_date(mail.release_date) if mail.release_date else None,
    }
    return render("mail-note.html", **values), render("mail-note.txt", **values)


def _with_note(letter_html: str, note: str) -> str:
    if COVERING_NOTE_SLOT in letter_html:
        return letter_html.replace(COVERING_NOTE_SLOT, note, 1)
    found = _BODY.search(letter_html)  # a letter written before the slot existed
    at = found.end() if found else 0
    return letter_html[:at] + "\n" + note + letter_html[at:]


def message_id(mail: LetterMail, sender: str, kind: MessageKind = "officers") -> str:
    """A unique Message-ID (RFC 5322 section 3.6.4) in the sender's domain."""
    domain = sender.rpartition("@")[2]
    return make_msgid(f"annual-review.{mail.year}.{mail.code}.r{mail.revision}.{kind}", domain)


def build_message(
    mail: LetterMail,
    recipients: Recipients,
    sender: str,
    date: datetime,
    kind: MessageKind = "officers",
) -> bytes:
    """The ``kind`` message of the council's letter: its addressees, and the case lists only
    when it is a message that carries them (the officers who reconcile them)."""
    addressees = recipients.messages()[kind]
    case_lists = mail.case_lists() if kind in WITH_CASE_LISTS else []
    message = EmailMessage(policy=POLICY)
    message["From"] = formataddr((SENDER_NAME, sender))
    message["To"] = ", ".join(formataddr((p.name, p.email)) for p in addressees.to)
    if addressees.cc:
        message["Cc"] = ", ".join(formataddr((p.name, p.email)) for p in addressees.cc)
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id(mail, sender, kind)
    message[HEADER_YEAR] = mail.year
    message[HEADER_REVISION] = str(mail.revision)
    message[HEADER_COUNCIL] = mail.code
    message[HEADER_MESSAGE] = kind
    note_html, note_text = covering_note(mail, case_lists)
    message.set_content(note_text + "\n" + mail.text.decode("utf-8"))
    message.add_alternative(_with_note(mail.html.decode("utf-8"), note_html), subtype="html")
    for case_list in case_lists:
        message.add_attachment(
            case_list.csv,
            maintype="text",
            subtype="csv",
            filename=case_list.filename,
            params={"charset": "utf-8"},
        )
    return message.as_bytes(policy=POLICY)
