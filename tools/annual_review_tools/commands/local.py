"""`annual-review local run`: template.yaml deployed into a local moto server, a year replayed."""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
from pathlib import Path
from typing import Any

from annual_review.fiscal import year_range
from annual_review_tools.local.background import BackgroundIngestion
from annual_review_tools.local.cdn import handler_with_policy
from annual_review_tools.local.chaos import run_chaos
from annual_review_tools.local.faults import FaultPlan
from annual_review_tools.local.harness import RunOptions, RunResult, run_on
from annual_review_tools.local.server import LocalServer
from annual_review_tools.local.stack import PROJECT_ROOT

PACKAGED_REGISTRY = PROJECT_ROOT / "shared" / "annual_review" / "data" / "councils.csv"
DEFAULT_YEARS = "2019-20..2021-22"  # both the Buckinghamshire and Northamptonshire changes
DEFAULT_YEAR = "2019-20"  # chaos: the year of the model letter
CHAOS_SCALE = 0.25
# Content types the map page and its data need (http.server guesses some of them wrong).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
}


def register(groups: Any) -> None:
    local = groups.add_parser("local", help="run the whole system on this machine (moto)")
    commands = local.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "run",
        help="deploy template.yaml into a local moto server and replay a year end to end",
        description=__doc__,
    )
    years = run.add_mutually_exclusive_group()
    years.add_argument("--year", help="one financial year to replay and publish, e.g. 2019-20")
    years.add_argument(
        "--years", help=f"a range of years to replay and publish (default {DEFAULT_YEARS})"
    )
    run.add_argument("--events", type=Path, help="replay this file (one PutEvents entry a line)")
    run.add_argument("--seed", type=int, default=2020, help="seed of the synthetic year")
    run.add_argument("--scale", type=float, default=1.0, help="multiply the synthetic volumes")
    run.add_argument("--out", type=Path, default=Path("out"), help="where to write (default out/)")
    run.add_argument(
        "--serve",
        action="store_true",
        help="keep the stack up (ingestion keeps draining the queue) and serve out/public on a "
        "local web server until Ctrl-C",
    )
    run.set_defaults(run=_run)

    chaos = commands.add_parser(
        "chaos",
        help="replay a seeded year while injecting production's faults, then prove the figures",
    )
    chaos.add_argument("--year", default=DEFAULT_YEAR, help=f"default {DEFAULT_YEAR}")
    chaos.add_argument("--seed", type=int, default=2020, help="seed of the synthetic year")
    chaos.add_argument("--fault-seed", type=int, default=13, help="seed of the injected faults")
    chaos.add_argument(
        "--scale", type=float, default=CHAOS_SCALE, help="multiply the synthetic volumes"
    )
    chaos.add_argument("--out", type=Path, default=Path("out/chaos"), help="default out/chaos")
    chaos.add_argument(
        "--letters-day",
        action="store_true",
        help="act out a letters day under SES's faults (quota, throttles, a refusal, deaths, a "
        "duplicate delivery, a moved release), then prove one email per council and message "
        "(default --scale 0.05)",
    )
    chaos.set_defaults(run=_chaos)

    build = commands.add_parser(
        "build-registry", help="regenerate the packaged council registry from the reference data"
    )
    build.add_argument("--reference", type=Path, required=True, help="the reference data folder")
    build.add_argument("--out", type=Path, default=PACKAGED_REGISTRY)
    build.set_defaults(run=_build_registry)

    moto_fork = commands.add_parser(
        "moto-fingerprints",
        help="for the installed moto, which functions the local moto fork replaces have changed",
    )
    moto_fork.set_defaults(run=_moto_fingerprints)


def _moto_fingerprints(args: argparse.Namespace) -> int:
    from annual_review_tools.local.moto_fork.fingerprints import report

    text, changed = report()
    print(text)
    return 1 if changed else 0


def _build_registry(args: argparse.Namespace) -> int:
    from annual_review.registry.councils import parse_registry
    from annual_review_tools.registry_builder import build_registry_csv

    text = build_registry_csv(args.reference)
    councils = len(parse_registry(text).councils)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {councils} councils to {args.out}", file=sys.stderr)
    return 0


def _letters_day(args: argparse.Namespace) -> int:
    from annual_review.fiscal import FinancialYear
    from annual_review_tools.local.letters_day import run_letters_day

    scale = args.scale if args.scale != CHAOS_SCALE else 0.05  # the letters, not the events
    report = run_letters_day(FinancialYear.parse(args.year), args.out, seed=args.seed, scale=scale)
    for step in report.steps:
        print(f"step     {step}")
    for line in report.table():
        print(f"outcome  {line}")
    print(
        f"mail     {report.exported} emails in {args.out / 'mail'}/ for {len(report.councils)} "
        f"councils (two messages each); metrics {dict(report.metrics)}"
    )
    for problem in report.problems:
        print(f"FAILED   {problem}")
    if report.passed:
        print("passed   one email per council and message, none twice, none lost; failures alarmed")
    return 0 if report.passed else 1


