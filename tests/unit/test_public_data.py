"""Freeze and release with in-memory stores: the public data contract, embargo, determinism,
revisions, resumption, data quality and reorganised councils."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import jsonschema
import pytest

from annual_review.fiscal import FinancialYear
from annual_review.publication.freeze.snapshot import NothingToRevise
from annual_review.publication.open_data.year_files import councils_schema
from annual_review.publication.release import Embargoed, LettersNotReady
from annual_review.publication.steps import Adapters, run_freeze, run_letters, run_release, run_year
from tests.builders import signed_settings
from tests.constructed_case import ADUR, CITY, COUNTERS, KINGSTON, FixedAggregates
from tests.fakes import MemoryObjectStore
from tests.released_case import RELEASE_DAY, YEAR, adapters


def public_json(found: Adapters, key: str) -> Any:
    body = found.public.get(key)
    assert body is not None, key
    return json.loads(body)


def test_public_json_figures_match_those_worked_by_hand_and_the_schema() -> None:
    found = adapters()
    run_year(YEAR, found, signed_settings(), RELEASE_DAY)
    document = public_json(found, "data/2019-20/r1/councils.json")
    jsonschema.Draft202012Validator(councils_schema()).validate(document)
    assert (document["schema_version"], document["year"], document["revision"]) == (1, "2019-20", 1)
    assert document["period"] == {"start": "2019-04-01", "end": "2020-03-31"}
    london = document["averages"]["London boroughs"]
    assert london["upheld_rate"] == pytest.approx(34 / 40)
    assert london["compliance_rate"] == pytest.approx(27 / 29)
    assert london["satisfactory_remedy_rate"] == pytest.approx(5 / 34)
    assert london["upheld_per_100k"] == pytest.approx(34 * 100_000 / 287_507)
    kingston = next(c for c in document["councils"] if c["code"] == KINGSTON)
    assert kingston["decisions"] == {
        "total": 20, "upheld": 9, "not_upheld": 4, "closed_after_initial_enquiries": 5,
        "referred_back_for_local_resolution": 1, "incomplete_invalid": 1,
    }  # fmt: skip
    assert kingston["service_areas"] == {"housing": 6, "other": 14}
    assert kingston["complaints_received"] == 2
    assert kingston["population"] == 177_507
    upheld = kingston["upheld"]
    assert (upheld["count"], upheld["of"], upheld["small_base"]) == (9, 13, False)
    assert upheld["rate"] == pytest.approx(0.692308, abs=1e-6)
    assert upheld["per_100k"] == pytest.approx(5.070222, abs=1e-6)
    assert upheld["ci_low"] == pytest.approx(0.4237, abs=1e-4)
    assert upheld["ci_high"] == pytest.approx(0.8732, abs=1e-4)
    compliance = kingston["compliance"]
    assert (compliance["count"], compliance["of"], compliance["rate"], compliance["late"]) == (
        7,
        7,
        1.0,
        1,
    )
    assert compliance["small_base"] is True
    remedy = kingston["satisfactory_remedy"]
    assert (remedy["count"], remedy["of"], remedy["rate"], remedy["ci_low"]) == (0, 9, 0.0, 0.0)
    assert kingston["service_improvements"] == 3
    assert kingston["letter"] == "letters/2019-20/r1/E09000021.html"
    assert found.public.exists(kingston["letter"])
    city = next(c for c in document["councils"] if c["code"] == CITY)
    assert city["upheld"]["rate"] is None
    assert city["upheld"]["ci_low"] is None
    assert city["compliance"]["rate"] is None
    assert city["satisfactory_remedy"]["rate"] is None
    adur = next(c for c in document["councils"] if c["code"] == ADUR)
    assert adur["population"] is None
    assert adur["upheld"]["per_100k"] is None


def test_csv_geojson_dictionary_and_history_agree_with_the_json() -> None:
    found = adapters()
    run_year(YEAR, found, signed_settings(), RELEASE_DAY)
    csv_text = (found.public.get("data/2019-20/r1/councils.csv") or b"").decode()
    header, *rows = csv_text.splitlines()
    assert len(rows) == 4
    columns = header.split(",")
    dictionary = (found.public.get("data/2019-20/r1/data-dictionary.csv") or b"").decode()
    assert [line.split(",")[0] for line in dictionary.splitlines()[1:]] == columns
    geojson = public_json(found, "data/2019-20/r1/councils.geojson")
    assert next(f["geometry"]["coordinates"] for f in geojson["features"]) == [-0.32, 50.83]
    history = public_json(found, f"data/councils/{KINGSTON}.json")
    assert [y["year"] for y in history["years"]] == ["2019-20"]
    assert history["years"][0]["upheld"]["count"] == 9


def test_release_is_embargoed_until_the_release_date_unless_forced_with_a_reason() -> None:
    found = adapters()
    day_before = datetime(2020, 7, 28, 23, 0, tzinfo=UTC)
    run_freeze(YEAR, found, signed_settings(), day_before)
    run_letters(YEAR, found, signed_settings(), RELEASE_DAY)
    with pytest.raises(Embargoed, match="2020-07-29"):
        run_release(YEAR, found, signed_settings(), day_before)
    with pytest.raises(Embargoed):
        run_release(YEAR, found, signed_settings(), day_before, force="  ")
    assert found.public.objects == {}  # type: ignore[attr-defined]
    result = run_release(YEAR, found, signed_settings(), day_before, force="court order")
    assert result.forced == "court order"
    index = public_json(found, "data/index.json")
    assert index["years"][0]["early_release_reason"] == "court order"


def test_release_refuses_letters_of_another_revision() -> None:
    found = adapters()
    run_freeze(YEAR, found, signed_settings(), RELEASE_DAY)
    with pytest.raises(LettersNotReady):
        run_release(YEAR, found, signed_settings(), RELEASE_DAY)


def test_rerun_writes_nothing_and_same_snapshot_gives_identical_bytes() -> None:
    first = adapters()
    run_year(YEAR, first, signed_settings(), RELEASE_DAY)
    private_writes, public_writes = len(first.private.writes), len(first.public.writes)  # type: ignore[attr-defined]
    again = run_year(YEAR, first, signed_settings(), datetime(2020, 7, 30, tzinfo=UTC))
    assert again.freeze.created is False
    assert (again.letters.written, again.release.written) == (0, 0)
    assert len(first.private.writes) == private_writes  # type: ignore[attr-defined]
    assert len(first.public.writes) == public_writes  # type: ignore[attr-defined]
    # A second system fed the same figures publishes the same bytes.
    second = adapters()
    run_year(YEAR, second, signed_settings(), RELEASE_DAY)
    assert second.public.objects == first.public.objects  # type: ignore[attr-defined]


def test_index_is_written_last_and_only_names_files_that_exist() -> None:
    found = adapters()
    run_year(YEAR, found, signed_settings(), RELEASE_DAY)
    public = found.public
    assert public.writes[-1] == "data/index.json"  # type: ignore[attr-defined]
    index = public_json(found, "data/index.json")
    entry = index["years"][0]
    assert all(public.exists(key) for key in entry["files"].values())
    assert index["latest"] == "2019-20"
    assert index["next_release"] == {
        "year": "2020-21",
        "date": "2021-07-29",
        "release_at": "2021-07-29T09:30:00+01:00",
    }
    assert (
        public.objects["data/2019-20/r1/councils.json"][2]  # type: ignore[attr-defined]
        == "public, max-age=31536000, immutable"
    )
    assert public.objects["data/index.json"][2] == "public, max-age=60"  # type: ignore[attr-defined]
    assert public.exists("index.html")
    assert public.exists("data/2019-20/hexmap.json")


class FailingAfter(MemoryObjectStore):
    def __init__(self, writes_allowed: int) -> None:
        super().__init__()
        self.writes_allowed = writes_allowed

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> bool:
        if len(self.writes) >= self.writes_allowed:
            raise ConnectionError("the run died here")
        return super().put(key, body, content_type, cache_control)


def test_a_release_that_dies_half_way_finishes_when_run_again() -> None:
    found = adapters()
    dying = FailingAfter(writes_allowed=5)
    found = Adapters(found.aggregates, found.private, dying, found.site)
    run_freeze(YEAR, found, signed_settings(), RELEASE_DAY)
    run_letters(YEAR, found, signed_settings(), RELEASE_DAY)
    with pytest.raises(ConnectionError):
        run_release(YEAR, found, signed_settings(), RELEASE_DAY)
    assert not dying.exists("data/index.json")
    dying.writes_allowed = 10_000
    result = run_release(YEAR, found, signed_settings(), RELEASE_DAY)
    assert result.unchanged == 5
    complete = adapters()
    run_year(YEAR, complete, signed_settings(), RELEASE_DAY)
    assert dying.objects == complete.public.objects  # type: ignore[attr-defined]


def test_a_revision_gets_new_paths_notes_and_letters_and_keeps_the_old_ones() -> None:
    found = adapters()
    run_year(YEAR, found, signed_settings(), RELEASE_DAY)
    old = found.public.get("data/2019-20/r1/councils.json")
    later = datetime(2020, 9, 1, tzinfo=UTC)
    changed = {**COUNTERS, CITY: {"decisions_upheld": 2, "decisions_not_upheld": 2}}
    found = Adapters(FixedAggregates(changed), found.private, found.public, found.site)
    # Re-freezing without a reason keeps revision 1.
    assert run_freeze(YEAR, found, signed_settings(), later).created is False
    result = run_year(YEAR, found, signed_settings(), later, revise="late decisions for the City")
    assert (result.freeze.revision, result.freeze.created) == (2, True)
    assert found.public.get("data/2019-20/r1/councils.json") == old
    document = public_json(found, "data/2019-20/r2/councils.json")
    city = next(c for c in document["councils"] if c["code"] == CITY)
    assert (city["upheld"]["count"], city["upheld"]["of"]) == (2, 4)
    notes = public_json(found, "data/2019-20/r2/revisions.json")
    assert [n["reason"] for n in notes["revisions"]] == [None, "late decisions for the City"]
    index = public_json(found, "data/index.json")
    assert index["years"][0]["revision"] == 2
    assert index["years"][0]["released_at"] == "2020-09-01T00:00:00+00:00"
    letter = (found.private.get(f"letters/2019-20/{CITY}.txt") or b"").decode()
    assert "1 September 2020" in letter
    assert "late decisions for the City" in letter
    # A revision that changes no figure (a retried one too) is refused and writes nothing;
    # forced, it makes a third revision.
    before = dict(found.private.objects)  # type: ignore[attr-defined]
    for reason in ("late decisions for the City", "another look"):
        with pytest.raises(NothingToRevise, match="not changed since revision 2"):
            run_freeze(YEAR, found, signed_settings(), later, reason)
    assert found.private.objects == before  # type: ignore[attr-defined]
    forced = run_freeze(YEAR, found, signed_settings(), later, "population corrected", "by hand")
    assert (forced.revision, forced.created) == (3, True)


def test_codes_not_in_the_registry_go_to_the_data_quality_report() -> None:
    found = adapters({**COUNTERS, "E06000099": {"decisions_upheld": 3}})
    result = run_freeze(YEAR, found, signed_settings(), RELEASE_DAY)
    assert result.codes_not_in_registry == ["E06000099"]
    report = json.loads(found.private.get("reports/2019-20/data-quality.json") or b"{}")
    assert report["codes_not_in_registry"] == [
        {"code": "E06000099", "counters": {"decisions_upheld": 3}}
    ]


def test_reorganised_councils_are_frozen_only_in_the_years_they_existed() -> None:
    found = adapters({}, registry=None)  # the packaged registry
    run_freeze(FinancialYear(2019), found, signed_settings(), RELEASE_DAY)
    run_freeze(FinancialYear(2020), found, signed_settings(), RELEASE_DAY)
    snapshots = {
        year: json.loads(found.private.get(f"snapshots/{year}/r1.json") or b"")
        for year in ("2019-20", "2020-21")
    }
    codes = {year: {c["code"] for c in found["councils"]} for year, found in snapshots.items()}
    assert len(codes["2019-20"]) == 343
    assert len(codes["2020-21"]) == 339
    assert {"E10000002", "E07000004", "E07000007"} <= codes["2019-20"] - codes["2020-21"]
    assert "E06000060" in codes["2020-21"] - codes["2019-20"]
    assert "E10000021" in codes["2020-21"]  # Northamptonshire lasted one year longer
