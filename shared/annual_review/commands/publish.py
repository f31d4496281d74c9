"""`annual-review publish`: run the publication steps by hand, exactly as their schedules do.

annual-review publish --year 2019-20 [--step freeze|letters|release|all]
                      [--revise "reason"] [--force "reason"] [--stack NAME] [--endpoint-url URL]
annual-review publish build-registry --reference DIR [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
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
    from annual_review.publication.freeze.case_lists import LedgerMoving
    from annual_review.publication.freeze.snapshot import NothingToRevise
    from annual_review.publication.lease import (
        COMMAND_HOLD,
        StepAlreadyRunning,
        exclusively,
        lease_for,
    )
    from annual_review.publication.letters.letter import NotFrozen
    from annual_review.publication.letters.recipients import RecipientsInvalid
    from annual_review.publication.mail.letters_by_email import CaseListsUnavailable
    from annual_review.publication.release import Embargoed, Held, LettersNotReady, NotScheduled
    from annual_review.publication.steps import StepRequest, run_step
    from annual_review.wiring.aws_adapters import aws_adapters, aws_leases

    holder = f"annual-review publish on {socket.gethostname()} (pid {os.getpid()})"
    for step in STEPS if args.step == "all" else (args.step,):
        # Each step with the settings its deployed function has, as its schedule would run it.
        connected = connect(args, FUNCTION_OF_STEP[step])
        settings = connected.settings
        adapters = aws_adapters(settings, connected.clients)
        leases = aws_leases(settings, connected.clients)
        moment = settings.now()
        request = StepRequest(step=step, year=args.year, revise=args.revise, force=args.force)
        # The same lease as the scheduled functions: never two steps at once.
        lease = lease_for(step, request.financial_year(moment).label, holder, moment, COMMAND_HOLD)
        try:
            with exclusively(leases, lease):
                result = run_step(request, adapters, settings, moment)
        except (
            NotFrozen,
            LettersNotReady,
            Embargoed,
            Held,
            NotScheduled,
            LedgerMoving,
            CaseListsUnavailable,
            RecipientsInvalid,
            StepAlreadyRunning,
            NothingToRevise,
        ) as error:
            print(f"annual-review publish {step}: {error}", file=sys.stderr)
            return 1
        print(json.dumps({"step": step} | result.model_dump(mode="json"), sort_keys=True))
    return 0
