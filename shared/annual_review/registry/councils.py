"""The registry of English principal councils: when each existed, what replaced what, its facts
and its population in every financial year.

The package ships ``data/councils.csv`` (built by ``annual-review local build-registry`` from the
reference data); a newer file uploaded to the private bucket at ``registry/councils.csv``
replaces it without a deploy. The office keeps ``registry/contacts.csv`` (who a letter goes to).

The file's format, version 2 (one row per council)::

    code,name,type,comparison_group,formed_on,abolished_on,successors,lat,lon,
    population_2019_20,population_2020_21,...

- ``formed_on``: the first day the council existed, blank when that is before 1 April 2019
  (the first year the registry covers); ``abolished_on``: the first day it no longer existed
  (blank: it still exists). A council exists on day D when ``formed_on <= D < abolished_on``.
- ``successors``: the codes of the councils that took over on ``abolished_on``, separated by
  spaces. Predecessors are worked out from them.
- ``population_YYYY_YY``: residents in that financial year (for 2023-24 the ONS mid-2022
  estimate, see ``population_estimate``), blank where there is no estimate; one column a year.

Version 3 adds an optional ``region`` column after ``lon``: the council's ONS region (one of
``REGIONS``; a county council is in the region of its districts). A version-2 file (without the
column) is still read: its councils have no region, and figures by region leave them out.

Version 1 (``first_year,last_year,population``: one population for every year, existence by
whole years, no lineage) is still read, so a registry uploaded before version 2 keeps working.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources

from annual_review.fiscal import FinancialYear

REGISTRY_KEY = "registry/councils.csv"
CONTACTS_KEY = "registry/contacts.csv"
FIRST_YEAR = FinancialYear(2019)
COLUMNS = (
    "code",
    "name",
    "type",
    "comparison_group",
    "formed_on",
    "abolished_on",
    "successors",
    "lat",
    "lon",
)
COLUMNS_V1 = (
    "code",
    "name",
    "type",
    "comparison_group",
    "first_year",
    "last_year",
    "population",
    "lat",
    "lon",
)
# Optional from version 3 on; a file without it is read as version 2.
REGION_COLUMN = "region"
# The nine ONS regions of England, named and ordered as ONS gives them.
REGIONS = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)
COUNTY = "County council"
_POPULATION_COLUMN = re.compile(r"^population_(\d{4})_(\d{2})$")
_CODE = re.compile(r"^E(0[6-9]|10)\d{6}$")

# Council type -> the group of similar authorities it is compared with.
COMPARISON_GROUPS: Mapping[str, str] = {
    "County council": "County councils",
    "District council": "District councils",
    "Metropolitan borough": "Metropolitan boroughs",
    "Unitary authority": "Unitary councils",
    "Isles of Scilly": "Unitary councils",
    "London borough": "London boroughs",
    "City of London": "London boroughs",
}
GROUP_ORDER = tuple(dict.fromkeys(COMPARISON_GROUPS.values()))


def population_column(year: FinancialYear) -> str:
    """``population_2023_24``: the registry column of a year's population."""
    return f"population_{year.start_year}_{(year.start_year + 1) % 100:02d}"


def population_estimate(year: FinancialYear) -> str:
    """Which ONS estimate a financial year's population is: the one for the June before the
    year starts (mid-2022 for 2023-24), as the ombudsman's own published figures use it."""
    return f"mid-{year.start_year - 1}"


