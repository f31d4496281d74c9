"""Checking a council registry file before it is uploaded: every problem, by line, field and value.

The format is the registry module's: each line is read with ``parse_registry`` itself (so the
check follows whatever format version it reads, and says what it says), then the file is checked
as a whole for what one line cannot show: a code given twice, a type with no comparison group or
the wrong group, a successor that is not in the file, a population that is not above zero, no
councils at all. A file with no problems is what ``load_registry`` will accept.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from annual_review.registry.councils import COMPARISON_GROUPS, Registry, parse_registry

_CODE = re.compile(r"^E(0[6-9]|10)\d{6}$")
_LINE = re.compile(r"^registry line (\d+): ")


@dataclass(frozen=True, order=True)
class Problem:
    line: int  # 1 is the header; 0: the file as a whole
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class RegistryCheck:
    problems: list[Problem]
    registry: Registry | None  # when there are no problems
    sha256: str  # of the file's bytes: the registry's version

    @property
    def ok(self) -> bool:
        return not self.problems


def registry_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def check_registry(body: bytes) -> RegistryCheck:
    digest = registry_sha256(body)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        return RegistryCheck([Problem(0, f"not UTF-8 text ({error})")], None, digest)
    header, rows = _rows(text)
    problems: list[Problem] = []
    try:
        registry: Registry | None = parse_registry(text)
    except ValueError as error:
        registry = None
        problems += _line_problems(header, rows, str(error))
    if registry is not None or rows:
        problems += _file_problems(rows)
    if not rows:
        problems.append(Problem(0, "no councils: the file has no data lines"))
    unique = sorted(set(problems))
    return RegistryCheck(unique, registry if not unique else None, digest)


def _rows(text: str) -> tuple[str, list[tuple[int, str, dict[str, Any]]]]:
    """The header line, and each data row with its line number and its own text."""
    lines = text.splitlines()
    if not lines:
        return "", []
    found = []
    reader = csv.DictReader(io.StringIO(text))
    start = 2
    for row in reader:
        end = reader.line_num
        found.append((start, "\n".join(lines[start - 1 : end]), row))
        start = end + 1
    return lines[0], found


def _line_problems(
    header: str, rows: list[tuple[int, str, dict[str, Any]]], whole_file_error: str
) -> list[Problem]:
    """Each line parsed on its own (with the header), so every bad line is named, not the first."""
    problems = []
    for line, text, _ in rows:
        try:
            parse_registry(f"{header}\n{text}\n")
        except ValueError as error:
            message = _LINE.sub("", str(error))
            if not _LINE.match(str(error)) or "successor" in message:
                continue  # a whole-file check (columns, lineage): reported below
            problems.append(Problem(line, message))
    if not problems:
        # The parser's error is about the file as a whole (columns, lineage across lines).
        match = _LINE.match(whole_file_error)
        line = int(match[1]) if match else 0
        problems.append(Problem(line, _LINE.sub("", whole_file_error).removeprefix("registry: ")))
    return problems


def _file_problems(rows: list[tuple[int, str, dict[str, Any]]]) -> list[Problem]:
    problems = []
    codes = Counter((row.get("code") or "").strip() for _, _, row in rows)
    known = set(codes)
    first_line: dict[str, int] = {}
    for line, _, row in rows:
        code = (row.get("code") or "").strip()
        if codes[code] > 1:
            if code in first_line:
                problems.append(
                    Problem(
                        line, f"code: {code!r} is given twice (first on line {first_line[code]})"
                    )
                )
            first_line.setdefault(code, line)
        if code and not _CODE.match(code):
            problems.append(
                Problem(line, f"code: {code!r} is not the ONS code of an English principal council")
            )
        kind = (row.get("type") or "").strip()
        group = (row.get("comparison_group") or "").strip()
        if kind not in COMPARISON_GROUPS:
            problems.append(
                Problem(line, f"type: {kind!r} is not one of {', '.join(COMPARISON_GROUPS)}")
            )
        elif group != COMPARISON_GROUPS[kind]:
            problems.append(
                Problem(
                    line,
                    f"comparison_group: {group!r} is not the group of a {kind} "
                    f"({COMPARISON_GROUPS[kind]!r})",
                )
            )
        for successor in (row.get("successors") or "").split():
            if successor not in known:
                problems.append(
                    Problem(line, f"successors: {successor!r} is not a council in this file")
                )
        for column, value in row.items():
            text = (value or "").strip() if isinstance(value, str) else ""
            is_population = bool(column) and column.startswith("population") and bool(text)
            if is_population and (not text.isdigit() or int(text) <= 0):
                problems.append(
                    Problem(line, f"{column}: {text!r} is not a whole number of residents above 0")
                )
    return problems
