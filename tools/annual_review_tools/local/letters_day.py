"""A letters day under SES's faults, acted out on the local stack (``annual-review local chaos
--letters-day``), then the proof: exactly one email per council and message in ``out/mail/``.

After a year is ingested and frozen, the letters step meets, in order:

1. a 24-hour quota smaller than the year's recipients: refused before any email (the step
   fails; SES accepted nothing); the quota is then raised and the step run again;
2. throttles on some sends (backed off and retried in the invocation), a message SES refuses
   outright every time (recorded failed with SES's code), and the function dying twice mid-run:
   once just after SES accepted a message (so its record stays an intent: "unconfirmed") and
   once just before sending one; each death is followed by Lambda's retry (the function invoked
   again), and the last run ends in failure (``LettersNotDelivered``, its metrics emitted);
3. SES's own "Email Sent" event for the message that went (as EventBridge delivers it to the
   mail feedback function), which settles that council; then the operator's ``letters resend
   --unconfirmed`` (the message that never went) and, once the refusal is cleared, ``letters
   resend --failed``;
4. a duplicate Scheduler delivery of the letters step (the function invoked again with the same
   payload): it sends nothing;
5. the release moved after the letters went (``calendar set`` a week later), and every schedule
   the calendar then holds fired at its moment (i20cal's Scheduler stand-in, when merged, fires
   them; until then this module fires what ``scheduled_invocations`` lists, as the local run does).

The expected end is worked out independently of the delivery record: every council of the
year (the registry) gets one officers' and one councillors' message (the synthetic recipients
name all four people), so ``out/mail/`` must hold exactly two files per council, none twice.
"""

from __future__ import annotations

import contextlib
import json
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from annual_review.adapters.clients import AwsClients
from annual_review.adapters.deliveries import DynamoDeliveryLog
from annual_review.calendar.release_calendar import ReleaseCalendar, default_dates, next_working_day
from annual_review.commands.calendar import change_calendar
from annual_review.commands.cli import main as cli_main
from annual_review.fiscal import FinancialYear
from annual_review_tools.local.execution import environment, load_function, log_path, logs_to
from annual_review_tools.local.harness import RunOptions, run_on
from annual_review_tools.local.mailbox import LOCAL_SENDER, export_mail, prepare, sent_messages
from annual_review_tools.local.schedules import (
    done_with,
    scheduled_invocations,
    set_calendar,
    stack_place,
)
from annual_review_tools.local.server import LocalServer
from annual_review_tools.local.ses_standin import (
    InvocationDied,
    SesAccount,
    SesFaults,
    SesStandIn,
)
from annual_review_tools.local.stack import LocalStack
from annual_review_tools.local.synth import councils_for

KINDS = ("officers", "councillors")
ATTEMPTS = 3  # an asynchronous invocation and Lambda's two retries (EventInvokeConfig)


@dataclass
class LettersDayReport:
    year: str
    councils: list[str]
    steps: list[str] = field(default_factory=list)
    emails: Counter[tuple[str, str]] = field(default_factory=Counter)
    states: dict[tuple[str, str], str] = field(default_factory=dict)
    attempts: dict[tuple[str, str], int] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    metrics: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    exported: int = 0

    @property
    def passed(self) -> bool:
        return not self.problems

    def table(self) -> list[str]:
        """One line per council: each message's state, attempts and emails in out/mail/."""
        lines = [f"{'council':<10} {'officers':<22} {'councillors':<22} faults met"]
        for code in self.councils:
            cells = [
                f"{self.states.get((code, k), '-')} a{self.attempts.get((code, k), 0)} "
                f"x{self.emails[(code, k)]}"
                for k in KINDS
            ]
            lines.append(
                f"{code:<10} {cells[0]:<22} {cells[1]:<22} {', '.join(self.notes.get(code, []))}"
            )
        return lines


@contextlib.contextmanager
def _clock(moment: datetime) -> Iterator[None]:
    with environment({"CLOCK": moment.isoformat()}):
        yield


