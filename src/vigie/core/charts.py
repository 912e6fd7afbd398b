"""Charts drawn on the server as SVG text: a line chart over months, a step chart of levels over time (with
bars of a count beside them, if asked) and a grid of tiles coloured by share (the compact "map" of regions).

Pure Python, no Django: the caller passes every text already translated, and every text and link is
escaped here. The pictures carry classes only (no `style=`, no `<style>`, no script): their look lives in
the static stylesheet `core/static/core/charts.css`, so they run under the pages' Content-Security-Policy.
A PDF, which cannot fetch that stylesheet, gets the same SVG with the stylesheet put inside it
(`with_stylesheet`). Each chart has `role="img"`, a `<title>` and a `<desc>`; pages put a text table beside
it for screen readers.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

__all__ = ["PERCENT_TICKS", "STYLESHEET", "Bars", "Series", "Steps", "Tile", "line_chart", "share_class", "step_chart",
           "stylesheet", "tile_grid", "with_stylesheet"]

STYLESHEET = Path(__file__).parent / "static" / "core" / "charts.css"
PERCENT_TICKS = tuple((value, f"{value} %") for value in (0, 25, 50, 75, 100))
SERIES_CLASSES = 8  # series-0 … series-7 in the stylesheet, then they repeat
MAX_X_LABELS = 12
LEGEND_CHAR = 6.5  # the width of a character of the 11 px legend text, for laying legends out
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 12, 28


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a line chart: a value per x label, None where there is none (drawn as a gap)."""

    label: str
    values: tuple[float | None, ...]
    texts: tuple[str, ...] = ()  # how each value reads in its tooltip; default: the number


@dataclass(frozen=True, slots=True)
class Steps:
    """Levels over time: the level holds from each date until the next one."""

    label: str
    points: tuple[tuple[datetime.date, int], ...]


@dataclass(frozen=True, slots=True)
class Bars:
    """A count on given dates, drawn as bars under the steps on a scale of its own (0 to its largest value),
    each bar labelled with its value."""

    label: str
    points: tuple[tuple[datetime.date, float], ...]


@dataclass(frozen=True, slots=True)
class Tile:
    label: str
    share: float | None  # 0–100; None: nothing to count
    text: str = ""  # the share as shown; default "NN %"
    url: str = ""


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(ident: str, css: str, width: int, height: int, title: str, desc: str) -> list[str]:
    ident = _attr(ident)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {_attr(css)}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
    ]


def _y_axis(parts: list[str], ticks: Sequence[tuple[float, str]], low: float, high: float, width: int, height: int) -> None:
    for value, text in ticks:
        y = _y(value, low, high, height)
        parts.append(f'<line class="chart-grid" x1="{LEFT}" y1="{_num(y)}" x2="{width - RIGHT}" y2="{_num(y)}"/>')
        parts.append(f'<text class="chart-tick chart-tick-y" x="{LEFT - 6}" y="{_num(y + 4)}">{escape(text)}</text>')


def _x_axis(parts: list[str], ticks: list[tuple[float, str]], width: int, height: int) -> None:
    for x, text in ticks:
        parts.append(f'<text class="chart-tick chart-tick-x" x="{_num(x)}" y="{height - 8}">{escape(text)}</text>')
    parts.append(f'<line class="chart-axis" x1="{LEFT}" y1="{height - BOTTOM}" x2="{width - RIGHT}" '
                 f'y2="{height - BOTTOM}"/>')


def _y(value: float, low: float, high: float, height: int) -> float:
    span = (high - low) or 1
    return TOP + (high - min(max(value, low), high)) / span * (height - TOP - BOTTOM)


def _label_step(count: int) -> int:
    return max(1, math.ceil(count / MAX_X_LABELS))