def long_date(day: date) -> str:
    """``1 April 2020``."""
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Council:
    code: str
    name: str
    type: str
    comparison_group: str
    formed_on: date | None  # None: before the first year the registry covers
    abolished_on: date | None  # the first day it no longer existed; None: still exists
    lat: float | None
    lon: float | None
    successors: tuple[str, ...] = ()
    # Residents by financial year label; a year missing here has no estimate (null figures).
    populations: Mapping[str, int] = field(default_factory=dict, compare=False)
    # Version-1 registries: one estimate for every year.
    population_every_year: int | None = None
    # The ONS region (one of ``REGIONS``); None in registries older than version 3.
    region: str | None = None

    @property
    def is_county(self) -> bool:
        """A county council's residents are also its districts' residents."""
        return self.type == COUNTY

    def exists_on(self, day: date) -> bool:
        return (self.formed_on is None or self.formed_on <= day) and (
            self.abolished_on is None or day < self.abolished_on
        )

    def existed_in(self, year: FinancialYear) -> bool:
        """True when the council existed on any day of the year."""
        return (self.formed_on is None or self.formed_on <= year.end) and (
            self.abolished_on is None or year.start < self.abolished_on
        )

    @property
    def first_year(self) -> FinancialYear:
        if self.formed_on is None or self.formed_on <= FIRST_YEAR.start:
            return FIRST_YEAR
        return FinancialYear.containing(self.formed_on)

    @property
    def last_year(self) -> FinancialYear | None:
        """The last year it existed in; None: it still exists."""
        if self.abolished_on is None:
            return None
        return FinancialYear.containing(self.abolished_on - timedelta(days=1))

    def population_in(self, year: FinancialYear) -> int | None:
        """Residents in ``year`` (None: no estimate, so no per-100,000 figure)."""
        if not self.existed_in(year):
            return None
        return self.populations.get(year.label, self.population_every_year)


@dataclass(frozen=True)
class Contact:
    salutation: str
    chief_executive: str
    address: str
    email: str


def _names(councils: Iterable[Council]) -> str:
    """``A (E1)``, ``A (E1) and B (E2)``, ``A (E1), B (E2) and C (E3)``."""
    parts = [f"{c.name} ({c.code})" for c in councils]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _plain_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class Registry:
    def __init__(self, councils: Iterable[Council]) -> None:
        self.councils = sorted(councils, key=lambda c: c.code)
        self.by_code = {c.code: c for c in self.councils}
        predecessors: dict[str, list[Council]] = {}
        for council in self.councils:
            for successor in council.successors:
                predecessors.setdefault(successor, []).append(council)
        self._predecessors = predecessors

    def for_year(self, year: FinancialYear) -> list[Council]:
        return [c for c in self.councils if c.existed_in(year)]

    # ------------------------------------------------------------------------------ lineage
    def successors_of(self, code: str) -> list[Council]:
        council = self.by_code.get(code)
        return [self.by_code[s] for s in council.successors] if council else []

    def predecessors_of(self, code: str) -> list[Council]:
        """The councils that ``code`` replaced (wholly or in part), in code order."""
        return list(self._predecessors.get(code, []))

    def lineage_notes(self, code: str) -> list[str]:
        """What happened to the council, as sentences a page or a letter can show."""
        council = self.by_code.get(code)
        if council is None:
            return []
        notes = []
        if council.formed_on is not None:
            before = self.predecessors_of(code)
            parts = [
                p.name if len(p.successors) == 1 else f"part of {p.name}"
                for p in sorted(before, key=lambda p: (len(p.successors) > 1, p.name))
            ]
            source = f" from {_plain_names(parts)}" if parts else ""
            notes.append(f"{council.name} was formed on {long_date(council.formed_on)}{source}.")
        if council.abolished_on is not None:
            after = self.successors_of(code)
            when = long_date(council.abolished_on)
            if len(after) == 1:
                notes.append(f"{council.name} became part of {after[0].name} on {when}.")
            elif after:
                names = _plain_names([s.name for s in after])
                notes.append(f"{council.name} was replaced by {names} on {when}.")
            else:
                notes.append(f"{council.name} was abolished on {when}.")
        return notes

    def lineage(self, code: str) -> dict[str, object] | None:
        """The council's lineage as data (codes, names, dates, sentences), or None for a
        council that was neither formed nor abolished in the years the registry covers."""
        council = self.by_code.get(code)
        if council is None or (council.formed_on is None and council.abolished_on is None):
            return None
        return {
            "formed_on": council.formed_on.isoformat() if council.formed_on else None,
            "abolished_on": council.abolished_on.isoformat() if council.abolished_on else None,
            "predecessors": [{"code": p.code, "name": p.name} for p in self.predecessors_of(code)],
            "successors": [{"code": s.code, "name": s.name} for s in self.successors_of(code)],
            "notes": self.lineage_notes(code),
        }

    # ---------------------------------------------------------------- the event's council
    def existence_error(self, code: str, day: date) -> str | None:
        """Why ``code`` is not a council on ``day`` (naming the council, the date and what
        replaced it), or None when it is one."""
        council = self.by_code.get(code)
        if council is None:
            return f"authority_code {code} is not a council in the registry (on {day})"
        if council.exists_on(day):
            return None
        lead = f"authority_code {code} ({council.name}) did not exist on {day}"
        if council.formed_on is not None and day < council.formed_on:
            before = self.predecessors_of(code)
            replacing = f" replacing {_names(before)}" if before else ""
            return f"{lead}: formed on {council.formed_on}{replacing}"
        assert council.abolished_on is not None
        after = self.successors_of(code)
        if after:
            return f"{lead}: replaced by {_names(after)} on {council.abolished_on}"
        return f"{lead}: abolished on {council.abolished_on}"


