"""Council slugs: a council's name as the URL segment of its pages, unique across councils.

Its own small module so the letters step (which links each council's page) does not import the
site's pages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping


def slugify(name: str) -> str:
    """A council's name as a URL segment: lowercase ASCII words joined by hyphens ("&" is "and",
    apostrophes and full stops vanish: "St. Helens" and "St Helens" give the same)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ")
    text = re.sub(r"['.]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "council"


def council_slugs(names: Mapping[str, str]) -> dict[str, str]:
    """Each code's slug from its (latest) name. Unique: when two councils would share one, each
    gets its code appended, so neither depends on the order they were published in."""
    wanted = {code: slugify(name) for code, name in names.items()}
    taken: dict[str, int] = {}
    for slug in wanted.values():
        taken[slug] = taken.get(slug, 0) + 1
    return {
        code: slug if taken[slug] == 1 else f"{slug}-{code.lower()}"
        for code, slug in sorted(wanted.items())
    }
