"""Letters by email: the MIME message, and each council's letter sent once through crashes."""

from __future__ import annotations

import email
from email.message import Message

import pytest

from annual_review.publication.letters.recipients import (
    RecipientsInvalid,
    link_officer_note,
    parse_recipients,
    recipients_csv,
)
from annual_review.publication.mail.delivery import (
    Action,
    MailFeedback,
    deliver,
    next_action,
    resend_refusal,
    send_one,
)
from annual_review.publication.mail.message import build_message
from annual_review.publication.mail.ses_feedback import NotOurs, parse_ses_event
from tests.fakes import InMemoryDeliveryLog, ProcessDied, RecordingMailer
from tests.letters_mail import CODES, NOW, mail, outbox, recipients


def test_the_officers_message_has_html_with_a_text_alternative_and_the_case_lists() -> None:
    letter = mail("E09000021")
    raw = build_message(letter, recipients("E09000021"), "letters@example.org", NOW)
    raw.decode("ascii")  # 7-bit clean
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")
    message = email.message_from_bytes(raw)
    assert message["To"] == "Ian Thomas <ce.E09000021@example.org>"
    assert message["Cc"] == "Lin Officer <link.E09000021@example.org>"
    assert "leader" not in raw.decode("ascii")
    assert message["X-Annual-Review-Council"] == "E09000021"
    assert message["X-Annual-Review-Message"] == "officers"
    parts: list[Message] = list(message.walk())
    types = [p.get_content_type() for p in parts]
    # No copy of the letter as an HTML attachment: it is the body.
    assert types == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html",
                     "text/csv"]  # fmt: skip
    attachments = {p.get_filename(): p.get_payload(decode=True) for p in parts if p.get_filename()}
    assert attachments == {"case-lists-2019-20-E09000021-r1.csv": letter.cases_csv}
    assert "67% – upheld" in parts[2].get_payload(decode=True).decode()  # type: ignore[union-attr]


def test_the_councillors_message_has_the_letter_without_the_case_lists() -> None:
    raw = build_message(
        mail("E09000021"), recipients("E09000021"), "letters@example.org", NOW, "councillors"
    )
    message = email.message_from_bytes(raw)
    assert message["To"] == "Ann Leader <leader.E09000021@example.org>"
    assert message["Cc"] == "Sam Chair <scrutiny.E09000021@example.org>"
    assert "ce.E09000021" not in raw.decode("ascii")
    assert "link.E09000021" not in raw.decode("ascii")
    # The letter is the body; nothing is attached (no case lists, no copy of the letter).
    assert [p.get_filename() for p in message.walk() if p.get_filename()] == []
    assert b"D-1" not in raw


def test_each_council_is_mailed_once_and_a_second_run_sends_nothing() -> None:
    log, mailer = InMemoryDeliveryLog(), RecordingMailer()
    everyone = {code: recipients(code) for code in CODES}
    first = deliver([mail(c) for c in CODES], everyone, outbox(log, mailer))
    again = deliver([mail(c) for c in CODES], everyone, outbox(log, mailer))
    # Two messages a council (officers, councillors), each once.
    assert (first.mailed, again.mailed, again.already_sent) == (6, 0, 6)
    assert [len(mailer.to(c)) for c in CODES] == [2, 2, 2]
    record = log.get("2019-20", 1, "E09000021")
    assert record is not None
    assert (record.state, record.message_id, record.accepted_at) == (
        "sent",
        "message-3",
        "2020-07-22T08:00:00+00:00",
    )
    assert record.roles == ["chief executive", "link officer"]
    councillors = log.get("2019-20", 1, "E09000021", "councillors")
    assert councillors is not None
    assert (councillors.message_id, councillors.roles) == (
        "message-4",
        ["leader", "chair of scrutiny"],
    )


def test_a_crash_after_sending_never_sends_twice_and_leaves_the_council_unconfirmed() -> None:
    log = InMemoryDeliveryLog()
    everyone = {code: recipients(code) for code in CODES}
    dying = RecordingMailer(die_after_send={"E09000021"})
    with pytest.raises(ProcessDied):
        deliver([mail(c) for c in CODES], everyone, outbox(log, dying))
    # The retry (a new invocation) sends the rest, and not the council it cannot be sure of.
    retry = RecordingMailer()
    result = deliver([mail(c) for c in CODES], everyone, outbox(log, retry))
    assert result.unconfirmed == ["E09000021 officers"]
    # E06000001's two went before; E09000021's councillors and E10000002's two go now.
    assert (result.mailed, result.already_sent) == (3, 2)
    assert len(dying.to("E09000021", "officers")) + len(retry.to("E09000021", "officers")) == 1
    record = log.get("2019-20", 1, "E09000021")
    assert record is not None
    assert next_action(record) is Action.UNCONFIRMED
    # SES's own Send event settles it: the message went, and a resend is refused.
    log.feedback(
        "2019-20",
        1,
        "E09000021",
        MailFeedback(kind="send", at="2020-07-22T08:00:01Z", message_id="message-2"),
    )
    settled = log.get("2019-20", 1, "E09000021")
    assert settled is not None
    assert settled.state == "sent"
    assert resend_refusal(settled) is not None