# ------------------------------------------------------------------------------- reading
class _Row:
    """One registry line's fields, each parsed with an error that names field and value."""

    def __init__(self, row: Mapping[str, str | None]) -> None:
        self.row = row

    def text(self, name: str) -> str:
        return (self.row.get(name) or "").strip()

    def required(self, name: str) -> str:
        value = self.text(name)
        if not value:
            raise ValueError(f"{name}: required (empty)")
        return value

    def day(self, name: str) -> date | None:
        value = self.text(name)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name}: {value!r} is not a date such as 2020-04-01") from None

    def year(self, name: str) -> FinancialYear | None:
        value = self.text(name)
        try:
            return FinancialYear.parse(value) if value else None
        except ValueError:
            raise ValueError(f"{name}: {value!r} is not a financial year such as 2019-20") from None

    def number(self, name: str, low: float, high: float) -> float | None:
        value = self.text(name)
        if not value:
            return None
        try:
            found = float(value)
        except ValueError:
            raise ValueError(f"{name}: {value!r} is not a number") from None
        if not low <= found <= high:
            raise ValueError(f"{name}: {value!r} is outside {low} to {high}")
        return found

    def population(self, name: str) -> int | None:
        value = self.text(name)
        if not value:
            return None
        if not value.isdigit() or int(value) <= 0:
            raise ValueError(f"{name}: {value!r} is not a whole number of residents above 0")
        return int(value)


def _common(row: _Row) -> tuple[str, str, str, str]:
    code = row.required("code")
    if not _CODE.match(code):
        raise ValueError(f"code: {code!r} is not the ONS code of an English principal council")
    kind = row.required("type")
    if kind not in COMPARISON_GROUPS:
        raise ValueError(f"type: {kind!r} is not one of {', '.join(COMPARISON_GROUPS)}")
    group = row.required("comparison_group")
    if group != COMPARISON_GROUPS[kind]:
        raise ValueError(
            f"comparison_group: {group!r} is not the group of a {kind} "
            f"({COMPARISON_GROUPS[kind]!r})"
        )
    return code, row.required("name"), kind, group


def _region(row: _Row) -> str | None:
    region = row.text(REGION_COLUMN)
    if not region:
        return None
    if region not in REGIONS:
        raise ValueError(f"{REGION_COLUMN}: {region!r} is not one of {', '.join(REGIONS)}")
    return region


