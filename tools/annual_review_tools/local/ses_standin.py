"""SES as AWS documents it, in front of moto's SES (which models none of this): the sending
quotas counted in recipients, the sandbox, throttling, a paused account; and faults to inject.

moto's SES accepts every message from a verified identity and implements neither ``GetAccount``
nor a verified status. This stand-in answers in SES's place (a botocore ``before-call`` hook on
every client made while it is installed: the harness's and the functions' alike) and otherwise
lets the message through to moto, which keeps it. What it enforces, and where AWS says so:

- **Maximum send rate**, "the maximum number of recipients that your account can send email to
  per second": a ``SendEmail`` that would take the recipients of the last second over it is
  refused with ``ThrottlingException`` "Maximum sending rate exceeded" (a message to more
  recipients than the rate goes only into an empty second). SES Developer Guide, "Managing your
  Amazon SES sending quotas", https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas.html
- **24-hour quota**, counted in recipients (To + Cc + Bcc) over a rolling 24 hours:
  ``ThrottlingException`` "Daily message quota exceeded". "Errors related to the sending quotas
  for your Amazon SES account", https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html
  (a throttled message is dropped, not queued: it was not sent and may be sent again).
- **Sandbox**: only to verified addresses or domains (``MessageRejected`` "Email address is not
  verified"), 200 a day, 1 a second: "Request production access (Moving out of the Amazon SES
  sandbox)", https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html
- **Sending paused** (``SendingEnabled`` false): ``SendingPausedException``; SES API v2
  reference, SendEmail "Errors" (also ``TooManyRequestsException``, 429, for too many requests).
- ``GetAccount`` returns ``ProductionAccessEnabled``, ``SendingEnabled`` and ``SendQuota``
  (``Max24HourSend``, ``MaxSendRate``, ``SentLast24Hours``); ``GetEmailIdentity`` an identity's
  ``VerifiedForSendingStatus`` or ``NotFoundException``. SES API v2 reference.

Faults (for ``annual-review local chaos --letters-day`` and the tests): throttle chosen sends,
refuse a council's message, and make the calling function "die" just before or just after SES
accepted a message (an exception that is not a ``ClientError``, as a timeout would end it).
The clock is a parameter (monotonic seconds).
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse, HTTPHeaders

from annual_review.publication.mail.message import HEADER_COUNCIL, HEADER_MESSAGE
from annual_review_tools.local.metering import on_every_client

DAY_SECONDS = 24 * 3600.0
RATE_EXCEEDED = "Maximum sending rate exceeded."
QUOTA_EXCEEDED = "Daily message quota exceeded."
SANDBOX_RATE = 1.0
SANDBOX_QUOTA = 200.0

Answer = tuple[AWSResponse, dict[str, Any]]
_PARAMETERS = "ses_standin_parameters"


class InvocationDied(BaseException):
    """The function's process ended here (a timeout, a crash): not an error it can catch."""


@dataclass
class SesAccount:
    """The account as ``GetAccount`` reports it (production by default; local runs are fast)."""

    production_access: bool = True
    sending_enabled: bool = True
    max_send_rate: float = 1000.0  # recipients per second
    max_24_hour_send: float = 50_000.0  # recipients
    sent_before: float = 0.0  # recipients sent in the last 24 hours by something else

    @classmethod
    def sandbox(cls) -> SesAccount:
        return cls(False, True, SANDBOX_RATE, SANDBOX_QUOTA)


@dataclass
class SesFaults:
    """What to do to chosen sends. Sends are numbered from 1 in the order SES receives them;
    messages are named (council code, message kind) from the email's headers."""

    throttle_attempts: set[int] = field(default_factory=set)
    refuse: set[tuple[str, str]] = field(default_factory=set)
    die_before: set[tuple[str, str]] = field(default_factory=set)  # each once
    die_after: set[tuple[str, str]] = field(default_factory=set)  # each once


