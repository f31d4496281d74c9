"""The letters step's loud failure, in a module of its own: the publication functions' glue
catches it without importing the mail machinery (the freeze's cold start never pays for it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annual_review.publication.mail.delivery import DeliveryResult


class LettersNotDelivered(Exception):
    """The step sent everything it could, and some messages are not accepted by SES (failed,
    unconfirmed, or left for the next invocation): the step fails so that Lambda retries it and
    the alarms see it. A retry sends only what SES has not accepted."""

    def __init__(self, year: str, revision: int, result: DeliveryResult) -> None:
        parts = [
            f"{len(found)} {what} (e.g. {', '.join(found[:3])})"
            for what, found in (
                ("failed", result.failed),
                ("unconfirmed", result.unconfirmed),
                ("not started before the deadline", result.not_started),
            )
            if found
        ]
        super().__init__(
            f"{year} r{revision}: {result.mailed} message(s) accepted by SES in this run; "
            + "; ".join(parts)
            + " (annual-review letters deliveries; letters resend --failed / --unconfirmed)"
        )
        self.result = result
