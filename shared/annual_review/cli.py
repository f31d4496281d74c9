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

# Command groups, in the order `annual-review --help` lists them.
COMMAND_MODULES = ("local", "publish", "ops", "verify", "bench")


def add_endpoint_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint-url",
        default=None,
        help="AWS endpoint (a local moto server); default: AWS_ENDPOINT_URL or AWS itself",
    )


def apply_endpoint(args: argparse.Namespace) -> None:
    """Point every client at ``--endpoint-url`` before any is made."""
    from annual_review.adapters import clients

    if getattr(args, "endpoint_url", None):
        os.environ["AWS_ENDPOINT_URL"] = args.endpoint_url
        clients.reset()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="annual-review", description=__doc__.splitlines()[0])
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"annual_review.commands.{name}")
        module.register(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    apply_endpoint(args)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