@dataclass
class Outcome:
    accepted: int = 0
    throttled_rate: int = 0
    throttled_quota: int = 0
    refused: int = 0
    paused: int = 0
    died: int = 0


def _error(status: int, code: str, message: str) -> Answer:
    parsed = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return AWSResponse("https://email.local/", status, HTTPHeaders(), None), parsed


def _ok(body: dict[str, Any]) -> Answer:
    return AWSResponse("https://email.local/", 200, HTTPHeaders(), None), body | {
        "ResponseMetadata": {"HTTPStatusCode": 200}
    }


def _header(raw: bytes, name: str) -> str | None:
    found = re.search(rb"^" + re.escape(name.encode()) + rb": *([^\r\n]*)", raw, re.M | re.I)
    return found[1].decode() if found else None


def message_name(params: dict[str, Any]) -> tuple[str, str]:
    """(council, message kind) from the raw message's headers."""
    raw = params.get("Content", {}).get("Raw", {}).get("Data", b"")
    raw = raw if isinstance(raw, bytes) else raw.encode()
    head = raw.split(b"\r\n\r\n", 1)[0]
    return _header(head, HEADER_COUNCIL) or "", _header(head, HEADER_MESSAGE) or "officers"


def recipient_count(params: dict[str, Any]) -> int:
    destination = params.get("Destination", {})
    return sum(len(destination.get(f"{kind}Addresses", [])) for kind in ("To", "Cc", "Bcc"))


