"""What changed in the learning (decision statements, public reports, service improvements),
recorded so the weekly publication finds it without reading history.

Ingestion writes one change record per learning ledger write, in the same DynamoDB transaction
as the ledger write itself (so a change is recorded exactly when it is applied): keyed by the
day it was applied (``day``) and the ledger key (``item``), holding the new version, its detail
and the council-years (scopes) it touches: where the item is now and, for an amendment that
moved it or a withdrawal, where it was. The weekly publication reads the days since its last run
(a query per day), so its cost follows the week's changes, never the years of history.

A scope's state (``LearningState``) holds the newest version of each of its items; applying a
change is idempotent and ignores anything not newer than what the state holds, so reading a day
twice, or days out of order, changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from annual_review.learning.contract import LEDGER_PREFIXES, LearningItem, LearningWithdrawal

if TYPE_CHECKING:
    from annual_review.ingestion.planner import LedgerWrite

# Change records are kept this long (a DynamoDB TTL): far longer than a week between runs.
CHANGE_RECORD_DAYS = 120


class _AnyHost(frozenset[str]):
    """Every host: stored details were checked against the allowed hosts when they arrived."""

    def __contains__(self, host: object) -> bool:
        return True


ANY_HOST: frozenset[str] = _AnyHost({"*"})
Kind = Literal["decision", "report", "improvement"]
KIND_OF_PREFIX: dict[str, Kind] = {
    "statement": "decision",
    "report": "report",
    "improvement": "improvement",
}


def scope_of(detail: LearningItem) -> str:
    """The council-year an item is shown under: ``E09000021#2019-20``."""
    return f"{detail.authority_code}#{detail.year.label}"


def change_record(write: LedgerWrite, now: datetime) -> dict[str, Any] | None:
    """The change record (DynamoDB wire format) for a learning write; None for other writes."""
    detail = write.entry.detail
    if not isinstance(detail, LearningItem | LearningWithdrawal):
        return None
    scopes = []
    if isinstance(detail, LearningItem):
        scopes.append(scope_of(detail))
    previous = write.previous.detail if write.previous is not None else None
    if isinstance(previous, LearningItem) and scope_of(previous) not in scopes:
        scopes.append(scope_of(previous))
    record: dict[str, Any] = {
        "day": {"S": now.date().isoformat()},
        "item": {"S": write.entry.key},
        "version": {"N": str(write.entry.version)},
        "detail_type": {"S": write.entry.detail_type},
        "detail": {"S": detail.model_dump_json(exclude_none=True)},
        "changed_at": {"S": now.isoformat(timespec="seconds")},
        "expires": {"N": str(int((now + timedelta(days=CHANGE_RECORD_DAYS)).timestamp()))},
    }
    if scopes:
        record["scopes"] = {"L": [{"S": scope} for scope in scopes]}
    return record


class Change(BaseModel):
    """One change record, read back."""

    model_config = ConfigDict(frozen=True)

    key: str
    version: int
    detail_type: str
    detail: dict[str, Any]
    changed_at: str
    scopes: tuple[str, ...] = ()

    @property
    def withdrawn(self) -> bool:
        return self.detail.get("withdrawn") is True

    @property
    def kind(self) -> Kind:
        return KIND_OF_PREFIX[self.key.split("#", 1)[0]]

    @property
    def home(self) -> str | None:
        """The scope the item now belongs to (None once withdrawn)."""
        if self.withdrawn:
            return None
        return f"{self.detail['authority_code']}#{_year_of(self)}"


def _year_of(change: Change) -> str:
    day = {
        "decision": "decided_on",
        "report": "issued_on",
        "improvement": "agreed_on",
    }[change.kind]
    year, month = int(change.detail[day][:4]), int(change.detail[day][5:7])
    start = year if month >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def decode_change(item: Mapping[str, Any]) -> Change:
    return Change(
        key=item["item"]["S"],
        version=int(item["version"]["N"]),
        detail_type=item["detail_type"]["S"],
        detail=json.loads(item["detail"]["S"]),
        changed_at=item["changed_at"]["S"],
        scopes=tuple(s["S"] for s in item.get("scopes", {}).get("L", [])),
    )


class StoredItem(BaseModel):
    """An item as a scope's state holds it: the newest version and when it was applied."""

    model_config = ConfigDict(frozen=True)

    key: str
    kind: Kind
    version: int
    detail: dict[str, Any]
    changed_at: str


class LearningState(BaseModel):
    """One council-year's learning: every item at its newest version, and the versions that
    took items away (so an older version arriving later cannot bring one back)."""

    scope: str
    items: dict[str, StoredItem] = {}
    gone: dict[str, int] = {}

    def apply(self, change: Change) -> bool:
        """Apply one change to this scope; True when it changed anything."""
        known = self.items.get(change.key)
        newest = max(known.version if known else 0, self.gone.get(change.key, 0))
        if change.version <= newest:
            return False
        if change.home == self.scope:
            self.items[change.key] = StoredItem(
                key=change.key,
                kind=change.kind,
                version=change.version,
                detail=change.detail,
                changed_at=change.changed_at,
            )
            self.gone.pop(change.key, None)
        else:
            self.items.pop(change.key, None)
            self.gone[change.key] = change.version
        return True


def apply_changes(states: Mapping[str, LearningState], changes: Iterable[Change]) -> set[str]:
    """Apply changes (in version order per key) to the states of their scopes; the scopes that
    changed. ``states`` must hold a state for every scope the changes name."""
    changed: set[str] = set()
    for change in sorted(changes, key=lambda c: (c.key, c.version)):
        for scope in change.scopes:
            if states[scope].apply(change):
                changed.add(scope)
    return changed


def ledger_keys_for(item_id: str) -> list[str]:
    """The ledger keys an operator's item id may name (a decision statement, report or
    improvement)."""
    return [f"{prefix}#{item_id}" for prefix in LEDGER_PREFIXES.values()]
