"""The fork's SQS patches (``speedups`` installs them; its docstring says why each): the
queue's attributes and retention read directly, the time asked once per send, receipt handles
drawn in one call. Each changes the cost of a call, never its result.
"""

from __future__ import annotations

import random
import string
import threading
import time
from collections.abc import Callable
from typing import Any

import moto.sqs.models as sqs_models
from moto.sqs.models import SQSBackend

_state = threading.local()  # moto's server handles each request on a thread of its own


def _get_queue_attributes(
    self: SQSBackend, queue_name: str, attribute_names: list[str]
) -> dict[str, Any]:
    """moto's ``get_queue_attributes``, computing the queue's attributes once, not per name."""
    queue = self.get_queue(queue_name)
    if not attribute_names:
        return {}
    valid_names = ["All", *queue.BASE_ATTRIBUTES, *queue.FIFO_ATTRIBUTES, *queue.KMS_ATTRIBUTES]
    invalid_name = next((name for name in attribute_names if name not in valid_names), None)
    if invalid_name or invalid_name == "":
        raise sqs_models.InvalidAttributeName(invalid_name)  # type: ignore[attr-defined]
    every = queue.attributes
    if "All" in attribute_names:
        return every
    return {name: every[name] for name in attribute_names if every.get(name) is not None}


def _retained(self: SQSBackend, queue_name: str, message: Any) -> bool:
    """moto's retention check, reading the one attribute it needs."""
    queue: Any = self.get_queue(queue_name)
    retention_period: int = queue.message_retention_period
    return bool(retention_period + message.sent_timestamp / 1000 > sqs_models.unix_time())  # type: ignore[attr-defined]


def _sending(original: Callable[..., Any]) -> Callable[..., Any]:
    def send_message(self: SQSBackend, *args: Any, **kwargs: Any) -> Any:
        _state.sending = True
        try:
            return original(self, *args, **kwargs)
        finally:
            _state.sending = False

    return send_message


def _attributes(original: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
    def attributes(queue: Any) -> dict[str, Any]:
        if getattr(_state, "sending", False):
            # The one attribute send_message reads; a FIFO attribute, so absent otherwise.
            if not queue.fifo_queue:
                return {}
            return {"ContentBasedDeduplication": str(queue.content_based_deduplication).lower()}
        return original(queue)

    return attributes


def _now_millis(moment: Any = None) -> float:
    return time.time() * 1000.0 if moment is None else float(_unix_time_millis(moment))


_unix_time_millis = sqs_models.unix_time_millis  # type: ignore[attr-defined]


def _receipt_handle() -> str:
    """moto's receipt handle (185 random lowercase letters), drawn in one call."""
    return "".join(random.choices(string.ascii_lowercase, k=185))
