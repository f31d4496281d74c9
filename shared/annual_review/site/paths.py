"""Where the site's pages live: a year's home page, the national pages and a council's pages."""

from __future__ import annotations

from typing import Any

JsonObject = dict[str, Any]


def year_path(year: str) -> str:
    """The home page of one published year."""
    return f"/years/{year}/"


def national_path(year: str | None = None) -> str:
    return f"/national/{year}/" if year else "/national/"


def council_path(slug: str, year: str | None = None) -> str:
    return f"/councils/{slug}/{year}/" if year else f"/councils/{slug}/"
