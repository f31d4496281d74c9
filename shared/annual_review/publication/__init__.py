"""The annual publication: freeze a year, write a letter to every council, release the data.

Pure domain code over small interfaces (``ports``); ``wiring`` supplies the AWS adapters.
"""

from annual_review.publication.steps import (
    Adapters,
    StepRequest,
    YearResult,
    run_freeze,
    run_letters,
    run_release,
    run_year,
)

__all__ = [
    "Adapters",
    "StepRequest",
    "YearResult",
    "run_freeze",
    "run_letters",
    "run_release",
    "run_year",
]
