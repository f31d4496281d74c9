"""The public data files for one frozen year: JSON (schema_version 1), CSV with its dictionary,
GeoJSON, and each council's history across published years.

Rates are unrounded fractions, ``null`` when the denominator is 0, each with a 95% Wilson interval
and a ``small_base`` flag; rounding is for people and happens only in letters and on the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from annual_review.figures import catalogue
from annual_review.figures.rates import SMALL_BASE
from annual_review.ingestion.fields import DecisionOutcome, ServiceArea
from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.snapshot import CouncilFigures, Snapshot, canonical_json
from annual_review.publication.open_data.dictionaries import (
    ROUNDED,
    dictionary_csv,
    rounded_cell,
    rounded_description,
    rows_csv,
)
from annual_review.registry.councils import COMPARISON_GROUPS, GROUP_ORDER, REGIONS

SCHEMA_ID = "councils-v1.schema.json"
JsonObject = dict[str, Any]


def council_record(figures: CouncilFigures, letter_key: str) -> JsonObject:
    return {
        "code": figures.code,
        "name": " ".join(figures.name.split()),  # a registry name had a double space
        "type": figures.type,
        "comparison_group": figures.comparison_group,
        "region": figures.region,
        "population": figures.population,
        "complaints_received": figures.complaints_received,
        "decisions": {"total": figures.count("decisions_total")} | dict(figures.decisions),
        "service_areas": dict(figures.decisions_by_area),
        "overview": catalogue.overview(figures),
        **catalogue.record_objects(figures),
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
        "average_method": snapshot.average_method.value,
        "averages": {
            group: catalogue.mapping_of(found) for group, found in snapshot.group_averages().items()
        },
        "councils": [
            council_record(c, keys.public_letter(snapshot.year, snapshot.revision, c.code))
            for c in snapshot.councils
        ],
    }


# ------------------------------------------------------------------------ CSV and dictionary
Column = tuple[str, str, Callable[[JsonObject], Any]]


# What each field of a proportion's record object holds (the dictionary's words).
RATE_FIELDS = {
    "count": "the count",
    "of": "the denominator",
    "rate": "count / of as a fraction from 0 to 1, blank when of is 0",
    "ci_low": "lower end of the 95% Wilson interval",
    "ci_high": "upper end of the 95% Wilson interval",
    "small_base": f"true when of is under {SMALL_BASE}",
}


def _field_column(record: str, field: str, description: str) -> Column:
    return (f"{record}_{field}", description, lambda r: r[record][field])


def _rounded_column(record: str, statistic: catalogue.Statistic) -> Column:
    """The figure as published beside the unrounded one: ``{record}_{field}_rounded``."""
    return (
        f"{record}_{statistic.field}{ROUNDED}",
        rounded_description(statistic, statistic.description),
        lambda r: rounded_cell(statistic, r[record][statistic.field]),
    )


def _statistic_columns() -> list[Column]:
    """The columns of every statistic, record object by record object, from the catalogue."""
    columns: list[Column] = []
    for record in catalogue.records():
        for statistic in catalogue.in_record(record):
            if statistic.is_proportion:
                for field, words in RATE_FIELDS.items():
                    columns.append(
                        _field_column(record, field, f"{statistic.description}: {words}")
                    )
                    if field == statistic.field:
                        columns.append(_rounded_column(record, statistic))
            else:
                columns.append(_field_column(record, statistic.field, statistic.description))
                columns.append(_rounded_column(record, statistic))
            columns += [
                _field_column(record, field, description)
                for field, _, description in statistic.extras
            ]
    return columns


def _area_column(area: ServiceArea) -> Column:
    return (
        f"decisions_area_{area.value}",
        f"Decisions about {catalogue.service_area_label(area.value).lower()}",
        lambda r: r["service_areas"].get(area.value, 0),
    )


def _overview_value(field: str) -> Callable[[JsonObject], Any]:
    return lambda r: r["overview"][field]


def _outcome_column(outcome: DecisionOutcome) -> Column:
    return (
        f"decisions_{outcome.value}",
        f"Decisions with outcome {outcome.value.replace('_', ' ')}",
        lambda r: r["decisions"][outcome.value],
    )


CSV_COLUMNS: Sequence[Column] = (
    ("year", "Financial year, 1 April to 31 March", lambda r: r["year"]),
    ("code", "ONS (GSS) code of the council", lambda r: r["code"]),
    ("name", "Name of the council", lambda r: r["name"]),
    ("type", "Type of council", lambda r: r["type"]),
    (
        "comparison_group",
        "Group of similar authorities it is compared with",
        lambda r: r["comparison_group"],
    ),
    ("region", "ONS region (a county council is in its districts' region)", lambda r: r["region"]),
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
    *(_outcome_column(o) for o in DecisionOutcome),
    *(
        (f"overview_{o.field}", f"{o.label}: {o.description}", _overview_value(o.field))
        for o in catalogue.OVERVIEW
    ),
    *(_area_column(a) for a in ServiceArea),
    *_statistic_columns(),
    (
        "service_improvements",
        catalogue.SERVICE_IMPROVEMENTS_DEFINITION,
        lambda r: r["service_improvements"],
    ),
    ("letter", "Path of the council's annual review letter", lambda r: r["letter"]),
)


def councils_csv(document: JsonObject) -> bytes:
    return rows_csv(CSV_COLUMNS, (r | {"year": document["year"]} for r in document["councils"]))


def _or_blank(value: Callable[[JsonObject], Any]) -> Callable[[JsonObject], Any]:
    """A column's value, blank for a record published before the column existed."""

    def found(record: JsonObject) -> Any:
        try:
            return value(record)
        except KeyError:
            return None

    return found


