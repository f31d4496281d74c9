"""Amazon SES v2: one raw MIME message per council, tagged so SES's events find the delivery."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from annual_review.publication.ports import MailRejected

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
        "TooManyRequestsException",
    }
)


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
            if code in REFUSED:
                raise MailRejected(f"{code}: {error}") from error
            raise
        return response["MessageId"]