def _chaos(args: argparse.Namespace) -> int:
    if args.letters_day:
        return _letters_day(args)
    plan = FaultPlan(seed=args.fault_seed)
    options = RunOptions(
        years=year_range(args.year), out_dir=args.out, seed=args.seed, scale=args.scale, faults=plan
    )
    report = run_chaos(options)
    faults = report.result.faults
    assert faults is not None
    counts = faults.counts
    events = report.result.summary["events"]
    print(
        f"faults   {counts.failed_transactions} transactions failed "
        f"({', '.join(f'{k} {v}' for k, v in sorted(counts.by_kind.items()))}), "
        f"{counts.crashed_invocations} invocations died after committing, "
        f"{counts.failed_put_entries} PutEvents entries reported failed, "
        f"{counts.extra_deliveries} extra deliveries, all shuffled"
    )
    print(
        f"events   sent {events['sent']}: applied {events['applied']}, ignored {events['ignored']},"
        f" quarantined {events['quarantined']} ({report.quarantine_records} quarantine records),"
        f" rejected by the bus {events['rejected_by_bus']}, unrouted {events['unrouted']}"
    )
    for difference in report.differences[:20]:
        print(f"differs  {difference}")
    for problem in report.problems:
        print(f"FAILED   {problem}")
    if report.passed:
        print("passed   every event accounted for; verify agrees with aggregates and snapshot")
    return 0 if report.passed else 1


def _run(args: argparse.Namespace) -> int:
    try:
        years = year_range(args.years or args.year or DEFAULT_YEARS)
    except ValueError as error:
        raise SystemExit(f"annual-review local run: {error}") from None
    if args.events is not None and not args.events.is_file():
        raise SystemExit(f"annual-review local run: --events {args.events}: no such file")
    options = RunOptions(
        years=years, out_dir=args.out, seed=args.seed, scale=args.scale, events_file=args.events
    )
    with LocalServer() as server:
        result = run_on(server, options)
        _print_summary(result, options, server.url)
        if args.serve:
            assert result.stack is not None
            assert result.aws is not None
            # As on AWS, the ingest queue keeps being drained: send, replay and redrive flow.
            with BackgroundIngestion(result.stack, result.aws, options.out_dir):
                _serve(options.out_dir / "public", server.url)
    return 1 if result.dead_lettered or result.missing or result.publication_failures else 0


def _print_summary(result: RunResult, options: RunOptions, endpoint: str) -> None:
    events = result.summary["events"]
    out = options.out_dir
    print(
        f"events   sent {events['sent']}: applied {events['applied']}, "
        f"ignored {events['ignored']} (duplicate or stale), quarantined {events['quarantined']}, "
        f"rejected by the bus {events['rejected_by_bus']}, unrouted (no rule matches) "
        f"{events['unrouted']}"
    )
    for rejected in result.rejected[:10]:
        print(f"         rejected: {rejected.reason}")
    if result.dead_lettered:
        print(f"         {result.dead_lettered} message(s) still in the dead-letter queue")
    if result.missing:
        print(f"         {result.missing} routed event(s) neither ingested nor dead-lettered")
    print(f"years    {', '.join(result.summary['years'])}")
    print(
        f"councils {result.summary['councils']}, letters {result.summary['letters']}, "
        f"emailed {result.summary['letters_delivered']} ({out / 'mail'}/)"
    )
    for step in result.publication:
        print(f"publish  {step}")
    timings = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in result.stage_seconds.items())
    print(f"time     {timings}; {result.summary['aws_requests']['per_event']} AWS requests/event")
    rates = result.summary["events_per_second"]
    print(
        f"speed    put_events {rates['put_events']:,.0f} events/s, ingest {rates['ingest']:,.0f}"
        f" events/s, both together {rates['put_events_and_ingest']:,.0f} events/s"
    )
    print(
        f"out      {out / 'summary.json'}, {out / 'public'}/, {out / 'private'}/, {out / 'mail'}/, "
        f"{out / 'logs'}/"
    )
    print(f"moto     {endpoint} (AWS_ENDPOINT_URL for the CLI's --endpoint-url while it runs)")


class _PublicFiles(http.server.SimpleHTTPRequestHandler):
    extensions_map = CONTENT_TYPES

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows the run's summary, not every request."""


def _serve(public: Path, endpoint: str) -> None:
    """Serve out/public over HTTP: locally there is no CloudFront in front of the public bucket,
    and moto serves only public objects, so the mirror stands in for the distribution (with the
    response headers its policy in template.yaml adds)."""
    handler = functools.partial(handler_with_policy(_PublicFiles), directory=str(public))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as site:
        host, port = site.server_address[:2]
        url = f"http://{host!s}:{port}/"
        print(
            f"serving  {public}/ at {url} (map page: {url}index.html, data: {url}data/index.json)"
        )
        print(
            f"         moto stays up at {endpoint} and the ingestion poller keeps running: "
            f"annual-review send/status/redrive --stack annual-review-local --endpoint-url "
            f"{endpoint}; Ctrl-C to stop"
        )
        thread = threading.Thread(target=site.serve_forever, daemon=True)
        thread.start()
        try:
            thread.join()
        except KeyboardInterrupt:
            site.shutdown()