class LettersDay:
    def __init__(self, server: LocalServer, stack: LocalStack, aws: AwsClients, out: Path) -> None:
        self.server, self.stack, self.aws, self.out = server, stack, aws, out

    def invoke(self, logical_id: str, payload: dict[str, Any], at: datetime) -> str:
        """One invocation, as Lambda makes it; what it returned or raised, in a word."""
        function = load_function(self.stack, logical_id)
        with (
            log_path(self.out, function).open("a", encoding="utf-8") as log,
            environment(function.environment | {"CLOCK": at.isoformat()}),
            logs_to(function, log),
        ):
            try:
                function.handler(payload, function.context())
            except InvocationDied as died:
                log.write(f"the function died: {died}\n")
                return "died"
            except Exception as error:
                log.write(traceback.format_exc())
                return type(error).__name__
        return "ok"

    def invoke_with_retries(self, payload: dict[str, Any], at: datetime) -> list[str]:
        """The invocation and Lambda's retries until one ends without dying or failing."""
        outcomes = []
        for _ in range(ATTEMPTS):
            outcomes.append(self.invoke("LettersFunction", payload, at))
            if outcomes[-1] == "ok":
                break
        return outcomes

    def cli(self, *args: str, at: datetime) -> int:
        with _clock(at):
            return cli_main(
                [*args, "--stack", "annual-review-local", "--endpoint-url", self.server.url]
            )


def _send_event(message_id: str, year: str, revision: str, code: str) -> dict[str, Any]:
    """SES's "Email Sent" event as EventBridge delivers it (tags as SES copies them)."""
    return {
        "source": "aws.ses",
        "detail-type": "Email Sent",
        "detail": {
            "eventType": "Send",
            "send": {},
            "mail": {
                "messageId": message_id,
                "timestamp": "2020-07-22T08:00:01.000Z",
                "tags": {
                    "year": [year],
                    "revision": [revision],
                    "council": [code],
                    "message": ["officers"],
                },
            },
        },
    }


