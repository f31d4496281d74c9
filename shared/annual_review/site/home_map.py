"""The home page's hex map, drawn at release: hexes, colour scales and legends for each layer."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from annual_review.figures import catalogue
from annual_review.figures.catalogue import STATISTICS, Statistic
from annual_review.figures.rates import round_half_up
from annual_review.site.paths import council_path

JsonObject = dict[str, Any]


# The map is drawn here, every statistic's colour classes included: web/map.js only shows a
# layer and swaps the classes the release wrote.
HEX_SIZE = 10


HEX_WIDTH = math.sqrt(3) * HEX_SIZE


HEX_ROW = 1.5 * HEX_SIZE


HEX_PAD = 4


PALETTE_SIZE = 5


QUANTILES = (0.2, 0.4, 0.6, 0.8)


def _js_fixed(value: float, places: int) -> str:
    return f"{value:.{places}f}"


def hex_centre(q: int, r: int) -> tuple[float, float]:
    return (
        HEX_PAD + HEX_WIDTH / 2 + HEX_WIDTH * (q + 0.5 * (r & 1)),
        HEX_PAD + HEX_SIZE + HEX_ROW * r,
    )


def hex_points(x: float, y: float) -> str:
    points = []
    for k in range(6):
        angle = math.pi / 180 * (60 * k - 30)
        px, py = x + HEX_SIZE * math.cos(angle), y + HEX_SIZE * math.sin(angle)
        points.append(f"{_js_fixed(px, 2)},{_js_fixed(py, 2)}")
    return " ".join(points)


def _shown_round(statistic: Statistic, value: float) -> float:
    """The value as shown (a whole percent, or one decimal place), as a number to compare."""
    places = catalogue.SHOWN_DECIMALS[statistic.unit] + (2 if statistic.is_proportion else 0)
    return float(round_half_up(value, places))


def colour_scale(
    statistic: Statistic, values: Sequence[float | None]
) -> tuple[list[JsonObject], Any]:
    """Quintile classes as the page's script makes them: (steps, class_of)."""
    known = sorted(v for v in values if v is not None)
    breaks: list[float] = []
    for p in QUANTILES if known else ():
        b = _shown_round(statistic, known[math.floor(p * (len(known) - 1))])
        if b > known[0] and b not in breaks:
            breaks.append(b)
    n = len(breaks) + 1 if known else 0

    def palette(i: int) -> int:
        return 2 if n <= 1 else math.floor(i * (PALETTE_SIZE - 1) / (n - 1) + 0.5)

    def show(value: float) -> str:
        return statistic.shown(value) or ""

    steps = []
    for i in range(n):
        if n == 1:
            label = show(known[0]) + (f" to {show(known[-1])}" if known[-1] != known[0] else "")
        elif i == 0:
            label = f"Under {show(breaks[0])}"
        elif i == n - 1:
            top = show(breaks[i - 1])
            label = top if statistic.is_proportion and breaks[i - 1] >= 1 else f"{top} or more"
        else:
            label = f"{show(breaks[i - 1])} to under {show(breaks[i])}"
        steps.append({"cls": f"step-{palette(i)}", "label": label})

    def class_of(value: float | None) -> str:
        if value is None:
            return "no-figure"
        shown = _shown_round(statistic, value) if statistic.is_proportion else value
        return str(steps[sum(1 for b in breaks if shown >= b)]["cls"])

    return steps, class_of


LAYERS = (
    ("lower", "district, unitary, metropolitan and London borough councils"),
    ("county", "county councils"),
)


def home_map(
    document: JsonObject, layout: JsonObject | None, slugs: Mapping[str, str]
) -> JsonObject:
    """The year's map, drawn at release for each layer (lower-tier councils, county councils),
    with every statistic's colour class, name, legend and summary on it: the page's script only
    swaps what is shown. The colour steps are the year's own fifths of councils, and say so."""
    records = {r["code"]: r for r in document["councils"]}
    layers = layout.get("layers", {}) if isinstance(layout, dict) else {}
    drawn_layers = []
    for layer, which in LAYERS:
        cells = layers.get(layer, {})
        placed = sorted(
            (int(c["r"]), int(c["q"]), code) for code, c in cells.items() if code in records
        )
        drawn: list[JsonObject] = [
            {
                "code": code,
                "points": hex_points(*hex_centre(q, r)),
                "href": council_path(slugs[code]),
                "classes": {},
                "labels": {},
            }
            for r, q, code in placed
        ]
        max_x = max((hex_centre(q, r)[0] + HEX_WIDTH / 2 for r, q, _ in placed), default=0.0)
        max_y = max((hex_centre(q, r)[1] + HEX_SIZE for r, q, _ in placed), default=0.0)
        views = []
        for statistic in STATISTICS:
            values = [records[code][statistic.record][statistic.field] for _, _, code in placed]
            steps, class_of = colour_scale(statistic, values)
            for cell, value in zip(drawn, values, strict=True):
                shown = statistic.shown(value)
                name = records[cell["code"]]["name"]
                cell["classes"][statistic.page.id] = class_of(value)
                cell["labels"][statistic.page.id] = (
                    f"{name}: {statistic.page.label.lower()} {shown or 'no figure'}"
                )
            missing = sum(1 for v in values if v is None)
            views.append(
                {
                    "stat": statistic.page.id,
                    "title": f"Map: {statistic.page.label.lower()}, {document['year']}",
                    "legend_title": f"{statistic.page.legend}, {document['year']}",
                    "steps": steps,
                    "summary": f"The map shows {len(drawn)} {which} coloured by "
                    f"{statistic.page.legend.lower()}"
                    + (f"; {missing} have no figure." if missing else ".")
                    + " Every figure is also in the table of every council below.",
                }
            )
        drawn_layers.append(
            {
                "name": layer,
                "cells": drawn,
                "view_box": f"0 0 {_js_fixed(max_x + HEX_PAD, 1)} {_js_fixed(max_y + HEX_PAD, 1)}",
                "views": views,
            }
        )
    return {"layers": drawn_layers, "default_stat": STATISTICS[0].page.id}
