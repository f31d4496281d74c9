"""Running a deployed function and waiting for its result (Lambda's synchronous Invoke), so an
operator's `publish` runs each step with the function's own settings, role and conditions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from botocore.config import Config

from annual_review.adapters.clients import AwsClients

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

# A publication function may run for up to its timeout (300 s; Lambda's maximum is 900 s): the
# client waits that long for the answer, and never retries, which would run the step twice.
_WAIT_FOR_THE_FUNCTION = Config(read_timeout=905, retries={"total_max_attempts": 1})


class FunctionFailed(Exception):
    """The function raised: its error type and message, as Lambda reports them."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message


class FunctionInvoker:
    def __init__(self, function_name: str, clients: AwsClients) -> None:
        self.function_name = function_name
        self._client: LambdaClient = clients.session.client(
            "lambda",
            endpoint_url=clients.endpoint_url,
            config=clients.config.merge(_WAIT_FOR_THE_FUNCTION),
        )

    def invoke(self, payload: dict[str, Any]) -> dict[str, Any]:
        response = self._client.invoke(
            FunctionName=self.function_name,
            InvocationType="RequestResponse",
            Payload=json.dumps(payload).encode(),
        )
        answer = json.loads(response["Payload"].read() or b"null")
        if response.get("FunctionError"):
            raise FunctionFailed(
                str(answer.get("errorType", "")), str(answer.get("errorMessage", ""))
            )
        result: dict[str, Any] = answer
        return result
