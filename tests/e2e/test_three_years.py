"""Three seeded years through the local stack, across the Buckinghamshire (2020) and
Northamptonshire (2021) reorganisations: figures, populations and lineage checked against values
worked out here (figures from the entries offered to the bus; populations and lineage as the
reference data states them), not by the system's own code."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from annual_review.adapters.dynamo import DynamoAggregatesReader
from annual_review.fiscal import year_range
from annual_review_tools.local.harness import RunOptions, RunResult, run_on
from annual_review_tools.local.server import LocalServer
from tests.e2e.expected import expected_figures
from tests.sitemap_rules import problems

pytestmark = pytest.mark.e2e

YEARS = year_range("2019-20..2021-22")
# ONS mid-year estimates (reference data): a year uses the June before it starts.
POPULATIONS = {
    "2019-20": {"E09000021": 175_470, "E07000004": 199_448, "E07000154": 225_146,
                "E10000021": 747_622},
    "2020-21": {"E09000021": 177_507, "E06000060": 543_973, "E07000154": 224_610,
                "E10000021": 753_278},
    "2021-22": {"E09000021": 179_142, "E06000060": 547_060, "E06000061": 350_448,
                "E06000062": 406_733},
}  # fmt: skip
COUNCILS_IN_YEAR = {"2019-20": 343, "2020-21": 339, "2021-22": 333}  # reference data, section 3
GONE = {"2020-21": ["E07000004", "E10000002"], "2021-22": ["E07000154", "E10000021"]}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("three-years")
    with LocalServer() as server:
        result = run_on(
            server, RunOptions(years=YEARS, out_dir=out, seed=10, scale=0.01, progress=False)
        )
        assert result.stack is not None
        assert result.aws is not None
        reader = DynamoAggregatesReader(
            result.stack.physical("AggregatesTable"), result.aws.dynamodb
        )
        stored = {year.label: reader.year(year.label) for year in YEARS}
    return result, out, stored


def _published(out: Path, year: str) -> dict[str, dict[str, Any]]:
    document = json.loads((out / "public" / "data" / year / "councils.json").read_text())
    return {c["code"]: c for c in document["councils"]}


def test_every_event_is_accounted_for_and_every_year_published(
    run: tuple[RunResult, Path, dict[str, Any]],
) -> None:
    result, out, _ = run
    events = result.summary["events"]
    assert events["sent"] == sum(
        events[k] for k in ("applied", "ignored", "quarantined", "rejected_by_bus", "unrouted")
    )
    assert (events["unrouted"], events["dead_lettered"], result.missing) == (0, 0, 0)
    assert result.publication_failures == 0, result.publication
    index = json.loads((out / "public" / "data" / "index.json").read_text())
    assert sorted(entry["year"] for entry in index["years"]) == [y.label for y in YEARS]
    # Each year's letters and release acted out at that year's own dates
    for year in YEARS:
        lines = [line for line in result.publication if line.startswith(year.label)]
        steps = [line for line in lines if " calendar: " not in line]
        # The year's dates announced in the calendar (three schedules and their three deadline
        # checks), then its three steps, each followed by its check, which found it completed
        assert len(lines) - len(steps) == 6
        checks = [line for line in steps if " check of " in line]
        assert len(steps) - len(checks) == 3
        assert len(checks) == 3
        assert all("'completed': True" in line for line in checks), checks
        assert all(f"{year.start_year + 1}-07-" in line for line in steps), steps
        assert len(_published(out, year.label)) == COUNCILS_IN_YEAR[year.label]


def test_figures_of_each_year_are_the_entries_own(
    run: tuple[RunResult, Path, dict[str, Any]],
) -> None:
    result, out, stored = run
    for year in YEARS:
        expected = expected_figures(result.entries, year.label)
        published = _published(out, year.label)
        for code, figures in expected.items():
            assert code in published, (year, code)  # no event for a council gone by its date
            assert published[code]["decisions"]["upheld"] == figures["decisions_upheld"]
            assert published[code]["complaints_received"] == figures["complaints_received"]
            aggregate = stored[year.label][code]
            assert aggregate.upheld == figures["decisions_upheld"], (year, code)
        for code in GONE.get(year.label, []):
            assert code not in published
        # the new unitaries carry their areas' cases
        new = {"2020-21": "E06000060", "2021-22": "E06000062"}.get(year.label)
        if new:
            assert Counter(expected[new])["complaints_received"] > 0


def test_each_year_uses_its_own_population(run: tuple[RunResult, Path, dict[str, Any]]) -> None:
    _, out, _ = run
    for year, populations in POPULATIONS.items():
        published = _published(out, year)
        for code, population in populations.items():
            record = published[code]
            assert record["population"] == population, (year, code)
            upheld = record["upheld"]["count"]
            assert record["upheld"]["per_100k"] == upheld * 100_000 / population


def test_council_histories_say_who_replaced_whom(
    run: tuple[RunResult, Path, dict[str, Any]],
) -> None:
    _, out, _ = run

    def history(code: str) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(
            (out / "public" / "data" / "councils" / f"{code}.json").read_text()
        )
        return found

    aylesbury = history("E07000004")
    assert [y["year"] for y in aylesbury["years"]] == ["2019-20"]
    assert aylesbury["lineage"]["notes"] == [
        "Aylesbury Vale District Council became part of Buckinghamshire Council on 1 April 2020."
    ]
    assert aylesbury["lineage"]["successors"] == [
        {"code": "E06000060", "name": "Buckinghamshire Council"}
    ]
    west = history("E06000062")
    assert [y["year"] for y in west["years"]] == ["2021-22"]
    assert west["lineage"]["formed_on"] == "2021-04-01"
    assert {p["code"] for p in west["lineage"]["predecessors"]} == {
        "E07000151", "E07000154", "E07000155", "E10000021"
    }  # fmt: skip
    assert west["lineage"]["notes"][0].startswith(
        "West Northamptonshire Council was formed on 1 April 2021 from Daventry District Council"
    )
    kingston = history("E09000021")
    assert kingston["lineage"] is None
    assert [y["population"] for y in kingston["years"]] == [175_470, 177_507, 179_142]


def test_the_sitemap_follows_the_protocol_with_absolute_urls_and_lists_every_letter(
    run: tuple[RunResult, Path, dict[str, Any]],
) -> None:
    _, out, _ = run
    public = out / "public"
    # The template's fallback address: the CloudFront distribution's domain (localhost here).
    site = "https://localhost"
    body = (public / "sitemap.xml").read_bytes()
    assert problems(body, site) == []
    listed = set(re.findall(r"<loc>([^<]+)</loc>", body.decode()))
    letters = {
        f"{site}/{p.relative_to(public).as_posix()}" for p in public.glob("letters/**/*.html")
    }
    assert len(letters) == sum(COUNCILS_IN_YEAR.values())
    assert letters <= listed
    for year in COUNCILS_IN_YEAR:
        assert f"{site}/years/{year}/" in listed
        assert f"{site}/national/{year}/" in listed
    # Every listed page exists in the published tree
    for url in listed:
        path = url.removeprefix(site + "/")
        assert (public / path).is_file() or (public / path / "index.html").is_file(), url
    robots = (public / "robots.txt").read_text()
    assert f"Sitemap: {site}/sitemap.xml" in robots.splitlines()
