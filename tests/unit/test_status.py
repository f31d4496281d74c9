"""`annual-review status`: when schedules fire next, what needs action, and the one screen."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from annual_review.commands.status import next_run
from annual_review.commands.status_text import attention, needs_action, render

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def test_next_run_of_one_time_and_yearly_schedules() -> None:
    at = next_run("at(2027-07-22T06:00:00)", "Europe/London", NOW)
    assert at is not None
    assert at.isoformat() == "2027-07-22T06:00:00+01:00"
    assert next_run("at(2025-07-22T06:00:00)", "Europe/London", NOW) is None  # already run
    yearly = next_run("cron(30 9 29 7 ? *)", "Europe/London", NOW)
    assert yearly is not None
    assert yearly.isoformat() == "2027-07-29T09:30:00+01:00"
    assert next_run("rate(5 minutes)", None, NOW) is None


def status(**changes: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "stack": "annual-review",
        "at": NOW.isoformat(),
        "queues": {
            "ingest": {
                "visible": 3,
                "in_flight": 10,
                "oldest_age_seconds": None,
                "oldest_age_note": "not available (the local stack has no CloudWatch metrics)",
            },
            "dead_letter": {"visible": 0, "in_flight": 0},
            "undelivered": {"visible": 0, "in_flight": 0},
        },
        "quarantine": {"count": 2, "newest": "2026-11-25T10:00:00+00:00"},
        "years": {
            "2019-20": {
                "councils": 340,
                "decisions": 16000,
                "upheld": 2500,
                "complaints_received": 17000,
                "last_change": None,
            },
        },
        "publication": {
            "2019-20": {
                "state": "released",
                "revision": 2,
                "revisions": [],
                "registry": None,
                "letters": {"revision": 2, "count": 343, "letters_date": "2020-07-22"},
                "release": {
                    "revision": 2,
                    "released_at": "2020-07-29T09:30:00+01:00",
                    "early_release_reason": None,
                },
            }
        },
        "schedules": {"next": [], "note": "no schedules found"},
        "alarms": {"in_alarm": []},
    }
    return found | changes


def test_a_healthy_stack_needs_no_action_and_the_quarantine_is_mentioned() -> None:
    assert needs_action(status()) == []
    assert attention(status()) == ["2 quarantined event(s)"]
    screen = render(status())
    assert len(screen.splitlines()) < 25
    assert "r2 released" in screen
    assert "oldest not available" in screen


def test_dead_letters_alarms_and_unreadable_sections_need_action() -> None:
    found = status(
        queues=status()["queues"] | {"dead_letter": {"visible": 4, "in_flight": 1}},
        alarms={
            "in_alarm": [
                {"name": "annual-review-IngestDeadLetterAlarm-X", "reason": "4 > 0", "since": ""}
            ]
        },
        schedules={"error": "AccessDeniedException: no"},
    )
    assert needs_action(found) == [
        "5 message(s) in the dead-letter queue",
        "alarm annual-review-IngestDeadLetterAlarm-X",
        "schedules: could not be read (AccessDeniedException: no)",
    ]
    assert "annual-review-IngestDeadLetterAlarm-X: 4 > 0" in render(found)


def test_a_letter_left_unconfirmed_or_bounced_needs_action() -> None:
    found = status(
        deliveries={
            "2019-20": {
                "sent": 341,
                "unconfirmed": ["r1 E09000021"],
                "failed": [],
                "bounced_or_complained": ["r1 E08000035"],
            }
        }
    )
    assert needs_action(found) == [
        "2019-20 letters unconfirmed: r1 E09000021"
        " (annual-review letters deliveries; letters resend)",
        "2019-20 letters bounced or complained: r1 E08000035"
        " (annual-review letters deliveries; letters resend)",
    ]
    assert (
        "letters    2019-20: 341 accepted by SES, 1 unconfirmed, 0 failed, 1 bounced or complained"
        in render(found)
    )


def test_status_names_who_signs_the_letters_or_that_nobody_does() -> None:
    from annual_review.commands.status import signatory_section
    from annual_review.settings import Settings

    signed = signatory_section(Settings(signatory_name="Michael King"))
    assert signed == {"signed_by": ["Michael King", "Local Government and Social Care Ombudsman"]}
    screen = render(status(signatory=signed))
    assert "signed by  Michael King, Local Government and Social Care Ombudsman" in screen
    assert needs_action(status(signatory=signed)) == []
    unsigned = signatory_section(Settings())
    assert unsigned["signed_by"] is None
    assert "OmbudsmanName" in render(status(signatory=unsigned))
    assert needs_action(status(signatory=unsigned)) == [unsigned["problem"]]
