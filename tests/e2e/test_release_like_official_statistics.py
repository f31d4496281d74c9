"""Release like official statistics, on the local stack: a calendar with its rules, schedules and
public history; letters emailed through SES once per council with their case lists; a crash
between sending and recording; a revision mailing only the councils that changed; the
pre-release statement made from the delivery record.

One small year is run and published (the calendar set and its schedules acted out) once for the
module; each test then works on it through the operator's commands, as the README shows.
"""

from __future__ import annotations

import csv
import email
import io
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from email import policy
from email.message import EmailMessage

import pytest

from annual_review.adapters.deliveries import DynamoDeliveryLog
from annual_review.fiscal import FinancialYear
from annual_review.publication.mail.sending_account import SendingAccount
from annual_review.publication.mail.undelivered import LettersNotDelivered
from annual_review.publication.ports import Mailer
from annual_review.publication.steps import run_letters
from annual_review.settings import Settings
from annual_review.wiring.aws_adapters import aws_adapters
from annual_review_tools.local.execution import function_environment
from annual_review_tools.local.harness import RunOptions, run_on
from annual_review_tools.local.mailbox import LOCAL_SENDER, sent_messages, synthetic_recipients
from annual_review_tools.local.server import LocalServer
from annual_review_tools.local.ses_standin import SesStandIn
from annual_review_tools.local.synth import councils_for
from functions.mail_feedback import app as feedback_app
from tests.builders import decision
from tests.e2e.published_stack import Published, cli, ingest
from tests.integration.sqs_lambda import context

pytestmark = pytest.mark.e2e

YEAR = FinancialYear(2019)
NEXT = "2020-21"
ROLES = "Chief executive, link officer (with the case lists); Leader, chair of scrutiny"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    out = tmp_path_factory.mktemp("published")
    # SES as AWS documents it, for the run and for every command the tests run afterwards.
    ses = SesStandIn(verified={LOCAL_SENDER})
    with LocalServer() as server, ses.installed():
        options = RunOptions(
            years=[YEAR], out_dir=out, seed=13, scale=0.01, progress=False, ses=ses
        )
        yield Published(server.url, run_on(server, options), out)


def use(published: Published, monkeypatch: pytest.MonkeyPatch, clock: str) -> None:
    """The operator's machine at ``clock`` (the commands take the local stack's endpoint)."""
    monkeypatch.setenv("CLOCK", clock)


def public_object(published: Published, key: str) -> bytes | None:
    s3 = published.aws.s3()
    try:
        body: bytes = s3.get_object(Bucket=published.stack.outputs["PublicBucketName"], Key=key)[
            "Body"
        ].read()
    except s3.exceptions.NoSuchKey:
        return None
    return body


def letter_messages(published: Published, revision: int) -> list[EmailMessage]:
    found = [
        email.message_from_bytes(m.raw, _class=EmailMessage, policy=policy.default)
        for m in sent_messages(published.url)
    ]
    return [m for m in found if m["X-Annual-Review-Revision"] == str(revision)]


# ----------------------------------------------------------------------------- letters by email
def test_one_email_per_council_with_the_letter_and_its_case_lists(published: Published) -> None:
    councils = councils_for(YEAR)
    mailbox = published.out / "mail" / YEAR.label / "r1"
    files = sorted(p for p in mailbox.glob("*.eml") if not p.name.endswith(".councillors.eml"))
    councillors = sorted(mailbox.glob("*.councillors.eml"))
    assert len(files) == len(councils) == len(councillors)
    assert published.result.summary["letters_delivered"] == 2 * len(councils)
    assert len(letter_messages(published, 1)) == 2 * len(councils)
    people = {r.code: r for r in synthetic_recipients(councils)}
    for path in councillors:
        # The councillors receive the letter, never the case lists.
        code = path.name.split(".")[0]
        message = email.message_from_bytes(path.read_bytes())
        assert people[code].copies[0].email in message["To"]
        assert people[code].copies[1].email in message["Cc"]
        assert people[code].chief_executive.email not in path.read_text()
        # The letter is the body: nothing is attached to the councillors' copy.
        assert [p.get_filename() for p in message.walk() if p.get_filename()] == []
        assert any(p.get_content_type() == "text/html" for p in message.walk())
    for path in files:
        code = path.stem
        message = email.message_from_bytes(path.read_bytes())
        expected = people[code]
        assert expected.chief_executive.email in message["To"]
        assert expected.link_officer is not None
        assert expected.link_officer.email in message["Cc"]
        assert all(p.email not in path.read_text() for p in expected.copies)
        parts = list(message.walk())
        body = parts[2].get_payload(decode=True)
        assert isinstance(body, bytes)
        assert f"Dear {expected.salutation}" in body.decode()
        attachments = {
            p.get_filename(): p.get_payload(decode=True) for p in parts if p.get_filename()
        }
        private = published.out / "private"
        # The letter is the body, not an attachment: only the case lists are attached.
        assert attachments == {
            f"case-lists-{YEAR.label}-{code}-r1.csv": (
                private / "cases" / YEAR.label / "r1" / f"{code}.csv"
            ).read_bytes(),
        }


