"""A function invoking itself again, asynchronously: the letters step carrying on in a new
invocation when its time runs short (Lambda ``Invoke`` with ``InvocationType=Event``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient


class LambdaContinuation:
    def __init__(self, lambda_: Callable[[], LambdaClient]) -> None:
        self._lambda = lambda_

    def invoke_again(self, function_arn: str, payload: dict[str, Any]) -> None:
        self._lambda().invoke(
            FunctionName=function_arn,
            InvocationType="Event",
            Payload=json.dumps(payload).encode("utf-8"),
        )