def test_a_crash_before_sending_is_fixed_by_one_resend() -> None:
    log = InMemoryDeliveryLog()
    dying = RecordingMailer(die_before_send={"E09000021"})
    with pytest.raises(ProcessDied):
        deliver([mail("E09000021")], {"E09000021": recipients("E09000021")}, outbox(log, dying))
    assert dying.sent == []
    previous = log.get("2019-20", 1, "E09000021")
    assert previous is not None
    assert resend_refusal(previous) is None
    mailer = RecordingMailer()
    sent = send_one(
        mail("E09000021"), recipients("E09000021"), outbox(log, mailer), previous, "checked"
    )
    assert sent is not None
    assert (sent.state, sent.attempt, sent.resend_reason) == ("sent", 2, "checked")
    assert len(mailer.to("E09000021")) == 1


def test_a_refused_message_is_recorded_failed_and_sent_by_the_next_run() -> None:
    log = InMemoryDeliveryLog()
    everyone = {"E09000021": recipients("E09000021")}
    refused = deliver(
        [mail("E09000021")], everyone, outbox(log, RecordingMailer(refuse={"E09000021"}))
    )
    assert refused.failed == [
        "E09000021 officers: MessageRejected",
        "E09000021 councillors: MessageRejected",
    ]
    record = log.get("2019-20", 1, "E09000021")
    assert record is not None
    assert next_action(record) is Action.SEND
    result = deliver([mail("E09000021")], everyone, outbox(log, RecordingMailer()))
    assert result.mailed == 2
    final = log.get("2019-20", 1, "E09000021")
    assert final is not None
    assert (final.state, final.attempt) == ("sent", 2)


def test_two_runs_at_once_send_once() -> None:
    log, mailer = InMemoryDeliveryLog(), RecordingMailer()
    first = send_one(mail("E09000021"), recipients("E09000021"), outbox(log, mailer), None)
    second = send_one(mail("E09000021"), recipients("E09000021"), outbox(log, mailer), None)
    assert first is not None
    assert second is None
    assert len(mailer.to("E09000021")) == 1


def test_recipients_are_checked_for_every_council_of_the_year() -> None:
    good = recipients_csv([recipients(c) for c in CODES[:2]])
    found = parse_recipients(good, required_codes=CODES[:2], known_codes=CODES)
    assert found["E09000021"].contact().salutation == "Mr Thomas"
    broken = good + "E99999999,Someone,,not-an-address,,,,Half,\n"
    with pytest.raises(RecipientsInvalid) as invalid:
        parse_recipients(broken, required_codes=CODES, known_codes=CODES)
    problems = "\n".join(invalid.value.problems)
    assert "E99999999 is not a council in the registry" in problems
    assert "chief executive's email address is not valid" in problems
    assert "chair of scrutiny needs both a name and an email address" in problems
    assert "E10000002: no chief executive in the list" in problems


def test_ses_events_are_read_from_their_tags_without_addresses() -> None:
    event = {
        "detail-type": "Email Bounced",
        "source": "aws.ses",
        "detail": {
            "eventType": "Bounce",
            "bounce": {
                "bounceType": "Permanent",
                "bounceSubType": "General",
                "timestamp": "2020-07-22T08:01:00.000Z",
                "bouncedRecipients": [{"emailAddress": "ce.E09000021@example.org"}],
            },
            "mail": {
                "messageId": "message-2",
                "timestamp": "2020-07-22T08:00:00.000Z",
                "tags": {"year": ["2019-20"], "revision": ["1"], "council": ["E09000021"]},
            },
        },
    }
    found = parse_ses_event(event)
    assert (found.year, found.revision, found.code) == ("2019-20", 1, "E09000021")
    assert found.feedback.kind == "bounce"
    assert found.feedback.detail == "Permanent General"
    assert "example.org" not in found.feedback.model_dump_json()
    with pytest.raises(NotOurs):
        parse_ses_event({"detail": {"eventType": "Open", "mail": {}}})


def test_an_older_list_without_the_link_officer_is_read_and_says_what_is_missing() -> None:
    older = (
        "code,chief_executive,salutation,chief_executive_email,address,leader,leader_email,"
        "scrutiny_chair,scrutiny_chair_email\n"
        "E09000021,Ian Thomas,Mr Thomas,ce@example.org,Guildhall,Ann Leader,leader@example.org,"
        "Sam Chair,chair@example.org\n"
    )
    found = parse_recipients(older)
    entry = found["E09000021"]
    assert entry.link_officer is None
    messages = entry.messages()
    # The case lists go to the chief executive alone; the councillors get the letter.
    assert [p.email for p in messages["officers"].people] == ["ce@example.org"]
    assert [p.email for p in messages["councillors"].people] == [
        "leader@example.org",
        "chair@example.org",
    ]
    note = link_officer_note(found)
    assert note is not None
    assert "link_officer and link_officer_email columns" in note
    assert "chief executive alone" in note


def test_the_link_officer_round_trips_and_needs_a_valid_address() -> None:
    text = recipients_csv([recipients("E09000021")])
    assert "link_officer,link_officer_email" in text.splitlines()[0]
    found = parse_recipients(text)
    assert found["E09000021"].link_officer == recipients("E09000021").link_officer
    assert link_officer_note(found) is None
    with pytest.raises(RecipientsInvalid, match="link officer's email address is not valid"):
        parse_recipients(text.replace("link.E09000021@example.org", "not-an-address"))
