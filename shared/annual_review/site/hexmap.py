"""Hex cartogram layout of the councils, computed from their coordinates.

Pure and deterministic: the same councils give the same layout, byte for byte.

1. Project latitude/longitude onto a plane (equirectangular, longitude scaled by the cosine of
   the mean latitude), north at the top.
2. Scale the plane so that the councils' convex hull holds about as many hexagons as there are
   councils.
3. Relax: councils closer than one hexagon push each other apart, so a dense cluster (London)
   grows to the room it needs before anything is snapped to the grid.
4. Snap: in a stable order (nearest the middle first, ties by code) each council takes the free
   cell nearest its relaxed position.

Lower-tier councils (districts, unitaries, metropolitan and London boroughs, the City of London,
the Isles of Scilly) form one layer; county councils, which overlap their districts, a second
layer laid out on its own.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

COUNTY_GROUP: Final = "County councils"
LAYOUT: Final = "odd-r"
ROW_HEIGHT: Final = math.sqrt(3) / 2
HULL_FILL: Final = 0.85  # share of the hull the hexagons should cover
RELAX_ITERATIONS: Final = 30
MIN_SPACING: Final = 1.0  # in hexagon widths


@dataclass(frozen=True, slots=True)
class MapPlace:
    """What the layout needs to know about a council."""

    code: str
    comparison_group: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell of an odd-r offset hex grid: `q` is the column, `r` the row (row 0 at the top)."""

    q: int
    r: int


Point = tuple[float, float]


def cell_centre(cell: Cell) -> Point:
    """The centre of a cell in plane units (hexagon width 1, odd rows shifted right by half)."""
    return (cell.q + 0.5 * (cell.r & 1), cell.r * ROW_HEIGHT)


def hex_distance(a: Cell, b: Cell) -> int:
    """The number of steps between two cells of an odd-r grid."""
    ax, az = a.q - (a.r - (a.r & 1)) // 2, a.r
    bx, bz = b.q - (b.r - (b.r & 1)) // 2, b.r
    dx, dz = ax - bx, az - bz
    return (abs(dx) + abs(dz) + abs(dx + dz)) // 2


def neighbours(cell: Cell) -> list[Cell]:
    """The six cells around a cell."""
    odd = cell.r & 1
    steps = (
        [(1, 0), (-1, 0), (0, -1), (1, -1), (0, 1), (1, 1)]
        if odd
        else [(1, 0), (-1, 0), (-1, -1), (0, -1), (-1, 1), (0, 1)]
    )
    return [Cell(cell.q + dq, cell.r + dr) for dq, dr in steps]


def project(councils: Sequence[MapPlace]) -> dict[str, Point]:
    """Latitude/longitude to a plane in degrees of latitude; y grows southwards."""
    if not councils:
        return {}
    lat0 = sum(c.lat for c in councils) / len(councils)
    lon0 = sum(c.lon for c in councils) / len(councils)
    k = math.cos(math.radians(lat0))
    return {c.code: ((c.lon - lon0) * k, lat0 - c.lat) for c in councils}


