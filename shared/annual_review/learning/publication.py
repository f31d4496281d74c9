"""The learning publication: weekly (and at each annual release), write what changed.

It reads the change records of the days since its last run, applies them to the private state
of each council-year they touch, and rewrites only those council-years' pages, their councils'
index pages and feeds, and the pages across England for the years touched. Its cost follows the
changes, not the years of history. When a year's statistics are released, its service
improvements (a published figure) appear: every council-year of that year is rewritten once.

An operator's takedown (``take_down``) records the item as taken down and rewrites its
council-year at once; pages and feeds are cached for ``LEARNING_CACHE`` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from annual_review.figures.catalogue import SERVICE_AREA_LABELS, service_area_label
from annual_review.fiscal import FinancialYear
from annual_review.learning.changes import LearningState, StoredItem, apply_changes
from annual_review.learning.england_page import england_page
from annual_review.learning.item_facts import _area_counts, _decisions, _item_year
from annual_review.learning.open_data import year_files
from annual_review.learning.pages import (
    ATOM,
    TAG_AUTHORITY,
    CouncilLearning,
    FeedEntry,
    PageFile,
    atom_feed,
    council_index_page,
    council_year_pages,
    feed_entry,
    improvements_by_area,
    learning_path,
    newest_first,
    report_view,
)
from annual_review.learning.run_types import ChangeSource, LearningResult
from annual_review.learning.state_store import (
    ENGLAND_RECENT,
    RUN,
    TAKEDOWNS,
    _json,
    _put_json,
    england_key,
    england_reports_key,
    published_years,
    scope_of,
    state_key,
    summary_key,
)
from annual_review.publication.ports import ObjectStore, StoredObject
from annual_review.registry.councils import Registry
from annual_review.site.slugs import council_slugs

# Pages and feeds change weekly and must stop showing a taken-down item within minutes.
LEARNING_CACHE = "public, max-age=300"
ENGLAND_FEED_ITEMS = 200
# On a first run (no record of the last), the days read back.
FIRST_RUN_DAYS = 120


def newly_released(publisher: LearningPublisher) -> list[str]:
    """Years released since the last run (two small reads: the morning check's whole cost)."""
    run = _json(publisher.private, RUN) or {}
    released, _ = published_years(publisher.public)
    return sorted(released - set(run.get("released", [])))


class LearningPublisher:
    def __init__(
        self,
        private: ObjectStore,
        public: ObjectStore,
        registry: Registry,
        *,
        site_url: str = "",
    ) -> None:
        self.private = private
        self.public = public
        self.registry = registry
        self.site_url = site_url
        self.names = {c.code: " ".join(c.name.split()) for c in registry.councils}
        self.slugs = council_slugs(self.names)

    # -- state
    def takedowns(self) -> dict[str, Any]:
        found: dict[str, Any] = _json(self.private, TAKEDOWNS) or {}
        return found

    def _state(self, scope: str) -> LearningState:
        raw = _json(self.private, state_key(scope))
        return LearningState.model_validate(raw) if raw else LearningState(scope=scope)

    # -- the weekly run
    def run(
        self, changes: ChangeSource, now: datetime, *, scopes: Iterable[str] = ()
    ) -> LearningResult:
        """Read the change records since the last run (its day included: records written after
        it that day), apply them, and rewrite what they touched; ``scopes`` are rewritten too."""
        run = _json(self.private, RUN) or {}
        today = now.date()
        first = (
            date.fromisoformat(run["last_day"])
            if "last_day" in run
            else today - timedelta(days=FIRST_RUN_DAYS)
        )
        days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
        found = [c for day in days for c in changes.changes_on(day)]
        touched = {s for c in found for s in c.scopes} | set(scopes)
        states = {s: self._state(s) for s in touched}
        changed = apply_changes(states, found) | set(scopes)
        for scope in sorted(changed):
            _put_json(self.private, state_key(scope), states[scope].model_dump(mode="json"))
        released, letters = published_years(self.public)
        newly = sorted(released - set(run.get("released", [])))
        for year in newly:  # their improvements appear now: every council-year of the year
            for key in self.private.list(f"learning/state/{year}/"):
                scope = f"{key.rsplit('/', 1)[-1].removesuffix('.json')}#{year}"
                if scope not in states:
                    states[scope] = self._state(scope)
                changed.add(scope)
        # A newly released year: every council of it gets its learning page (and feed), those
        # with nothing to show too, so the link on each council's page never leads nowhere.
        every = {
            council.code
            for year in newly
            for council in self.registry.for_year(FinancialYear.parse(year))
        }
        objects = self.publish(states, sorted(changed), released, letters, now, councils=every)
        written = self._write(objects)
        _put_json(self.private, RUN, {"last_day": today.isoformat(), "released": sorted(released)})
        return LearningResult(
            days=[d.isoformat() for d in days],
            changes=len(found),
            scopes=sorted(changed),
            councils=len({s.split("#")[0] for s in changed}),
            written=written,
            objects=len(objects),
            released_now=newly,
        )

    def take_down(self, key: str, scope: str | None, reason: str, now: datetime) -> int:
        """Record ``key`` as taken down and rewrite its council-year now; objects written."""
        takedowns = self.takedowns()
        takedowns[key] = {"reason": reason, "at": now.isoformat(timespec="seconds")}
        _put_json(self.private, TAKEDOWNS, takedowns)
        if scope is None:
            return 0
        released, letters = published_years(self.public)
        objects = self.publish({scope: self._state(scope)}, [scope], released, letters, now)
        return self._write(objects)

    def _write(self, objects: Sequence[StoredObject]) -> int:
        """Write by folder (a council's learning, or England's), so each put_many lists only
        that folder to see what exists: never the whole bucket."""
        groups: dict[str, list[StoredObject]] = {}
        for stored in objects:
            parts = stored.key.split("/")
            folder = "/".join(parts[:4]) if parts[0] == "councils" else "/".join(parts[:2])
            groups.setdefault(folder, []).append(stored)
        return sum(self.public.put_many(group) for _, group in sorted(groups.items()))

    # -- rendering what changed
    def publish(
        self,
        states: Mapping[str, LearningState],
        scopes: Sequence[str],
        released: frozenset[str],
        letters: Sequence[tuple[str, int]],
        now: datetime,
        *,
        councils: Iterable[str] = (),
    ) -> list[StoredObject]:
        """The objects for ``scopes`` (council-years), and the index page and feed of each of
        ``councils`` as well."""
        down = set(self.takedowns())
        files: list[PageFile] = []
        by_code: dict[str, list[str]] = {code: [] for code in councils}
        for scope in scopes:
            code, year = scope.split("#")
            by_code.setdefault(code, []).append(year)
        if not by_code:
            return []
        recent = [
            (code, StoredItem.model_validate(i))
            for code, i in (_json(self.private, ENGLAND_RECENT) or [])
            if i["key"] not in down
        ]
        england_years: dict[str, dict[str, Any]] = {}
        for code, years in sorted(by_code.items()):
            summary = _json(self.private, summary_key(code)) or {"years": {}}
            for year in years:
                shown = [
                    i for i in states[scope_of(code, year)].items.values() if i.key not in down
                ]
                summary["years"][year] = [i.model_dump(mode="json") for i in shown]
                england = england_years.setdefault(
                    year, _json(self.private, england_key(year)) or {}
                )
                england[code] = {
                    "decisions": [i.model_dump(mode="json") for i in shown if i.kind == "decision"],
                    "reports": [i.model_dump(mode="json") for i in shown if i.kind == "report"],
                    "improvements": [
                        i.model_dump(mode="json") for i in shown if i.kind == "improvement"
                    ],
                    "areas": _area_counts(shown),
                }
                recent = [(c, i) for c, i in recent if not (c == code and _item_year(i) == year)]
                recent += [(code, i) for i in shown]
            _put_json(self.private, summary_key(code), summary)
            council = self._council(code, summary, released, letters)
            for year in years:
                files += council_year_pages(council, year)
            files.append(council_index_page(council))
            files.append(self._council_feed(council, now))
        recent = sorted(recent, key=lambda p: p[1].changed_at, reverse=True)[:ENGLAND_FEED_ITEMS]
        _put_json(self.private, ENGLAND_RECENT, [[c, i.model_dump(mode="json")] for c, i in recent])
        for year, england in england_years.items():
            _put_json(self.private, england_key(year), england)
            # The year's reports alone, small: England's reports page reads every year's.
            reports = {code: part["reports"] for code, part in england.items() if part["reports"]}
            _put_json(self.private, england_reports_key(year), reports)
        files += self._england(england_years, released, recent, now)
        return [StoredObject(k, b, t, LEARNING_CACHE) for k, b, t in files]

    def _council(
        self,
        code: str,
        summary: Mapping[str, Any],
        released: frozenset[str],
        letters: Sequence[tuple[str, int]],
    ) -> CouncilLearning:
        return CouncilLearning(
            code=code,
            name=self.names.get(code, code),
            slug=self.slugs.get(code, code.lower()),
            years={
                y: [StoredItem.model_validate(i) for i in items]
                for y, items in summary["years"].items()
            },
            released=released,
            letters=[(y, n) for y, n in letters],
        )

    def _feed_entries(
        self, pairs: Iterable[tuple[str, StoredItem]], released: frozenset[str]
    ) -> list[FeedEntry]:
        return [
            feed_entry(i, self.names.get(c, c), self.site_url, self.slugs.get(c, c.lower()))
            for c, i in pairs
            if i.kind != "improvement" or _item_year(i) in released
        ]

    def _council_feed(self, council: CouncilLearning, now: datetime) -> PageFile:
        pairs = [(council.code, i) for items in council.years.values() for i in items]
        path = learning_path(council.slug) + "feed.xml"
        body = atom_feed(
            feed_id=f"{TAG_AUTHORITY}:council:{council.code}",
            title=f"{council.name}: decisions, public reports and service improvements",
            self_url=self.site_url + path,
            site_url=self.site_url + learning_path(council.slug),
            entries=self._feed_entries(pairs, council.released),
            empty_updated=now.isoformat(timespec="seconds"),
        )
        return path.lstrip("/"), body, ATOM

    def _england(
        self,
        years: Mapping[str, Mapping[str, Any]],
        released: frozenset[str],
        recent: Sequence[tuple[str, StoredItem]],
        now: datetime,
    ) -> list[PageFile]:
        files: list[PageFile] = []
        all_years = sorted(
            {
                k.rsplit("/", 1)[-1].removesuffix(".json")
                for k in self.private.list("learning/england-reports/")
            }
            | set(years),
            reverse=True,
        )
        reports_of = {
            y: {c: p["reports"] for c, p in years[y].items()}
            if y in years
            else _json(self.private, england_reports_key(y)) or {}
            for y in all_years
        }
        reports = []
        for y in all_years:
            for code, found in reports_of[y].items():
                for raw in found:
                    view = report_view(StoredItem.model_validate(raw))
                    view["council"] = self.names.get(code, code)
                    reports.append(view)
        reports.sort(key=lambda r: (r["issued_iso"], r["id"]), reverse=True)
        files.append(
            england_page(
                "/learning/reports/",
                "Public reports",
                "Every public report we have issued about a council, newest first.",
                [
                    {
                        "heading": "Newest first",
                        "reports": reports,
                        "text": "" if reports else "None yet.",
                    }
                ],
            )
        )
        files.append(
            england_page(
                "/learning/",
                "Learning across England",
                "Decisions, public reports and the service improvements councils agreed.",
                [
                    {
                        "heading": "Find decisions",
                        "links": [
                            {"href": "/learning/decisions/", "label": "By year and service area"},
                            {"href": "/learning/councils/", "label": "By council"},
                        ],
                    },
                    {
                        "heading": "Public reports",
                        "links": [{"href": "/learning/reports/", "label": "Every public report"}],
                    },
                    {
                        "heading": "Service improvements by service area",
                        "links": [
                            {"href": f"/learning/improvements/{y}/", "label": f"Agreed in {y}"}
                            for y in all_years
                            if y in released
                        ],
                    },
                ],
            )
        )
        files.append(
            england_page(
                "/learning/councils/",
                "Decisions by council",
                "Every council's decisions, public reports and service improvements.",
                [
                    {
                        "heading": "Councils A to Z",
                        "links": [
                            {"href": learning_path(self.slugs[c]), "label": n}
                            for c, n in sorted(self.names.items(), key=lambda p: p[1].lower())
                        ],
                    }
                ],
            )
        )
        files.append(
            england_page(
                "/learning/decisions/",
                "Find decisions",
                "Browse our decision statements by year and service area, then by council.",
                [
                    {
                        "heading": "Years",
                        "links": [
                            {"href": f"/learning/decisions/{y}/", "label": y} for y in all_years
                        ],
                    },
                    {
                        "heading": "Or by council",
                        "links": [{"href": "/learning/councils/", "label": "Councils A to Z"}],
                    },
                ],
            )
        )
        for year, doc in years.items():
            areas: dict[str, list[tuple[str, int]]] = {}
            for code, part in doc.items():
                for area, count in part["areas"].items():
                    areas.setdefault(area, []).append((code, count))
            files.append(
                england_page(
                    f"/learning/decisions/{year}/",
                    f"Decisions of {year} by service area",
                    "Choose a service area to see the councils with decisions in it.",
                    [
                        {
                            "heading": "Service areas",
                            "links": [
                                {
                                    "href": f"/learning/decisions/{year}/{a}/",
                                    "label": service_area_label(a),
                                }
                                for a in sorted(areas)
                            ],
                        }
                    ],
                )
            )
            for area in SERVICE_AREA_LABELS:
                councils = sorted(areas.get(area, []), key=lambda p: self.names.get(p[0], p[0]))
                files.append(
                    england_page(
                        f"/learning/decisions/{year}/{area}/",
                        f"Decisions of {year}: {service_area_label(area)}",
                        "Each council's decision statements in this service area.",
                        [
                            {
                                "heading": "Councils",
                                "text": "" if councils else "None.",
                                "links": [
                                    {
                                        "href": learning_path(self.slugs[c], year, f"area-{area}"),
                                        "label": self.names.get(c, c),
                                    }
                                    # No counts for a year whose statistics are not released.
                                    | ({"note": _decisions(n)} if year in released else {})
                                    for c, n in councils
                                    if c in self.slugs
                                ],
                            }
                        ],
                    )
                )
            if year in released:
                items = [
                    StoredItem.model_validate(raw)
                    for part in doc.values()
                    for raw in part["improvements"]
                ]
                files.append(
                    england_page(
                        f"/learning/improvements/{year}/",
                        f"Service improvements agreed in {year}, by service area",
                        "Each improvement a council agreed to make after our investigation.",
                        [
                            {
                                "heading": "By service area",
                                "improvements": improvements_by_area(newest_first(items)),
                                "text": "" if items else "None.",
                            }
                        ],
                    )
                )
        for year, doc in years.items():
            year_items = [
                (code, StoredItem.model_validate(raw))
                for code, part in doc.items()
                for kind in ("decisions", "reports", "improvements")
                for raw in part.get(kind, [])
            ]
            files += year_files(year, year_items, self.names, year in released)
        body = atom_feed(
            feed_id=f"{TAG_AUTHORITY}:england",
            title="England: decisions, public reports and service improvements",
            self_url=self.site_url + "/learning/feed.xml",
            site_url=self.site_url + "/learning/",
            entries=self._feed_entries(recent, released),
            empty_updated=now.isoformat(timespec="seconds"),
        )
        files.append(("learning/feed.xml", body, ATOM))
        return files
