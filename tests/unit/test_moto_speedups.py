"""The local speed patches refuse a moto they were not written for."""

from __future__ import annotations

import pytest

from annual_review_tools.local.moto_fork import speedups as moto_speedups


def test_the_pinned_moto_is_the_one_the_patches_were_written_for() -> None:
    moto_speedups.check_moto()
    moto_speedups.check_server()


def test_a_changed_function_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    changed = moto_speedups.FINGERPRINTS | {"DynamoDBBackend.update_item": "0" * 16}
    monkeypatch.setattr(moto_speedups, "FINGERPRINTS", changed)
    with pytest.raises(moto_speedups.MotoChanged, match=r"DynamoDBBackend\.update_item"):
        moto_speedups.check_moto()


def test_another_moto_version_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(moto_speedups, "MOTO_VERSION", "5.2.6")
    with pytest.raises(moto_speedups.MotoChanged, match=r"written for 5\.2\.6"):
        moto_speedups.check_moto()


def test_the_fingerprints_command_lists_every_function_and_flags_a_changed_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from annual_review_tools.local.moto_fork import fingerprints

    text, changed = fingerprints.report()
    assert changed == 0
    names = {*moto_speedups.FINGERPRINTS, *moto_speedups.SERVER_FINGERPRINTS}
    assert all(f"  {name} " in text for name in names)
    stale = moto_speedups.FINGERPRINTS | {"Table.scan": "0" * 16}
    monkeypatch.setattr(moto_speedups, "FINGERPRINTS", stale)
    text, changed = fingerprints.report()
    assert changed == 1
    assert "Table.scan" in next(line for line in text.splitlines() if "CHANGED" in line)
