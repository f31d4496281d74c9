"""The ``annual-review`` command: operations, publication and the local stack.

Each group of commands lives in ``annual_review.commands.<group>`` and registers itself here.
Commands that talk to AWS take ``--endpoint-url`` (or ``AWS_ENDPOINT_URL``) so they work
against the local moto stack exactly as against AWS.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib.util import find_spec
from typing import TYPE_CHECKING

from botocore.exceptions import NoCredentialsError, NoRegionError

from annual_review.adapters.clients import AwsClients

if TYPE_CHECKING:
    from annual_review.adapters.deployment import DeployedStack
    from annual_review.settings import Settings

# Command groups, in the order `annual-review --help` lists them.
COMMAND_MODULES = (
    "annual_review.commands.send",
    "annual_review.commands.status",
    "annual_review.commands.publish",
    "annual_review.commands.ops",  # quarantine, redrive
    "annual_review.commands.verify",
    "annual_review.commands.calendar",  # release calendar: show, set, hold
    "annual_review.commands.recipients",  # who receives the letters
    "annual_review.commands.letters",  # email deliveries: list, resend
    "annual_review.commands.registry",  # registry validate, upload
    "annual_review.commands.site",  # the site's notes: series breaks
    "annual_review.commands.provisional",  # provisional figures each quarter: announce
    "annual_review.commands.learning",  # learning publish, takedown
    "annual_review.commands.recovery",  # replay, rebuild aggregates, smoke
)
# The local stack and benchmarks: only where the tools and their extra (moto) are installed,
# as with `pip install 'annual-review[local]'` or `make install`.
TOOL_MODULES = ("annual_review_tools.commands.local", "annual_review_tools.commands.bench")
TOOL_GROUPS = ("local", "bench")


def add_endpoint_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint-url",
        default=None,
        help="AWS endpoint (a local moto server); default: AWS_ENDPOINT_URL or AWS itself",
    )
    parser.add_argument(
        "--region", default=None, help="AWS region (default: AWS_REGION or the AWS config)"
    )


def add_stack_options(parser: argparse.ArgumentParser) -> None:
    """``--stack`` (the deployed stack's name) and ``--endpoint-url``, for commands on a stack."""
    add_endpoint_option(parser)
    parser.add_argument(
        "--stack",
        default=os.environ.get("ANNUAL_REVIEW_STACK", "annual-review"),
        help="the deployed stack (default: ANNUAL_REVIEW_STACK or 'annual-review'; "
        "the local stack is 'annual-review-local')",
    )


@dataclass(frozen=True)
class Connected:
    """What a command on a deployed stack works with: the stack, its function's settings, and
    clients for where it lives. Built here, at the edge, and passed down."""

    stack: DeployedStack
    settings: Settings
    clients: AwsClients


def connect(args: argparse.Namespace, function: str = "IngestFunction") -> Connected:
    """The stack named by ``--stack``, with the settings ``function`` is deployed with."""
    from annual_review.adapters.deployment import StackNotFound, describe_stack, function_settings

    endpoint = args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
    clients = AwsClients(endpoint_url=endpoint, region=args.region)
    try:
        stack = describe_stack(args.stack, clients)
        settings = function_settings(stack, function, clients)
    except (StackNotFound, NoRegionError, NoCredentialsError) as error:
        raise SystemExit(f"annual-review: {error}") from None
    if clock := os.environ.get("CLOCK"):
        # A local run or a test acting out a date (never set on AWS), as the functions honour it.
        settings = settings.model_copy(update={"clock": datetime.fromisoformat(clock)})
    return Connected(stack, settings, clients)


def build_parser(group: str | None = None) -> argparse.ArgumentParser:
    """The whole CLI; given the command ``group`` about to run, a command on a deployed stack
    does not import the local stack's tools (moto, the SAM translator: seconds of imports)."""
    parser = argparse.ArgumentParser(prog="annual-review", description=__doc__.splitlines()[0])
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")
    tools_installed = all(find_spec(name) for name in ("annual_review_tools", "moto"))
    tools_wanted = group is None or group in TOOL_GROUPS or group.startswith("-")
    modules = (*TOOL_MODULES, *COMMAND_MODULES) if tools_installed and tools_wanted else ()
    for name in modules or COMMAND_MODULES:
        importlib.import_module(name).register(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(given[0] if given else None).parse_args(given)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
