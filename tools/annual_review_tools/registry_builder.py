"""Build the packaged council registry (``shared/annual_review/data/councils.csv``) from the
team's reference data. A tool: the product only reads the file it writes.

- Councils, their types, coordinates, the dates they were formed and abolished and what replaced
  them: ``england_principal_councils_2019_2025.csv`` (mySociety and Open Innovations data).
- Populations: ``ons_mid_year_population_england_2018_2024.csv`` (ONS mid-year estimates). For
  financial year Y starting 1 April yyyy the estimate is the one for mid-(yyyy-1), as the
  ombudsman's published figures use it; a county council's is the sum of its districts' (and
  where ONS printed the county too, the two must agree).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path

from annual_review.fiscal import FinancialYear
from annual_review.registry.councils import (
    COLUMNS,
    COMPARISON_GROUPS,
    FIRST_YEAR,
    REGION_COLUMN,
    REGIONS,
    population_column,
)

REFERENCE_COUNCILS = "england_principal_councils_2019_2025.csv"
REFERENCE_POPULATIONS = "ons_mid_year_population_england_2018_2024.csv"
COUNTY = "County council"

Populations = Mapping[tuple[str, int], int]  # (ONS code, mid-year of the estimate) -> residents


def _years_present(row: Mapping[str, str]) -> list[FinancialYear]:
    years = []
    for column, flag in row.items():
        if column.startswith("fy") and flag == "1":
            years.append(FinancialYear(int(column[2:6])))
    return sorted(years)


def _formed_on(row: Mapping[str, str], years: list[FinancialYear]) -> str:
    """The first day it existed, when that is within the registry's years (all 1 April)."""
    if years[0] == FIRST_YEAR and not (row.get("start_date") or "") >= FIRST_YEAR.start.isoformat():
        return ""
    return years[0].start.isoformat()


def _abolished_on(row: Mapping[str, str], years: list[FinancialYear]) -> str:
    """The first day it no longer existed. The reference's ``end_date`` is the last day for
    the 2019 and 2020 abolitions and the first day after for the later ones: the year flags say
    which, and the two must agree."""
    if not row["end_date"]:
        return ""
    first_day_gone = years[-1].next().start
    given = date.fromisoformat(row["end_date"])
    if given not in (first_day_gone, first_day_gone - timedelta(days=1)):
        raise ValueError(
            f"{row['gss_code']}: end_date {given} does not match its last year {years[-1]}"
        )
    return first_day_gone.isoformat()


def _population(
    row: Mapping[str, str],
    year: FinancialYear,
    populations: Populations,
    districts: Mapping[str, list[Mapping[str, str]]],
) -> int | None:
    estimate_year = year.start_year - 1
    given = populations.get((row["gss_code"], estimate_year))
    if row["type"] != COUNTY:
        return given
    parts = [
        populations.get((d["gss_code"], estimate_year))
        for d in districts.get(row["gss_code"], [])
        if year in _years_present(d)
    ]
    if not parts or any(p is None for p in parts):
        return given
    total = sum(p for p in parts if p is not None)
    if given is not None and given != total:
        raise ValueError(
            f"{row['gss_code']} mid-{estimate_year}: {given} is not the sum of its districts "
            f"({total})"
        )
    return total


def _regions(rows: list[Mapping[str, str]]) -> dict[str, str]:
    """Each council's ONS region. The reference leaves two blank: a district takes its
    county's region, and a county (Buckinghamshire) the region of its districts."""
    given = {row["gss_code"]: row["region"] for row in rows if row.get("region")}
    found = dict(given)
    for row in rows:
        code = row["gss_code"]
        if code in found:
            continue
        county = given.get(row.get("county_gss") or "")
        districts = {
            given[d["gss_code"]]
            for d in rows
            if d.get("county_gss") == code and d["gss_code"] in given
        }
        if county:
            found[code] = county
        elif len(districts) == 1:
            found[code] = districts.pop()
        else:
            raise ValueError(f"{code}: region is blank and cannot be worked out")
    for code, region in found.items():
        if region not in REGIONS:
            raise ValueError(f"{code}: region {region!r} is not an ONS region of England")
    return found


def population_years(populations: Populations) -> list[FinancialYear]:
    """The financial years the estimates cover (each uses the estimate of the June before)."""
    return sorted({FinancialYear(estimate + 1) for _, estimate in populations})


def build_registry_rows(
    councils: Iterable[Mapping[str, str]], populations: Populations
) -> list[dict[str, str]]:
    """Registry rows (format version 2) from the reference councils and ONS estimates."""
    rows = list(councils)
    code_of_register = {row["register_code"]: row["gss_code"] for row in rows}
    districts: dict[str, list[Mapping[str, str]]] = {}
    for row in rows:
        if row.get("county_gss"):
            districts.setdefault(row["county_gss"], []).append(row)
    years_covered = population_years(populations)
    regions = _regions(rows)
    built = []
    for row in rows:
        years = _years_present(row)
        if not years:
            continue
        abolished_on = _abolished_on(row, years)
        successors = [
            code_of_register[register.strip()]
            for register in (row.get("replaced_by") or "").split(",")
            if register.strip()
        ]
        record = {
            "code": row["gss_code"],
            "name": row["name"],
            "type": row["type"],
            "comparison_group": COMPARISON_GROUPS[row["type"]],
            "formed_on": _formed_on(row, years),
            "abolished_on": abolished_on,
            "successors": " ".join(sorted(successors)),
            "lat": row["lat"],
            "lon": row["lon"],
            REGION_COLUMN: regions[row["gss_code"]],
        }
        for year in years_covered:
            # A council still in existence carries on into years after the reference's flags.
            exists = year in years or (not abolished_on and year > years[-1])
            found = _population(row, year, populations, districts) if exists else None
            record[population_column(year)] = "" if found is None else str(found)
        built.append(record)
    return sorted(built, key=lambda r: r["code"])


def read_populations(rows: Iterable[Mapping[str, str]]) -> dict[tuple[str, int], int]:
    return {
        (row["gss_code"], int(row["estimate_year"])): int(row["population"])
        for row in rows
        if row.get("gss_code") and row.get("population")
    }


def build_registry_csv(reference_dir: Path) -> str:
    with (reference_dir / REFERENCE_COUNCILS).open(newline="", encoding="utf-8") as handle:
        councils = list(csv.DictReader(handle))
    with (reference_dir / REFERENCE_POPULATIONS).open(newline="", encoding="utf-8") as handle:
        populations = read_populations(csv.DictReader(handle))
    years = population_years(populations)
    columns = [*COLUMNS, REGION_COLUMN, *(population_column(y) for y in years)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(build_registry_rows(councils, populations))
    return buffer.getvalue()
