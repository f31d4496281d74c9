"""`annual-review publish` commands (being built)."""

from __future__ import annotations

import argparse
from typing import Any


def register(groups: Any) -> None:
    parser = groups.add_parser("publish", help="(being built)")
    parser.set_defaults(run=_not_yet)


def _not_yet(args: argparse.Namespace) -> int:
    raise SystemExit("annual-review publish: not built yet")
