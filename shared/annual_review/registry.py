"""The registry of English principal councils: who existed in which financial year, and their facts.

The package ships ``data/councils.csv`` (built by ``annual-review local build-registry`` from the
reference data); a newer file uploaded to the private bucket at ``registry/councils.csv``
replaces it without a deploy. The office keeps ``registry/contacts.csv`` (who a letter goes to).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
    "first_year",
    "last_year",
    "population",
    "lat",
    "lon",
)
CONTACT_COLUMNS = ("code", "salutation", "chief_executive", "address", "email")

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


@dataclass(frozen=True)
class Council:
    code: str
    name: str
    type: str
    comparison_group: str
    first_year: FinancialYear
    last_year: FinancialYear | None  # None: still exists
    population: int | None  # None: no estimate, so no per-100,000 figure
    lat: float | None
    lon: float | None

    def existed_in(self, year: FinancialYear) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


@dataclass(frozen=True)
class Contact:
    salutation: str
    chief_executive: str
    address: str
    email: str


class Registry:
    def __init__(self, councils: Iterable[Council]) -> None:
        self.councils = sorted(councils, key=lambda c: c.code)
        self.by_code = {c.code: c for c in self.councils}

    def for_year(self, year: FinancialYear) -> list[Council]:
        return [c for c in self.councils if c.existed_in(year)]


def _optional_float(text: str) -> float | None:
    return float(text) if text else None


def parse_registry(text: str) -> Registry:
    rows = list(csv.DictReader(io.StringIO(text)))
    if rows and set(COLUMNS) - set(rows[0]):
        missing = ", ".join(sorted(set(COLUMNS) - set(rows[0])))
        raise ValueError(f"registry: missing column(s) {missing}")
    councils = []
    for number, row in enumerate(rows, start=2):
        try:
            councils.append(
                Council(
                    code=row["code"],
                    name=row["name"],
                    type=row["type"],
                    comparison_group=row["comparison_group"],
                    first_year=FinancialYear.parse(row["first_year"]),
                    last_year=FinancialYear.parse(row["last_year"]) if row["last_year"] else None,
                    population=int(row["population"]) if row["population"] else None,
                    lat=_optional_float(row["lat"]),
                    lon=_optional_float(row["lon"]),
                )
            )
        except (KeyError, ValueError) as error:
            raise ValueError(f"registry line {number}: {error}") from None
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
