"""The letters step's second half: the case lists kept with each revision, and the emails.

Case lists are written when a revision is frozen (from the ledger read together with the
aggregates, so they are the cases of exactly the frozen figures); the letters step attaches them.
A first revision mails every council; a later one only the councils whose figures changed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from annual_review.publication import bucket_keys as keys
from annual_review.publication.freeze.case_lists import (
    CaseCapture,
    YearCases,
    case_list_csv,
    snapshot_disagreements,
)
from annual_review.publication.freeze.snapshot import Snapshot, canonical_json
from annual_review.publication.letters.recipients import (
    RECIPIENTS_KEY,
    Recipients,
    RecipientsInvalid,
    parse_recipients,
)
from annual_review.publication.mail.delivery import (
    DeliveryResult,
    Outbox,
    deliver,
    recipients_needed,
)
from annual_review.publication.mail.message import LetterMail
from annual_review.publication.mail.pacing import Pacer
from annual_review.publication.mail.sending_account import check_ready
from annual_review.publication.mail.undelivered import LettersNotDelivered
from annual_review.publication.ports import ObjectStore, StoredObject

__all__ = ["LettersNotDelivered"]


class CaseListsUnavailable(Exception):
    """The ledger no longer matches the frozen figures, and the revision's lists were not kept."""


def write_case_lists(snapshot: Snapshot, cases: YearCases, private: ObjectStore) -> int:
    """One CSV per council of the snapshot, then a manifest naming the snapshot they belong to."""
    wrong = snapshot_disagreements(snapshot, cases)
    if wrong:
        raise CaseListsUnavailable(
            f"{snapshot.year} r{snapshot.revision}: the ledger's cases do not sum to the frozen "
            f"figures of {len(wrong)} council(s), e.g. {wrong[:3]}; freeze a revision"
        )
    written = private.put_many(
        [
            StoredObject(
                keys.case_list(snapshot.year, snapshot.revision, council.code),
                case_list_csv(cases.rows.get(council.code, [])),
                keys.CSV,
                keys.PRIVATE,
            )
            for council in snapshot.councils
        ]
    )
    manifest = {
        "year": snapshot.year,
        "revision": snapshot.revision,
        "snapshot_sha256": snapshot.content_sha256,
        "councils": len(snapshot.councils),
    }
    written += private.put(
        keys.case_lists_manifest(snapshot.year, snapshot.revision),
        canonical_json(manifest),
        keys.JSON,
        keys.PRIVATE,
    )
    return written


def case_lists_ready(private: ObjectStore, snapshot: Snapshot) -> bool:
    body = private.get(keys.case_lists_manifest(snapshot.year, snapshot.revision))
    return bool(body) and json.loads(body or b"{}").get("snapshot_sha256") == (
        snapshot.content_sha256
    )


def ensure_case_lists(snapshot: Snapshot, private: ObjectStore, capture: CaseCapture) -> int:
    """Keep the revision's case lists, unless they are there already."""
    if case_lists_ready(private, snapshot):
        return 0
    cases = capture.captured.get(snapshot.year) or capture.cases(snapshot.year)
    return write_case_lists(snapshot, cases, private)


def load_recipients(private: ObjectStore) -> dict[str, Recipients] | None:
    body = private.get(RECIPIENTS_KEY)
    return parse_recipients(body.decode("utf-8")) if body else None


def letter_mail(
    snapshot: Snapshot,
    code: str,
    name: str,
    private: ObjectStore,
    letters_year: int,
    manifest: Mapping[str, Any] | None = None,
) -> LetterMail:
    """``manifest``: the year's letters manifest, when the caller has read it already."""
    if manifest is None:
        body = private.get(keys.letters_manifest(snapshot.year))
        manifest = json.loads(body) if body else {}
    entry: Mapping[str, Any] = next(
        (e for e in manifest.get("letters", []) if e.get("code") == code), {}
    )
    html = private.get(keys.private_letter(snapshot.year, code, "html"))
    text = private.get(keys.private_letter(snapshot.year, code, "txt"))
    cases = private.get(keys.case_list(snapshot.year, snapshot.revision, code))
    if html is None or text is None or cases is None:
        raise CaseListsUnavailable(
            f"{snapshot.year} {code}: the letter or its case list is missing"
        )
    revised = "Revised annual review letter" if snapshot.revision > 1 else "Annual Review letter"
    return LetterMail(
        year=snapshot.year,
        revision=snapshot.revision,
        code=code,
        council_name=name,
        subject=f"{revised} {letters_year}: {name}",
        html=html,
        text=text,
        cases_csv=cases,
        page_url=entry.get("page_url", ""),
        signed_by=manifest.get("signed_by", ""),
        release_date=manifest.get("release_date", ""),
    )


def mail_letters(
    snapshot: Snapshot,
    codes: Sequence[str],
    private: ObjectStore,
    recipients: Mapping[str, Recipients] | None,
    outbox: Outbox,
    letters_year: int,
) -> DeliveryResult:
    """Email the letters of ``codes`` (the councils this revision goes to), each once."""
    if not case_lists_ready(private, snapshot):
        raise CaseListsUnavailable(f"{snapshot.year} r{snapshot.revision}: no case lists kept")
    missing = [code for code in codes if not recipients or code not in recipients]
    if recipients is None or missing:
        raise RecipientsInvalid(
            [f"{code}: no chief executive in the recipients list" for code in missing]
            or ["no recipients list uploaded (annual-review recipients upload)"]
        )
    names = {c.code: c.name for c in snapshot.councils}
    body = private.get(keys.letters_manifest(snapshot.year))
    manifest = json.loads(body) if body else {}
    mails = [
        letter_mail(snapshot, code, names[code], private, letters_year, manifest) for code in codes
    ]
    # Before the first email: can SES take every recipient still to send, now?
    account = outbox.mailer.account(outbox.sender)
    check_ready(account, recipients_needed(mails, recipients, outbox.log))
    pace = outbox.pace
    if pace.pacer is None:
        pace.pacer = Pacer(account.max_send_rate, pace.clock, pace.sleep)
    result = deliver(mails, recipients, outbox)
    result.unchanged = len(snapshot.councils) - len(codes)
    return result
