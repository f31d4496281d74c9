"""One page of the learning pages across England, rendered from its sections."""

from __future__ import annotations

from typing import Any

from annual_review.learning.pages import PageFile
from annual_review.publication import bucket_keys as keys
from annual_review.publication.rendering import render


def england_page(path: str, heading: str, intro: str, sections: list[dict[str, Any]]) -> PageFile:
    for section in sections:
        for name in ("links", "reports", "improvements", "text"):
            section.setdefault(name, [] if name != "text" else "")
    html = render(
        "site/learning_england.html",
        service_name="Your council's performance",
        organisation="Local Government and Social Care Ombudsman",
        page_title=f"{heading}: England",
        description=intro,
        canonical=None,
        path=path,
        heading=heading,
        intro=intro,
        sections=sections,
    )
    return path.lstrip("/") + "index.html", html.encode(), keys.HTML
