"""`annual-review registry validate FILE` and `registry upload FILE`: the council registry.

validate checks a registry file as the service reads it (codes, types and comparison groups,
dates of existence, populations per year, lineage) and names every problem by line, field and
value; upload checks it the same way, then puts it in the private bucket as the registry in force
(``registry/councils.csv``) and records its version (SHA-256, time, S3 version id) in
``registry/versions.json``. Each freeze records the version it used in its data-quality report.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from annual_review.commands.cli import add_stack_options, connect
from annual_review.registry.file_check import RegistryCheck, check_registry

SHOWN_PROBLEMS = 50


def register(groups: Any) -> None:
    registry = groups.add_parser(
        "registry",
        help="check or upload the council registry",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = registry.add_subparsers(dest="action", required=True, metavar="ACTION")
    validate = actions.add_parser("validate", help="check a registry file; exit 1 on problems")
    validate.add_argument("file", type=Path, help="the registry CSV file")
    validate.add_argument("--json", action="store_true", help="the problems as JSON")
    validate.set_defaults(run=run_validate)

    upload = actions.add_parser(
        "upload", help="check a registry file and make it the registry in force"
    )
    upload.add_argument("file", type=Path, help="the registry CSV file")
    add_stack_options(upload)
    upload.set_defaults(run=run_upload)


def _check(path: Path) -> RegistryCheck:
    if not path.is_file():
        raise SystemExit(f"annual-review registry: {path}: no such file")
    return check_registry(path.read_bytes())


def _print_problems(path: Path, check: RegistryCheck) -> None:
    for problem in check.problems[:SHOWN_PROBLEMS]:
        print(f"{path}: {problem}")
    if len(check.problems) > SHOWN_PROBLEMS:
        print(f"... and {len(check.problems) - SHOWN_PROBLEMS} more")
    print(f"{path}: {len(check.problems)} problem(s)")


def run_validate(args: argparse.Namespace) -> int:
    check = _check(args.file)
    if args.json:
        print(
            json.dumps(
                {
                    "file": str(args.file),
                    "sha256": check.sha256,
                    "councils": len(check.registry.councils) if check.registry else None,
                    "problems": [{"line": p.line, "message": p.message} for p in check.problems],
                },
                sort_keys=True,
            )
        )
    elif check.ok:
        assert check.registry is not None
        print(
            f"{args.file}: valid, {len(check.registry.councils)} councils "
            f"(sha256 {check.sha256[:12]})"
        )
    else:
        _print_problems(args.file, check)
    return 0 if check.ok else 1


def run_upload(args: argparse.Namespace) -> int:
    from annual_review.adapters.reference_data import RegistryUploads

    check = _check(args.file)
    if not check.ok:
        _print_problems(args.file, check)
        print("not uploaded")
        return 1
    assert check.registry is not None
    connected = connect(args, "FreezeFunction")
    settings = connected.settings
    uploads = RegistryUploads(settings.private_bucket, connected.clients.s3)
    record = uploads.upload(
        args.file.read_bytes(),
        check.sha256,
        settings.now().isoformat(timespec="seconds"),
        len(check.registry.councils),
    )
    print(
        f"uploaded {args.file} to s3://{settings.private_bucket}/registry/councils.csv: "
        f"{record['councils']} councils, version sha256 {check.sha256[:12]}"
        + (f", S3 version {record['s3_version_id']}" if record["s3_version_id"] else "")
    )
    return 0
