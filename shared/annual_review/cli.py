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
from importlib.util import find_spec

# Command groups, in the order `annual-review --help` lists them.
COMMAND_MODULES = (
    "annual_review.commands.publish",
    "annual_review.commands.ops",  # quarantine, redrive
    "annual_review.commands.verify",
    "annual_review.commands.calendar",  # release calendar: show, set, hold
    "annual_review.commands.recipients",  # who receives the letters
    "annual_review.commands.letters",  # email deliveries: list, resend
)
# The local stack and benchmarks: only where the tools and their extra (moto) are installed,
# as with `pip install 'annual-review[local]'` or `make install`.
TOOL_MODULES = ("annual_review_tools.commands.local", "annual_review_tools.commands.bench")


def add_endpoint_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint-url",
        default=None,
        help="AWS endpoint (a local moto server); default: AWS_ENDPOINT_URL or AWS itself",
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


def apply_endpoint(args: argparse.Namespace) -> None:
    """Point every client at ``--endpoint-url``, and settings at ``--stack``'s resources."""
    from annual_review.adapters import clients
    from annual_review.adapters.deployment import stack_environment
    from annual_review.settings import get_settings

    if getattr(args, "endpoint_url", None):
        os.environ["AWS_ENDPOINT_URL"] = args.endpoint_url
        clients.reset()
    if getattr(args, "stack", None):
        os.environ.update(stack_environment(args.stack))
        get_settings.cache_clear()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="annual-review", description=__doc__.splitlines()[0])
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")
    tools_installed = all(find_spec(name) for name in ("annual_review_tools", "moto"))
    for name in (*TOOL_MODULES, *COMMAND_MODULES) if tools_installed else COMMAND_MODULES:
        importlib.import_module(name).register(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    apply_endpoint(args)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
