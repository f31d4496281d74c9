"""`annual-review status [--year Y] [--json]`: is the service healthy, on one screen.

Sections, each read with a few requests whatever the number of events:

- ``queues``: the ingest queue (visible, in flight, age of the oldest message from CloudWatch's
  ``ApproximateAgeOfOldestMessage``, which the local stack does not have), the dead-letter queue
  and the undelivered-events queue (the bus rule's dead-letter queue).
- ``quarantine``: how many events wait there, and when the newest arrived.
- ``years``: each year's aggregates (one query a year): councils with figures, decisions, upheld,
  complaints received; ``last_change`` is not tracked (the aggregates hold counters only).
- ``publication``: each year's snapshots and revisions, the registry the freeze used, the letters
  (private manifest) and the release (public ``data/index.json``), and a one-word state.
- ``signatory``: who signs the next letters (the stack's ``OmbudsmanName``/``OmbudsmanTitle``);
  nobody named means the letters step will refuse.
- ``schedules``: the next scheduled publication steps (EventBridge Scheduler).
- ``alarms``: the stack's CloudWatch alarms in ALARM.

Years shown: ``--year``, else every year with a snapshot or a release plus the current and the
last ended financial year. ``--json`` prints one JSON object with those keys (a section that could
not be read has ``{"error": ...}``). Both exit 1 when something needs action now: messages in the
dead-letter or undelivered queue, an alarm in ALARM, or a section that could not be read. The
quarantine is listed under "attention" but does not change the exit code (poison events wait
there for a corrected replay; ``QuarantineGrowthAlarm`` says when it grows).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from botocore.exceptions import BotoCoreError, ClientError

from annual_review.adapters.clients import AwsClients, is_loopback
from annual_review.adapters.deliveries import DynamoDeliveryLog
from annual_review.adapters.deployment import DeployedStack
from annual_review.adapters.dynamo import DynamoAggregatesReader
from annual_review.adapters.messaging import Queue
from annual_review.adapters.storage import S3ObjectStore
from annual_review.commands.cli import Connected, add_stack_options, connect
from annual_review.commands.letters import delivery_summary
from annual_review.commands.status_text import needs_action, render
from annual_review.fiscal import FinancialYear
from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.snapshot import load_snapshot
from annual_review.publication.letters.letter import Unsigned, signatory_lines
from annual_review.settings import Settings

LONDON = ZoneInfo("Europe/London")
QUARANTINE_PREFIX = "quarantine/"
JsonObject = dict[str, Any]


def register(groups: Any) -> None:
    parser = groups.add_parser(
        "status",
        help="queues, quarantine, years, publication, schedules and alarms on one screen",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--year", help="only this financial year, e.g. 2019-20")
    parser.add_argument("--json", action="store_true", help="one JSON object (see above)")
    add_stack_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.year:
        try:
            FinancialYear.parse(args.year)
        except ValueError as error:
            raise SystemExit(f"annual-review status: {error}") from None
    connected = connect(args, "FreezeFunction")
    status = gather(connected, args.year)
    if args.json:
        print(json.dumps(status, indent=2, sort_keys=True, default=str))
    else:
        print(render(status))
    return 1 if needs_action(status) else 0


# ------------------------------------------------------------------------------ gathering
def _section(read: Callable[[], Any]) -> Any:
    """A section, or what stopped it: one unreadable section does not hide the others."""
    try:
        return read()
    except (ClientError, BotoCoreError, ValueError, KeyError) as error:
        return {"error": f"{type(error).__name__}: {error}"}


def gather(connected: Connected, year: str | None = None) -> JsonObject:
    settings, clients, stack = connected.settings, connected.clients, connected.stack
    now = settings.now()
    private = S3ObjectStore(settings.private_bucket, clients.s3)
    public = S3ObjectStore(settings.public_bucket, clients.s3)
    index = _section(lambda: _read_json(public, keys.INDEX))
    years = [year] if year else _years_to_show(private, index, now)
    return {
        "stack": stack.name,
        "at": now.isoformat(timespec="seconds"),
        "queues": _section(lambda: queues_section(stack, clients)),
        "quarantine": _section(lambda: quarantine_section(private)),
        "years": _section(
            lambda: years_section(
                DynamoAggregatesReader(settings.aggregates_table, clients.dynamodb), years
            )
        ),
        "publication": _section(lambda: publication_section(private, index, years)),
        "deliveries": _section(
            lambda: deliveries_section(
                DynamoDeliveryLog(settings.deliveries_table, clients.dynamodb), years
            )
        ),
        "signatory": signatory_section(settings),
        "schedules": _section(lambda: schedules_section(stack, clients, now)),
        "alarms": _section(lambda: alarms_section(stack, clients)),
        "ses": _section(lambda: ses_section(settings, clients, private)),
    }


def ses_section(settings: Any, clients: AwsClients, private: S3ObjectStore) -> JsonObject:
    """Letters day readiness: SES's account (production access, sending, rate, 24-hour quota
    and what is left), the sender verified, and whether the recipients list's messages fit."""
    from annual_review.adapters.ses import SesMailer
    from annual_review.publication.letters.recipients import link_officer_note
    from annual_review.publication.mail.letters_by_email import load_recipients
    from annual_review.publication.mail.sending_account import readiness_problems, sandbox_note

    if not settings.sender_address:
        return {"sending": False, "note": "no SenderAddress: no email is sent"}
    account = SesMailer(settings.mail_configuration_set, clients.sesv2).account(
        settings.sender_address
    )
    recipients = load_recipients(private) or {}
    needed = sum(
        len(addressees.people)
        for entry in recipients.values()
        for addressees in entry.messages().values()
    )
    notes = [note for note in (sandbox_note(account), link_officer_note(recipients)) if note]
    return {
        "sending": True,
        "production_access": account.production_access,
        "sending_enabled": account.sending_enabled,
        "max_send_rate": account.max_send_rate,
        "max_24_hour_send": account.max_24_hour_send,
        "sent_last_24_hours": account.sent_last_24_hours,
        "sender_verified": account.sender_verified,
        "letters_recipients": needed,
        "problems": readiness_problems(account, needed),
        "notes": notes,
    }