def all_years_csv(documents: Mapping[str, JsonObject]) -> bytes:
    """``data/all-years/councils.csv``: every published year's councils (at each year's current
    revision), oldest year first, with the columns of a year's ``councils.csv``."""
    columns = [(name, words, _or_blank(value)) for name, words, value in CSV_COLUMNS]
    return rows_csv(
        columns,
        (
            record | {"year": documents[year]["year"]}
            for year in sorted(documents)
            for record in documents[year]["councils"]
        ),
    )


def data_dictionary_csv() -> bytes:
    """Each column's description, type, unit and allowed values."""
    return dictionary_csv([(name, description) for name, description, _ in CSV_COLUMNS])


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
                    **{s.key: record[s.record][s.field] for s in catalogue.STATISTICS},
                    "letter": record["letter"],
                },
            }
        )
    return canonical_json({"type": "FeatureCollection", "features": features})


# ------------------------------------------------------------------------------ JSON Schema
_COUNT = {"type": "integer", "minimum": 0}
_FRACTION = {"type": ["number", "null"], "minimum": 0, "maximum": 1}


def _count(description: str) -> JsonObject:
    return _COUNT | {"description": description}


_RATE_PROPERTIES: JsonObject = {
    "count": _count("The count (the numerator)"),
    "of": _count("The denominator"),
    "rate": _FRACTION | {"description": "count / of, a fraction from 0 to 1; null when of is 0"},
    "ci_low": _FRACTION | {"description": "Lower end of the 95% Wilson interval (fraction)"},
    "ci_high": _FRACTION | {"description": "Upper end of the 95% Wilson interval (fraction)"},
    "small_base": {"type": "boolean", "description": f"true when of is under {SMALL_BASE}"},
}
# What each record object counts, for the schema's description.
_RECORD_DESCRIPTIONS = {
    "upheld": "Upheld out of detailed investigations (upheld + not upheld)",
    "compliance": "Complied (late counts) out of compliance outcomes",
    "satisfactory_remedy": "Remedied by the council before we were involved, out of upheld",
}


def _record_schema(record: str) -> JsonObject:
    properties: JsonObject = {}
    for statistic in catalogue.in_record(record):
        if statistic.is_proportion:
            properties |= _RATE_PROPERTIES
        else:
            properties[statistic.field] = {
                "type": ["number", "null"],
                "minimum": 0,
                "description": f"{statistic.description} (per 100,000 residents)",
            }
        properties |= {field: _count(words) for field, _, words in statistic.extras}
    return {
        "type": "object",
        "description": _RECORD_DESCRIPTIONS.get(record)
        or catalogue.in_record(record)[0].description,
        "additionalProperties": False,
        "required": sorted(properties),
        "properties": properties,
    }


