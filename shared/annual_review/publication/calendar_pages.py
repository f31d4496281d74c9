"""The site's pages that show the release calendar, brought up to date between annual releases.

The site is rendered at each annual release. A provisional release, or a provisional date
announced, changes what the /calendar/ page lists and what the home pages link (the latest
provisional release), so then those pages alone are rendered again from what is published
(``data/index.json`` and each year's files, read back from the public bucket) and the calendar as
it now stands. Before any annual release there is no site yet, and nothing is written.
"""

from __future__ import annotations

import json
from datetime import datetime

from annual_review.calendar.calendar_files import load_calendar
from annual_review.publication import bucket_keys as keys
from annual_review.publication.ports import ObjectStore
from annual_review.publication.release import SITE_CACHE, _published
from annual_review.settings import Settings
from annual_review.site.pages import Renderer


def refresh_calendar_pages(
    private: ObjectStore, public: ObjectStore, settings: Settings, now: datetime
) -> list[str]:
    """Render /calendar/ and the home pages again; the keys written (none before the site
    exists)."""
    body = public.get(keys.INDEX)
    if body is None:
        return []
    index = json.loads(body)
    documents = {}
    for entry in index["years"]:
        found = public.get(entry["files"]["councils_json"])
        if found is not None:
            documents[entry["year"]] = json.loads(found)
    if not documents:
        return []
    published = _published(
        public, settings, index, documents, [], private, load_calendar(private), now
    )
    renderer = Renderer(published)
    pages = [
        renderer.calendar_page(),
        renderer.home(published.latest, at="/"),
        *[renderer.home(year) for year in published.years],
    ]
    written = []
    for key, page, content_type in pages:
        if public.put(key, page, content_type, SITE_CACHE):
            written.append(key)
    return written
