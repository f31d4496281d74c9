"""The email a chief executive opens: a real letter for Kingston, read back with the email
package as a mail client would."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime
from email.message import Message
from email.utils import parseaddr

import pytest

from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.snapshot import Snapshot
from annual_review.publication.letters.letter import default_content, write_letters
from annual_review.publication.letters.recipients import Person, Recipients
from annual_review.publication.mail.letters_by_email import letter_mail
from annual_review.publication.mail.message import build_message
from tests.builders import calendar_entry, signed_settings
from tests.constructed_case import KINGSTON, YEAR, frozen_case
from tests.fakes import MemoryObjectStore

SITE = "https://performance.example.org.uk"
SENDER = "letters@lgo.example.org"
NOW = datetime(2020, 7, 22, 8, tzinfo=UTC)
CASES = b"list,id\r\ndecision,D-1\r\n"


def kingston() -> Recipients:
    return Recipients(
        code=KINGSTON,
        chief_executive=Person("chief executive", "Ian Thomas", "ce@kingston.example.org"),
        salutation="Mr Thomas",
        address="Guildhall",
        copies=(Person("leader", "Ann Leader", "leader@kingston.example.org"),),
    )


@pytest.fixture(scope="module")
def written() -> tuple[Snapshot, MemoryObjectStore]:
    snapshot, private = frozen_case(), MemoryObjectStore()
    write_letters(YEAR, private=private, contacts={}, content=default_content(),
                  settings=signed_settings(site_url=SITE), snapshot=snapshot,
                  entry=calendar_entry())  # fmt: skip
    private.put(keys.case_list(YEAR.label, 1, KINGSTON), CASES, keys.CSV, keys.PRIVATE)
    return snapshot, private


def message(written: tuple[Snapshot, MemoryObjectStore], with_cases: bool) -> Message:
    snapshot, private = written
    mail = letter_mail(snapshot, KINGSTON, "Royal Borough of Kingston upon Thames", private, 2020)
    raw = build_message(mail, kingston(), SENDER, NOW, "officers" if with_cases else "councillors")
    raw.decode("ascii")  # 7-bit clean
    return email.message_from_bytes(raw)


def body(found: Message, content_type: str) -> str:
    part = next(p for p in found.walk() if p.get_content_type() == content_type)
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


def test_from_has_a_display_name_and_the_message_an_id_in_the_sender_domain(
    written: tuple[Snapshot, MemoryObjectStore],
) -> None:
    found = message(written, with_cases=True)
    assert parseaddr(found["From"]) == ("Local Government and Social Care Ombudsman", SENDER)
    assert re.fullmatch(r"<[^<>@\s]+@lgo\.example\.org>", found["Message-ID"])
    assert found["Message-ID"] != message(written, with_cases=True)["Message-ID"]


def test_the_html_body_is_the_note_and_the_letter_with_inline_styles_only(
    written: tuple[Snapshot, MemoryObjectStore],
) -> None:
    html = body(message(written, with_cases=True), "text/html")
    assert "<link" not in html
    assert "<style" not in html
    for tag in ("body", "h1", "h2", "table", "td"):
        opening = re.search(rf"<{tag}[ >][^>]*>", html)
        assert opening is not None, tag
        assert 'style="' in opening.group(0), tag
    # The covering note comes first: who it is from, what is attached, the link.
    note = html.split("Royal Borough of Kingston upon Thames</title>", 1)[1].split("<header>")[0]
    assert "This email is from Michael King, Local Government and Social Care Ombudsman." in note
    assert (
        "Attached: the case lists behind the figures (case-lists-2019-20-E09000021-r1.csv" in note
    )
    page = f"{SITE}/councils/royal-borough-of-kingston-upon-thames/2019-20/"
    assert f'<a href="{page}" style="color: #1d70b8;">{page}</a>' in note
    assert "From 29 July 2020, the figures and a copy of this letter" in note
    text = body(message(written, with_cases=True), "text/plain")
    assert text.index("This email is from") < text.index("Dear Chief Executive")
    assert f"council's page: {page}" in text


def test_only_the_case_lists_are_attached_and_a_copy_can_go_without_them(
    written: tuple[Snapshot, MemoryObjectStore],
) -> None:
    found = message(written, with_cases=True)
    attached = [(p.get_content_type(), p.get_filename()) for p in found.walk() if p.get_filename()]
    assert attached == [("text/csv", "case-lists-2019-20-E09000021-r1.csv")]
    copy = message(written, with_cases=False)
    assert [p.get_content_type() for p in copy.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
    assert "Nothing is attached to this copy" in body(copy, "text/html")
