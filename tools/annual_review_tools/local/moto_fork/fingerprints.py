"""For the installed moto, which of the functions the fork replaces or mimics have changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import moto

from annual_review_tools.local.moto_fork import speedups


@dataclass(frozen=True)
class Fingerprint:
    name: str
    expected: str  # in moto MOTO_VERSION
    found: str  # in the installed moto; "missing" when it is gone

    @property
    def changed(self) -> bool:
        return self.expected != self.found


def fingerprints() -> list[Fingerprint]:
    """Every fingerprinted function: the patches' (``FINGERPRINTS``) and the server's."""
    found: list[Fingerprint] = []
    for expected, functions in (
        (speedups.FINGERPRINTS, _functions(speedups.replaced_functions)),
        (speedups.SERVER_FINGERPRINTS, _functions(speedups.server_functions)),
    ):
        for name, fingerprint in sorted(expected.items()):
            function = functions.get(name)
            actual = speedups.fingerprint(function) if function is not None else "missing"
            found.append(Fingerprint(name, fingerprint, actual))
    return found


def _functions(source: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return source()
    except AttributeError:  # a function the fork names is gone from this moto
        return {}


def report() -> tuple[str, int]:
    """A line per function and a summary; the number changed."""
    lines = [f"moto {moto.__version__} installed; the fork was written for {speedups.MOTO_VERSION}"]
    found = fingerprints()
    for entry in found:
        state = f"CHANGED ({entry.expected} -> {entry.found})" if entry.changed else "unchanged"
        lines.append(f"  {entry.name:<55} {state}")
    changed = sum(entry.changed for entry in found)
    lines.append(f"{changed} of {len(found)} fingerprinted functions changed")
    return "\n".join(lines), changed
