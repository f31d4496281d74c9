"""The hex cartogram layout: unique cells, deterministic, neighbours kept near."""

from __future__ import annotations

import math

import pytest

from annual_review.fiscal import FinancialYear
from annual_review.registry.councils import load_registry
from annual_review.site import hexmap
from annual_review.site.hexmap import Cell, MapPlace

YEARS = ["2019-20", "2020-21", "2021-22", "2023-24"]
REGISTRY = load_registry(None)  # the packaged registry: codes, groups and coordinates


def councils_of(year: str) -> list[MapPlace]:
    return [
        MapPlace(c.code, c.comparison_group, c.lat, c.lon)
        for c in REGISTRY.for_year(FinancialYear.parse(year))
        if c.lat is not None and c.lon is not None
    ]


def cells_of(result: dict[str, object], layer: str) -> dict[str, Cell]:
    layers = result["layers"]
    assert isinstance(layers, dict)
    return {code: Cell(v["q"], v["r"]) for code, v in layers[layer].items()}


def test_hex_distance_and_neighbours_agree() -> None:
    for cell in [Cell(0, 0), Cell(3, 1), Cell(-2, -3), Cell(5, 4)]:
        around = hexmap.neighbours(cell)
        assert len(set(around)) == 6
        assert all(hexmap.hex_distance(cell, n) == 1 for n in around)
        assert all(
            math.isclose(math.dist(hexmap.cell_centre(cell), hexmap.cell_centre(n)), 1.0)
            for n in around
        )


def test_small_constructed_layout_separates_councils_at_the_same_spot() -> None:
    # Given three councils at one point and a county far away
    councils = [
        MapPlace("E07000001", "District councils", 52.0, -1.0),
        MapPlace("E07000002", "District councils", 52.0, -1.0),
        MapPlace("E07000003", "District councils", 52.0, -1.0),
        MapPlace("E10000001", "County councils", 52.0, -1.0),
    ]
    # When laid out
    result = hexmap.layout(councils)
    lower = cells_of(result, "lower")
    # Then each district has its own cell, side by side, and the county has a layer of its own
    assert len(set(lower.values())) == 3
    assert all(hexmap.hex_distance(a, b) <= 2 for a in lower.values() for b in lower.values())
    assert cells_of(result, "county") == {"E10000001": Cell(0, 0)}
    assert result["layout"] == "odd-r"


def test_empty_input() -> None:
    assert hexmap.layout([]) == {"layout": "odd-r", "layers": {"lower": {}, "county": {}}}


@pytest.mark.parametrize("year", YEARS)
def test_every_council_gets_a_unique_cell(year: str) -> None:
    councils = councils_of(year)
    result = hexmap.layout(councils)
    lower, county = cells_of(result, "lower"), cells_of(result, "county")
    assert set(lower) | set(county) == {c.code for c in councils}
    assert not set(lower) & set(county)
    assert set(county) == {c.code for c in councils if c.comparison_group == "County councils"}
    assert len(set(lower.values())) == len(lower)
    assert len(set(county.values())) == len(county)
    for cells in (lower, county):
        assert min(c.q for c in cells.values()) == 0
        assert min(c.r for c in cells.values()) in (0, 1)


def test_same_input_same_output_whatever_the_order() -> None:
    councils = councils_of("2019-20")
    first = hexmap.layout(councils)
    assert hexmap.layout(list(reversed(councils))) == first
    assert hexmap.layout(sorted(councils, key=lambda c: c.lat)) == first


@pytest.mark.parametrize("year", YEARS)
def test_councils_stay_near_their_place_and_their_neighbours(year: str) -> None:
    councils = [c for c in councils_of(year) if c.comparison_group != "County councils"]
    cells = cells_of(hexmap.layout(councils), "lower")
    plane = hexmap.scale_to_grid(hexmap.project(councils))

    # Displacement from the scaled geographic position, after aligning the centroids
    n = len(cells)
    px = sum(p[0] for p in plane.values()) / n
    py = sum(p[1] for p in plane.values()) / n
    centres = {code: hexmap.cell_centre(cell) for code, cell in cells.items()}
    qx = sum(p[0] for p in centres.values()) / n
    qy = sum(p[1] for p in centres.values()) / n
    moved = [
        math.dist((plane[c][0] - px, plane[c][1] - py), (centres[c][0] - qx, centres[c][1] - qy))
        for c in cells
    ]
    assert sum(moved) / n < 2.5
    assert max(moved) < 7

    # Each council's six nearest geographic neighbours are on average under 2 steps away
    steps = []
    for code in cells:
        nearest = sorted((math.dist(plane[code], plane[o]), o) for o in cells if o != code)[:6]
        steps.append(sum(hexmap.hex_distance(cells[code], cells[o]) for _, o in nearest) / 6)
    assert sum(steps) / n < 2.0


@pytest.mark.parametrize("year", YEARS)
def test_london_boroughs_cluster(year: str) -> None:
    cells = cells_of(hexmap.layout(councils_of(year)), "lower")
    london = {cells[c] for c in cells if c.startswith("E09")}
    assert len(london) == 33
    # Given the largest connected group of London cells
    largest, seen = 0, set[Cell]()
    for start in london:
        if start in seen:
            continue
        stack, size = [start], 0
        seen.add(start)
        while stack:
            cell = stack.pop()
            size += 1
            for n in hexmap.neighbours(cell):
                if n in london and n not in seen:
                    seen.add(n)
                    stack.append(n)
        largest = max(largest, size)
    # Then nearly all of London touches, and no borough is far from the middle of London
    assert largest >= 28
    cx = sum(hexmap.cell_centre(c)[0] for c in london) / 33
    cy = sum(hexmap.cell_centre(c)[1] for c in london) / 33
    assert max(math.dist((cx, cy), hexmap.cell_centre(c)) for c in london) < 5