def test_the_case_lists_sum_to_every_count_in_every_letter(published: Published) -> None:
    private = published.out / "private"
    snapshot = json.loads((private / "snapshots" / YEAR.label / "r1.json").read_text())
    assert not [p for p in (published.out / "public").rglob("*") if "cases" in p.parts]
    for council in snapshot["councils"]:
        code = council["code"]
        rows = list(
            csv.DictReader(
                io.StringIO((private / "cases" / YEAR.label / "r1" / f"{code}.csv").read_text())
            )
        )
        decisions = [r for r in rows if r["list"] == "decision"]
        outcomes = Counter(r["outcome"] for r in decisions)
        upheld, not_upheld = outcomes["upheld"], outcomes["not_upheld"]
        remedies = sum(r["remedy_by_council"] == "yes" for r in decisions)
        compliance = Counter(r["outcome"] for r in rows if r["list"] == "compliance")
        complied = compliance["complied"] + compliance["complied_late"]
        checked = sum(compliance.values())
        # Every count the letter states, read from the letter itself.
        letter = (private / "letters" / YEAR.label / f"{code}.txt").read_text()
        stated = re.search(r"(\d+) upheld of (\d+) detailed investigations?", letter)
        assert stated is not None, code
        assert (int(stated[1]), int(stated[2])) == (upheld, upheld + not_upheld), code
        stated = re.search(r"(\d+) complied of (\d+) compliance outcomes?", letter)
        assert stated is not None, code
        assert (int(stated[1]), int(stated[2])) == (complied, checked), code
        stated = re.search(r"(\d+) of (\d+) upheld decisions?", letter)
        assert stated is not None, code
        assert (int(stated[1]), int(stated[2])) == (remedies, upheld), code
        # And every frozen count behind the letter and the open data.
        assert {o: outcomes[o] for o in council["decisions"]} == council["decisions"], code
        assert Counter(r["service_area"] for r in decisions) == Counter(
            council["decisions_by_area"]
        )
        # The published improvements figure counts the improvement rows (the decisions carry
        # the case system's own count, which is not the figure).
        assert sum(r["list"] == "improvement" for r in rows) == council["service_improvements"]
        assert {o: compliance[o] for o in council["compliance"]} == council["compliance"], code
        complaints = [r for r in rows if r["list"] == "complaint"]
        assert len(complaints) == council["complaints_received"], code
        assert Counter(r["service_area"] for r in complaints) == Counter(
            council["complaints_by_area"]
        )


