"""`annual-review bench` (`make bench`): one run, one table, written to BENCHMARKS.md."""

from __future__ import annotations

import argparse
import contextlib
import io
import time
from pathlib import Path
from typing import Any

from annual_review_tools import benchmark, cold_imports, footprint, page_measures

KINGSTON = "Royal Borough of Kingston upon Thames"  # the council page Lighthouse measures


def register(groups: Any) -> None:
    parser = groups.add_parser(
        "bench", help="count AWS requests per event, time publication and the local year"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="local year's volume (default 1)")
    parser.add_argument(
        "--volumes",
        default="1000,10000",
        help="events in the year for the publication timings (default 1000,10000)",
    )
    parser.add_argument(
        "--learning-scale",
        type=float,
        default=0.05,
        help="volume of the learning history for the weekly publication's timing (default 0.05)",
    )
    parser.add_argument("--out", type=Path, default=Path("BENCHMARKS.md"))
    parser.add_argument("--no-lighthouse", action="store_true", help="skip the Lighthouse section")
    parser.add_argument(
        "--lighthouse-runs", type=int, default=2, help="Lighthouse runs per page (best kept)"
    )
    parser.add_argument(
        "--freeze-only",
        action="store_true",
        help="only the freeze's reads with 1, 5 and 10 years of history (printed, not written)",
    )
    parser.set_defaults(run=run)


def _quietly(step: Any, *args: Any) -> Any:
    """The handlers log every event to stdout; the benchmark shows only its tables."""
    with contextlib.redirect_stdout(io.StringIO()):
        return step(*args)


def _freeze_history() -> tuple[str, list[str]]:
    from annual_review_tools import freeze_bench

    return (
        "The freeze's reads by years of history, at ten times today's volume (read units as"
        " DynamoDB bills them, from the items' sizes; seconds in moto at today's volume, the"
        " year's items loaded in bulk, not through ingestion: see freeze_bench.py; target"
        " year-10 over year-1 at most 1.2)",
        freeze_bench.format_freeze_history(_quietly(freeze_bench.freeze_history)),
    )


def run(args: argparse.Namespace) -> int:
    from annual_review_tools.commands.local import DEFAULT_YEARS

    started = time.perf_counter()
    sections: list[tuple[str, list[str]]] = []
    freeze_section = _freeze_history()
    if args.freeze_only:
        print("\n".join([f"## {freeze_section[0]}", "", *freeze_section[1]]))
        return 0
    sections.append(freeze_section)
    rows = _quietly(benchmark.ingestion_requests)
    sections.append(
        (
            "DynamoDB requests per event, by kind (ingestion handler)",
            benchmark.format_ingestion(rows),
        )
    )
    sections.append(
        (
            "Cold import of each handler, against `import boto3` alone (target <= 2.0)",
            cold_imports.format_imports(cold_imports.import_ratios()),
        )
    )
    volumes = tuple(int(v) for v in args.volumes.split(","))
    timings = _quietly(benchmark.publication_scaling, volumes)
    sections.append(
        (
            "Publication of a year for every council, by events in the year (target ratio about 1)",
            benchmark.format_publication(timings),
        )
    )
    from annual_review_tools import letters_bench

    sections.append(
        (
            "The letters step on letters day: 350 and 1,500 councils at 14 and 1 recipients a"
            " second (fake clock; carried on across invocations)",
            letters_bench.format_letters(letters_bench.letters_times()),
        )
    )
    from annual_review_tools import learning_bench

    sections.append(
        (
            "The weekly learning publication: one week of changes over 1 and over 3 years of"
            " history (target ratio about 1)",
            learning_bench.format_learning_week(
                _quietly(learning_bench.learning_week, args.learning_scale)
            ),
        )
    )
    out_dir = Path("out/bench")
    # What a newcomer runs: `make install` and `make run` on a fresh clone, timed from outside.
    fresh = footprint.fresh_clone_make_run(
        out_dir, "" if args.scale == 1.0 else f"--scale {args.scale}"
    )
    sections.append(
        (
            f"The default local run (`make run`: {DEFAULT_YEARS}, scale {args.scale}) by stage"
            " (target: make run from a fresh clone, installation included, <= 240 s;"
            " ingestion >= 500 events/s)",
            benchmark.format_local_run(fresh.summary, fresh.install_seconds, fresh.run_seconds),
        )
    )
    sections.append(
        (
            "The home page: bytes transferred with one year's data",
            page_measures.page_weight(out_dir / "public", "2019-20"),
        )
    )
    sections.append(
        (
            "What ships and what sets up: the Lambda layer (`sam build`) and `make install`",
            footprint.format_footprint(footprint.layer_size(), fresh.install_seconds),
        )
    )
    if not args.no_lighthouse:
        from annual_review.site.slugs import slugify

        sections.append(
            (
                "Lighthouse: the home page and a council page",
                page_measures.lighthouse_scores(
                    out_dir / "public",
                    [
                        ("home", "/"),
                        (
                            "council",
                            f"/councils/{slugify('Royal Borough of Kingston upon Thames')}/",
                        ),
                    ],
                    runs=args.lighthouse_runs,
                ),
            )
        )
    text = [
        "# Benchmarks",
        "",
        f"Measured in one run of `make bench` on {benchmark.machine()};"
        f" the run took {time.perf_counter() - started:.0f} s. Counts and ratios are what matter:"
        " seconds depend on the machine (and moto stands in for AWS).",
    ]
    for title, lines in sections:
        text += ["", f"## {title}", "", *lines]
    args.out.write_text("\n".join(text) + "\n")
    print("\n".join(text))
    return 0
