"""The pages any public statistics site has, beside the figures: downloads (from the one table
of a year's files), every council A to Z (the search that works without JavaScript), contact,
accessibility, privacy and the data's attribution; then the sitemap and robots.txt.

Contact details and the accessibility and privacy wording live in ``data/site-content.json``,
so they change without code.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from importlib import resources
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from annual_review.publication import bucket_keys as keys
from annual_review.publication import year_file_table as year_files

if TYPE_CHECKING:
    from annual_review.site.pages import PageFile, Renderer

JsonObject = dict[str, Any]
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def site_content() -> JsonObject:
    text = (resources.files("annual_review") / "data" / "site-content.json").read_text("utf-8")
    content: JsonObject = json.loads(text)
    return content


def downloads_page(renderer: Renderer) -> PageFile:
    published = renderer.p
    years = []
    for e in sorted(published.entries, key=lambda e: e["year"], reverse=True):
        sizes = published.sizes.get(e["year"], {})
        notes = published.revision_notes.get(e["year"], {}).get("revisions", [])
        years.append(
            {
                "year": e["year"],
                "revision": e["revision"],
                "released": renderer.released_on(e),
                "people": renderer.files_of(e, sizes, year_files.for_people()),
                "data": renderer.files_of(e, sizes, year_files.data_files()),
                "describing": renderer.files_of(e, sizes, year_files.describing_files()),
                "revisions": [
                    {
                        "revision": n["revision"],
                        "when": _long(n["frozen_at"]),
                        "reason": n.get("reason") or "First publication.",
                    }
                    for n in notes
                ],
                "letters": [
                    {"name": r["name"], "href": "/" + r["letter"]}
                    for r in sorted(
                        published.documents[e["year"]]["councils"], key=lambda r: r["name"].lower()
                    )
                ]
                if e["year"] in published.documents
                else [],
            }
        )
    return renderer._page(
        "/downloads/",
        "site/downloads.html",
        **renderer._base(
            "/downloads/",
            "Download the council complaint statistics",
            "Every published year's figures: a spreadsheet, the methodology and each "
            "council's letter to read; CSV, JSON and GeoJSON for analysis, with their "
            "dictionaries and schemas.",
        ),
        years=years,
        all_years=keys.ALL_YEARS if published.entries else None,
    )


def _long(moment: str) -> str:
    day = datetime.fromisoformat(moment).date()
    return f"{day.day} {day:%B %Y}"


def councils_a_to_z(renderer: Renderer) -> PageFile:
    """Every council with a page, by name, with the other names people know it by: the home
    page's search box goes here without JavaScript."""
    aliases = renderer.aliases
    councils = sorted(renderer.names.items(), key=lambda kv: (kv[1].lower(), kv[0]))
    letters: dict[str, list[JsonObject]] = {}
    for code, name in councils:
        initial = re.sub(r"[^A-Z]", "", name[:1].upper()) or "#"
        letters.setdefault(initial, []).append(
            {
                "name": name,
                "href": renderer.council_link(code),
                "aka": aliases.get(code, []),
            }
        )
    return renderer._page(
        "/councils/",
        "site/councils.html",
        **renderer._base(
            "/councils/",
            "Every council A to Z: complaint statistics",
            "Every council in England with published complaint statistics, by name.",
        ),
        letters=sorted(letters.items()),
    )


def about_pages(renderer: Renderer) -> list[PageFile]:
    content = site_content()
    pages = []
    for path, template, title, description in (
        ("/contact/", "site/contact.html", "Contact us about these statistics",
         "Who to contact about the council complaint statistics, and how."),
        ("/accessibility/", "site/accessibility.html", "Accessibility statement",
         "How accessible this site is, what we know is not, and how to tell us."),
        ("/privacy/", "site/privacy.html", "Privacy notice",
         "What this site records about you: no cookies, and server logs kept briefly."),
    ):  # fmt: skip
        pages.append(
            renderer._page(
                path, template, **renderer._base(path, title, description), content=content
            )
        )
    if renderer.p.attribution:
        pages.append(
            renderer._page(
                "/attribution/",
                "site/attribution.html",
                **renderer._base(
                    "/attribution/",
                    "Sources and attribution of the council data",
                    "Where the council names, codes, types, locations and populations come "
                    "from, and their licences.",
                ),
                blocks=markdown_blocks(renderer.p.attribution),
            )
        )
    return pages


def markdown_blocks(text: str) -> list[JsonObject]:
    """The attribution's Markdown as blocks a template renders (headings, paragraphs, lists),
    its text escaped by the template: the file is ours and uses nothing more."""
    blocks: list[JsonObject] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = chunk.splitlines()
        if lines[0].startswith("#"):
            blocks.append({"kind": "heading", "text": lines[0].lstrip("#").strip()})
            lines = lines[1:]
            if not lines:
                continue
        if lines[0].startswith("- "):
            items: list[str] = []
            for line in lines:
                if line.startswith("- "):
                    items.append(line[2:].strip())
                else:
                    items[-1] += " " + line.strip()
            blocks.append({"kind": "list", "items": [_plain(i) for i in items]})
        else:
            blocks.append({"kind": "paragraph", "text": _plain(" ".join(x.strip() for x in lines))})
    return blocks


def _plain(text: str) -> str:
    return text.replace("`", "")


def sitemap(renderer: Renderer, site_url: str) -> PageFile:
    """Every page, every published letter and each year's files for people that are web pages
    (from the table of a year's files) at their absolute addresses (sitemaps.org 0.9)."""
    base = site_url.rstrip("/")
    paths = {path for path, _ in renderer.pages}
    for document in renderer.p.documents.values():
        paths.update("/" + r["letter"] for r in document["councils"])
    for entry in renderer.p.entries:
        for row in year_files.for_people():
            if row.format == year_files.WEB_PAGE and row.kind in entry["files"]:
                paths.add("/" + entry["files"][row.kind])
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    lines += [f"<url><loc>{escape(base + path)}</loc></url>" for path in sorted(paths)]
    lines.append("</urlset>")
    return "sitemap.xml", ("\n".join(lines) + "\n").encode(), "application/xml"


def robots(site_url: str) -> PageFile:
    body = "User-agent: *\nAllow: /\n"
    if site_url:  # the Sitemap directive takes an absolute URL only
        body += f"\nSitemap: {site_url.rstrip('/')}/sitemap.xml\n"
    return "robots.txt", body.encode(), keys.TEXT
