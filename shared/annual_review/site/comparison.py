"""Comparison groups on a council's page: the council beside the pooled figures of its region,
its type, the councils of its type nearest to it in population, or a list the reader chooses.

The preset groups are rendered at release into each council-year page (``site/_comparison.html``),
so they read without JavaScript. A reader's own list (``?with=E09000021,E09000022``, an address
they can share) is worked out in the browser by ``web/comparison.js`` from the year's published
per-council counts, by the same rule as here: the group's total count over its total base
(pooled: every case weighs the same), and per 100,000 residents each resident counted once (a
county's residents are its districts', ``national.residents_once``). The script takes every
label, unit and rounding from the catalogue the page publishes; it rounds and words nothing of
its own.

Everything is made from the published year (``councils.json``), so nothing embargoed can appear.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from annual_review.figures.catalogue import PER_RESIDENTS, STATISTICS, Statistic
from annual_review.publication import bucket_keys as keys
from annual_review.publication.open_data.national import counts_per_residents, residents_once
from annual_review.registry.councils import COUNTY

JsonObject = dict[str, Any]
# How many councils of its type nearest in population a council is compared with.
NEAREST = 10
# The query parameter of a reader's own list of councils.
WITH_PARAMETER = "with"


def year_data_path(record: JsonObject) -> str:
    """The published ``councils.json`` a council-year page was made from (its revision's)."""
    return "/" + keys.year_dir(record["year"], record["revision"]) + "councils.json"


def _count(record: JsonObject, statistic: Statistic) -> int:
    """The statistic's numerator in a published record (per 100,000: the upheld decisions)."""
    part = record[statistic.record]
    found: int = part["count"] if "count" in part else record["upheld"]["count"]
    return found


def pooled(records: Sequence[JsonObject], statistic: Statistic) -> float | None:
    """The group's figure: total count over total base; per 100,000 residents, the complaints
    of the councils with an estimate over the residents, each counted once."""
    if statistic.is_proportion:
        top = sum(r[statistic.record]["count"] for r in records)
        bottom = sum(r[statistic.record]["of"] for r in records)
        return top / bottom if bottom else None
    mixed = any(r["type"] != COUNTY for r in records)
    counted = [r for r in records if counts_per_residents(r["type"], r["population"], mixed)]
    people = residents_once([(r["type"], r["population"]) for r in records])
    if not people:
        return None
    return sum(_count(r, statistic) for r in counted) * PER_RESIDENTS / people


@dataclass(frozen=True)
class Group:
    key: str  # "region", "type", "nearest"
    title: str  # the column heading
    description: str  # who is in it, in a sentence
    members: Sequence[JsonObject]


def nearest_in_population(record: JsonObject, records: Sequence[JsonObject]) -> list[JsonObject]:
    """The ``NEAREST`` councils of its type (comparison group) nearest to it in population that
    year, nearest first (ties by code); none when it has no estimate."""
    own = record["population"]
    if not own:
        return []
    others = [
        r
        for r in records
        if r["code"] != record["code"]
        and r["comparison_group"] == record["comparison_group"]
        and r["population"]
    ]
    return sorted(others, key=lambda r: (abs(r["population"] - own), r["code"]))[:NEAREST]


def preset_groups(record: JsonObject, records: Sequence[JsonObject]) -> list[Group]:
    """The council's region (every council in it, itself included), its type (its group of
    similar authorities, itself included) and the councils of its type nearest in population."""
    groups = []
    region = record.get("region")
    if region:
        members = [r for r in records if r.get("region") == region]
        groups.append(Group("region", region, f"All {len(members)} councils in {region}", members))
    kind = record["comparison_group"]
    members = [r for r in records if r["comparison_group"] == kind]
    groups.append(Group("type", kind, f"all {len(members)} councils of this type", members))
    near = nearest_in_population(record, records)
    if near:
        groups.append(
            Group(
                "nearest",
                "Nearest in population",
                f"the {len(near)} councils of this type nearest to it in population",
                near,
            )
        )
    return groups


def comparison_view(
    record: JsonObject,
    records: Sequence[JsonObject],
    link: Callable[[str], str | None],
) -> JsonObject:
    """What ``site/_comparison.html`` shows for a council-year: a row per statistic, with the
    council's figure and each preset group's pooled figure as people read them."""
    groups = preset_groups(record, records)
    rows = []
    for statistic in STATISTICS:
        own = statistic.shown(record[statistic.record][statistic.field])
        rows.append(
            {
                "key": statistic.key,
                "label": statistic.page.label,
                "council": own if own is not None else statistic.letter.figure_when_none,
                "groups": [
                    statistic.shown(pooled(g.members, statistic)) or "no figure" for g in groups
                ],
            }
        )
    return {
        "name": record["name"],
        "code": record["code"],
        "parameter": WITH_PARAMETER,
        "county_type": COUNTY,
        "data": year_data_path(record),
        "groups": [
            {
                "key": g.key,
                "title": g.title,
                "description": g.description,
                "members": [
                    {"name": m["name"], "code": m["code"], "href": link(m["code"])}
                    for m in g.members
                ]
                if g.key == "nearest"
                else [],
            }
            for g in groups
        ],
        "rows": rows,
    }