def line_chart(*, ident: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series],
               ticks: Sequence[tuple[float, str]] = PERCENT_TICKS, low: float = 0, high: float = 100,
               width: int = 640, height: int = 220) -> str:
    """Lines over evenly spaced x labels (months); a value of None breaks its line, and an x where no
    series has a value is shaded as missing."""
    legend = len(series) > 1
    parts = _open(ident, "chart-line-chart", width, height + (14 if legend else 0), title, desc)
    count = len(labels)
    step = (width - LEFT - RIGHT) / max(count - 1, 1)

    def x_of(index: int) -> float:
        return LEFT + index * step if count > 1 else (LEFT + width - RIGHT) / 2

    for index in range(count):  # months where no series has a value: shaded, under the grid and lines
        if all(index >= len(s.values) or s.values[index] is None for s in series):
            band = max(step, 6)
            left, right = max(x_of(index) - band / 2, LEFT), min(x_of(index) + band / 2, width - RIGHT)
            parts.append(f'<rect class="chart-gap" x="{_num(left)}" y="{TOP}" width="{_num(right - left)}" '
                         f'height="{height - TOP - BOTTOM}"/>')
    _y_axis(parts, ticks, low, high, width, height)
    every = _label_step(count)  # counted back from the last label, the most recent month, always shown
    _x_axis(parts, [(x_of(index), text) for index, text in enumerate(labels) if (count - 1 - index) % every == 0],
            width, height)
    for number, line in enumerate(series):
        css = f"series-{number % SERIES_CLASSES}"
        run: list[str] = []
        runs: list[list[str]] = []
        dots: list[str] = []
        for index, value in enumerate(line.values[:count]):
            if value is None:
                runs.append(run)
                run = []
                continue
            x, y = _num(x_of(index)), _num(_y(value, low, high, height))
            run.append(f"{x},{y}")
            text = line.texts[index] if index < len(line.texts) else _num(value)
            dots.append(f'<circle class="chart-point {css}" cx="{x}" cy="{y}" r="3">'
                        f"<title>{escape(line.label)} — {escape(labels[index])} — {escape(text)}</title></circle>")
        runs.append(run)
        for points in runs:
            if len(points) > 1:
                parts.append(f'<polyline class="chart-line {css}" points="{" ".join(points)}"/>')
        parts.extend(dots)
    if legend:
        _legend(parts, [(f"series-{n % SERIES_CLASSES}", s.label) for n, s in enumerate(series)], height + 14)
    parts.append("</svg>")
    return "".join(parts)


def _legend(parts: list[str], entries: list[tuple[str, str]], height: int) -> None:
    """(class, label) swatches in a row at the foot of the picture (the caller made it 14 units taller)."""
    parts.append('<g class="chart-legend">')
    x = float(LEFT)
    for css, label in entries:
        parts.append(f'<rect class="chart-swatch {css}" x="{_num(x)}" y="{height - 6}" '
                     f'width="10" height="4"/><text class="chart-legend-text" x="{_num(x + 14)}" y="{height - 1}">'
                     f"{escape(label)}</text>")
        x += 14 + len(label) * LEGEND_CHAR + 16
    parts.append("</g>")


def step_chart(*, ident: str, title: str, desc: str, start: datetime.date, end: datetime.date,
               series: Sequence[Steps], x_ticks: Sequence[tuple[datetime.date, str]], low: int = 1, high: int = 5,
               width: int = 640, height: int = 200, bars: Bars | None = None) -> str:
    """Levels over time as steps: each level holds from its date to the next one, the last to `end`; `bars`,
    if given, are drawn first, under the grid and the steps."""
    legend = len(series) > 1 or bars is not None
    total_height = height + (14 if legend else 0)
    parts = _open(ident, "chart-step-chart", width, total_height, title, desc)
    days = max((end - start).days, 1)

    def x_of(day: datetime.date) -> float:
        return LEFT + min(max((day - start).days, 0), days) / days * (width - LEFT - RIGHT)

    if bars is not None:
        _bars(parts, bars, [(x_of(day), day, value) for day, value in sorted(bars.points) if start <= day <= end],
              width, height)
    _y_axis(parts, [(level, str(level)) for level in range(low, high + 1)], low, high, width, height)
    _x_axis(parts, [(x_of(day), text) for day, text in x_ticks], width, height)
    for number, line in enumerate(series):
        css = f"series-{number % SERIES_CLASSES}"
        points = sorted(p for p in line.points if start <= p[0] <= end)
        if not points:
            continue
        path = []
        for index, (day, level) in enumerate(points):
            x, y = _num(x_of(day)), _num(_y(level, low, high, height))
            path.append(f"M{x},{y}" if index == 0 else f"H{x}V{y}")
        path.append(f"H{_num(x_of(end))}")
        parts.append(f'<path class="chart-step {css}" d="{"".join(path)}"/>')
        for day, level in points:
            parts.append(f'<circle class="chart-point {css}" cx="{_num(x_of(day))}" '
                         f'cy="{_num(_y(level, low, high, height))}" r="3">'
                         f"<title>{escape(line.label)} — {day.isoformat()} — {level}</title></circle>")
    if legend:
        entries = [(f"series-{n % SERIES_CLASSES}", s.label) for n, s in enumerate(series)]
        _legend(parts, entries + ([("chart-bar", bars.label)] if bars is not None else []), total_height)
    parts.append("</svg>")
    return "".join(parts)


