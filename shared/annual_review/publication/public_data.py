"""The public data files for one frozen year: JSON (schema_version 1), CSV with its dictionary,
GeoJSON, and each council's history across published years.

Rates are unrounded fractions, ``null`` when the denominator is 0, each with a 95% Wilson interval
and a ``small_base`` flag; rounding is for people and happens only in letters and on the page.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from importlib import resources
from typing import Any

from annual_review.events import Outcome, ServiceArea
from annual_review.publication import keys
from annual_review.publication.snapshot import CouncilFigures, Snapshot, canonical_json
from annual_review.statistics import Rate, per_100k, rate

SCHEMA_FILE = "councils-v1.schema.json"
JsonObject = dict[str, Any]


def _rate_object(found: Rate) -> JsonObject:
    return {
        "count": found.count,
        "of": found.of,
        "rate": found.rate,
        "ci_low": found.ci_low,
        "ci_high": found.ci_high,
        "small_base": found.small_base,
    }


def council_record(figures: CouncilFigures, letter_key: str) -> JsonObject:
    return {
        "code": figures.code,
        "name": figures.name,
        "type": figures.type,
        "comparison_group": figures.comparison_group,
        "population": figures.population,
        "complaints_received": figures.complaints_received,
        "decisions": {"total": figures.decisions_total} | dict(figures.decisions),
        "service_areas": dict(figures.decisions_by_area),
        "upheld": _rate_object(rate(figures.upheld, figures.investigated))
        | {"per_100k": per_100k(figures.upheld, figures.population)},
        "compliance": _rate_object(rate(figures.complied, figures.compliance_checked))
        | {"late": figures.complied_late},
        "satisfactory_remedy": _rate_object(rate(figures.satisfactory_remedies, figures.upheld)),
        "service_improvements": figures.service_improvements,
        "letter": letter_key,
    }


def year_document(snapshot: Snapshot) -> JsonObject:
    """``data/{year}/r{n}/councils.json``."""
    return {
        "schema_version": 1,
        "year": snapshot.year,
        "period": {"start": snapshot.period_start, "end": snapshot.period_end},
        "revision": snapshot.revision,
        "average_method": snapshot.average_method,
        "averages": {group: asdict(found) for group, found in snapshot.averages.items()},
        "councils": [
            council_record(c, keys.public_letter(snapshot.year, snapshot.revision, c.code))
            for c in snapshot.councils
        ],
    }


# ------------------------------------------------------------------------ CSV and dictionary
Column = tuple[str, str, Callable[[JsonObject], Any]]


def _rate_columns(name: str, what: str) -> list[Column]:
    return [
        (f"{name}_count", f"{what}: the count", lambda r: r[name]["count"]),
        (f"{name}_of", f"{what}: the denominator", lambda r: r[name]["of"]),
        (f"{name}_rate", f"{what}: count / of, blank when of is 0", lambda r: r[name]["rate"]),
        (
            f"{name}_ci_low",
            f"{what}: lower end of the 95% Wilson interval",
            lambda r: r[name]["ci_low"],
        ),
        (
            f"{name}_ci_high",
            f"{what}: upper end of the 95% Wilson interval",
            lambda r: r[name]["ci_high"],
        ),
        (
            f"{name}_small_base",
            f"{what}: true when of is under 10",
            lambda r: r[name]["small_base"],
        ),
    ]


def _area_column(area: ServiceArea) -> Column:
    return (
        f"decisions_area_{area.value}",
        f"Decisions about {area.value.replace('_', ' ')}",
        lambda r: r["service_areas"].get(area.value, 0),
    )


def _outcome_column(outcome: Outcome) -> Column:
    return (
        f"decisions_{outcome.value}",
        f"Decisions with outcome {outcome.value.replace('_', ' ')}",
        lambda r: r["decisions"][outcome.value],
    )


CSV_COLUMNS: Sequence[Column] = (
    ("code", "ONS (GSS) code of the council", lambda r: r["code"]),
    ("name", "Name of the council", lambda r: r["name"]),
    ("type", "Type of council", lambda r: r["type"]),
    (
        "comparison_group",
        "Group of similar authorities it is compared with",
        lambda r: r["comparison_group"],
    ),
    (
        "population",
        "Residents in the year (ONS mid-year estimate for the June before it starts); blank when"
        " not available",
        lambda r: r["population"],
    ),
    (
        "complaints_received",
        "Complaints and enquiries received",
        lambda r: r["complaints_received"],
    ),
    ("decisions_total", "Decisions made, all outcomes", lambda r: r["decisions"]["total"]),
    *(_outcome_column(o) for o in Outcome),
    *(_area_column(a) for a in ServiceArea),
    *_rate_columns("upheld", "Upheld detailed investigations"),
    (
        "upheld_per_100k",
        "Upheld decisions per 100,000 residents; blank when no population",
        lambda r: r["upheld"]["per_100k"],
    ),
    *_rate_columns("compliance", "Compliance with recommendations (late counts as complied)"),
    ("compliance_late", "Recommendations complied with late", lambda r: r["compliance"]["late"]),
    *_rate_columns(
        "satisfactory_remedy", "Upheld cases remedied by the council before we were involved"
    ),
    (
        "service_improvements",
        "Service improvements the council agreed to",
        lambda r: r["service_improvements"],
    ),
    ("letter", "Path of the council's annual review letter", lambda r: r["letter"]),
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def councils_csv(document: JsonObject) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(name for name, _, _ in CSV_COLUMNS)
    for record in document["councils"]:
        writer.writerow(_cell(value(record)) for _, _, value in CSV_COLUMNS)
    return buffer.getvalue().encode()


def data_dictionary_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("column", "description"))
    writer.writerows((name, description) for name, description, _ in CSV_COLUMNS)
    return buffer.getvalue().encode()


# --------------------------------------------------------------------------------- GeoJSON
def councils_geojson(document: JsonObject, snapshot: Snapshot) -> bytes:
    places = {c.code: (c.lon, c.lat) for c in snapshot.councils}
    features = []
    for record in document["councils"]:
        lon, lat = places[record["code"]]
        has_point = lon is not None and lat is not None
        features.append(
            {
                "type": "Feature",
                "id": record["code"],
                "geometry": {"type": "Point", "coordinates": [lon, lat]} if has_point else None,
                "properties": {
                    "code": record["code"],
                    "name": record["name"],
                    "type": record["type"],
                    "comparison_group": record["comparison_group"],
                    "upheld_rate": record["upheld"]["rate"],
                    "upheld_per_100k": record["upheld"]["per_100k"],
                    "compliance_rate": record["compliance"]["rate"],
                    "satisfactory_remedy_rate": record["satisfactory_remedy"]["rate"],
                    "letter": record["letter"],
                },
            }
        )
    return canonical_json({"type": "FeatureCollection", "features": features})


# ------------------------------------------------------------------------------ JSON Schema
def councils_schema() -> JsonObject:
    text = (resources.files("annual_review") / "schemas" / SCHEMA_FILE).read_text("utf-8")
    schema: JsonObject = json.loads(text)
    return schema


# ------------------------------------------------------------------------- council history
def council_history(
    code: str,
    documents: Mapping[str, JsonObject],
    lineage: Mapping[str, JsonObject] | None = None,
) -> JsonObject | None:
    """One council's record in every published year (by year label), or None if in none.

    ``lineage`` (by code, from the registry): when the council was formed or abolished, its
    predecessors and successors, and sentences saying so; ``null`` for a council that was
    neither in the years the registry covers.
    """
    years = []
    for year in sorted(documents):
        document = documents[year]
        for record in document["councils"]:
            if record["code"] == code:
                years.append({"year": year, "revision": document["revision"]} | record)
    if not years:
        return None
    latest = years[-1]
    history = {
        "schema_version": 1,
        "code": code,
        "name": latest["name"],
        "type": latest["type"],
        "comparison_group": latest["comparison_group"],
        "years": years,
    }
    if lineage is not None:  # issue 10: reorganisations, as data the page can show
        history["lineage"] = lineage.get(code)
    return history
