"""A realistic public bucket tree for the browser tests, built from the reference councils.

Figures are made up but consistent with the councils.json contract (schema_version 1): counts add
up, rates are count/of (null when of is 0), Wilson intervals, small_base under 10, pooled group
averages. The page and hexmap.json come from `annual_review.site`, as the release step writes them.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annual_review import site

REFERENCE_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "reference"
REGISTRY = REFERENCE_DIR / "england_principal_councils_2019_2025.csv"
POPULATIONS = REFERENCE_DIR / "mysociety_uk_local_authorities_current.csv"

YEARS = {"2019-20": "fy2019_20", "2020-21": "fy2020_21"}
GROUPS = {
    "County council": "County councils",
    "District council": "District councils",
    "Metropolitan borough": "Metropolitan boroughs",
    "Unitary authority": "Unitary councils",
    "Isles of Scilly": "Unitary councils",
    "London borough": "London boroughs",
    "City of London": "London boroughs",
}
TYPES = {"Unitary authority": "Unitary council"}
SERVICE_AREAS = [
    "adult_care_services",
    "benefits_and_tax",
    "corporate_and_other_services",
    "education_and_childrens_services",
    "environmental_services",
    "highways_and_transport",
    "housing",
    "planning_and_development",
]
# A name with HTML special characters: the page must show it as text.
ODD_NAME = ("E07000008", 'Cambridge City Council <b>"&</b>')


def wilson(count: int, of: int) -> tuple[float | None, float | None]:
    if of == 0:
        return None, None
    z = 1.959963984540054
    p = count / of
    centre = (p + z * z / (2 * of)) / (1 + z * z / of)
    half = z * math.sqrt(p * (1 - p) / of + z * z / (4 * of * of)) / (1 + z * z / of)
    return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)


def rate_block(count: int, of: int) -> dict[str, Any]:
    low, high = wilson(count, of)
    return {
        "count": count,
        "of": of,
        "rate": round(count / of, 4) if of else None,
        "ci_low": low,
        "ci_high": high,
        "small_base": of < 10,
    }


def registry() -> list[dict[str, str]]:
    with REGISTRY.open(newline="") as f:
        return list(csv.DictReader(f))


def populations() -> dict[str, int]:
    with POPULATIONS.open(newline="") as f:
        return {
            row["gss-code"]: int(float(row["pop-2020"]))
            for row in csv.DictReader(f)
            if row["gss-code"] and row["pop-2020"]
        }


def council_figures(year: str, row: dict[str, str], population: int | None) -> dict[str, Any]:
    code = row["gss_code"]
    rng = random.Random(f"{year}/{code}")
    scale = (population or 120_000) / 100_000
    total = max(0, int(rng.gauss(40 * scale, 8 * scale)))
    if rng.random() < 0.03:
        total = rng.randint(0, 3)  # a few councils with almost nothing
    investigated = sum(rng.random() < 0.27 for _ in range(total))
    upheld = sum(rng.random() < 0.6 for _ in range(investigated))
    rest = total - investigated
    closed = sum(rng.random() < 0.45 for _ in range(rest))
    referred = sum(rng.random() < 0.7 for _ in range(rest - closed))
    invalid = rest - closed - referred
    remedied = sum(rng.random() < 0.13 for _ in range(upheld))
    recommendations = upheld - remedied
    complied = recommendations - (1 if recommendations and rng.random() < 0.1 else 0)
    late = sum(rng.random() < 0.05 for _ in range(complied))
    areas: dict[str, int] = {}
    for _ in range(total):
        area = rng.choice(SERVICE_AREAS)
        areas[area] = areas.get(area, 0) + 1
    name = ODD_NAME[1] if code == ODD_NAME[0] else row["name"]
    upheld_block = rate_block(upheld, investigated)
    upheld_block["per_100k"] = round(upheld / population * 100_000, 2) if population else None
    compliance = rate_block(complied, recommendations)
    compliance["late"] = late
    return {
        "code": code,
        "name": name,
        "type": TYPES.get(row["type"], row["type"]),
        "comparison_group": GROUPS[row["type"]],
        "population": population,
        "complaints_received": total + rng.randint(0, 6),
        "decisions": {
            "total": total,
            "upheld": upheld,
            "not_upheld": investigated - upheld,
            "closed_after_initial_enquiries": closed,
            "referred_back_for_local_resolution": referred,
            "incomplete_invalid": invalid,
        },
        "service_areas": dict(sorted(areas.items())),
        "upheld": upheld_block,
        "compliance": compliance,
        "satisfactory_remedy": rate_block(remedied, upheld),
        "service_improvements": rng.randint(0, max(1, upheld // 2)),
        "letter": f"letters/{year}/r1/{code}.html",
    }


def averages(councils: Iterable[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    sums: dict[str, list[int]] = {}
    for c in councils:
        s = sums.setdefault(c["comparison_group"], [0] * 7)
        s[0] += c["upheld"]["count"]
        s[1] += c["upheld"]["of"]
        s[2] += c["compliance"]["count"]
        s[3] += c["compliance"]["of"]
        s[4] += c["satisfactory_remedy"]["count"]
        s[5] += c["satisfactory_remedy"]["of"]
        s[6] += c["population"] or 0
    return {
        group: {
            "upheld_rate": round(s[0] / s[1], 4) if s[1] else None,
            "compliance_rate": round(s[2] / s[3], 4) if s[3] else None,
            "satisfactory_remedy_rate": round(s[4] / s[5], 4) if s[5] else None,
            "upheld_per_100k": round(s[0] / s[6] * 100_000, 2) if s[6] else None,
        }
        for group, s in sorted(sums.items())
    }


def dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")))


def build(root: Path) -> dict[str, Any]:
    """Write the public tree under root, shaped as the release step writes it (index.json as
    `publication.release.build_index` makes it); returns {year: councils.json document}."""
    rows = registry()
    pops = populations()
    published: dict[str, Any] = {}
    history: dict[str, dict[str, Any]] = {}
    for key, content, _type in site.page_files():
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_bytes(content)
    for year, column in YEARS.items():
        start = int(year[:4])
        year_rows = [r for r in rows if r[column] == "1"]
        councils = [council_figures(year, r, pops.get(r["gss_code"])) for r in year_rows]
        doc = {
            "schema_version": 1,
            "year": year,
            "period": {"start": f"{start}-04-01", "end": f"{start + 1}-03-31"},
            "revision": 1,
            "average_method": "pooled",
            "averages": averages(councils),
            "councils": councils,
        }
        # As the release step lays it out: the revision's files under data/{year}/r1/, with
        # convenience copies of the figures at data/{year}/.
        folder = root / "data" / year / "r1"
        dump(folder / "councils.json", doc)
        dump(root / "data" / year / "councils.json", doc)
        (folder / "councils.csv").write_text(
            "code,name,upheld_rate\n"
            + "".join(f'{c["code"]},"{c["name"]}",{c["upheld"]["rate"]}\n' for c in councils)
        )
        dump(folder / "councils.geojson", {"type": "FeatureCollection", "features": []})
        dump(
            folder / "councils.schema.json",
            {"$schema": "https://json-schema.org/draft/2020-12/schema"},
        )
        (folder / "data-dictionary.csv").write_text("column,meaning\ncode,ONS code\n")
        (folder / "methodology.html").write_text("<!doctype html><title>Methodology</title>")
        dump(folder / "revisions.json", {"year": year, "revisions": []})
        (folder / "pre-release-access.html").write_text("<!doctype html><title>Access</title>")
        (folder / "ATTRIBUTION.md").write_text("# Attribution\n")
        by_type = [
            (r["gss_code"], GROUPS[r["type"]], float(r["lat"]), float(r["lon"])) for r in year_rows
        ]
        for key, content, _type in site.layout_files(year, by_type):
            (root / key).write_bytes(content)
        for c in councils:
            letter = root / c["letter"]
            letter.parent.mkdir(parents=True, exist_ok=True)
            letter.write_text("<!doctype html><html lang=en><title>Letter</title><h1>Letter</h1>")
            entry = history.setdefault(c["code"], {"schema_version": 1, "code": c["code"]})
            entry.update(name=c["name"], type=c["type"], comparison_group=c["comparison_group"])
            entry.setdefault("years", []).append({"year": year, "revision": 1} | c)
        published[year] = doc
    for code, doc in history.items():
        dump(root / "data" / "councils" / f"{code}.json", doc)
    dump(
        root / "data" / "index.json",
        {
            "schema_version": 1,
            "latest": "2020-21",
            "next_release": {"year": "2021-22", "date": "2022-07-27"},
            "council_history": "data/councils/{code}.json",
            "years": [
                {
                    "year": year,
                    "revision": 1,
                    "released_at": f"{int(year[:4]) + 1}-07-29T09:30:00+01:00",
                    "early_release_reason": None,
                    "files": {
                        name: f"data/{year}/r1/{file}"
                        for name, file in {
                            "councils_json": "councils.json",
                            "councils_csv": "councils.csv",
                            "councils_geojson": "councils.geojson",
                            "data_dictionary": "data-dictionary.csv",
                            "schema": "councils.schema.json",
                            "methodology": "methodology.html",
                            "pre_release_access": "pre-release-access.html",
                            "revisions": "revisions.json",
                            "attribution": "ATTRIBUTION.md",
                        }.items()
                    },
                    "letters": f"letters/{year}/r1/",
                }
                for year in YEARS
            ],
        },
    )
    return published


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))
