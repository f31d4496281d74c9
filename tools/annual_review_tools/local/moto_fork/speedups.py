"""Local-only fixes for moto costs that grow with the data, so a year replays in minutes.

They run only inside the local moto server (never on AWS) and change no result, only the cost.

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
- SQS: every message received gets a new receipt handle of 185 random letters, drawn one
  ``random.choice`` at a time; they are drawn in one ``random.choices`` call.
- SQS: every message received asks for the queue's retention period through
  ``get_queue_attributes``, which computes every attribute of the queue (counting its messages,
  a scan of the queue) three times over; the retention period is read directly, and
  ``get_queue_attributes`` computes the attributes once. Sending a message (each event the bus
  delivers) computes them all too, to read one (``ContentBasedDeduplication``): while sending,
  a queue's attributes are that one.
- DynamoDB: the request layer parses each condition and update expression of a transaction to
  validate the names it uses, and the backend parses them again; the request layer's parses are
  cached by expression, names and values (it only reads them). A transaction's backup of the
  items it names is a deep copy only where moto may change an item in place; a Put replaces the
  item and an aggregate ADD replaces its numbers, so a reference or a shallow copy restores them.
- DynamoDB: a scan sorts every item of the table for each page (comparing moto's key objects),
  then walks from the first item to the page's start key, so scanning a table page by page costs
  pages x items: reading three years' ledger at a freeze took minutes. Each page here sorts
  on the keys' plain values (the order moto's comparisons give) and starts at the page's start
  key by bisection; moto's own scan then reads the page as before.
- DynamoDB: moto writes each response through a serializer that walks the operation's output
  shape value by value: three quarters of a scan's time. A response's ``Items`` whose
  attributes are all plain (S, N, BOOL, NULL: a string, or a boolean) are already in the wire
  format, so they are written with ``json`` and the rest of the response (counts, start key)
  by moto's serializer as before; anything else (binary, sets, maps, lists) is left to moto.
- DynamoDB: setting one attribute of an item sums the size of every attribute it has (to refuse
  items over 400 KB), so an aggregate with fifty counters costs fifty sizes per counter added,
  and copying its attributes for a transaction's backup as many again. Each item's attributes
  here carry an upper bound of their size, kept as attributes are set and recomputed whenever
  their number changes otherwise; only near the limit is the size summed exactly, as moto
  does. A backup copies the attributes without checking sizes already checked.
- DynamoDB: a condition expression is parsed again for every item (twice for a transaction's
  Put); parsed conditions are cached by expression, names and values (evaluating one reads the
  item, never changes the parse). An aggregate update (``ADD #c0 :c0, ...`` of numbers only, no
  condition, on a table without indexes or streams) adds the numbers directly, instead of
  parsing, validating and executing the expression and deep-copying the item for a stream it
  does not have; anything else goes to moto's own ``update_item``.

Each patch was written for moto 5.2.5 and checks, before patching, that moto's version and the
source of every function it replaces are the ones it was written for; otherwise it fails
loudly (``MotoChanged``) rather than change a result silently.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import json
import re
import threading
from collections.abc import Callable
from typing import Any

import jsonpath_ng.ext
import moto
import moto.backends as moto_backends
import moto.dynamodb.comparisons as dynamodb_comparisons
import moto.dynamodb.models as dynamodb_models
import moto.dynamodb.models.table as dynamodb_table
import moto.dynamodb.responses
import moto.sqs.models as sqs_models
from moto.core.responses import ActionResult
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import Table
from moto.sqs.models import SQSBackend

from annual_review_tools.local.moto_fork.sqs_patches import (
    _attributes,
    _get_queue_attributes,
    _now_millis,
    _receipt_handle,
    _retained,
    _sending,
)
from annual_review_tools.local.moto_fork.table_patches import (
    _bounded_setitem,
    _paging_scan,
    _PlainItemsResult,
)

dynamodb_responses: Any = moto.dynamodb.responses  # names it imports, patched where it uses them

MOTO_VERSION = "5.2.5"
# The first 16 hex digits of the SHA-256 of each replaced function's source in moto 5.2.5.
FINGERPRINTS: dict[str, str] = {
    "DynamoDBBackend.transact_write_items": "81db2cb7d94e39c9",
    "DynamoDBBackend.update_item": "218984588dd689a5",
    "get_filter_expression": "0bb9e2d345c7f17f",
    "unix_time_millis": "7a37e1337d02962e",
    "camelcase_to_underscores": "084cdc5bab92db95",
    "SQSBackend.get_queue_attributes": "58417223da457b5a",
    "SQSBackend.is_message_valid_based_on_retention_period": "cca23b94a5f3af9d",
    "SQSBackend.send_message": "bf161af09a9e6b86",
    "Queue.attributes": "40cb990b121628d5",
    "create_condition_expression_parser": "a667986752c086a5",
    "UpdateExpressionParser.make": "2c00ed96d6e191f2",
    "DynamoHandler.transact_write_items": "61c163fff213f33a",
    "Table.scan": "5ef1ab21eef06a74",
    "Table.all_items": "c80d2ee3c896acd0",
    "Table._item_comes_before_dct": "6d70f41f7cb059f4",
    "ActionResult.execute_result": "6333faa349b58671",
    "LimitedSizeDict.__setitem__": "d979580fdbe14f79",
    "generate_receipt_handle": "10853f98152c8dab",
}


class MotoChanged(RuntimeError):
    """moto is not the version (or the code) these patches were written for."""


# What the local server's direct path (``server._OneRequestAtATime``) stands in for.
SERVER_FINGERPRINTS: dict[str, str] = {
    "convert_to_flask_response.__call__": "2c82766d05909ebb",
    "DomainDispatcherApplication.__call__": "7b12179deceda48d",
}


def server_functions() -> dict[str, Any]:
    """The installed moto's functions the server's direct path mimics, by fingerprint name."""
    from moto.core.utils import convert_to_flask_response
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    return {
        "convert_to_flask_response.__call__": convert_to_flask_response.__call__,
        "DomainDispatcherApplication.__call__": DomainDispatcherApplication.__call__,
    }


def check_server() -> None:
    """Refuse to serve requests without Flask unless moto routes them as it did in 5.2.5."""
    if moto.__version__ != MOTO_VERSION:
        raise MotoChanged(f"moto {moto.__version__} is installed; the local server expects 5.2.5")
    for name, function in server_functions().items():
        if fingerprint(function) != SERVER_FINGERPRINTS[name]:
            raise MotoChanged(
                f"moto's {name} is not the code the local server's direct path mimics"
            )


def fingerprint(function: Callable[..., Any]) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


def replaced_functions() -> dict[str, Any]:
    """The installed moto's functions the patches replace or wrap, by fingerprint name."""
    return {
        "DynamoDBBackend.transact_write_items": DynamoDBBackend.transact_write_items,
        "DynamoDBBackend.update_item": DynamoDBBackend.update_item,
        "get_filter_expression": dynamodb_comparisons.get_filter_expression,
        "unix_time_millis": sqs_models.unix_time_millis,  # type: ignore[attr-defined]
        "camelcase_to_underscores": sqs_models.camelcase_to_underscores,  # type: ignore[attr-defined]
        "SQSBackend.get_queue_attributes": SQSBackend.get_queue_attributes,
        "SQSBackend.is_message_valid_based_on_retention_period": (
            SQSBackend.is_message_valid_based_on_retention_period
        ),
        "SQSBackend.send_message": SQSBackend.send_message,
        "Queue.attributes": sqs_models.Queue.attributes.fget,  # type: ignore[attr-defined]
        "Table.scan": Table.scan,
        "Table.all_items": Table.all_items,
        "Table._item_comes_before_dct": Table._item_comes_before_dct,
        "ActionResult.execute_result": ActionResult.execute_result,
        "LimitedSizeDict.__setitem__": LimitedSizeDict.__setitem__,
        "generate_receipt_handle": sqs_models.generate_receipt_handle,  # type: ignore[attr-defined]
        # moto's own, saved before the patches replace them where the request layer uses them
        "create_condition_expression_parser": _create_condition_expression_parser,
        "UpdateExpressionParser.make": _update_expression_parser.make,
        "DynamoHandler.transact_write_items": dynamodb_responses.DynamoHandler.transact_write_items,
    }


