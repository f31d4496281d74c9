"""An execution environment for one function of the template, in this process.

What the Lambda service gives a function, acted out: its code loaded from the template's
``CodeUri`` and ``Handler`` as a fresh module (a cold start: nothing cached from another run),
its environment from the template, a context object, and somewhere for its logs to go (the
equivalent of its CloudWatch log group: a file under ``out/logs``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import IO, Any

from aws_lambda_powertools import Logger

from annual_review_tools.local.server import REGION
from annual_review_tools.local.stack import PROJECT_ROOT, LocalStack

Handler = Callable[[dict[str, Any], Any], Any]
# What the Lambda runtime adds to a function's environment (its region); no X-Ray daemon
# locally, so tracing is switched off; everything else is as the template says.
LOCAL_OVERRIDES = {
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
    "POWERTOOLS_TRACE_DISABLED": "true",
}


@dataclass(frozen=True)
class FakeLambdaContext:
    """The attributes of the Lambda context object that handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:123456789012:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return self.timeout_seconds * 1000


class FunctionNotBuilt(Exception):
    """The template names a function whose code is not in the repository yet."""


@dataclass
class Function:
    """A function loaded from the template: its handler, environment and a context per call."""

    logical_id: str
    module: ModuleType
    handler: Handler
    environment: dict[str, str]
    memory_mb: int
    timeout_seconds: int

    def context(self) -> FakeLambdaContext:
        return FakeLambdaContext(self.logical_id, self.memory_mb, self.timeout_seconds)

    def loggers(self) -> list[Logger]:
        return [value for value in vars(self.module).values() if isinstance(value, Logger)]


@contextlib.contextmanager
def environment(variables: Mapping[str, str]) -> Iterator[None]:
    """A function's environment variables for the block (as Lambda sets them), then restored."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _code_path(stack: LocalStack, logical_id: str) -> tuple[Path, str]:
    properties = stack.template["Resources"][logical_id]["Properties"]
    module_name, _, handler_name = str(properties["Handler"]).rpartition(".")
    path = PROJECT_ROOT / str(properties["CodeUri"]) / f"{module_name.replace('.', '/')}.py"
    return path, handler_name


def _function(stack: LocalStack, logical_id: str, module: ModuleType) -> Function:
    globals_ = stack.template["Globals"]["Function"]
    properties = stack.template["Resources"][logical_id]["Properties"]
    _, handler_name = _code_path(stack, logical_id)
    return Function(
        logical_id=logical_id,
        module=module,
        handler=getattr(module, handler_name),
        environment=function_environment(stack, logical_id),
        memory_mb=int(properties.get("MemorySize", globals_.get("MemorySize", 128))),
        timeout_seconds=int(properties.get("Timeout", globals_.get("Timeout", 3))),
    )


def function_environment(stack: LocalStack, logical_id: str) -> dict[str, str]:
    """The variables Lambda gives the function: the template's, the runtime's, the endpoint's."""
    return stack.function_settings(logical_id) | LOCAL_OVERRIDES | stack.function_overrides


def load_function(stack: LocalStack, logical_id: str) -> Function:
    """Import the function's handler the way the Lambda runtime does, as a fresh module."""
    path, _ = _code_path(stack, logical_id)
    if not path.is_file():
        raise FunctionNotBuilt(f"{logical_id}: {path.relative_to(PROJECT_ROOT)} does not exist yet")
    spec = importlib.util.spec_from_file_location(f"lambda_{logical_id}_{path.stem}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # The module reads its environment when imported (Powertools service name, log level).
    with environment(function_environment(stack, logical_id)):
        spec.loader.exec_module(module)
    return _function(stack, logical_id, module)


def imported_function(stack: LocalStack, logical_id: str, module: ModuleType) -> Function:
    """A function of the template whose handler module is already imported (as in the tests)."""
    return _function(stack, logical_id, module)


@contextlib.contextmanager
def logs_to(function: Function, stream: IO[str]) -> Iterator[None]:
    """Send the function's log lines, metric lines (EMF, printed) and stderr to ``stream``."""
    handlers = [
        handler
        for logger in function.loggers()
        if isinstance(handler := logger.registered_handler, logging.StreamHandler)
    ]
    previous = [handler.setStream(stream) for handler in handlers]
    try:
        with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
            yield
    finally:
        for handler, old in zip(handlers, previous, strict=True):
            if old is not None:
                handler.setStream(old)


def log_path(out_dir: Path, function: Function) -> Path:
    path = out_dir / "logs" / f"{function.logical_id}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
