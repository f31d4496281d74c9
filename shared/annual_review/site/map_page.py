"""The public map page and its hex layout, as objects for the public bucket.

The release step writes what these functions return; they read only the package's own files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from importlib.resources.abc import Traversable

from annual_review.figures import catalogue
from annual_review.site import hexmap

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
}


def _content_type(name: str) -> str:
    dot = name.rfind(".")
    return CONTENT_TYPES.get(name[dot:].lower() if dot >= 0 else "", "application/octet-stream")


def _walk(folder: Traversable, prefix: str) -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        if entry.is_dir():
            found.extend(_walk(entry, f"{prefix}{entry.name}/"))
        else:
            found.append((f"{prefix}{entry.name}", entry))
    return found


def page_files() -> list[tuple[str, bytes, str]]:
    """(public key, content, content type) for every asset of the site, under `assets/`: the
    scripts, the stylesheets and the vendored GOV.UK Frontend (the pages themselves are rendered
    at release by ``publication.pages``)."""
    web = resources.files("annual_review") / "web"
    files: list[tuple[str, bytes, str]] = []
    for relative, entry in _walk(web, ""):
        files.append((f"assets/{relative}", entry.read_bytes(), _content_type(relative)))
    files.append(("assets/catalogue.js", catalogue_module(), _content_type("catalogue.js")))
    return sorted(files)


def catalogue_module() -> bytes:
    """The catalogue as a reader's own comparison group (``web/comparison.js``) needs it: each
    statistic's record, unit and decimals, generated at release so nothing is written twice."""
    body = json.dumps(catalogue.page_catalogue(), sort_keys=True, indent=1, ensure_ascii=False)
    return (
        "// Generated from annual_review.figures.catalogue at release.\n"
        f"export const CATALOGUE = {body};\n"
    ).encode()


def layout_files(
    year: str, councils: Sequence[tuple[str, str, float, float]]
) -> list[tuple[str, bytes, str]]:
    """The hex layout of a registry year, from (code, comparison group, lat, lon) per council."""
    result = hexmap.layout(
        hexmap.MapPlace(code=code, comparison_group=group, lat=lat, lon=lon)
        for code, group, lat, lon in councils
    )
    body = json.dumps(result, sort_keys=True, separators=(",", ":")).encode()
    return [(f"data/{year}/hexmap.json", body, "application/json")]