def check_moto() -> None:
    """Refuse to patch anything but the moto these patches were written for."""
    if moto.__version__ != MOTO_VERSION:
        raise MotoChanged(
            f"moto {moto.__version__} is installed; the local speed patches were written for "
            f"{MOTO_VERSION}: see the upgrade note in annual_review_tools.local.moto_fork "
            "(`annual-review local moto-fingerprints` lists what changed)"
        )
    for name, function in replaced_functions().items():
        if fingerprint(function) != FINGERPRINTS[name]:
            raise MotoChanged(f"moto's {name} is not the code the local speed patch replaces")


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


def _backup(backend: DynamoDBBackend, transact_item: dict[str, Any]) -> tuple[str, Any, Any]:
    """What restores the item a transaction names if the transaction fails."""
    kind, operation = next(iter(transact_item.items()))
    name, key = _item_key(backend, operation)
    current = backend.get_item(name, key)
    if current is None or kind in ("Put", "Delete", "ConditionCheck"):
        return name, key, current  # replaced or removed whole, never changed in place
    if kind == "Update" and _add_pairs(
        backend.get_table(name),
        key,
        operation.get("UpdateExpression", ""),
        operation.get("ExpressionAttributeNames"),
        operation.get("ExpressionAttributeValues"),
    ):
        kept = copy.copy(current)  # the ADD fast path replaces numbers, never changes them
        kept.attrs = LimitedSizeDict.__new__(LimitedSizeDict)
        dict.update(kept.attrs, current.attrs)  # sizes already checked when they were set
        return name, key, kept
    return name, key, copy.deepcopy(current)


