"""The fork's patches to moto's DynamoDB tables (``speedups`` installs them; its docstring says
why each): scans paged by bisection on the start key, items that keep a bound of their size, and
a scan's plain items written to the response as stored. Each changes the cost of a call, never
its result.
"""

from __future__ import annotations

import bisect
import inspect
import itertools
import json
import operator
from collections.abc import Callable, Iterator
from typing import Any

import moto.dynamodb.responses
from moto.core.responses import ActionResult
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import Table
from moto.dynamodb.models.utilities import bytesize

dynamodb_responses: Any = moto.dynamodb.responses  # names it imports, patched where it uses them
# The order of each table's keys for the scan under way: (item count, sorted keys, their places).
_scan_orders: dict[int, tuple[int, list[Any], list[tuple[Any, Any]]]] = {}


def _table_key(table: Table, attributes: dict[str, Any]) -> Any:
    """An item's (or a start key's) place in ``Table.all_items`` order, as plain values."""
    hash_value = attributes[table.hash_key_attr]
    if table.range_key_attr is None:
        return hash_value.cast_value
    return (hash_value.cast_value, attributes[table.range_key_attr].cast_value)


def _item_count(table: Table) -> int:
    if table.range_key_attr:
        return sum(len(by_range) for by_range in table.items.values())
    return len(table.items)


def _scan_order(table: Table, *, fresh: bool) -> tuple[list[Any], list[tuple[Any, Any]]]:
    """The table's keys in moto's scan order (by hash key, then range key, compared by cast
    values), and each key's place in ``table.items``. Sorted again for a scan's first page and
    whenever the number of items changed; a later page of the same scan reuses the order (an
    item added meanwhile may be missed, as a DynamoDB scan may miss it)."""
    count = _item_count(table)
    cached = _scan_orders.get(id(table))
    if fresh or cached is None or cached[0] != count:
        ordered = sorted(
            (
                (_table_key(table, item.attrs), item.hash_key, item.range_key)
                for item in _stored_items(table)
            ),
            key=operator.itemgetter(0),
        )
        cached = (count, [key for key, _, _ in ordered], [(h, r) for _, h, r in ordered])
        _scan_orders[id(table)] = cached
    return cached[1], cached[2]


def _items_from(table: Table, places: list[tuple[Any, Any]], first: int) -> Iterator[Item]:
    """The table's current items from place ``first`` on, in scan order (moto's scan stops
    reading when its page is full); a key deleted since the order was taken is skipped."""
    stored: dict[Any, Any] = table.items
    for hash_value, range_value in itertools.islice(places, first, None):
        found = stored.get(hash_value)
        if found is not None and range_value is not None:
            found = found.get(range_value)
        if found is not None:
            yield found


def _paging_scan(original: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(original)

    def scan(self: Table, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        arguments = bound.arguments
        if arguments["index_name"] or tuple(arguments["segments"]) != (None, None):
            return original(*bound.args, **bound.kwargs)
        start = arguments["exclusive_start_key"]
        keys, places = _scan_order(self, fresh=start is None)
        first = 0
        if start is not None:
            wanted = {name: DynamoType(value) for name, value in start.items()}
            first = bisect.bisect_right(keys, _table_key(self, wanted))
        page = _items_from(self, places, first)
        arguments["exclusive_start_key"] = None  # the page already starts after it
        self.all_items = lambda: page  # type: ignore[method-assign,assignment,return-value]
        try:
            return original(*bound.args, **bound.kwargs)
        finally:
            del self.all_items

    scan.patched_by_annual_review = True  # type: ignore[attr-defined]
    return scan


# moto's item size limit (LimitedSizeDict), and where an item's attributes keep their bound.
_ITEM_SIZE_LIMIT = 405000
_original_setitem = LimitedSizeDict.__setitem__


def _attribute_size(name: str, value: Any) -> int:
    return bytesize(name) + (value.size() if type(value) is DynamoType else bytesize(str(value)))


def _bounded_setitem(self: LimitedSizeDict, key: str, value: Any) -> None:
    """``LimitedSizeDict.__setitem__`` at the cost of one attribute's size, not the item's."""
    known = self.__dict__.get("_size_bound")
    if known is None or known[1] != len(self):
        bound = sum(_attribute_size(name, inner) for name, inner in self.items())
    else:
        bound = known[0]
    bound += _attribute_size(key, value)  # an attribute replaced still counts: an upper bound
    if bound > _ITEM_SIZE_LIMIT:
        _original_setitem(self, key, value)  # moto's exact sum decides (and raises)
        self.__dict__.pop("_size_bound", None)
        return
    dict.__setitem__(self, key, value)
    self.__dict__["_size_bound"] = (bound, len(self))


_PLAIN_TYPES = frozenset({"S", "N", "BOOL", "NULL"})


def _plain_items(items: Any) -> bool:
    """Items whose every attribute is ``{"S"|"N": str}`` or ``{"BOOL"|"NULL": bool}``."""
    if not isinstance(items, list):
        return False
    for item in items:
        if not isinstance(item, dict):
            return False
        for value in item.values():
            if not isinstance(value, dict) or len(value) != 1:
                return False
            ((kind, inner),) = value.items()
            if kind not in _PLAIN_TYPES or not isinstance(inner, (str, bool)):
                return False
    return True


class _PlainItemsResult(dynamodb_responses.DynamoResult):  # type: ignore[misc]
    """``DynamoResult`` that writes plain ``Items`` itself (see the module's docstring)."""

    def execute_result(self, context: Any) -> Any:
        result = self.result
        if not isinstance(result, dict) or not _plain_items(result.get("Items")):
            return super().execute_result(context)
        rest = ActionResult({**result, "Items": []})
        status, headers, body = rest.execute_result(context)
        document = json.loads(body)
        document["Items"] = result["Items"]
        return status, headers, json.dumps(document, separators=(",", ":"))


def _stored_items(table: Table) -> list[Item]:
    if table.range_key_attr:
        return [item for by_range in table.items.values() for item in by_range.values()]
    return list(table.items.values())  # type: ignore[arg-type]