def signatory_section(settings: Settings) -> JsonObject:
    """Who will sign the next letters (the stack's OmbudsmanName and OmbudsmanTitle)."""
    try:
        return {"signed_by": signatory_lines(settings)[:2]}
    except Unsigned as refused:
        return {"signed_by": None, "problem": str(refused)}


def _read_json(store: S3ObjectStore, key: str) -> JsonObject | None:
    body = store.get(key)
    return json.loads(body) if body else None


def _years_to_show(private: S3ObjectStore, index: Any, now: datetime) -> list[str]:
    current = FinancialYear.containing(now.astimezone(LONDON).date())
    found = {current.label, FinancialYear.last_ended(now.date()).label}
    found |= {key.split("/")[1] for key in private.list("snapshots/") if key.count("/") >= 2}
    if isinstance(index, dict):
        found |= {str(entry["year"]) for entry in index.get("years", [])}
    return sorted(found)


def deliveries_section(log: DynamoDeliveryLog, years: list[str]) -> JsonObject:
    """Each year's letters by email: how many SES accepted, and the councils needing a look
    (an intent with no message id, a refusal, a bounce or complaint)."""
    return {year: delivery_summary(records) for year in years if (records := log.list(year))}


def queues_section(stack: DeployedStack, clients: AwsClients) -> JsonObject:
    local = is_loopback(clients.endpoint_url)
    found: JsonObject = {}
    for name, logical_id in (
        ("ingest", "IngestQueue"),
        ("dead_letter", "IngestDeadLetterQueue"),
        ("undelivered", "UndeliveredEventsQueue"),
    ):
        url = stack.resources.get(logical_id)
        if url is None:
            found[name] = {"error": f"the stack has no {logical_id}"}
            continue
        visible, in_flight = Queue(url, clients.sqs).counts()
        found[name] = {"visible": visible, "in_flight": in_flight}
    if "visible" in found.get("ingest", {}):
        age, note = _oldest_age(clients, stack.resources["IngestQueue"], local)
        found["ingest"] |= {"oldest_age_seconds": age, "oldest_age_note": note}
    return found


