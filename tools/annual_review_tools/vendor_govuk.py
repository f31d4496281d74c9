"""Vendor GOV.UK Frontend's built stylesheet into the product package, reproducibly.

The Lambda layer cannot run npm, so the release step publishes what is committed under
``shared/annual_review/web/govuk/``. This copies it from ``node_modules/govuk-frontend`` (the
version pinned in package.json and package-lock.json) and changes only what the GOV.UK Design
System asks of services outside GOV.UK: no GDS Transport font (its ``@font-face`` rules go, and
Arial takes its place in every font stack) and no crown or crest image. The source map comment goes
too (the map is not published). Same input, same bytes: ``make vendor-govuk`` then ``git diff``
shows nothing unless the pinned version changed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "node_modules" / "govuk-frontend"
TARGET = ROOT / "shared" / "annual_review" / "web" / "govuk"

# The package on npm ships no licence file; package.json says MIT. This is the project's licence
# as its repository (github.com/alphagov/govuk-frontend, LICENSE.txt) states it.
LICENCE = """The MIT License (MIT)

Copyright (c) 2018 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""
_FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
_CREST = re.compile(r"[^{}]*\{[^{}]*govuk-crest[^{}]*\}")
_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/\s*$")


def restyled(css: str) -> str:
    """The built stylesheet without the GOV.UK font, the crest and the source map comment."""
    css = _FONT_FACE.sub("", css)
    css = css.replace("GDS Transport,arial,sans-serif", "arial,sans-serif")
    css = _CREST.sub("", css)
    css = _SOURCE_MAP.sub("", css)
    if "GDS Transport" in css or "/assets/fonts/" in css or "govuk-crest" in css:
        raise ValueError("the GOV.UK font or crest is still referenced after vendoring")
    return css.rstrip() + "\n"


def vendored(source: Path = SOURCE) -> dict[str, bytes]:
    """The files to commit under web/govuk/, by name."""
    version = json.loads((source / "package.json").read_text("utf-8"))["version"]
    css = (source / "dist" / "govuk" / "govuk-frontend.min.css").read_text("utf-8")
    header = f"/* GOV.UK Frontend {version} (MIT), without the GDS Transport font or crest */\n"
    return {
        "govuk-frontend.min.css": (header + restyled(css)).encode(),
        "LICENSE.txt": LICENCE.encode(),
        "VERSION.txt": f"{version}\n".encode(),
    }


def main() -> int:
    if not SOURCE.exists():
        print("node_modules/govuk-frontend is missing: run npm ci first", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, body in vendored().items():
        (TARGET / name).write_bytes(body)
        print(f"{TARGET.relative_to(ROOT)}/{name}: {len(body):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
