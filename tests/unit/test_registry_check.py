"""`registry validate`: every problem of a registry file, by line, field and value.

The broken files are the packaged registry with cells changed, so the tests follow the registry's
format (whatever version ``parse_registry`` reads) rather than restating it.
"""

from __future__ import annotations

import csv
import io

from annual_review.registry.councils import packaged_registry_text
from annual_review.registry.file_check import check_registry


def rows() -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(packaged_registry_text()))
    return list(reader.fieldnames or []), list(reader)


def as_bytes(fields: list[str], data: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(data)
    return out.getvalue().encode()


def test_the_packaged_registry_is_valid() -> None:
    check = check_registry(packaged_registry_text().encode())
    assert check.ok, check.problems[:5]
    assert check.registry is not None
    assert len(check.registry.councils) > 300
    assert len(check.sha256) == 64


def test_every_broken_line_is_named_with_its_field_and_value() -> None:
    fields, data = rows()
    population = next(f for f in fields if f.startswith("population"))
    data[2]["type"] = "Parish council"  # line 4
    data[5][population] = "-5"  # line 7
    data.append(dict(data[0]))  # a code given twice, on the last line
    check = check_registry(as_bytes(fields, data))
    assert not check.ok
    assert check.registry is None
    text = [str(p) for p in check.problems]
    assert any(t.startswith("line 4: type: 'Parish council'") for t in text), text
    assert any(t.startswith("line 7: ") and "'-5'" in t and population in t for t in text), text
    last = len(data) + 1
    assert f"line {last}: code: {data[0]['code']!r} is given twice (first on line 2)" in text


def test_a_successor_that_is_not_in_the_file_is_named() -> None:
    fields, data = rows()
    if "successors" not in fields:  # registry format 1: no lineage
        return
    abolished = next(row for row in data if row.get("successors"))
    abolished["successors"] = "E06999999"
    check = check_registry(as_bytes(fields, data))
    assert any("'E06999999'" in str(p) for p in check.problems), check.problems


def test_an_empty_file_and_a_missing_column_are_problems() -> None:
    empty = [str(p) for p in check_registry(b"").problems]
    assert "no councils: the file has no data lines" in empty, empty
    fields, data = rows()
    fields.remove("name")
    for row in data:
        row.pop("name")
    problems = [str(p) for p in check_registry(as_bytes(fields, data)).problems]
    assert any("name" in p for p in problems), problems