def _oldest_age(clients: AwsClients, url: str, local: bool) -> tuple[int | None, str | None]:
    if local:
        return None, "not available (the local stack has no CloudWatch metrics)"
    end = datetime.now(UTC)
    response = clients.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/SQS",
        MetricName="ApproximateAgeOfOldestMessage",
        Dimensions=[{"Name": "QueueName", "Value": urlsplit(url).path.rsplit("/", 1)[-1]}],
        StartTime=end - timedelta(minutes=15),
        EndTime=end,
        Period=60,
        Statistics=["Maximum"],
    )
    points = sorted(response.get("Datapoints", []), key=lambda p: p["Timestamp"])
    if not points:
        return None, "not available (no datapoint in the last 15 minutes)"
    return int(points[-1]["Maximum"]), None


def quarantine_section(private: S3ObjectStore) -> JsonObject:
    """Count and newest from the listing alone (no read per record)."""
    paginator = private.client.get_paginator("list_objects_v2")
    count, newest = 0, None
    for page in paginator.paginate(Bucket=private.bucket, Prefix=QUARANTINE_PREFIX):
        for obj in page.get("Contents", []):
            count += 1
            modified = obj["LastModified"]
            newest = modified if newest is None or modified > newest else newest
    return {"count": count, "newest": newest.isoformat(timespec="seconds") if newest else None}


def years_section(reader: DynamoAggregatesReader, years: list[str]) -> JsonObject:
    found: JsonObject = {}
    for year in years:
        aggregates = reader.year(year)  # one strongly consistent query
        found[year] = {
            "councils": sum(1 for a in aggregates.values() if any(a.counters.values())),
            "decisions": sum(a.decisions_total for a in aggregates.values()),
            "upheld": sum(a.upheld for a in aggregates.values()),
            "complaints_received": sum(a.complaints_received for a in aggregates.values()),
            "last_change": None,
            "last_change_note": "not tracked: the aggregates hold counters only",
        }
    return found


def publication_section(private: S3ObjectStore, index: Any, years: list[str]) -> JsonObject:
    released = (
        {str(e["year"]): e for e in index.get("years", [])} if isinstance(index, dict) else {}
    )
    found: JsonObject = {}
    for year in years:
        snapshot = load_snapshot(private, year)
        report = _read_json(private, keys.data_quality_report(year)) if snapshot else None
        manifest = _read_json(private, keys.letters_manifest(year)) if snapshot else None
        entry = released.get(year)
        revision = snapshot.revision if snapshot else None
        if snapshot is None:
            state = "not frozen"
        elif entry is not None and entry["revision"] == revision:
            state = "released"
        elif manifest is not None and manifest.get("revision") == revision:
            state = "letters written"
        else:
            state = "frozen"
        found[year] = {
            "state": state,
            "revision": revision,
            "revisions": [
                {"revision": n.revision, "frozen_at": n.frozen_at, "reason": n.reason}
                for n in (snapshot.revisions if snapshot else [])
            ],
            "registry": (report or {}).get("registry"),
            "letters": None
            if manifest is None
            else {
                "revision": manifest.get("revision"),
                "count": len(manifest.get("letters", [])),
                "letters_date": manifest.get("letters_date"),
            },
            "release": None
            if entry is None
            else {
                "revision": entry["revision"],
                "released_at": entry.get("released_at"),
                "early_release_reason": entry.get("early_release_reason"),
            },
        }
    return found