def _council_v2(row: _Row, population_columns: Mapping[str, FinancialYear]) -> Council:
    code, name, kind, group = _common(row)
    formed_on, abolished_on = row.day("formed_on"), row.day("abolished_on")
    if formed_on and abolished_on and abolished_on <= formed_on:
        raise ValueError(f"abolished_on: {abolished_on} is not after formed_on {formed_on}")
    successors = tuple(row.text("successors").split())
    if successors and abolished_on is None:
        raise ValueError(f"successors: {' '.join(successors)!r} given for a council not abolished")
    for successor in successors:
        if not _CODE.match(successor):
            raise ValueError(f"successors: {successor!r} is not a council code")
    lat, lon = row.number("lat", -90, 90), row.number("lon", -180, 180)
    council = Council(code, name, kind, group, formed_on, abolished_on, lat, lon, successors)
    populations = {}
    for column, year in population_columns.items():
        population = row.population(column)
        if population is None:
            continue
        if not council.existed_in(year):
            raise ValueError(f"{column}: {population} given for a year the council did not exist")
        populations[year.label] = population
    return Council(
        code,
        name,
        kind,
        group,
        formed_on,
        abolished_on,
        lat,
        lon,
        successors,
        populations,
        region=_region(row),
    )


def _council_v1(row: _Row) -> Council:
    code, name, kind, group = _common(row)
    first = row.year("first_year")
    if first is None:
        raise ValueError("first_year: required (empty)")
    last = row.year("last_year")
    if last is not None and last < first:
        raise ValueError(f"last_year: {last} is before first_year {first}")
    return Council(
        code,
        name,
        kind,
        group,
        formed_on=first.start if first > FIRST_YEAR else None,
        abolished_on=last.next().start if last else None,
        lat=row.number("lat", -90, 90),
        lon=row.number("lon", -180, 180),
        population_every_year=row.population("population"),
    )


def _check_lineage(councils: list[Council], lines: Mapping[str, int]) -> None:
    by_code = {c.code: c for c in councils}
    for council in councils:
        for successor in council.successors:
            found = by_code.get(successor)
            where = f"registry line {lines[council.code]}: successors"
            if found is None:
                raise ValueError(f"{where}: {successor} is not a council in the registry")
            assert council.abolished_on is not None
            if not found.exists_on(council.abolished_on):
                raise ValueError(
                    f"{where}: {successor} ({found.name}) did not exist on "
                    f"{council.abolished_on}, when {council.code} was abolished"
                )


def parse_registry(text: str) -> Registry:
    reader = csv.DictReader(io.StringIO(text))
    header = list(reader.fieldnames or [])
    version1 = "formed_on" not in header and "first_year" in header
    expected = COLUMNS_V1 if version1 else COLUMNS
    if missing := [c for c in expected if c not in header]:
        raise ValueError(f"registry: missing column(s) {', '.join(missing)}")
    population_columns: dict[str, FinancialYear] = {}
    for column in header:
        if column.startswith("population_"):
            match = _POPULATION_COLUMN.match(column)
            if version1 or not match or (int(match[1]) + 1) % 100 != int(match[2]):
                raise ValueError(f"registry: column {column!r} is not population_YYYY_YY")
            population_columns[column] = FinancialYear(int(match[1]))
        elif column not in expected and (version1 or column != REGION_COLUMN):
            raise ValueError(f"registry: unknown column {column!r}")
    councils: list[Council] = []
    lines: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):
        try:
            if None in row:
                raise ValueError("more fields than the header names")
            council = (
                _council_v1(_Row(row)) if version1 else _council_v2(_Row(row), population_columns)
            )
            if council.code in lines:
                raise ValueError(f"code: {council.code} is already on line {lines[council.code]}")
        except ValueError as error:
            raise ValueError(f"registry line {number}: {error}") from None
        councils.append(council)
        lines[council.code] = number
    _check_lineage(councils, lines)
    return Registry(councils)


def packaged_registry_text() -> str:
    return (resources.files("annual_review") / "data" / "councils.csv").read_text("utf-8")


def load_registry(override: bytes | None) -> Registry:
    """The uploaded registry when there is one, else the packaged default."""
    return parse_registry(override.decode("utf-8") if override else packaged_registry_text())


def parse_contacts(text: str) -> dict[str, Contact]:
    contacts = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = (row.get("code") or "").strip()
        if code:
            contacts[code] = Contact(
                salutation=(row.get("salutation") or "").strip(),
                chief_executive=(row.get("chief_executive") or "").strip(),
                address=(row.get("address") or "").strip(),
                email=(row.get("email") or "").strip(),
            )
    return contacts