def run_letters_day(
    year: FinancialYear, out: Path, *, seed: int = 2020, scale: float = 0.05
) -> LettersDayReport:
    councils = sorted(c.code for c in councils_for(year))
    report = LettersDayReport(year.label, councils)
    # The faulted councils, chosen from the registry: not the same council twice.
    refused, accepted_then_died, died_before = councils[5], councils[10], councils[20]
    for code, note in (
        (refused, "refused by SES (then cleared, resend --failed)"),
        (accepted_then_died, "died after SES accepted (settled by SES's Send event)"),
        (died_before, "died before sending (resend --unconfirmed)"),
    ):
        report.notes.setdefault(code, []).append(note)
    ses = SesStandIn(
        SesAccount(max_24_hour_send=100.0),  # far fewer than the year's recipients
        verified={LOCAL_SENDER},
        faults=SesFaults(
            throttle_attempts={3, 4, 40, 41, 42, 200},
            refuse={(refused, "officers")},
            die_after={(accepted_then_died, "officers")},
            die_before={(died_before, "councillors")},
        ),
    )
    letters_at, release_at = default_dates(year)
    with LocalServer() as server, ses.installed():
        options = RunOptions(
            years=[year], out_dir=out, seed=seed, scale=scale, ses=ses, publish=False
        )
        result = run_on(server, options)
        assert result.stack is not None
        assert result.aws is not None
        stack, aws = result.stack, result.aws
        day = LettersDay(server, stack, aws, out)
        prepare(stack, aws.sesv2(), aws.scheduler(), aws.s3(), councils_for(year))
        report.steps += [f"calendar: {line}" for line in set_calendar(stack, year, aws)]
        payload = {"step": "letters", "year": year.label}
        freeze = next(
            i
            for i in scheduled_invocations(stack, aws.scheduler())
            if i.payload["step"] == "freeze"
        )
        report.steps.append(f"freeze: {day.invoke('FreezeFunction', freeze.payload, freeze.at)}")
        done_with(stack, aws.scheduler(), freeze.name)

        # 1. The quota is too small: refused before any email.
        first = day.invoke_with_retries(payload, letters_at)
        report.steps.append(f"letters, quota 100 recipients: {', '.join(first)}")
        if ses.outcome.accepted or ses.outcome.throttled_quota:
            report.problems.append(
                f"SES saw sends though the quota could not take the year: {ses.outcome}"
            )
        ses.account.max_24_hour_send = 50_000.0
        # 2. Raised: throttles, a refusal, two deaths, Lambda's retries.
        second = day.invoke_with_retries(payload, letters_at + timedelta(minutes=5))
        report.steps.append(f"letters, quota raised: {', '.join(second)}")
        if second[-1] != "LettersNotDelivered":
            report.problems.append(f"the letters step did not fail loudly: {second}")
        report.steps.append(
            f"SES: {ses.outcome.throttled_rate} throttles, {ses.outcome.refused} refusals, "
            f"{ses.outcome.died} deaths, {ses.outcome.accepted} accepted"
        )
        # 3. SES's Send event settles the message that went; the operator resends the rest.
        [went] = [
            m
            for m in sent_messages(server.url)
            if m.key()[2] == accepted_then_died and m.kind == "officers"
        ]
        year_, revision, _ = went.key()
        event = _send_event(went.message_id, year_, revision, accepted_then_died)
        report.steps.append(
            f"SES Send event: {day.invoke('MailFeedbackFunction', event, letters_at)}"
        )
        after = letters_at + timedelta(hours=1)
        resend = ("letters", "resend", "--year", year.label)
        unconfirmed = day.cli(*resend, "--unconfirmed", at=after)
        report.steps.append(f"resend --unconfirmed: exit {unconfirmed}")
        ses.faults.refuse.clear()
        report.steps.append(f"resend --failed: exit {day.cli(*resend, '--failed', at=after)}")
        # 4. A duplicate Scheduler delivery of the letters step.
        report.steps.append(
            f"duplicate letters delivery: {day.invoke('LettersFunction', payload, after)}"
        )
        # 5. The release moved a week later, after the letters went; the schedules fire.
        moved = next_working_day(release_at.date() + timedelta(days=7))
        moved_at = release_at.replace(year=moved.year, month=moved.month, day=moved.day)

        def move(calendar: ReleaseCalendar) -> ReleaseCalendar:
            return calendar.set_dates(
                year.label, letters_at, moved_at, now=after, by="chaos", reason="moved by chaos"
            )

        _, changed = change_calendar(stack_place(stack, aws), year.label, move, after)
        report.steps += [f"calendar moved: {line}" for line in changed]
        for invocation in scheduled_invocations(stack, aws.scheduler()):
            outcome = day.invoke(invocation.logical_id, invocation.payload, invocation.at)
            step = invocation.payload.get("step")
            report.steps.append(f"schedule {step} at {invocation.at.isoformat()}: {outcome}")
            done_with(stack, aws.scheduler(), invocation.name)

        report.exported = export_mail(server.url, out)
        _tally(report, stack, aws, out)
    return report


def _tally(report: LettersDayReport, stack: LocalStack, aws: AwsClients, out: Path) -> None:
    """What each council ended with: files in out/mail/, records, the metrics in the log."""
    folder = out / "mail" / report.year / "r1"
    for path in sorted(folder.glob("*.eml")):
        parts = path.name.split(".")
        kind = "councillors" if "councillors" in parts else "officers"
        report.emails[(parts[0], kind)] += 1
    log = DynamoDeliveryLog(stack.physical("DeliveriesTable"), aws.dynamodb)
    for record in log.list(report.year, 1):
        report.states[(record.code, record.message)] = record.state
        report.attempts[(record.code, record.message)] = record.attempt
    for line in (out / "logs" / "LettersFunction.log").read_text("utf-8").splitlines():
        if line.startswith('{"_aws"'):
            for name in ("LettersFailed", "LettersUnconfirmed", "LettersNotStarted"):
                report.metrics[name] += int(sum(json.loads(line).get(name, [0])))
    # The independent count: every council of the year, each message once.
    for code in report.councils:
        for kind in KINDS:
            if report.emails[(code, kind)] != 1:
                report.problems.append(
                    f"{code} {kind}: {report.emails[(code, kind)]} email(s) in out/mail/"
                )
    strays = set(report.emails) - {(c, k) for c in report.councils for k in KINDS}
    if strays:
        report.problems.append(f"emails for councils not of the year: {sorted(strays)}")
    if not report.metrics["LettersFailed"] or not report.metrics["LettersUnconfirmed"]:
        report.problems.append(f"the failures' metrics were not emitted: {dict(report.metrics)}")
