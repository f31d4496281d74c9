"""The council registry ingestion checks events against: the packaged one, or a corrected one
uploaded to the private bucket (``registry/councils.csv``), picked up without a redeploy.

A warm function asks S3 whether the uploaded file changed (one HEAD, compared by ETag) at most
every ``check_every`` seconds, never per event. When an event's council is not in the registry
it has, it asks again sooner (at most every ``recheck_unknown_after`` seconds), so an event
replayed after the registry is corrected finds the correction. An uploaded file that does not
parse is reported and the registry in use is kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from annual_review.registry.councils import REGISTRY_KEY, Registry, load_registry

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})


class ReloadingRegistry:
    """Implements ingestion's ``CouncilRegistry`` from the registry in force."""

    def __init__(
        self,
        bucket: str,
        s3: Callable[[], S3Client],
        *,
        check_every: float = 300.0,
        recheck_unknown_after: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        on_invalid: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.bucket = bucket
        self._s3 = s3
        self.check_every = check_every
        self.recheck_unknown_after = recheck_unknown_after
        self.clock = clock
        self.on_invalid = on_invalid
        self._registry: Registry | None = None
        self._etag: str | None = None  # of the uploaded file in use; None: the packaged one
        self._checked_at = float("-inf")
        self.checks = 0  # HEAD requests made (for tests and benchmarks)

    @property
    def client(self) -> S3Client:
        return self._s3()

    def current(self) -> Registry:
        """The registry in force, checked for a new upload at most every ``check_every``."""
        if self._registry is None or self.clock() - self._checked_at >= self.check_every:
            self._refresh()
        assert self._registry is not None
        return self._registry

    def existence_error(self, code: str, day: date) -> str | None:
        error = self.current().existence_error(code, day)
        if error is not None and self.clock() - self._checked_at >= self.recheck_unknown_after:
            self._refresh()
            assert self._registry is not None
            error = self._registry.existence_error(code, day)
        return error

    def _uploaded_etag(self) -> str | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=REGISTRY_KEY)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code", "") in _MISSING:
                return None
            raise
        return str(head["ETag"])

    def _refresh(self) -> None:
        self.checks += 1
        try:
            etag = self._uploaded_etag()
            if self._registry is not None and etag == self._etag:
                return
            if etag is None:
                registry = load_registry(None)
            else:
                body = self.client.get_object(Bucket=self.bucket, Key=REGISTRY_KEY)["Body"].read()
                registry = load_registry(body)
        except (ClientError, BotoCoreError) as error:
            if self._registry is None:
                raise  # no registry yet: the batch is retried
            self.on_invalid(f"{REGISTRY_KEY}: could not be read ({error}); kept the one in use")
            return
        except ValueError as error:
            self.on_invalid(f"{REGISTRY_KEY}: {error}; kept the one in use")
            if self._registry is None:
                self._registry = load_registry(None)
            self._etag = etag  # do not fetch the same bad file again
            return
        finally:
            self._checked_at = self.clock()
        self._registry, self._etag = registry, etag
