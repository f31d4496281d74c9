"""Whether the SES account can send a year's letters: read before letters day and before the
first email.

SES counts its quotas in recipients (To + Cc + Bcc of every message): the 24-hour quota
(``Max24HourSend``, of which ``SentLast24Hours`` are used) and the maximum send rate per second.
A new account is in the sandbox (about 200 messages a day, 1 a second, verified recipients only)
until production access is granted. Sources: SES Developer Guide, "Managing your Amazon SES
sending quotas" (https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas.html) and
"Request production access" (https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html);
``sesv2 GetAccount`` and ``GetEmailIdentity`` (SES API v2 reference).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SendingAccount:
    """What ``GetAccount`` and ``GetEmailIdentity`` say about the account and the sender."""

    production_access: bool
    sending_enabled: bool
    max_24_hour_send: float  # recipients
    max_send_rate: float  # recipients per second
    sent_last_24_hours: float
    sender_verified: bool

    @property
    def remaining(self) -> float:
        return max(self.max_24_hour_send - self.sent_last_24_hours, 0.0)


class NotReadyToSend(Exception):
    """SES cannot send the letters now; nothing was sent."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("SES is not ready for the letters: " + "; ".join(problems))
        self.problems = problems


def readiness_problems(account: SendingAccount, recipients: int) -> list[str]:
    """Why the account cannot send ``recipients`` now (empty when it can)."""
    problems = []
    if not account.sending_enabled:
        problems.append("sending is disabled (paused) for the SES account")
    if not account.sender_verified:
        problems.append("the sender address's identity is not verified in SES")
    if recipients > account.remaining:
        problems.append(
            f"the letters need {recipients} recipients but only {account.remaining:.0f} of the "
            f"24-hour quota of {account.max_24_hour_send:.0f} are left "
            f"({account.sent_last_24_hours:.0f} sent in the last 24 hours); request a higher "
            "quota, or wait for the window to pass"
        )
    return problems


def sandbox_note(account: SendingAccount) -> str | None:
    """Said, not refused: in the sandbox SES sends only to verified addresses (any other
    recipient's message is refused, and recorded failed)."""
    if account.production_access:
        return None
    return (
        "the SES account is in the sandbox: it sends only to verified addresses, at most "
        f"{account.max_24_hour_send:.0f} recipients a day and {account.max_send_rate:g} a "
        "second (request production access before letters day)"
    )


def check_ready(account: SendingAccount, recipients: int) -> None:
    """Raise ``NotReadyToSend``, before any email, when the letters cannot all go now."""
    problems = readiness_problems(account, recipients)
    if problems:
        raise NotReadyToSend(problems)


def seconds_to_send(recipients: Iterable[int], max_send_rate: float) -> float:
    """The least time SES's rate allows for messages of these recipient counts (pacing only)."""
    return sum(recipients) / max_send_rate if max_send_rate > 0 else float("inf")
