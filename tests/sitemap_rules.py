"""The sitemaps.org protocol 0.9 (https://www.sitemaps.org/protocol.html and its schema,
sitemap.xsd) written as a check, since no XML Schema validator is installed here: the problems
found in a sitemap, none for a valid one."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
CHILDREN = ("loc", "lastmod", "changefreq", "priority")  # xsd:sequence, in this order
CHANGEFREQ = {"always", "hourly", "daily", "weekly", "monthly", "yearly", "never"}
W3C_DATETIME = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$"
)
MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024


def problems(body: bytes, site_url: str) -> list[str]:
    found: list[str] = []
    if len(body) > MAX_BYTES:
        found.append(f"larger than {MAX_BYTES} bytes")
    if not body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'):
        found.append("no UTF-8 XML declaration")
    root = ET.fromstring(body)
    if root.tag != f"{{{NS}}}urlset":
        return [*found, f"root is {root.tag}, not urlset in {NS}"]
    urls = list(root)
    if not 1 <= len(urls) <= MAX_URLS:
        found.append(f"{len(urls)} url elements (1 to {MAX_URLS})")
    site = urlsplit(site_url)
    seen: set[str] = set()
    for i, url in enumerate(urls):
        if url.tag != f"{{{NS}}}url":
            found.append(f"element {i}: {url.tag} is not url")
            continue
        names = [child.tag.removeprefix(f"{{{NS}}}") for child in url]
        if not names or names[0] != "loc" or names.count("loc") != 1:
            found.append(f"url {i}: loc must come first, once")
        if [n for n in CHILDREN if n in names] != names or len(set(names)) != len(names):
            found.append(f"url {i}: children {names} not in the order {CHILDREN}, each once")
        for child in url:
            name, text = child.tag.removeprefix(f"{{{NS}}}"), (child.text or "").strip()
            if name == "loc":
                parts = urlsplit(text)
                if not 12 <= len(text) <= 2048:
                    found.append(f"url {i}: loc {len(text)} characters (12 to 2048)")
                if parts.scheme not in ("http", "https") or not parts.netloc:
                    found.append(f"url {i}: loc {text!r} is not an absolute URL")
                elif (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
                    found.append(f"url {i}: loc {text!r} is not on {site_url}")
                if re.search(r"\s", text):
                    found.append(f"url {i}: loc has white space")
                if text in seen:
                    found.append(f"url {i}: {text} listed twice")
                seen.add(text)
            elif name == "lastmod" and not W3C_DATETIME.match(text):
                found.append(f"url {i}: lastmod {text!r} is not a W3C datetime")
            elif name == "changefreq" and text not in CHANGEFREQ:
                found.append(f"url {i}: changefreq {text!r}")
            elif name == "priority" and not re.fullmatch(r"(0(\.\d+)?|1(\.0+)?)", text):
                found.append(f"url {i}: priority {text!r} (0.0 to 1.0)")
            elif name not in CHILDREN:
                found.append(f"url {i}: unknown element {name}")
    return found
