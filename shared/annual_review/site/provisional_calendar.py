"""The provisional quarterly releases on the site: their rows of the release calendar page and
the home page's link to the latest one, both read from calendar.json's
``provisional_releases`` (written by ``calendar_files.public_calendar_document``)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

JsonObject = dict[str, Any]


def provisional_rows(calendar: JsonObject | None) -> list[JsonObject]:
    """Every announced provisional release, newest first, labelled provisional; a published
    quarter links its page."""
    rows = []
    for release in (calendar or {}).get("provisional_releases", []):
        moment = datetime.fromisoformat(release["release_at"])
        rows.append(
            {
                "id": f"provisional-{release['year']}-q{release['quarter']}",
                "year": release["year"],
                "quarter": release["quarter"],
                "label": release["label"],
                "date": f"{moment.day} {moment:%B %Y}",
                "time": f"{moment:%H:%M}",
                "published": bool(release.get("page")),
                "href": release.get("page"),
            }
        )
    return sorted(rows, key=lambda r: (r["year"], r["quarter"]), reverse=True)


def provisional_summary(calendar: JsonObject | None) -> str | None:
    """The revisions policy in one line, when there are provisional releases to explain."""
    if not calendar or not calendar.get("provisional_releases"):
        return None
    summary: str | None = calendar.get("provisional_revisions_summary")
    return summary


def latest_provisional(
    calendar: JsonObject | None, annual_years: Collection[str]
) -> JsonObject | None:
    """The latest published provisional release of a year whose annual figures are not out
    yet (the annual release replaces a year's provisional figures), or None."""
    published = [
        r for r in provisional_rows(calendar) if r["published"] and r["year"] not in annual_years
    ]
    return published[0] if published else None
