"""The S3 object store under moto: many writes at once count, skip and fail as one write does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from annual_review.adapters.storage import S3ObjectStore
from annual_review.publication.ports import StoredObject

pytestmark = pytest.mark.integration
BUCKET = "objects"


@pytest.fixture
def store() -> Iterator[S3ObjectStore]:
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-2")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        yield S3ObjectStore(BUCKET, lambda: client)


def page(number: int, text: str = "page") -> StoredObject:
    return StoredObject(
        f"p/{number:02d}.html", f"{text} {number}".encode(), "text/html", "max-age=60"
    )


def test_every_object_is_written_with_its_headers(store: S3ObjectStore) -> None:
    assert store.put_many([page(n) for n in range(30)]) == 30
    assert store.list("p/") == [f"p/{n:02d}.html" for n in range(30)]
    head = store.client.head_object(Bucket=BUCKET, Key="p/17.html")
    assert (head["ContentType"], head["CacheControl"]) == ("text/html", "max-age=60")
    assert store.get("p/17.html") == b"page 17"


def test_objects_already_holding_the_bytes_are_not_written_again(store: S3ObjectStore) -> None:
    store.put_many([page(n) for n in range(30)])
    # 10 of 30 change: only those are written (each unchanged one costs a HEAD, no PUT)
    again = [page(n, "changed" if n % 3 == 0 else "page") for n in range(30)]
    assert store.put_many(again) == 10
    assert store.get("p/03.html") == b"changed 3"
    assert store.get("p/04.html") == b"page 4"


def test_a_failed_write_is_raised_after_every_other_write_was_tried(store: S3ObjectStore) -> None:
    objects = [page(n) for n in range(12)]
    original = store.client.put_object

    def put_object(**request: Any) -> Any:
        if request["Key"] == "p/05.html":
            raise ClientError({"Error": {"Code": "SlowDown", "Message": "slow"}}, "PutObject")
        return original(**request)

    store.client.put_object = put_object  # type: ignore[method-assign]
    with pytest.raises(ClientError, match="SlowDown"):
        store.put_many(objects)
    assert store.list("p/") == [f"p/{n:02d}.html" for n in range(12) if n != 5]


def test_new_objects_cost_a_listing_not_a_head_each(store: S3ObjectStore) -> None:
    store.put_many([page(n) for n in range(10)])
    calls: list[str] = []
    store.client.meta.events.register(
        "before-send.s3", lambda event_name, **_: calls.append(event_name.rsplit(".", 1)[1])
    )
    # 10 existing pages (one changed) and 20 new ones
    assert store.put_many([page(n, "new" if n == 0 else "page") for n in range(30)]) == 21
    assert sorted(set(calls)) == ["HeadObject", "ListObjectsV2", "PutObject"]
    assert calls.count("ListObjectsV2") == 1
    assert calls.count("HeadObject") == 10  # the existing ones only
    assert calls.count("PutObject") == 21
