"""The history chart: a council's proportions across years, drawn as SVG at release."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from annual_review.figures.catalogue import STATISTICS

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class Chart:
    """A small line chart of a council's proportions across years, drawn as SVG at release."""

    width: int
    height: int
    years: list[tuple[float, str]]  # x, label
    gridlines: list[tuple[float, str]]  # y, label
    # {label, css, points: [(x, y, shown, small)], path, average_points, average_path}
    series: list[JsonObject]


CHART_SERIES = ("upheld_rate", "compliance_rate", "satisfactory_remedy_rate")


def history_chart(
    years: Sequence[JsonObject], averages: Sequence[Mapping[str, float | None]] = ()
) -> Chart:
    """``averages``: each year's averages of the council's similar authorities, drawn dashed
    beside its own line; a figure on a small base is drawn as a hollow marker."""
    width, height, left, right, top, bottom = 560, 220, 70, 40, 12, 30
    inner_w, inner_h = width - left - right, height - top - bottom
    n = len(years)

    def x(i: int) -> float:
        return round(left + (inner_w / 2 if n == 1 else inner_w * i / (n - 1)), 1)

    def y(value: float) -> float:
        return round(top + inner_h * (1 - value), 1)

    series = []
    by_key = {s.key: s for s in STATISTICS}
    for number, key in enumerate(CHART_SERIES):
        statistic = by_key[key]
        points = []
        average_points = []
        for i, entry in enumerate(years):
            part = entry[statistic.record]
            value = part[statistic.field]
            if value is not None:
                small = bool(part.get("small_base"))
                points.append((x(i), y(value), statistic.shown(value), small))
            average = averages[i].get(statistic.key) if i < len(averages) else None
            if average is not None:
                average_points.append((x(i), y(average), statistic.shown(average)))

        def path_of(drawn: Sequence[tuple[Any, ...]]) -> str:
            return " ".join(
                f"{'M' if j == 0 else 'L'}{point[0]},{point[1]}" for j, point in enumerate(drawn)
            )

        series.append(
            {
                "label": statistic.page.label,
                "css": f"series-{number}",
                "points": points,
                "path": path_of(points),
                "average_points": average_points,
                "average_path": path_of(average_points),
            }
        )
    return Chart(
        width=width,
        height=height,
        years=[(x(i), entry["year"]) for i, entry in enumerate(years)],
        gridlines=[(y(v / 100), f"{v}%") for v in (0, 25, 50, 75, 100)],
        series=series,
    )
