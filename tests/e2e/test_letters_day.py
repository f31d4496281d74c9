"""Letters day under SES's faults on the local stack (`annual-review local chaos --letters-day`),
checked against an independent count: every council of the year (the registry), two messages
each (the synthetic list names all four people), each in out/mail/ exactly once."""

from __future__ import annotations

import email
from pathlib import Path

import pytest

from annual_review.fiscal import FinancialYear
from annual_review_tools.local.letters_day import LettersDayReport, run_letters_day
from annual_review_tools.local.mailbox import synthetic_recipients
from annual_review_tools.local.synth import councils_for

pytestmark = pytest.mark.e2e
YEAR = FinancialYear(2019)


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> tuple[LettersDayReport, Path]:
    out = tmp_path_factory.mktemp("letters-day")
    return run_letters_day(YEAR, out, scale=0.02), out


def test_each_council_ends_with_one_email_per_message(day: tuple[LettersDayReport, Path]) -> None:
    report, out = day
    councils = sorted(c.code for c in councils_for(YEAR))
    files = sorted(p.name for p in (out / "mail" / YEAR.label / "r1").glob("*.eml"))
    expected = sorted([f"{c}.eml" for c in councils] + [f"{c}.councillors.eml" for c in councils])
    assert files == expected  # none twice (a second copy would be CODE.2.eml), none lost
    assert report.problems == []


def test_each_fault_ends_as_it_must(day: tuple[LettersDayReport, Path]) -> None:
    report, _ = day
    councils = sorted(c.code for c in councils_for(YEAR))
    refused, accepted_then_died, died_before = councils[5], councils[10], councils[20]
    steps = "\n".join(report.steps)
    # The quota smaller than the year's recipients: refused, three times, before any email.
    assert "quota 100 recipients: NotReadyToSend, NotReadyToSend, NotReadyToSend" in steps
    # Raised: two deaths, each followed by an invocation, the last failing loudly.
    assert "quota raised: died, died, LettersNotDelivered" in steps
    # The refusal: three runs refused it (attempts 1-3), the resend after it cleared is the 4th.
    assert (report.states[refused, "officers"], report.attempts[refused, "officers"]) == ("sent", 4)
    # SES accepted it before the function died: SES's Send event settled it, no second attempt.
    assert report.attempts[accepted_then_died, "officers"] == 1
    # It died before sending: one resend, attempt 2.
    assert report.attempts[died_before, "councillors"] == 2
    # Every message of every council ends accepted by SES (throttled ones after more attempts).
    assert all(state == "sent" for state in report.states.values())
    assert len(report.states) == 2 * len(councils)
    # The failures were emitted as the metrics the alarms watch (template.yaml).
    assert report.metrics["LettersFailed"] >= 1
    assert report.metrics["LettersUnconfirmed"] == 2
    # The duplicate delivery and the moved release sent nothing more (the file count above).
    assert "duplicate letters delivery: ok" in steps
    assert "moved 2019-20-release" in steps


def test_case_lists_reach_only_the_chief_executive_and_the_link_officer(
    day: tuple[LettersDayReport, Path],
) -> None:
    _, out = day
    people = {r.code: r for r in synthetic_recipients(councils_for(YEAR))}
    for path in sorted((out / "mail" / YEAR.label / "r1").glob("*.eml")):
        code = path.name.split(".")[0]
        message = email.message_from_bytes(path.read_bytes())
        addressed = f"{message['To']}, {message['Cc']}"
        attachments = [p.get_filename() or "" for p in message.walk() if p.get_filename()]
        has_cases = any(name.startswith("case-lists-") for name in attachments)
        entry = people[code]
        assert entry.link_officer is not None
        if path.name.endswith(".councillors.eml"):
            assert not has_cases
            assert entry.chief_executive.email not in addressed
            assert entry.link_officer.email not in addressed
            assert all(p.email in addressed for p in entry.copies)
        else:
            assert has_cases
            assert entry.chief_executive.email in message["To"]
            assert entry.link_officer.email in message["Cc"]
            assert all(p.email not in addressed for p in entry.copies)