def _bars(parts: list[str], bars: Bars, placed: list[tuple[float, datetime.date, float]], width: int,
          height: int) -> None:
    """Bars from the x axis up to value / largest value of the plot's height, 10 units wide (narrower when
    they are many), each with its value above it and in its tooltip."""
    most = max((value for _x, _day, value in placed), default=0) or 1
    bar = max(min(10.0, (width - LEFT - RIGHT) / max(len(placed), 1) / 2), 2.0)
    base = height - BOTTOM
    for x, day, value in placed:
        top = _y(value, 0, most, height)
        parts.append(f'<rect class="chart-bar" x="{_num(x - bar / 2)}" y="{_num(top)}" width="{_num(bar)}" '
                     f'height="{_num(base - top)}"><title>{escape(bars.label)} — {day.isoformat()} — '
                     f"{_num(value)}</title></rect>"
                     f'<text class="chart-bar-value" x="{_num(x)}" y="{_num(top - 3)}">{_num(value)}</text>')


def share_class(share: float | None) -> str:
    """The colour class of a share: share-0 (under 20 %) … share-4 (80 % and more), share-none."""
    if share is None:
        return "share-none"
    return f"share-{min(int(max(share, 0) // 20), 4)}"


def tile_grid(*, ident: str, title: str, desc: str, tiles: Sequence[Tile], none_text: str, columns: int = 6,
              tile_width: int = 104, tile_height: int = 52) -> str:
    """Tiles in rows of `columns`, each coloured by its share, linked where it has a url; a legend under."""
    gap = 6
    rows = max(math.ceil(len(tiles) / columns), 1)
    grid_height = rows * (tile_height + gap) + gap
    legend, x = [], float(gap)
    for css, text in [*((f"share-{n}", f"{n * 20}–{n * 20 + 19 if n < 4 else 100} %") for n in range(5)),
                      ("share-none", none_text)]:
        legend.append(f'<g class="tile {css}"><rect x="{_num(x)}" y="{grid_height + 6}" width="12" height="12"/></g>'
                      f'<text class="chart-legend-text" x="{_num(x + 16)}" y="{grid_height + 16}">{escape(text)}</text>')
        x += 16 + len(text) * LEGEND_CHAR + 14
    width = max(columns * (tile_width + gap) + gap, math.ceil(x))
    parts = _open(ident, "chart-tiles", width, grid_height + 24, title, desc)
    for index, tile in enumerate(tiles):
        x = gap + (index % columns) * (tile_width + gap)
        y = gap + (index // columns) * (tile_height + gap)
        shown = tile.text or (none_text if tile.share is None else f"{round(tile.share)} %")
        label = tile.label if len(tile.label) <= 15 else tile.label[:14] + "…"
        inner = (f'<g class="tile {share_class(tile.share)}"><title>{escape(tile.label)} — {escape(shown)}</title>'
                 f'<rect x="{x}" y="{y}" width="{tile_width}" height="{tile_height}" rx="4"/>'
                 f'<text class="tile-label" x="{x + 6}" y="{y + 18}">{escape(label)}</text>'
                 f'<text class="tile-share" x="{x + 6}" y="{y + 40}">{escape(shown)}</text></g>')
        parts.append(f'<a href="{_attr(tile.url)}">{inner}</a>' if tile.url else inner)
    parts.append(f'<g class="chart-legend">{"".join(legend)}</g></svg>')
    return "".join(parts)


@cache
def stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def with_stylesheet(svg: str, css: str | None = None) -> str:
    """The SVG with the chart stylesheet inside it, for a document that cannot load it (a PDF): never for
    a page, whose Content-Security-Policy refuses `<style>`."""
    css = stylesheet() if css is None else css
    head, sep, rest = svg.partition(">")
    return f"{head}{sep}<style>{escape(css, quote=False)}</style>{rest}"