def test_the_pre_release_statement_is_the_delivery_record(
    published: Published, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(published, monkeypatch, "2020-07-30T10:00:00+01:00")
    table = published.stack.physical("DeliveriesTable")
    records = DynamoDeliveryLog(table, published.aws.dynamodb).list(YEAR.label, 1)
    statement = (
        published.out / "public" / "data" / YEAR.label / "r1" / "pre-release-access.html"
    ).read_text()
    rows = re.findall(
        r"<tr><td>(E\d{8})</td><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td></tr>", statement
    )
    # Two messages a council: the officers' (with the case lists) and the councillors'.
    assert len(rows) == len(records) // 2 == len(councils_for(YEAR))
    assert {r.state for r in records} == {"sent"}
    by_code = {(r.code, r.message): r for r in records}
    for code, roles, accepted in rows:
        assert roles == ROLES
        # The letters schedule ran at 09:00 London time on the letters day (22 July 2020).
        for kind in ("officers", "councillors"):
            assert by_code[code, kind].accepted_at == "2020-07-22T09:00:00+01:00"
        assert accepted == "22 July 2020 09:00; 22 July 2020 09:00"
    assert f"{len(rows)} of {len(rows)} councils" in statement


# ------------------------------------------------------------------------------------ calendar
def test_the_calendar_refuses_bad_dates_publishes_a_move_with_its_reason_and_a_hold_stops_a_release(
    published: Published, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use(published, monkeypatch, "2021-05-04T10:00:00+01:00")
    # A Saturday, and the Summer bank holiday (30 August 2021), are refused; nothing changes.
    weekend = cli(published, "calendar", "set", "--year", NEXT, "--letters", "2021-07-22",
                  "--release", "2021-07-24")  # fmt: skip
    holiday = cli(published, "calendar", "set", "--year", NEXT, "--letters", "2021-08-23",
                  "--release", "2021-08-30")  # fmt: skip
    refused = capsys.readouterr().err
    assert (weekend, holiday) == (1, 1)
    assert "Saturday 2021-07-24 is a weekend day" in refused
    assert "bank holiday in England and Wales (Late Summer Bank Holiday)" in refused
    public = json.loads(public_object(published, "calendar.json") or b"{}")
    assert [r["year"] for r in public["releases"]] == [YEAR.label]

    # Announced, then moved with a reason: the schedules follow, the public files tell why.
    assert cli(published, "calendar", "set", "--year", NEXT, "--letters", "2021-07-22",
               "--release", "2021-07-29") == 0  # fmt: skip
    assert cli(published, "calendar", "set", "--year", NEXT, "--letters", "2021-07-22",
               "--release", "2021-08-05") == 1  # fmt: skip
    reason = "to use the new population estimates"
    assert cli(published, "calendar", "set", "--year", NEXT, "--letters", "2021-07-22",
               "--release", "2021-08-05", "--reason", reason) == 0  # fmt: skip
    scheduler = published.aws.scheduler()
    group = published.stack.outputs["PublicationScheduleGroupName"]
    release = scheduler.get_schedule(GroupName=group, Name=f"{NEXT}-release")
    assert release["ScheduleExpression"] == "at(2021-08-05T09:30:00)"
    assert release["State"] == "ENABLED"
    public = json.loads(public_object(published, "calendar.json") or b"{}")
    move = public["changes"][-1]
    assert (move["old_release_at"], move["new_release_at"], move["reason"]) == (
        "2021-07-29T09:30:00+01:00",
        "2021-08-05T09:30:00+01:00",
        "to use the new population estimates",
    )
    assert public["next_release"] == {"year": NEXT, "release_at": "2021-08-05T09:30:00+01:00"}
    feed = (public_object(published, "calendar.ics") or b"").decode().replace("\r\n ", "")
    assert "DTSTART:20210805T083000Z" in feed
    assert "to use the new population estimates" in feed
    capsys.readouterr()
    assert cli(published, "calendar", "show") == 0
    assert f"{NEXT} release" in capsys.readouterr().out

    # Frozen, then held: the schedules stop, and the steps refuse even when run by hand.
    assert cli(published, "publish", "--year", NEXT, "--step", "freeze") == 0
    assert (
        cli(published, "calendar", "hold", "--year", NEXT, "--reason", "awaiting a court ruling")
        == 0
    )
    states = {
        step: scheduler.get_schedule(GroupName=group, Name=f"{NEXT}-{step}")["State"]
        for step in ("freeze", "letters", "release")
    }
    assert states == {"freeze": "DISABLED", "letters": "DISABLED", "release": "DISABLED"}
    use(published, monkeypatch, "2021-08-06T10:00:00+01:00")  # after the release moment
    capsys.readouterr()
    assert cli(published, "publish", "--year", NEXT, "--step", "letters") == 1
    assert cli(published, "publish", "--year", NEXT, "--step", "release", "--force", "go") == 1
    assert "on hold: awaiting a court ruling" in capsys.readouterr().err
    assert public_object(published, f"data/{NEXT}/councils.json") is None
    index = json.loads(public_object(published, "data/index.json") or b"{}")
    assert [y["year"] for y in index["years"]] == [YEAR.label]
    feed = (public_object(published, "calendar.ics") or b"").decode().replace("\r\n ", "")
    assert "STATUS:CANCELLED" in feed


# ----------------------------------------------------------------------- revision, with crashes
class ProcessDied(Exception):
    """The function's process ends here (a timeout or a kill), after or before the SES call."""


@dataclass
class Dying:
    """SES, as the function sees it when its process dies around one call."""

    ses: Mailer
    after_send: str
    before_send: str

    def send(
        self, raw: bytes, sender: str, to: Sequence[str], cc: Sequence[str], tags: Mapping[str, str]
    ) -> str:
        # Around the officers' message (the one with the case lists) of each council.
        named = tags["council"] if tags.get("message") == "officers" else None
        if named == self.before_send:
            raise ProcessDied(tags["council"])
        message_id = self.ses.send(raw, sender, to, cc, tags)
        if named == self.after_send:
            raise ProcessDied(tags["council"])
        return message_id

    def account(self, sender: str) -> SendingAccount:
        return self.ses.account(sender)


def test_a_revision_mails_only_the_councils_that_changed_and_a_crash_sends_nobody_twice(
    published: Published, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use(published, monkeypatch, "2020-09-01T10:00:00+01:00")
    codes = sorted(c.code for c in councils_for(YEAR))
    first, second, third = codes[0], codes[100], codes[200]
    # Given three late decisions, one for each of three councils, and a revision frozen for them
    ingest(published, [
        decision(f"LATE-{code}", authority_code=code, decided_on="2020-03-02", outcome="upheld")
        for code in (first, second, third)
    ])  # fmt: skip
    assert cli(published, "publish", "--year", YEAR.label, "--step", "freeze",
               "--revise", "three late decisions") == 0  # fmt: skip

    # When the letters step's process dies after SES accepted the first council's email, and
    # (on its retry) before sending the second's, and is retried until it completes
    settings = Settings.from_environment(
        function_environment(published.stack, "LettersFunction")
        | {"CLOCK": "2020-09-01T10:00:00+01:00"}
    )
    adapters = aws_adapters(settings, published.aws)
    assert adapters.mailer is not None
    dying = replace(adapters, mailer=Dying(adapters.mailer, after_send=first, before_send=second))
    deaths = 0
    for _ in range(3):  # the invocation and Lambda's two retries
        try:
            run_letters(YEAR, dying, settings, settings.now())
        except ProcessDied:
            deaths += 1
            continue
        except LettersNotDelivered as undelivered:
            result = undelivered.result  # the step sent all it could, then failed loudly
        break
    assert deaths == 2
    # The last run: the second council's councillors and the third's two messages.
    assert (result.mailed, sorted(result.unconfirmed)) == (
        3,
        [f"{first} officers", f"{second} officers"],
    )

    # Then only councils whose figures changed were mailed, and nobody twice
    revised = letter_messages(published, 2)
    assert Counter(m["X-Annual-Review-Council"] for m in revised) == {first: 2, second: 1, third: 2}
    text = revised[-1].get_body(preferencelist=("plain",))
    assert text is not None
    assert "WHAT CHANGED IN YOUR FIGURES" in text.get_content()
    assert re.search(r"complaints upheld: \d+ before, \d+ now", text.get_content())

    # And `letters deliveries` shows both as unconfirmed (exit 1), for the operator to settle
    capsys.readouterr()
    assert cli(published, "letters", "deliveries", "--year", YEAR.label) == 1
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["unconfirmed"] == sorted([f"r2 {first} officers", f"r2 {second} officers"])

    # SES's Send event for the first council (as EventBridge delivers it) records what SES did,
    # after which resending it is refused; the second never went, and one resend sends it once.
    [sent_first] = [
        m
        for m in sent_messages(published.url)
        if m.key() == (YEAR.label, "2", first) and m.kind == "officers"
    ]
    send_event = {
        "source": "aws.ses",
        "detail-type": "Email Sent",
        "detail": {"eventType": "Send", "send": {}, "mail": {
            "messageId": sent_first.message_id, "timestamp": "2020-09-01T09:00:01.000Z",
            "tags": {"year": [YEAR.label], "revision": ["2"], "council": [first]}}},
    }  # fmt: skip
    for name, value in function_environment(published.stack, "MailFeedbackFunction").items():
        monkeypatch.setenv(name, value)
    feedback_app.deliveries.cache_clear()
    assert feedback_app.lambda_handler(send_event, context()) == {"recorded": True}
    feedback_app.deliveries.cache_clear()
    use(published, monkeypatch, "2020-09-01T11:00:00+01:00")
    assert cli(published, "letters", "resend", "--year", YEAR.label, "--council", first,
               "--reason", "not sure it went") == 1  # fmt: skip
    assert cli(published, "letters", "resend", "--year", YEAR.label, "--council", second,
               "--reason", "the council confirmed it never arrived") == 0  # fmt: skip
    revised = letter_messages(published, 2)
    assert Counter(m["X-Annual-Review-Council"] for m in revised) == {first: 2, second: 2, third: 2}
    assert cli(published, "letters", "deliveries", "--year", YEAR.label) == 0

    # And the revision's release gives its scale, and its pre-release statement the three
    assert cli(published, "publish", "--year", YEAR.label, "--step", "letters") == 0
    assert cli(published, "publish", "--year", YEAR.label, "--step", "release") == 0
    assert len(letter_messages(published, 2)) == 6  # re-running the letters sent nothing
    notes = json.loads(public_object(published, f"data/{YEAR.label}/r2/revisions.json") or b"{}")
    scale = notes["revisions"][-1]["scale"]
    assert (scale["councils_affected"], scale["councils"]) == (3, sorted([first, second, third]))
    upheld = next(f for f in scale["figures"] if f["figure"] == "upheld")
    assert (upheld["councils_changed"], upheld["england_after"] - upheld["england_before"]) == (
        3,
        3,
    )
    statement = (
        public_object(published, f"data/{YEAR.label}/r2/pre-release-access.html") or b""
    ).decode()
    listed = re.findall(r"<tr><td>(E\d{8})</td>", statement)
    assert listed == sorted([first, second, third])
