"""Build the packaged council registry (``shared/annual_review/data/councils.csv``) from the
team's reference data. A tool: the product only reads the file it writes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path

from annual_review.fiscal import FinancialYear
from annual_review.registry import COLUMNS, COMPARISON_GROUPS

REFERENCE_COUNCILS = "england_principal_councils_2019_2025.csv"
REFERENCE_POPULATIONS = "mysociety_uk_local_authorities_current.csv"


def _years_present(row: Mapping[str, str]) -> list[FinancialYear]:
    years = []
    for column, flag in row.items():
        if column.startswith("fy") and flag == "1":
            years.append(FinancialYear(int(column[2:6])))
    return sorted(years)


def build_registry_rows(
    councils: Iterable[Mapping[str, str]], populations: Mapping[str, int]
) -> list[dict[str, str]]:
    """Registry rows from the reference councils table and 2020 populations by ONS code.

    A county abolished for unitaries covering the same area takes its successors' population;
    abolished districts have no estimate and stay blank (their per-100,000 figure is not available).
    """
    rows = list(councils)
    code_of_register = {row["register_code"]: row["gss_code"] for row in rows}
    built = []
    for row in rows:
        years = _years_present(row)
        if not years:
            continue
        population = populations.get(row["gss_code"])
        if population is None and row["type"] == "County council" and row["replaced_by"]:
            successors = [code_of_register.get(c.strip()) for c in row["replaced_by"].split(",")]
            found = [populations.get(c) for c in successors if c]
            if found and all(p is not None for p in found):
                population = sum(p for p in found if p is not None)
        built.append(
            {
                "code": row["gss_code"],
                "name": row["name"],
                "type": row["type"],
                "comparison_group": COMPARISON_GROUPS[row["type"]],
                "first_year": years[0].label,
                # A council still in existence has no last year: it carries on into new years.
                "last_year": years[-1].label if row["end_date"] else "",
                "population": "" if population is None else str(population),
                "lat": row["lat"],
                "lon": row["lon"],
            }
        )
    return sorted(built, key=lambda r: r["code"])


def read_populations(rows: Iterable[Mapping[str, str]]) -> dict[str, int]:
    return {
        row["gss-code"]: round(float(row["pop-2020"]))
        for row in rows
        if row.get("gss-code") and row.get("pop-2020")
    }


def build_registry_csv(reference_dir: Path) -> str:
    with (reference_dir / REFERENCE_COUNCILS).open(newline="", encoding="utf-8") as handle:
        councils = list(csv.DictReader(handle))
    with (reference_dir / REFERENCE_POPULATIONS).open(newline="", encoding="utf-8") as handle:
        populations = read_populations(csv.DictReader(handle))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(build_registry_rows(councils, populations))
    return buffer.getvalue()
