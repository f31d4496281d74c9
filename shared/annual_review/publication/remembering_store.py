"""An object store that reads back from memory what this invocation wrote to it."""

from __future__ import annotations

from collections.abc import Sequence

from annual_review.publication.ports import ObjectStore, StoredObject


class RememberingStore:
    """Writes go to ``store`` and are remembered; reading a key written here returns those very
    bytes without asking ``store``. The letters step mails the letters and case lists it has just
    written: a thousand GETs a year spared, the same bytes sent."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store
        self.remembered: dict[str, bytes] = {}

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> bool:
        written = self.store.put(key, body, content_type, cache_control)
        self.remembered[key] = body  # written or already holding these bytes: either way, these
        return written

    def put_many(self, objects: Sequence[StoredObject]) -> int:
        written = self.store.put_many(objects)
        self.remembered.update((stored.key, stored.body) for stored in objects)
        return written

    def get(self, key: str) -> bytes | None:
        if key in self.remembered:
            return self.remembered[key]
        return self.store.get(key)

    def exists(self, key: str) -> bool:
        return key in self.remembered or self.store.exists(key)

    def list(self, prefix: str) -> list[str]:
        return self.store.list(prefix)
