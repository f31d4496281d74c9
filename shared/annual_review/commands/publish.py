"""`annual-review publish`: run the publication steps by hand, exactly as their schedules do: by
invoking each step's deployed function.

annual-review publish --year 2019-20 [--step freeze|letters|release|all]
                      [--revise "reason"] [--force "reason"] [--stack NAME] [--endpoint-url URL]
annual-review publish build-registry --reference DIR [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from annual_review.commands.cli import add_stack_options, connect

STEPS = ("freeze", "letters", "release")
FUNCTION_OF_STEP = {
    "freeze": "FreezeFunction",
    "letters": "LettersFunction",
    "release": "ReleaseFunction",
}


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
    """Each step invoked in its deployed function (synchronously), with the payload its schedule
    sends plus the options given: the function's settings, role and conditions (sending email
    only from the sender address), and the same publication lease as a scheduled run."""
    from annual_review.adapters.invoker import FunctionFailed, FunctionInvoker
    from annual_review.publication.steps import StepRequest

    for step in STEPS if args.step == "all" else (args.step,):
        request = StepRequest(step=step, year=args.year, revise=args.revise, force=args.force)
        connected = connect(args, FUNCTION_OF_STEP[step])
        function = FunctionInvoker(
            connected.stack.physical(FUNCTION_OF_STEP[step]), connected.clients
        )
        try:
            result = function.invoke(request.model_dump(mode="json", exclude_none=True))
        except FunctionFailed as error:
            print(f"annual-review publish {step}: {error.message}", file=sys.stderr)
            return 1
        print(json.dumps({"step": step} | result, sort_keys=True))
    return 0
