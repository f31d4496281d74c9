"""Reading a gathered status (``status.gather``): what needs action now, what an operator should
look at, and the whole status as text on one screen.
"""

from __future__ import annotations

from typing import Any

JsonObject = dict[str, Any]


# ------------------------------------------------------------------------------- reading
def attention(status: JsonObject) -> list[str]:
    """What an operator should look at: ``needs_action``, and the quarantine."""
    found = needs_action(status)
    if status.get("quarantine", {}).get("count"):
        found.append(f"{status['quarantine']['count']} quarantined event(s)")
    return found


def needs_action(status: JsonObject) -> list[str]:
    """Dead letters, undelivered events, alarms in ALARM, sections that could not be read."""
    found = []
    queues = status.get("queues", {})
    for name in ("dead_letter", "undelivered"):
        waiting = queues.get(name, {}).get("visible", 0) + queues.get(name, {}).get("in_flight", 0)
        if waiting:
            found.append(f"{waiting} message(s) in the {name.replace('_', '-')} queue")
    for alarm in status.get("alarms", {}).get("in_alarm", []):
        found.append(f"alarm {alarm['name']}")
    deliveries = status.get("deliveries", {})
    for year, summary in deliveries.items() if "error" not in deliveries else []:
        for problem in ("unconfirmed", "failed", "bounced_or_complained"):
            if summary.get(problem):
                found.append(
                    f"{year} letters {problem.replace('_', ' ')}: {', '.join(summary[problem])}"
                    " (annual-review letters deliveries; letters resend)"
                )
    if status.get("signatory", {}).get("problem"):
        found.append(status["signatory"]["problem"])
    for problem in status.get("ses", {}).get("problems", []):
        found.append(f"SES: {problem}")
    for name, section in status.items():
        if isinstance(section, dict) and "error" in section:
            found.append(f"{name}: could not be read ({section['error']})")
    return found


def _queue_line(name: str, queue: JsonObject) -> str:
    if "error" in queue:
        return f"  {name:<12} {queue['error']}"
    line = f"  {name:<12} visible {queue['visible']}, in flight {queue['in_flight']}"
    if "oldest_age_seconds" in queue:
        age = queue["oldest_age_seconds"]
        line += f", oldest {age} s" if age is not None else f", oldest {queue['oldest_age_note']}"
    return line


def render(status: JsonObject) -> str:
    lines = [f"stack {status['stack']} at {status['at']}"]
    queues = status["queues"]
    lines.append("queues")
    if "error" in queues:
        lines.append(f"  {queues['error']}")
    else:
        lines += [
            _queue_line(name, queues[name]) for name in ("ingest", "dead_letter", "undelivered")
        ]
    quarantine = status["quarantine"]
    lines.append(
        f"quarantine {quarantine.get('count')} event(s), newest {quarantine.get('newest') or '-'}"
        if "error" not in quarantine
        else f"quarantine {quarantine['error']}"
    )
    years, publication = status["years"], status["publication"]
    lines.append("years      councils decisions   upheld complaints  publication")
    for year in sorted(set(years) | set(publication)) if "error" not in years else []:
        figures = years.get(year, {})
        published = publication.get(year, {}) if "error" not in publication else {}
        lines.append(
            f"  {year:<8} {figures.get('councils', '-'):>8} {figures.get('decisions', '-'):>9} "
            f"{figures.get('upheld', '-'):>8} {figures.get('complaints_received', '-'):>10}  "
            f"{_publication_text(published)}"
        )
    if "error" in years:
        lines.append(f"  {years['error']}")
    lines.append("  (last change per year: not tracked; the aggregates hold counters only)")
    deliveries = status.get("deliveries", {})
    if "error" in deliveries:
        lines.append(f"letters    {deliveries['error']}")
    for year, summary in deliveries.items() if "error" not in deliveries else []:
        lines.append(
            f"letters    {year}: {summary['sent']} accepted by SES, "
            f"{len(summary['unconfirmed'])} unconfirmed, {len(summary['failed'])} failed, "
            f"{len(summary['bounced_or_complained'])} bounced or complained"
        )
    signatory = status.get("signatory", {})
    lines.append(
        "signed by  " + ", ".join(signatory["signed_by"])
        if signatory.get("signed_by")
        else f"signed by  nobody: {signatory.get('problem')}"
    )
    schedules = status["schedules"]
    lines.append("schedules")
    if "error" in schedules:
        lines.append(f"  {schedules['error']}")
    else:
        for schedule in schedules["next"]:
            what = (
                " ".join(str(p) for p in (schedule["step"], schedule["year"]) if p)
                or schedule["name"]
            )
            lines.append(f"  {schedule['at']}  {what}  ({schedule['state']})")
        if schedules.get("note"):
            lines.append(f"  {schedules['note']}")
    alarms = status["alarms"]
    if "error" in alarms:
        lines.append(f"alarms     {alarms['error']}")
    else:
        firing = alarms["in_alarm"]
        lines.append(f"alarms     {len(firing)} in ALARM" + (":" if firing else ""))
        lines += [f"  {alarm['name']}: {alarm['reason'][:90]}" for alarm in firing[:5]]
    ses = status.get("ses", {})
    if not ses:
        pass
    elif "error" in ses or not ses.get("sending"):
        lines.append(f"ses        {ses.get('error') or ses.get('note')}")
    else:
        lines.append(
            f"ses        {'production' if ses['production_access'] else 'SANDBOX'}, sending "
            f"{'enabled' if ses['sending_enabled'] else 'PAUSED'}, sender "
            f"{'verified' if ses['sender_verified'] else 'NOT VERIFIED'}; "
            f"{ses['max_send_rate']:g} recipients/s, "
            f"{ses['max_24_hour_send'] - ses['sent_last_24_hours']:.0f} of "
            f"{ses['max_24_hour_send']:.0f} left in 24 h; the letters need "
            f"{ses['letters_recipients']}"
        )
        lines += [f"  {note}" for note in ses["notes"]]
    needs = attention(status)
    lines.append("attention  " + ("; ".join(needs) if needs else "none"))
    return "\n".join(lines)


def _publication_text(published: JsonObject) -> str:
    if not published:
        return "-"
    if published["state"] == "not frozen":
        return "not frozen"
    text = f"r{published['revision']} {published['state']}"
    if published.get("release"):
        release = published["release"]
        text += f" (released r{release['revision']} {release['released_at']}"
        text += (
            f", early: {release['early_release_reason']})"
            if release.get("early_release_reason")
            else ")"
        )
    if published.get("letters"):
        text += f", {published['letters']['count']} letters"
    return text