@dataclass
class SesStandIn:
    account: SesAccount = field(default_factory=SesAccount)
    verified: set[str] = field(default_factory=set)  # addresses or domains
    faults: SesFaults = field(default_factory=SesFaults)
    clock: Callable[[], float] = time.monotonic
    outcome: Outcome = field(default_factory=Outcome)
    _accepted: deque[tuple[float, int]] = field(default_factory=deque)
    _attempts: int = 0
    _pending: tuple[str, str] | None = None

    # ------------------------------------------------------------------ the rules
    def sent_last_24_hours(self, now: float) -> float:
        while self._accepted and self._accepted[0][0] <= now - DAY_SECONDS:
            self._accepted.popleft()
        return self.account.sent_before + sum(n for _, n in self._accepted)

    def _last_second(self, now: float) -> int:
        used = 0
        for at, n in reversed(self._accepted):
            if at <= now - 1.0:
                break
            used += n
        return used

    def _verified(self, address: str) -> bool:
        return address in self.verified or address.rpartition("@")[2] in self.verified

    def decide(self, params: dict[str, Any]) -> Answer | None:
        """SES's answer to a ``SendEmail`` it does not accept; None when it accepts it."""
        now = self.clock()
        self._attempts += 1
        name = message_name(params)
        count = recipient_count(params)
        if name in self.faults.die_before:
            self.faults.die_before.discard(name)
            self.outcome.died += 1
            raise InvocationDied(f"died before SES answered {name}")
        if not self.account.sending_enabled:
            self.outcome.paused += 1
            return _error(400, "SendingPausedException", "Sending is paused for this account.")
        used = self._last_second(now)
        if self._attempts in self.faults.throttle_attempts or (
            used and used + count > self.account.max_send_rate
        ):
            self.outcome.throttled_rate += 1
            return _error(400, "ThrottlingException", RATE_EXCEEDED)
        if self.sent_last_24_hours(now) + count > self.account.max_24_hour_send:
            self.outcome.throttled_quota += 1
            return _error(400, "ThrottlingException", QUOTA_EXCEEDED)
        destination = params.get("Destination", {})
        addresses = [
            a for kind in ("To", "Cc", "Bcc") for a in destination.get(f"{kind}Addresses", [])
        ]
        if not self.account.production_access and not all(map(self._verified, addresses)):
            self.outcome.refused += 1
            return _error(
                400,
                "MessageRejected",
                "Email address is not verified. The following identities failed the check.",
            )
        if name in self.faults.refuse:
            self.outcome.refused += 1
            return _error(400, "MessageRejected", "Message rejected (injected).")
        self._accepted.append((now, count))
        self.outcome.accepted += 1
        self._pending = name if name in self.faults.die_after else None
        return None

    def account_answer(self) -> dict[str, Any]:
        return {
            "ProductionAccessEnabled": self.account.production_access,
            "SendingEnabled": self.account.sending_enabled,
            "EnforcementStatus": "HEALTHY",
            "DedicatedIpAutoWarmupEnabled": False,
            "SendQuota": {
                "Max24HourSend": self.account.max_24_hour_send,
                "MaxSendRate": self.account.max_send_rate,
                "SentLast24Hours": self.sent_last_24_hours(self.clock()),
            },
        }

    # ------------------------------------------------------------------ the hooks
    @staticmethod
    def _keep_parameters(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        """``before-call`` sees the serialized request; keep the call's own parameters."""
        context[_PARAMETERS] = dict(params)

    def _before_call(self, event_name: str, context: dict[str, Any], **_: Any) -> Answer | None:
        operation = event_name.rsplit(".", 1)[-1]
        params = context.get(_PARAMETERS, {})
        if operation == "SendEmail":
            return self.decide(params)
        if operation == "GetAccount":
            return _ok(self.account_answer())
        if operation == "GetEmailIdentity":
            identity = params.get("EmailIdentity", "")
            if identity not in self.verified:
                return _error(404, "NotFoundException", "Email identity does not exist.")
            return _ok(
                {
                    "IdentityType": "EMAIL_ADDRESS" if "@" in identity else "DOMAIN",
                    "VerifiedForSendingStatus": True,
                    "VerificationStatus": "SUCCESS",
                }
            )
        return None

    def _after_call(self, **_: Any) -> None:
        """SES accepted the message (moto kept it); the function dies before it hears so."""
        if self._pending is not None:
            name, self._pending = self._pending, None
            self.faults.die_after.discard(name)
            self.outcome.died += 1
            raise InvocationDied(f"died after SES accepted {name}")

    @contextlib.contextmanager
    def installed(self) -> Iterator[SesStandIn]:
        with contextlib.ExitStack() as hooks:
            hooks.enter_context(
                on_every_client("before-parameter-build.sesv2", self._keep_parameters)
            )
            hooks.enter_context(on_every_client("before-call.sesv2", self._before_call))
            hooks.enter_context(on_every_client("after-call.sesv2.SendEmail", self._after_call))
            yield self


# sesv2 GetAccount's request path (botocore's service model); moto routes no action there.
SES_ACCOUNT_PATH = "/v2/email/account"


def ses_account_body(account: SesAccount | None = None) -> str:
    """The local moto server's answer to ``GetAccount`` (moto has none): a production account.
    The rate, quota, sandbox and faults are the in-process stand-in's (``installed``): a request
    it answers never reaches the server."""
    served = account or SesAccount()
    return json.dumps(
        {
            "ProductionAccessEnabled": served.production_access,
            "SendingEnabled": served.sending_enabled,
            "EnforcementStatus": "HEALTHY",
            "DedicatedIpAutoWarmupEnabled": False,
            "SendQuota": {
                "Max24HourSend": served.max_24_hour_send,
                "MaxSendRate": served.max_send_rate,
                "SentLast24Hours": served.sent_before,
            },
        }
    )


def serve_in_moto() -> None:
    """In the local moto server's process: report identities created in moto as verified (moto
    never does), so any client of the local stack (the CLI in another process, ``status``) sees
    a sender SES can send from."""
    from moto.sesv2.responses import SESV2Response

    original = SESV2Response.get_email_identity

    def get_email_identity(self: SESV2Response) -> str:
        found = json.loads(original(self))
        return json.dumps(found | {"VerifiedForSendingStatus": True})

    SESV2Response.get_email_identity = get_email_identity  # type: ignore[method-assign]
