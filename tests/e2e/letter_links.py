"""Every link a council reads in its letter (as written, as emailed, as published) leads to a
file the release published, at the paths the release step writes."""

from __future__ import annotations

import email
import html
import re
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

ANCHOR = re.compile(r'<a\s[^>]*href="([^"]+)"')
# In the plain text: "- words: URL" (the letter's links) and the covering note's "page: URL".
TEXT_LINK = re.compile(r"^(?:- .+|.*council's page): ((?:https://[^\s/]+)?/\S*)$", re.MULTILINE)


def _part(message: Message, content_type: str) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == content_type)
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


def links_of(path: Path) -> list[str]:
    text = path.read_text("utf-8")
    if path.suffix == ".eml":
        message = email.message_from_string(text)
        return [
            *(html.unescape(h) for h in ANCHOR.findall(_part(message, "text/html"))),
            *TEXT_LINK.findall(_part(message, "text/plain")),
        ]
    if path.suffix == ".txt":
        return TEXT_LINK.findall(text)
    return [html.unescape(h) for h in ANCHOR.findall(text)]


def published_file(public: Path, path: str) -> Path:
    return public / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))


def assert_letter_links_resolve(out_dir: Path) -> int:
    """Every link of every letter and email resolves; returns how many were followed."""
    public = out_dir / "public"
    sources = [
        *(out_dir / "private" / "letters").rglob("*.html"),
        *(out_dir / "private" / "letters").rglob("*.txt"),
        *(public / "letters").rglob("*.html"),
        *(out_dir / "mail").rglob("*.eml"),
    ]
    assert sources, "no letters"
    origins, followed, missing = set(), 0, []
    for source in sources:
        links = links_of(source)
        # The council's page, the site, the methodology and the data, at least.
        assert len(links) >= 4, (source, links)
        for link in links:
            parts = urlsplit(link)
            origins.add(f"{parts.scheme}://{parts.netloc}" if parts.netloc else "")
            if not published_file(public, parts.path).is_file():
                missing.append(f"{source.relative_to(out_dir)}: {link}")
            followed += 1
    assert missing == [], missing[:5]
    assert len(origins) == 1, origins  # one site: the stack's SITE_URL (or root-relative)
    return followed
