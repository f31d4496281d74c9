"""The letters step reads back what it wrote from memory: the same bytes, no second read."""

from __future__ import annotations

from annual_review.publication.ports import StoredObject
from annual_review.publication.remembering_store import RememberingStore
from tests.fakes import MemoryObjectStore


class CountingStore(MemoryObjectStore):
    def __init__(self) -> None:
        super().__init__()
        self.gets: list[str] = []

    def get(self, key: str) -> bytes | None:
        self.gets.append(key)
        return super().get(key)


def test_what_was_written_here_is_read_back_without_asking_the_store() -> None:
    store = CountingStore()
    store.put("letters/old.txt", b"written by an earlier step", "text/plain", "private")
    remembering = RememberingStore(store)
    assert remembering.put("letters/a.html", b"<p>a</p>", "text/html", "private") is True
    assert (
        remembering.put_many(
            [StoredObject(f"letters/{c}.txt", c.encode(), "text/plain", "private") for c in "bc"]
        )
        == 2
    )
    # Written again with the same bytes: not written, still remembered.
    assert remembering.put("letters/a.html", b"<p>a</p>", "text/html", "private") is False
    assert [remembering.get(k) for k in ("letters/a.html", "letters/b.txt", "letters/c.txt")] == [
        b"<p>a</p>", b"b", b"c"]  # fmt: skip
    assert store.gets == []
    # Anything else is read from the store, as before.
    assert remembering.get("letters/old.txt") == b"written by an earlier step"
    assert remembering.get("letters/missing.txt") is None
    assert store.gets == ["letters/old.txt", "letters/missing.txt"]
    assert remembering.exists("letters/c.txt")
    assert remembering.list("letters/") == [
        "letters/a.html", "letters/b.txt", "letters/c.txt", "letters/old.txt"]  # fmt: skip
