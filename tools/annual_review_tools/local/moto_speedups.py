"""Local-only fixes for moto costs that grow with the data, so a year replays in minutes.

They run only inside the local moto server (never on AWS) and change no result, only the cost.
Each rests on moto's internals as they are in the pinned version, so ``install`` first checks that
every function it patches is the one it was written for (its source's fingerprint) and refuses,
naming the patch, when it is not: upgrading moto means re-reading these patches.

- DynamoDB: moto 5 backs up a ``TransactWriteItems`` by deep-copying every table it names, once
  per item of the transaction, and restores the copies if the transaction is cancelled. With a
  year's ledger (about 35,000 items) a transaction of 20 items copies 700,000 items. The same
  all-or-nothing guarantee needs only the items the transaction names: this backs up those,
  lets moto skip its table copies, and restores the items on any failure.
- EventBridge: every event delivered to a target compiles eight JSONPath expressions (the default
  input template) with a fresh parser generator; compiled expressions are cached instead.
- SQS: every send and receive scans the whole queue, asking each message the time through a
  chain of datetime conversions (the clock is read directly instead), and recomputes every
  queue attribute from its CamelCase name (the name conversions are cached).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import threading
import time
from collections.abc import Callable
from typing import Any

import jsonpath_ng.ext
import moto
import moto.backends as moto_backends
import moto.dynamodb.models as dynamodb_models
import moto.sqs.models as sqs_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

_state = threading.local()  # moto's server handles each request on a thread of its own


class _CopyUnlessTable:
    """moto's ``copy`` module, except that tables are not copied inside a patched transaction."""

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if isinstance(value, Table) and getattr(_state, "items_backed_up", False):
            return value
        return copy.deepcopy(value, memo)


def _item_key(backend: DynamoDBBackend, operation: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    table_name = operation["TableName"]
    if "Key" in operation:
        return table_name, operation["Key"]
    table = backend.get_table(table_name)
    names = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
    return table_name, {name: operation["Item"][name] for name in names}


def _patched(
    original: Callable[[DynamoDBBackend, list[dict[str, Any]]], None],
) -> Callable[[DynamoDBBackend, list[dict[str, Any]]], None]:
    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        try:
            keys = [_item_key(self, next(iter(item.values()))) for item in transact_items]
            backups = [(name, key, copy.deepcopy(self.get_item(name, key))) for name, key in keys]
        except Exception:
            return original(self, transact_items)
        _state.items_backed_up = True
        try:
            original(self, transact_items)
        except Exception:
            for name, key, item in backups:
                if item is None:
                    self.delete_item(name, key)
                else:
                    self.put_item(name, item.to_json()["Attributes"])
            raise
        finally:
            _state.items_backed_up = False
        return None

    transact_write_items.patched_by_annual_review = True  # type: ignore[attr-defined]
    return transact_write_items


def _now_millis(moment: Any = None) -> float:
    return time.time() * 1000.0 if moment is None else float(_unix_time_millis(moment))


_unix_time_millis = sqs_models.unix_time_millis  # type: ignore[attr-defined]


WRITTEN_FOR = "5.2.5"


class MotoChanged(RuntimeError):
    """moto is not the version (or code) a patch was written for."""


def _fingerprint(function: Callable[..., Any]) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


def _targets() -> dict[str, tuple[Callable[..., Any], str]]:
    """What each patch replaces or wraps, with the fingerprint of the code it was written for."""
    return {
        "DynamoDB transactions back up only their items": (
            DynamoDBBackend.transact_write_items,
            "81db2cb7d94e39c9",
        ),
        "SQS reads the clock directly": (sqs_models.unix_time_millis, "7a37e1337d02962e"),  # type: ignore[attr-defined]
        "SQS caches attribute name conversions": (
            sqs_models.camelcase_to_underscores,  # type: ignore[attr-defined]
            "084cdc5bab92db95",
        ),
        "EventBridge caches compiled JSONPath": (jsonpath_ng.ext.parse, "8e8fc5e91980418d"),  # type: ignore[attr-defined]
        "the server lists moto's modules once": (
            moto_backends.list_of_moto_modules,
            "4f741a10b06500e8",
        ),
    }


def check() -> None:
    """Refuse to patch a moto these patches were not written for."""
    if moto.__version__ != WRITTEN_FOR:
        raise MotoChanged(
            f"moto {moto.__version__} is installed; the local speed patches were written for "
            f"moto {WRITTEN_FOR} (tools/annual_review_tools/local/moto_speedups.py)"
        )
    if dynamodb_models.copy is not copy:  # type: ignore[attr-defined]
        raise MotoChanged("moto.dynamodb.models no longer uses the copy module for its backups")
    for patch, (target, expected) in _targets().items():
        if _fingerprint(target) != expected:
            raise MotoChanged(
                f"patch {patch!r}: {target.__qualname__} is not the code it was written for"
            )


def install() -> None:
    """Patch moto in this process (idempotent), after checking it is the moto they fit."""
    current = DynamoDBBackend.transact_write_items
    if getattr(current, "patched_by_annual_review", False):
        return
    check()
    dynamodb_models.copy = _CopyUnlessTable  # type: ignore[attr-defined,assignment]
    DynamoDBBackend.transact_write_items = _patched(current)  # type: ignore[method-assign,assignment]
    jsonpath_ng.ext.parse = functools.lru_cache(maxsize=64)(jsonpath_ng.ext.parse)  # type: ignore[attr-defined]
    sqs_models.unix_time_millis = _now_millis  # type: ignore[attr-defined,assignment]
    to_underscores = sqs_models.camelcase_to_underscores  # type: ignore[attr-defined]
    sqs_models.camelcase_to_underscores = functools.lru_cache(maxsize=256)(to_underscores)  # type: ignore[attr-defined]
    # The server lists moto's package folder on disk for every request it routes.
    modules = tuple(moto_backends.list_of_moto_modules())
    moto_backends.list_of_moto_modules = lambda: modules