def _cross(o: Point, a: Point, b: Point) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def hull_area(points: Iterable[Point]) -> float:
    """Area of the convex hull (monotone chain)."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return 0.0
    lower: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and _cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(pts):
        while len(upper) >= 2 and _cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    hull = lower[:-1] + upper[:-1]
    twice = sum(
        hull[i][0] * hull[(i + 1) % len(hull)][1] - hull[(i + 1) % len(hull)][0] * hull[i][1]
        for i in range(len(hull))
    )
    return abs(twice) / 2


def scale_to_grid(points: Mapping[str, Point]) -> dict[str, Point]:
    """Scale so the hull holds about one hexagon per council (a hexagon's area is ROW_HEIGHT)."""
    n = len(points)
    area = hull_area(points.values())
    if n == 0:
        return {}
    if area <= 0:
        spread = max((abs(x) + abs(y) for x, y in points.values()), default=0.0)
        factor = n / spread if spread > 0 else 1.0
    else:
        factor = math.sqrt(n * ROW_HEIGHT / (area * HULL_FILL))
    return {code: (x * factor, y * factor) for code, (x, y) in points.items()}


def relax(points: Mapping[str, Point], iterations: int = RELAX_ITERATIONS) -> dict[str, Point]:
    """Push apart councils closer than MIN_SPACING, a few rounds, in code order."""
    codes = sorted(points)
    pos = {code: points[code] for code in codes}
    for _ in range(iterations):
        buckets: dict[tuple[int, int], list[str]] = {}
        for code in codes:
            x, y = pos[code]
            buckets.setdefault((math.floor(x), math.floor(y)), []).append(code)
        moves: dict[str, list[float]] = {code: [0.0, 0.0] for code in codes}
        moved = False
        for code in codes:
            x, y = pos[code]
            bx, by = math.floor(x), math.floor(y)
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for other in buckets.get((bx + dx, by + dy), ()):
                        if other <= code:
                            continue
                        ox, oy = pos[other]
                        vx, vy = ox - x, oy - y
                        d = math.hypot(vx, vy)
                        if d >= MIN_SPACING:
                            continue
                        if d < 1e-9:
                            # Same spot: separate along a direction fixed by the codes' order.
                            vx, vy, d = 1.0, 0.0, 1.0
                        push = (MIN_SPACING - d) / 2 * 0.5 / d
                        moves[code][0] -= vx * push
                        moves[code][1] -= vy * push
                        moves[other][0] += vx * push
                        moves[other][1] += vy * push
                        moved = True
        if not moved:
            break
        pos = {
            code: (pos[code][0] + moves[code][0], pos[code][1] + moves[code][1]) for code in codes
        }
    return pos


def _nearest_free(point: Point, taken: set[Cell]) -> Cell:
    """The free cell whose centre is nearest the point (ties: upper row, then left column)."""
    x, y = point
    r0 = round(y / ROW_HEIGHT)
    q0 = round(x - 0.5 * (r0 & 1))
    best: tuple[float, int, int] | None = None
    k = 0
    while True:
        for r in range(r0 - k, r0 + k + 1):
            for q in range(q0 - k, q0 + k + 1):
                if max(abs(r - r0), abs(q - q0)) != k:
                    continue  # only the new ring of the window
                cell = Cell(q, r)
                if cell in taken:
                    continue
                cx, cy = cell_centre(cell)
                key = ((cx - x) ** 2 + (cy - y) ** 2, r, q)
                if best is None or key < best:
                    best = key
        # Every cell outside this window lies at least this far from the point.
        outside = min((k + 1) * ROW_HEIGHT - ROW_HEIGHT / 2, k + 0.0)
        if best is not None and best[0] <= outside**2:
            return Cell(best[2], best[1])
        k += 1


def crowding(points: Mapping[str, Point], radius: float = 2.0) -> dict[str, int]:
    """How many other councils lie within `radius` of each council."""
    codes = sorted(points)
    return {
        code: sum(
            1
            for other in codes
            if other != code and math.dist(points[code], points[other]) < radius
        )
        for code in codes
    }


def snap(points: Mapping[str, Point], crowd: Mapping[str, int]) -> dict[str, Cell]:
    """Give each council the free cell nearest its position: the most crowded first (so a dense
    cluster keeps together), then nearest the middle, ties by code."""
    if not points:
        return {}
    n = len(points)
    mx = sum(x for x, _ in points.values()) / n
    my = sum(y for _, y in points.values()) / n
    order = sorted(
        points,
        key=lambda c: (-crowd[c], (points[c][0] - mx) ** 2 + (points[c][1] - my) ** 2, c),
    )
    taken: set[Cell] = set()
    cells: dict[str, Cell] = {}
    for code in order:
        cell = _nearest_free(points[code], taken)
        taken.add(cell)
        cells[code] = cell
    return cells


def normalise(cells: Mapping[str, Cell]) -> dict[str, Cell]:
    """Shift so the smallest column is 0 and the smallest row 0 or 1 (an even shift of rows keeps
    the odd-r offsets)."""
    if not cells:
        return {}
    min_q = min(c.q for c in cells.values())
    min_r = min(c.r for c in cells.values())
    shift_r = min_r - (min_r & 1)
    # Shifting an odd row to even would change the shape, so columns shift as they are.
    return {code: Cell(c.q - min_q, c.r - shift_r) for code, c in sorted(cells.items())}


def layout_layer(councils: Sequence[MapPlace]) -> dict[str, Cell]:
    """One layer's cells."""
    plane = scale_to_grid(project(councils))
    return normalise(snap(relax(plane), crowding(plane)))


def layout(councils: Iterable[MapPlace]) -> dict[str, object]:
    """The published layout: {"layout": "odd-r", "layers": {"lower": ..., "county": ...}}."""
    unique = {c.code: c for c in sorted(councils, key=lambda c: c.code)}
    lower = [c for c in unique.values() if c.comparison_group != COUNTY_GROUP]
    county = [c for c in unique.values() if c.comparison_group == COUNTY_GROUP]
    return {
        "layout": LAYOUT,
        "layers": {
            "lower": {code: {"q": c.q, "r": c.r} for code, c in layout_layer(lower).items()},
            "county": {code: {"q": c.q, "r": c.r} for code, c in layout_layer(county).items()},
        },
    }