class _ParsedCondition:
    """A condition expression parser that has already parsed (or failed to): what moto's request
    layer reads of one."""

    def __init__(
        self, op: Any = None, names: tuple[str, ...] = (), values: tuple[str, ...] = (),
        error: Exception | None = None,
    ) -> None:  # fmt: skip
        self.op, self.error = op, error
        self.expr_attr_names_found = list(names)
        self.expr_attr_values_found = list(values)

    def parse(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.op


@functools.lru_cache(maxsize=1024)
def _parsed_for_validation(
    expression: str | None, names: str, values: str
) -> tuple[Any, tuple[str, ...], tuple[str, ...]]:
    parser = _create_condition_expression_parser(expression, json.loads(names), json.loads(values))
    op = parser.parse()
    return op, tuple(parser.expr_attr_names_found), tuple(parser.expr_attr_values_found)


_create_condition_expression_parser = dynamodb_responses.create_condition_expression_parser


def _cached_condition_parser(
    expression: str | None, names: dict[str, str] | None, values: dict[str, Any] | None
) -> _ParsedCondition:
    try:
        op, found_names, found_values = _parsed_for_validation(
            expression, json.dumps(names, sort_keys=True), json.dumps(values, sort_keys=True)
        )
    except Exception as error:  # raised where moto's parser raises it: at parse()
        return _ParsedCondition(error=error)
    return _ParsedCondition(op, found_names, found_values)


class _CachedUpdateExpressionParser:
    """``UpdateExpressionParser`` for the request layer, which only reads what it makes."""

    @staticmethod
    @functools.lru_cache(maxsize=1024)
    def make(expression: str) -> Any:
        return _update_expression_parser.make(expression)


_update_expression_parser = dynamodb_responses.UpdateExpressionParser


def _patched(
    original: Callable[[DynamoDBBackend, list[dict[str, Any]]], None],
) -> Callable[[DynamoDBBackend, list[dict[str, Any]]], None]:
    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        try:
            backups = [_backup(self, item) for item in transact_items]
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


@functools.lru_cache(maxsize=1024)
def _parsed_condition(expression: str | None, names: str, values: str) -> Any:
    return _get_filter_expression(expression, json.loads(names), json.loads(values))


_get_filter_expression = dynamodb_comparisons.get_filter_expression


def _cached_filter_expression(
    expression: str | None,
    names: dict[str, str] | None,
    values: dict[str, dict[str, str]] | None,
) -> Any:
    return _parsed_condition(
        expression, json.dumps(names, sort_keys=True), json.dumps(values, sort_keys=True)
    )


# The aggregate updates the ingestion adapter writes: ADD of numbers, one counter each.
_ADD_ONLY = re.compile(r"^ADD (#\w+ :\w+)(, #\w+ :\w+)*$")


def _add_numbers(
    original: Callable[..., Item],
) -> Callable[..., Item]:
    def update_item(
        self: DynamoDBBackend,
        table_name: str,
        key: dict[str, dict[str, Any]],
        update_expression: str,
        expression_attribute_names: dict[str, Any],
        expression_attribute_values: dict[str, Any],
        attribute_updates: dict[str, Any] | None = None,
        expected: dict[str, Any] | None = None,
        condition_expression: str | None = None,
        return_values_on_condition_check_failure: str | None = None,
    ) -> Item:
        def moto_update() -> Item:
            return original(
                self,
                table_name,
                key,
                update_expression,
                expression_attribute_names,
                expression_attribute_values,
                attribute_updates,
                expected,
                condition_expression,
                return_values_on_condition_check_failure,
            )

        table = self.get_table(table_name)
        pairs = _add_pairs(
            table, key, update_expression, expression_attribute_names, expression_attribute_values
        )
        if pairs is None or attribute_updates or expected or condition_expression:
            return moto_update()
        hash_value = DynamoType(key[table.hash_key_attr])
        range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        item = table.get_item(hash_value, range_value)
        if item is not None and any(
            name in item.attrs and not item.attrs[name].is_number() for name, _ in pairs
        ):
            return moto_update()
        if item is None:
            table.put_item(dict(key))
            item = table.get_item(hash_value, range_value)
            assert item is not None
        for name, amount in pairs:
            current = item.attrs.get(name)
            item.attrs[name] = (current if current is not None else DynamoType({"N": "0"})) + amount
        return item

    update_item.patched_by_annual_review = True  # type: ignore[attr-defined]
    return update_item


def _add_pairs(
    table: Table,
    key: dict[str, dict[str, Any]],
    expression: str,
    names: dict[str, Any] | None,
    values: dict[str, Any] | None,
) -> list[tuple[str, DynamoType]] | None:
    """The (attribute, number) pairs of an ``ADD`` of numbers to top-level attributes of a
    table without indexes or a stream, or None when the update is anything else."""
    if (
        not expression
        or not _ADD_ONLY.match(expression)
        or table.global_indexes
        or table.indexes
        or table.stream_shard is not None
        or set(key) != {table.hash_key_attr, table.range_key_attr} - {None}
    ):
        return None
    pairs = []
    for clause in expression[4:].split(", "):
        placeholder, value_name = clause.split(" ")
        name = (names or {}).get(placeholder)
        value = (values or {}).get(value_name)
        if (
            not isinstance(name, str)
            or name in (table.hash_key_attr, table.range_key_attr)
            or not isinstance(value, dict)
            or list(value) != ["N"]
        ):
            return None
        pairs.append((name, DynamoType(value)))
    if len({name for name, _ in pairs}) != len(pairs):
        return None
    return pairs


def install() -> None:
    """Patch moto in this process (idempotent); refuses a moto it was not written for."""
    current = DynamoDBBackend.transact_write_items
    if getattr(current, "patched_by_annual_review", False):
        return
    check_moto()
    dynamodb_models.copy = _CopyUnlessTable  # type: ignore[attr-defined,assignment]
    DynamoDBBackend.transact_write_items = _patched(current)  # type: ignore[method-assign,assignment]
    DynamoDBBackend.update_item = _add_numbers(DynamoDBBackend.update_item)  # type: ignore[method-assign]
    dynamodb_responses.create_condition_expression_parser = _cached_condition_parser
    dynamodb_responses.UpdateExpressionParser = _CachedUpdateExpressionParser
    dynamodb_models.get_filter_expression = _cached_filter_expression  # type: ignore[attr-defined,assignment]
    dynamodb_table.get_filter_expression = _cached_filter_expression  # type: ignore[attr-defined,assignment]
    jsonpath_ng.ext.parse = functools.lru_cache(maxsize=64)(jsonpath_ng.ext.parse)  # type: ignore[attr-defined]
    sqs_models.generate_receipt_handle = _receipt_handle  # type: ignore[attr-defined]
    LimitedSizeDict.__setitem__ = _bounded_setitem  # type: ignore[method-assign]
    dynamodb_responses.DynamoResult = _PlainItemsResult
    Table.scan = _paging_scan(Table.scan)  # type: ignore[method-assign]
    SQSBackend.get_queue_attributes = _get_queue_attributes  # type: ignore[method-assign]
    SQSBackend.send_message = _sending(SQSBackend.send_message)  # type: ignore[method-assign]
    queue_class: Any = sqs_models.Queue
    queue_class.attributes = property(_attributes(queue_class.attributes.fget))
    SQSBackend.is_message_valid_based_on_retention_period = _retained  # type: ignore[method-assign]
    sqs_models.unix_time_millis = _now_millis  # type: ignore[attr-defined,assignment]
    to_underscores = sqs_models.camelcase_to_underscores  # type: ignore[attr-defined]
    sqs_models.camelcase_to_underscores = functools.lru_cache(maxsize=256)(to_underscores)  # type: ignore[attr-defined]
    # The server lists moto's package folder on disk for every request it routes.
    modules = tuple(moto_backends.list_of_moto_modules())
    moto_backends.list_of_moto_modules = lambda: modules
