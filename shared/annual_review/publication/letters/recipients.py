"""Who receives each council's letter: the private recipients list, checked before it is used.

A CSV, one row per council: the chief executive (to whom the letter is addressed, by name, as in
"Dear Mr Thomas"), the council's postal address, the link officer (who reconciles the case lists)
and the leader and the chair of scrutiny. It replaces the older ``registry/contacts.csv`` (still
read when no list is uploaded).

Each council's letter goes out as two messages, each sent once per revision (its own delivery):
"officers" (the chief executive, copied to the link officer) with the case lists attached, and
"councillors" (the leader, copied to the chair of scrutiny) with the letter only: the case lists
are for the people who reconcile them, not for councillors' often personal mailboxes. A list
written before the link officer was added is still read (``missing_link_officers`` says which
councils' case lists then go to the chief executive alone).
Personal data: kept in the private bucket, never logged, never published; the pre-release
statement names roles, not people or addresses.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from annual_review.registry.councils import Contact

RECIPIENTS_KEY = "recipients/recipients.csv"
COLUMNS = (
    "code",
    "chief_executive",
    "salutation",
    "chief_executive_email",
    "address",
    "leader",
    "leader_email",
    "scrutiny_chair",
    "scrutiny_chair_email",
)
# Added later: a list without these columns is still read (no link officer for any council).
LINK_OFFICER_COLUMNS = ("link_officer", "link_officer_email")
ROLE_CHIEF_EXECUTIVE = "chief executive"
ROLE_LEADER = "leader"
ROLE_SCRUTINY_CHAIR = "chair of scrutiny"
ROLE_LINK_OFFICER = "link officer"

# The messages of one council's letter, each a delivery of its own.
MessageKind = Literal["officers", "councillors"]
MESSAGE_KINDS: tuple[MessageKind, ...] = ("officers", "councillors")
# Which messages carry the case lists.
WITH_CASE_LISTS: frozenset[MessageKind] = frozenset({"officers"})
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


@dataclass(frozen=True)
class Person:
    role: str
    name: str
    email: str


@dataclass(frozen=True)
class Addressees:
    """Who one message goes to: ``To`` and ``Cc`` (SES counts every one of them)."""

    to: tuple[Person, ...]
    cc: tuple[Person, ...]

    @property
    def people(self) -> tuple[Person, ...]:
        return (*self.to, *self.cc)

    @property
    def roles(self) -> list[str]:
        return [person.role for person in self.people]


@dataclass(frozen=True)
class Recipients:
    """One council's addressees: the letter is addressed to the chief executive; ``copies`` are
    the councillors (leader, chair of scrutiny); ``link_officer`` shares the case lists."""

    code: str
    chief_executive: Person
    salutation: str
    address: str
    copies: tuple[Person, ...]
    link_officer: Person | None = None

    @property
    def people(self) -> tuple[Person, ...]:
        officer = (self.link_officer,) if self.link_officer else ()
        return (self.chief_executive, *officer, *self.copies)

    def messages(self) -> dict[MessageKind, Addressees]:
        """The council's messages and their addressees: "officers" always, "councillors" when
        the list names a leader or a chair of scrutiny (the leader first, as ``To``)."""
        officer = (self.link_officer,) if self.link_officer else ()
        found: dict[MessageKind, Addressees] = {
            "officers": Addressees((self.chief_executive,), officer)
        }
        if self.copies:
            found["councillors"] = Addressees(self.copies[:1], self.copies[1:])
        return found

    def contact(self) -> Contact:
        """As the letter uses it: "Dear {salutation}" and the address block."""
        return Contact(
            salutation=self.salutation or self.chief_executive.name,
            chief_executive=self.chief_executive.name,
            address=self.address,
            email=self.chief_executive.email,
        )


class RecipientsInvalid(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s): " + "; ".join(problems[:10]))
        self.problems = problems


def _person(
    row: Mapping[str, str], role: str, name_column: str, line: int
) -> tuple[Person | None, list[str]]:
    name = (row.get(name_column) or "").strip()
    email = (row.get(f"{name_column}_email") or "").strip()
    problems = []
    if bool(name) != bool(email):
        problems.append(f"line {line}: {role} needs both a name and an email address")
    if email and not _EMAIL.match(email):
        problems.append(f"line {line}: {role}'s email address is not valid")
    if name and email and not problems:
        return Person(role, name, email), []
    return None, problems


def parse_recipients(
    text: str, required_codes: Iterable[str] | None = None, known_codes: Iterable[str] | None = None
) -> dict[str, Recipients]:
    """Every council's recipients; ``RecipientsInvalid`` lists every problem at once.

    ``required_codes``: councils that must each have a chief executive (the year's councils).
    ``known_codes``: codes the registry knows (anything else is a typo).
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = set(COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise RecipientsInvalid([f"missing column(s): {', '.join(sorted(missing))}"])
    known = set(known_codes) if known_codes is not None else None
    found: dict[str, Recipients] = {}
    problems: list[str] = []
    for line, row in enumerate(reader, start=2):
        code = (row.get("code") or "").strip()
        if not code:
            problems.append(f"line {line}: no council code")
            continue
        if code in found:
            problems.append(f"line {line}: {code} appears more than once")
            continue
        if known is not None and code not in known:
            problems.append(f"line {line}: {code} is not a council in the registry")
        chief, chief_problems = _person(row, ROLE_CHIEF_EXECUTIVE, "chief_executive", line)
        leader, leader_problems = _person(row, ROLE_LEADER, "leader", line)
        chair, chair_problems = _person(row, ROLE_SCRUTINY_CHAIR, "scrutiny_chair", line)
        officer, officer_problems = _person(row, ROLE_LINK_OFFICER, "link_officer", line)
        problems += chief_problems + officer_problems + leader_problems + chair_problems
        if chief is None:
            if not chief_problems:
                problems.append(f"line {line}: {code} has no chief executive")
            continue
        found[code] = Recipients(
            code=code,
            chief_executive=chief,
            salutation=(row.get("salutation") or "").strip(),
            address=(row.get("address") or "").strip(),
            copies=tuple(p for p in (leader, chair) if p is not None),
            link_officer=officer,
        )
    for code in sorted(set(required_codes or ()) - set(found)):
        problems.append(f"{code}: no chief executive in the list")
    if problems:
        raise RecipientsInvalid(problems)
    return found


def missing_link_officers(recipients: Mapping[str, Recipients]) -> list[str]:
    """Councils with no link officer: their case lists go to the chief executive alone."""
    return sorted(code for code, entry in recipients.items() if entry.link_officer is None)


def link_officer_note(recipients: Mapping[str, Recipients]) -> str | None:
    """What the operator should know about link officers, or None when every council has one."""
    missing = missing_link_officers(recipients)
    if not missing:
        return None
    if len(missing) == len(recipients):
        return (
            "no link officer in the recipients list (a list from before the link_officer and "
            "link_officer_email columns): each council's case lists go to its chief executive "
            "alone; add the columns and upload the list again"
        )
    return (
        f"{len(missing)} council(s) have no link officer (e.g. {', '.join(missing[:5])}): "
        "their case lists go to the chief executive alone"
    )


def recipients_csv(recipients: Iterable[Recipients]) -> str:
    """The list back as CSV (for the synthetic local list and tests)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=(*COLUMNS, *LINK_OFFICER_COLUMNS), lineterminator="\n"
    )
    writer.writeheader()
    for entry in sorted(recipients, key=lambda r: r.code):
        copies = {p.role: p for p in entry.copies}
        leader, chair = copies.get(ROLE_LEADER), copies.get(ROLE_SCRUTINY_CHAIR)
        writer.writerow(
            {
                "code": entry.code,
                "chief_executive": entry.chief_executive.name,
                "salutation": entry.salutation,
                "chief_executive_email": entry.chief_executive.email,
                "address": entry.address,
                "leader": leader.name if leader else "",
                "leader_email": leader.email if leader else "",
                "scrutiny_chair": chair.name if chair else "",
                "scrutiny_chair_email": chair.email if chair else "",
                "link_officer": entry.link_officer.name if entry.link_officer else "",
                "link_officer_email": entry.link_officer.email if entry.link_officer else "",
            }
        )
    return buffer.getvalue()