def councils_schema() -> JsonObject:
    """The JSON Schema of ``councils.json``: the statistics' parts come from the catalogue."""
    statistic_records = {record: _record_schema(record) for record in catalogue.records()}
    council_properties: JsonObject = {
        "code": {
            "type": "string",
            "pattern": "^E(0[6-9]|10)[0-9]{6}$",
            "description": "ONS (GSS) code",
        },
        "name": {"type": "string", "description": "Name of the council"},
        "type": {"enum": list(COMPARISON_GROUPS), "description": "Type of council"},
        "comparison_group": {
            "enum": list(GROUP_ORDER),
            "description": "Group of similar authorities it is compared with",
        },
        "region": {
            "enum": [*REGIONS, None],
            "description": "ONS region (a county council is in its districts' region); null "
            "when the registry gave none",
        },
        "population": {
            "type": ["integer", "null"],
            "minimum": 1,
            "description": "Residents in the year (ONS mid-year estimate for the June before it "
            "starts); null when not available",
        },
        "complaints_received": _count("Complaints and enquiries received"),
        "decisions": {
            "type": "object",
            "description": "Decisions made, by outcome",
            "additionalProperties": False,
            "required": ["total", *(o.value for o in DecisionOutcome)],
            "properties": {"total": _count("Decisions made, all outcomes")}
            | {
                o.value: _count(f"Decisions with outcome {o.value.replace('_', ' ')}")
                for o in DecisionOutcome
            },
        },
        "service_areas": {
            "type": "object",
            "description": "Decisions by service area (areas with none are left out): "
            + "; ".join(f"{a.value}: {catalogue.service_area_label(a.value)}" for a in ServiceArea),
            "propertyNames": {"enum": [a.value for a in ServiceArea]},
            "additionalProperties": _COUNT,
        },
        "overview": {
            "type": "object",
            "description": "How the complaints dealt with were dealt with",
            "additionalProperties": False,
            "required": [o.field for o in catalogue.OVERVIEW],
            "properties": {
                o.field: _COUNT | {"description": f"{o.label}: {o.description}"}
                for o in catalogue.OVERVIEW
            },
        },
        **statistic_records,
        "service_improvements": _count(catalogue.SERVICE_IMPROVEMENTS_DEFINITION),
        "letter": {
            "type": "string",
            "description": "Path of the letter, relative to the site root",
        },
    }
    averages = {
        s.key: {
            "type": ["number", "null"],
            "minimum": 0,
            "description": f"{s.description}: the group's average ({s.unit.value})",
        }
        for s in catalogue.STATISTICS
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Annual review complaint statistics for English councils, one financial year "
        "(schema_version 1)",
        "type": "object",
        "additionalProperties": False,
        "required": [
            "schema_version",
            "year",
            "period",
            "revision",
            "average_method",
            "averages",
            "councils",
        ],
        "properties": {
            "schema_version": {"const": 1, "description": "Version of this file's format"},
            "year": {
                "type": "string",
                "pattern": "^[0-9]{4}-[0-9]{2}$",
                "description": "Financial year, 1 April to 31 March",
            },
            "period": {
                "type": "object",
                "description": "The first and last day of the year",
                "additionalProperties": False,
                "required": ["start", "end"],
                "properties": {
                    "start": {"type": "string", "format": "date", "description": "1 April"},
                    "end": {"type": "string", "format": "date", "description": "31 March"},
                },
            },
            "revision": {
                "type": "integer",
                "minimum": 1,
                "description": "Revision of the year's figures (1 when first published)",
            },
            "average_method": {
                "enum": [m.value for m in catalogue.AverageMethod],
                "description": "How the averages of similar authorities are formed",
            },
            "averages": {
                "type": "object",
                "description": "Each group of similar authorities' average of every statistic",
                "propertyNames": {"enum": list(GROUP_ORDER)},
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": sorted(averages),
                    "properties": averages,
                },
            },
            "councils": {
                "type": "array",
                "description": "Every council that existed in the year",
                "items": {"$ref": "#/$defs/council"},
            },
        },
        "$defs": {
            "council": {
                "type": "object",
                "additionalProperties": False,
                "required": list(council_properties),
                "properties": council_properties,
            }
        },
    }


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
