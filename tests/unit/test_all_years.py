"""One file with every published year: its rows, its dictionary and its data package."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
from frictionless import validate

from annual_review.fiscal import FinancialYear
from annual_review.publication.open_data.dictionaries import index_schema
from annual_review.publication.steps import run_year
from annual_review.publication.year_file_table import YEAR_FILES
from tests.builders import signed_settings
from tests.constructed_case import COUNTERS, REGISTRY_ROWS
from tests.released_case import adapters

FOLDER = "data/all-years/"


def test_every_published_year_is_in_one_csv_with_its_dictionary_and_package(
    tmp_path: Path,
) -> None:
    found = adapters()
    run_year(FinancialYear(2019), found, signed_settings(), datetime(2020, 7, 29, 9, tzinfo=UTC))
    first = (found.public.get(FOLDER + "councils.csv") or b"").decode()
    run_year(FinancialYear(2020), found, signed_settings(), datetime(2021, 7, 29, 9, tzinfo=UTC))
    body = (found.public.get(FOLDER + "councils.csv") or b"").decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    councils = len(REGISTRY_ROWS) - 1  # the registry's four councils exist in both years
    # After the first release one year; after the second, both, oldest first.
    assert len(list(csv.DictReader(io.StringIO(first)))) == councils
    assert [r["year"] for r in rows] == ["2019-20"] * councils + ["2020-21"] * councils
    # The same columns as a year's councils.csv, and the same figures (Kingston upheld 9 of 13).
    year_csv = (found.public.get("data/2020-21/r1/councils.csv") or b"").decode()
    assert body.splitlines()[0] == year_csv.splitlines()[0]
    kingston = [r for r in rows if r["code"] == "E09000021"]
    assert [(r["upheld_count"], r["upheld_of"], r["upheld_rate_rounded"]) for r in kingston] == [
        ("9", "13", "69"),
        ("9", "13", "69"),
    ]
    assert COUNTERS["E09000021"]["decisions_upheld"] == 9
    # The index names the files, and its schema knows them.
    index = json.loads(found.public.get("data/index.json") or b"{}")
    assert index["all_years"] == {
        "councils_csv": FOLDER + "councils.csv",
        "data_dictionary": FOLDER + "data-dictionary.csv",
        "datapackage": FOLDER + "datapackage.json",
    }
    jsonschema.Draft202012Validator(index_schema(YEAR_FILES)).validate(index)
    # The package validates with Frictionless (year and code together are the key).
    for name in ("councils.csv", "data-dictionary.csv", "datapackage.json"):
        (tmp_path / name).write_bytes(found.public.get(FOLDER + name) or b"")
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert package["resources"][0]["schema"]["primaryKey"] == ["year", "code"]
    downloads = (found.public.get("downloads/index.html") or b"").decode()
    assert 'href="/data/all-years/councils.csv"' in downloads
