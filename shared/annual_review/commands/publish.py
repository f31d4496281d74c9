"""`annual-review publish`: run the publication steps by hand, exactly as their schedules do.

annual-review publish --year 2019-20 [--step freeze|letters|release|all]
                      [--revise "reason"] [--force "reason"] [--stack NAME] [--endpoint-url URL]
annual-review publish build-registry --reference DIR [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from annual_review.cli import add_stack_options

STEPS = ("freeze", "letters", "release")


def register(groups: Any) -> None:
    parser = groups.add_parser(
        "publish",
        help="freeze a year, write the letters, release the data (as the schedules do)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--year", help="financial year such as 2019-20 (default: the last ended)")
    parser.add_argument("--step", choices=[*STEPS, "all"], default="all")
    parser.add_argument("--revise", metavar="REASON", help="freeze a new revision, for this reason")
    parser.add_argument(
        "--force",
        metavar="REASON",
        help="release before the release date, or (with --revise) revise figures that have not"
        " changed, for this reason",
    )
    add_stack_options(parser)
    parser.set_defaults(run=run_steps)


def run_steps(args: argparse.Namespace) -> int:
    from annual_review.publication.letters import NotFrozen
    from annual_review.publication.release import Embargoed, LettersNotReady
    from annual_review.publication.snapshot import NothingToRevise
    from annual_review.publication.steps import StepRequest, run_step
    from annual_review.publication.wiring import aws_adapters
    from annual_review.settings import get_settings, now

    settings = get_settings()
    adapters = aws_adapters(settings)
    moment = now()
    for step in STEPS if args.step == "all" else (args.step,):
        request = StepRequest(step=step, year=args.year, revise=args.revise, force=args.force)
        try:
            result = run_step(request, adapters, settings, moment)
        except (NotFrozen, LettersNotReady, Embargoed, NothingToRevise) as error:
            print(f"annual-review publish {step}: {error}", file=sys.stderr)
            return 1
        print(json.dumps({"step": step} | result.model_dump(mode="json"), sort_keys=True))
    return 0
