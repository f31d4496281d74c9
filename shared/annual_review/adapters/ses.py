"""Amazon SES v2: one raw MIME message per council and message kind, tagged so SES's events find
the delivery; and the account's quotas and the sender's verification (``GetAccount``,
``GetEmailIdentity``).

Errors are kept as SES's error code only: SES's message can quote an address. The two throttling
messages the SES Developer Guide documents ("Maximum sending rate exceeded", "Daily message quota
exceeded": https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html) are kept
with the code, as they say which limit was met.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from annual_review.publication.mail.sending_account import SendingAccount
from annual_review.publication.ports import MailRejected, MailThrottled

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

# SES answered, and did not accept the message: nothing was sent.
REFUSED = frozenset(
    {
        "MessageRejected",
        "MailFromDomainNotVerifiedException",
        "AccountSuspendedException",
        "SendingPausedException",
        "BadRequestException",
        "NotFoundException",
        "LimitExceededException",
    }
)
# Not accepted, because a rate or quota was exceeded: the same message may go later.
THROTTLED = frozenset({"ThrottlingException", "TooManyRequestsException", "Throttling"})
THROTTLE_REASONS = ("Maximum sending rate exceeded", "Daily message quota exceeded")


def error_reason(error: ClientError) -> str:
    """SES's error code, with the limit met for a throttle; never SES's free text."""
    found = error.response.get("Error", {})
    code, message = found.get("Code", ""), found.get("Message", "")
    limit = next((reason for reason in THROTTLE_REASONS if reason in message), None)
    return f"{code}: {limit}" if limit else code


class SesMailer:
    def __init__(self, configuration_set: str, sesv2: Callable[[], SESV2Client]) -> None:
        self.configuration_set = configuration_set
        self._sesv2 = sesv2

    @property
    def client(self) -> SESV2Client:
        return self._sesv2()

    def send(
        self, raw: bytes, sender: str, to: Sequence[str], cc: Sequence[str], tags: Mapping[str, str]
    ) -> str:
        destination: dict[str, list[str]] = {"ToAddresses": list(to)}
        if cc:
            destination["CcAddresses"] = list(cc)
        options = {"ConfigurationSetName": self.configuration_set} if self.configuration_set else {}
        try:
            response = self.client.send_email(
                FromEmailAddress=sender,
                Destination=destination,  # type: ignore[arg-type]
                Content={"Raw": {"Data": raw}},
                EmailTags=[{"Name": name, "Value": value} for name, value in tags.items()],
                **options,  # type: ignore[arg-type]
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in THROTTLED:
                raise MailThrottled(error_reason(error)) from error
            if code in REFUSED:
                raise MailRejected(error_reason(error)) from error
            raise
        return response["MessageId"]

    def account(self, sender: str) -> SendingAccount:
        found = self.client.get_account()
        quota = found.get("SendQuota", {})
        return SendingAccount(
            production_access=bool(found.get("ProductionAccessEnabled")),
            sending_enabled=bool(found.get("SendingEnabled")),
            max_24_hour_send=float(quota.get("Max24HourSend", 0.0)),
            max_send_rate=float(quota.get("MaxSendRate", 0.0)),
            sent_last_24_hours=float(quota.get("SentLast24Hours", 0.0)),
            sender_verified=self._verified(sender),
        )

    def _verified(self, sender: str) -> bool:
        """The address's own identity, or its domain's, verified for sending."""
        for identity in (sender, sender.rpartition("@")[2]):
            try:
                found = self.client.get_email_identity(EmailIdentity=identity)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") == "NotFoundException":
                    continue
                raise
            if found.get("VerifiedForSendingStatus"):
                return True
        return False