def schedules_section(stack: DeployedStack, clients: AwsClients, now: datetime) -> JsonObject:
    """The stack's Scheduler schedules (its schedule groups, and schedules it names itself),
    next run first."""
    scheduler = clients.client("scheduler")
    groups = set(stack.of_type("AWS::Scheduler::ScheduleGroup"))
    if "PublicationScheduleGroupName" in stack.outputs:  # the release calendar's group
        groups.add(stack.outputs["PublicationScheduleGroupName"])
    named: list[tuple[str, str]] = [
        (group, schedule["Name"])
        for group in sorted(groups)
        for page in scheduler.get_paginator("list_schedules").paginate(GroupName=group)
        for schedule in page.get("Schedules", [])
    ]
    named += [
        ("default", name.rsplit("/", 1)[-1]) for name in stack.of_type("AWS::Scheduler::Schedule")
    ]
    upcoming = []
    for group, name in named:
        schedule = scheduler.get_schedule(GroupName=group, Name=name)
        at = next_run(
            schedule["ScheduleExpression"], schedule.get("ScheduleExpressionTimezone"), now
        )
        try:
            payload = json.loads(schedule.get("Target", {}).get("Input") or "{}")
        except ValueError:
            payload = {}
        upcoming.append(
            {
                "name": name,
                "step": payload.get("step"),
                "year": payload.get("year"),
                "at": at.isoformat(timespec="minutes") if at else None,
                "expression": schedule["ScheduleExpression"],
                "state": schedule.get("State"),
            }
        )
    upcoming.sort(key=lambda s: (s["at"] is None, s["at"] or ""))
    note = None
    if not named:
        note = "no schedules found" + (
            " (the local stack stores no Scheduler schedules from the template)"
            if is_loopback(clients.endpoint_url)
            else ""
        )
    return {"next": [s for s in upcoming if s["at"] is not None][:6], "note": note}


def next_run(expression: str, timezone: str | None, now: datetime) -> datetime | None:
    """When a schedule fires next: ``at(...)`` once, or a yearly ``cron(m h d M ? *)``."""
    zone = ZoneInfo(timezone or "UTC")
    if expression.startswith("at(") and expression.endswith(")"):
        at = datetime.fromisoformat(expression[3:-1]).replace(tzinfo=zone)
        return at if at > now else None
    parts = expression.removeprefix("cron(").removesuffix(")").split()
    if len(parts) == 6 and all(p.isdigit() for p in parts[:4]):
        minute, hour, day, month = (int(p) for p in parts[:4])
        local_now = now.astimezone(zone)
        for year in (local_now.year, local_now.year + 1):
            at = datetime(year, month, day, hour, minute, tzinfo=zone)
            if at > now:
                return at
    return None


def alarms_section(stack: DeployedStack, clients: AwsClients) -> JsonObject:
    """Alarms in ALARM: the stack's own (by resource) and any named with the stack's prefix."""
    cloudwatch = clients.client("cloudwatch")
    names = set(stack.of_type("AWS::CloudWatch::Alarm"))
    firing = {
        alarm["AlarmName"]: alarm
        for page in cloudwatch.get_paginator("describe_alarms").paginate(
            AlarmNamePrefix=f"{stack.name}-", StateValue="ALARM"
        )
        for alarm in page.get("MetricAlarms", [])
    }
    if names - set(firing):
        listed = sorted(names - set(firing))
        for start in range(0, len(listed), 100):
            response = cloudwatch.describe_alarms(
                AlarmNames=listed[start : start + 100], StateValue="ALARM"
            )
            firing |= {a["AlarmName"]: a for a in response.get("MetricAlarms", [])}
    return {
        "in_alarm": [
            {
                "name": name,
                "reason": alarm.get("StateReason", ""),
                "since": str(alarm.get("StateUpdatedTimestamp", "")),
            }
            for name, alarm in sorted(firing.items())
            if alarm.get("StateValue") == "ALARM"  # moto ignores StateValue with a prefix
        ]
    }
