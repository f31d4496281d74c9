"""Lambda's synchronous Invoke, acted out: moto cannot run function code without Docker, so an
Invoke of one of the stack's functions runs its real handler here, as Lambda would run it.

The function's code comes from the template (``CodeUri``/``Handler``) as a fresh module (a cold
start); its environment is the one deployed (``GetFunctionConfiguration``'s variables, so a
changed setting is honoured), plus what Lambda's runtime and the local endpoint add. An error
raised by the handler comes back as Lambda reports one: status 200, header
``X-Amz-Function-Error: Unhandled`` and ``{"errorMessage", "errorType"}`` as the payload
(https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). Each invocation runs in a
fresh ``contextvars`` context, so whatever records a command's calls does not see the
function's (they are made with the function's role, not the operator's).

``handlers_invoked_in_process(stack)`` does this for moto in this process (the tests);
the local server does it with ``invoke_in_child`` (a child process per invocation, since the
handler's own requests must reach the server while the Invoke request waits).
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from moto.awslambda.models import LambdaBackend

from annual_review_tools.local.execution import (
    LOCAL_OVERRIDES,
    FakeLambdaContext,
    environment,
    load_function,
)
from annual_review_tools.local.stack import PROJECT_ROOT, LocalStack, load_template

# A local run or test acting out a date passes it on to the functions it invokes.
PASSED_ON = ("CLOCK",)


def run_handler(
    stack: LocalStack, logical_id: str, variables: Mapping[str, str], body: bytes
) -> tuple[bytes, bool]:
    """The handler's result as JSON, and whether it raised (its error as Lambda reports it)."""
    function = load_function(stack, logical_id)
    event = json.loads(body or b"{}")
    with environment(dict(variables)):
        try:
            result = function.handler(event, function.context())
        except Exception as error:
            failure = {"errorMessage": str(error), "errorType": type(error).__name__}
            return json.dumps(failure).encode(), True
    return json.dumps(result).encode(), False


def deployed_environment(stack: LocalStack, deployed: Mapping[str, str]) -> dict[str, str]:
    passed = {name: os.environ[name] for name in PASSED_ON if name in os.environ}
    return dict(deployed) | LOCAL_OVERRIDES | stack.function_overrides | passed


@contextlib.contextmanager
def handlers_invoked_in_process(stack: LocalStack) -> Iterator[None]:
    """While the block runs, moto's Invoke of the stack's functions runs their handlers."""
    original = LambdaBackend.invoke

    def invoke(
        self: LambdaBackend,
        function_name: str,
        qualifier: str | None,
        body: Any,
        headers: Any,
        response_headers: Any,
    ) -> str | bytes | None:
        logical_id = stack.logical_id_of_function(function_name)
        if logical_id is None:
            return original(self, function_name, qualifier, body, headers, response_headers)
        deployed = self.get_function(function_name, qualifier).environment_vars
        variables = deployed_environment(stack, deployed)
        payload, failed = contextvars.Context().run(run_handler, stack, logical_id, variables, body)
        if failed:
            response_headers["x-amz-function-error"] = "Unhandled"
        return payload

    LambdaBackend.invoke = invoke  # type: ignore[method-assign]
    try:
        yield
    finally:
        LambdaBackend.invoke = original  # type: ignore[method-assign]


# ------------------------------------------------------------------ the local server's way


def logical_id_of(function_name: str) -> str:
    """``annual-review-local-FreezeFunction-IQ041NF71FGH`` → ``FreezeFunction`` (CloudFormation
    names a function ``<stack>-<logical id>-<suffix>``)."""
    return unquote(function_name).rsplit(":", 1)[-1].rsplit("-", 2)[-2]


def invoke_in_child(
    logical_id: str, variables: Mapping[str, str], body: bytes
) -> tuple[bytes, bool]:
    """Run the handler in a child process with exactly ``variables`` as its environment (and
    ``PATH``); its requests reach the server like any client's."""
    with tempfile.TemporaryDirectory() as folder:
        answer = Path(folder) / "answer.json"
        subprocess.run(  # noqa: S603 - this interpreter, this module, a logical id of ours
            [sys.executable, "-m", "annual_review_tools.local.invoke", logical_id, str(answer)],
            input=body,
            env={"PATH": os.environ.get("PATH", "")} | dict(variables),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=900,
            check=False,
        )
        if not answer.exists():
            failure = {"errorMessage": "the function's process ended without an answer",
                       "errorType": "Runtime.ExitError"}  # fmt: skip
            return json.dumps(failure).encode(), True
        kept = json.loads(answer.read_text())
    return kept["payload"].encode(), bool(kept["failed"])


def _child_main(logical_id: str, answer: Path) -> None:
    """In the child: the function's module from the template, its handler on stdin's event."""
    properties = load_template()["Resources"][logical_id]["Properties"]
    module_name, _, handler_name = str(properties["Handler"]).rpartition(".")
    path = PROJECT_ROOT / str(properties["CodeUri"]) / f"{module_name.replace('.', '/')}.py"
    spec = importlib.util.spec_from_file_location(f"lambda_{logical_id}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    context = FakeLambdaContext(logical_id, int(properties.get("MemorySize", 512)),
                                int(properties.get("Timeout", 30)))  # fmt: skip
    try:
        result = getattr(module, handler_name)(json.loads(sys.stdin.read() or "{}"), context)
        kept = {"payload": json.dumps(result), "failed": False}
    except Exception as error:
        failure = {"errorMessage": str(error), "errorType": type(error).__name__}
        kept = {"payload": json.dumps(failure), "failed": True}
    answer.write_text(json.dumps(kept))


if __name__ == "__main__":
    _child_main(sys.argv[1], Path(sys.argv[2]))
