"""Fast redraws of a live community: the map and the charts, as RGB arrays or PNG bytes.

A full matplotlib draw of :func:`cogov.analysis.figures.community_map` takes about 0.25 s here, too slow to
redraw every simulated day. The views below draw the static parts once (axes, colour bar, legend,
labels) and then only the parts that change (blitting): the building colours, the open issues, the
lines and the day. That makes a frame a few tens of milliseconds, so ``cogov viz`` plays smoothly
and ``cogov animate`` renders a year in seconds.

- :class:`MapView`: :func:`~cogov.analysis.figures.community_map` (reused as is: compounds, grids, buildings
  coloured by mean satisfaction, organisations) plus every open issue as a dot in its building:
  being handled, waiting for owners and company to agree, or not yet found.
- :class:`ChartView`: daily metrics, one panel each, the current run over the previous one.
- :func:`png_bytes`, :func:`side_by_side`: encoding and composition with Pillow.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import PercentFormatter
from PIL import Image

from cogov.analysis.figures import PALETTE, building_values, community_map, metric_name, resolve_lang, style
from cogov.analysis.figures import text as figure_text
from cogov.sim.issues import State
from cogov.sim.outcomes.registry import outcome, outcomes
from cogov.viz.controls import text

TITLE_POINTS = 10
"""Font size of a chart's title before the page's text scale."""
CHAR_EM = 0.75
"""Width of a Latin character in ems, generously (the axes are narrower than their column by the tick labels): for
wrapping titles; CJK characters are wider, but their titles short."""

SATISFACTION_RANGE = (0.4, 0.8)
"""Colour range of the live map: buildings' mean satisfaction lies within it almost always (0.48-0.74
in a year of the default), and the full 0-1 range would show every building in the same green."""

ISSUE_STYLES: dict[str, dict[str, Any]] = {
    # open issues by state: found and being handled, waiting for agreement (collective), not yet found
    "issues_found": {"marker": "o", "s": 16, "facecolors": "#D62728", "edgecolors": "white", "linewidths": 0.5},
    "issues_agreement": {"marker": "X", "s": 30, "facecolors": "black", "edgecolors": "white", "linewidths": 0.5},
    "issues_latent": {"marker": "o", "s": 14, "facecolors": "none", "edgecolors": "white", "linewidths": 0.9},
}
_ISSUE_STATES = {"issues_found": State.QUEUED, "issues_agreement": State.AGREEMENT, "issues_latent": State.LATENT}


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is at least ``value`` (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= value)


DEFAULT_HOUSEHOLDS = 2000
"""Size of the default community, for which the registry's typical ranges are given."""


def typical_limits(households: int) -> dict[str, tuple[float, float]]:
    """Y ranges that hold a year of the built-in scenarios for a community of ``households``: each
    outcome's :attr:`~cogov.sim.outcomes.registry.Outcome.typical_range` (read off those runs for the
    default community), counts scaled with the community's size, so that most runs never change their axes."""
    scale = households / DEFAULT_HOUSEHOLDS
    limits = {}
    for item in outcomes():
        if item.typical_range is not None:
            low, high = item.typical_range
            # counts grow with the number of households; shares, scores and durations do not
            limits[item.name] = (low * scale, high * scale) if item.kind == "count" else (low, high)
    return limits


def enlarge_text(fig: Figure, factor: float) -> None:
    """Scale every text of ``fig`` by ``factor`` (before the first draw, so the layout makes room):
    figures of :mod:`cogov.analysis.figures` are sized for print, a projected classroom needs larger type."""
    for item in fig.findobj(Text):
        item.set_fontsize(item.get_fontsize() * factor)


def png_bytes(rgb: np.ndarray, compress_level: int = 1) -> bytes:
    """PNG of an (H, W, 3 or 4) uint8 array; low compression, since frames are sent once over loopback."""
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb[..., :3])).save(buffer, format="png", compress_level=compress_level)
    return buffer.getvalue()


def side_by_side(images: Sequence[np.ndarray], background: int = 255) -> np.ndarray:
    """Place (H, W, 3) arrays left to right on a white canvas, vertically centred."""
    height = max(image.shape[0] for image in images)
    width = sum(image.shape[1] for image in images)
    canvas = np.full((height, width, 3), background, dtype=np.uint8)
    x = 0
    for image in images:
        top = (height - image.shape[0]) // 2
        canvas[top:top + image.shape[0], x:x + image.shape[1]] = image[..., :3]
        x += image.shape[1]
    return canvas


class BlitView:
    """A figure drawn once in full, then redrawn by restoring its static background and drawing only
    the artists in :attr:`dynamic` (in z-order)."""

    def __init__(self, fig: Figure, dynamic: Sequence[Artist], freeze_layout: bool = True) -> None:
        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self.dynamic = sorted(dynamic, key=lambda a: a.get_zorder())
        self.full_draws = 0
        self._background: Any = None
        # One full draw with everything visible lays the figure out (constrained layout counts every
        # text); freezing that layout keeps later redraws cheap and the figure still.
        self.canvas.draw()
        if freeze_layout:
            fig.set_layout_engine("none")
        for artist in self.dynamic:
            artist.set_animated(True)

    def invalidate(self) -> None:
        """The static part changed (e.g. axis limits): draw it in full at the next :meth:`render`."""
        self._background = None

    def render(self) -> np.ndarray:
        """The figure now, as an (H, W, 4) uint8 RGBA array (a copy)."""
        if self._background is None:
            self.canvas.draw()  # draws everything but the animated artists
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self.full_draws += 1
        else:
            self.canvas.restore_region(self._background)
        for artist in self.dynamic:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        return np.array(self.canvas.buffer_rgba())


def _issue_offsets(rows: np.ndarray, buildings: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Positions of issues inside their building cell: a fixed pseudo-random spread by row number (an
    issue stays where it is from one frame to the next), within ±0.36 of the cell centre."""
    if len(rows) == 0:
        return np.empty((0, 2))
    r = rows.astype(float)
    dx = ((r * 0.6180339887) % 1.0 - 0.5) * 0.72
    dy = ((r * 0.7548776662 + 0.31) % 1.0 - 0.5) * 0.72
    cells = xy[buildings].astype(float)
    return np.column_stack((cells[:, 0] + dx, cells[:, 1] + dy))


class MapView(BlitView):
    """The community map of a live model, redrawn cheaply as days pass.

    Built once per model (the layout and the organisations do not move); :meth:`update` reads the
    households' satisfaction and the open issues of the model it is given.
    """

    def __init__(self, model: Any, lang: str = "en", dpi: float = 100, text_scale: float = 1.2,
                 width: float | None = None) -> None:
        self.lang = resolve_lang(lang)
        fig = community_map(model, lang=self.lang)
        fig.set_dpi(dpi)
        if width is not None:  # a narrower figure of the same text size: larger type on the page
            w, h = fig.get_size_inches()
            fig.set_size_inches(width, h * width / w)
        ax = fig.axes[0]
        self.ax = ax
        self.image = ax.images[0]
        self.image.set_clim(*SATISFACTION_RANGE)
        self.title = fig._suptitle  # the title carries the day (matplotlib has no public getter for the artist)
        self.issues: dict[str, Any] = {}
        with style(self.lang):
            for key, spec in ISSUE_STYLES.items():
                self.issues[key] = ax.scatter(np.empty(0), np.empty(0), zorder=5, label=text(key, self.lang), **spec)
            # community_map's legend lists compounds, grids and organisations; add the issue markers.
            old = fig.legends[0]
            handles = list(old.legend_handles) + [self._legend_handle(key) for key in ISSUE_STYLES]
            labels = [t.get_text() for t in old.get_texts()] + [text(key, self.lang) for key in ISSUE_STYLES]
            old.remove()
            fig.legend(handles, labels, loc="outside lower center", ncol=2, frameon=False)
        enlarge_text(fig, text_scale)
        dynamic: list[Artist] = [self.image, *ax.collections, *ax.patches]
        if self.title is not None:
            dynamic.append(self.title)
        self.model_layout = model.layout
        self.update(model)
        super().__init__(fig, dynamic)

    def _legend_handle(self, key: str) -> Line2D:
        spec = ISSUE_STYLES[key]
        face = spec["facecolors"]
        # the markers are white-edged for the dark map; in the legend (white page) edge them in grey
        return Line2D([], [], linestyle="none", marker=spec["marker"], markersize=math.sqrt(spec["s"]) + 1,
                      markerfacecolor=face, markeredgecolor="0.35" if face in ("none", "black") else "white",
                      markeredgewidth=1.0)

    def update(self, model: Any) -> None:
        """Take today's building colours, open issues and day from ``model``."""
        layout = self.model_layout
        values = building_values(model, "satisfaction")
        image = np.full((layout.height, layout.width), np.nan)
        image[layout.building_xy[:, 1], layout.building_xy[:, 0]] = values
        self.image.set_data(image)
        table = model.issues
        rows = table.open_rows
        states = table.state[rows]
        buildings_of = model.households.building
        for key, state in _ISSUE_STATES.items():
            chosen = rows[states == state]
            buildings = buildings_of[table.household[chosen]]
            self.issues[key].set_offsets(_issue_offsets(chosen, buildings, layout.building_xy))
        if self.title is not None:
            self.title.set_text(text("map_title", self.lang, day=int(model.steps)))

    def frame(self, model: Any) -> np.ndarray:
        """:meth:`update` then :meth:`render`."""
        self.update(model)
        return self.render()


class ChartView(BlitView):
    """Daily metrics over time, one panel each: this run (solid) over the previous run (dashed grey).

    ``metrics`` are daily outcomes of the registry (:mod:`cogov.sim.outcomes.registry`): their names, how
    they are shown (shares in per cent) and their axis bounds come from there; an undeclared one raises
    :class:`~cogov.sim.outcomes.registry.UndeclaredOutcome`, a declared one without a daily series
    :class:`ValueError`.

    ``previous``: metric -> values by day of an earlier run (or None), labelled ``previous_label`` in the
    legend (:meth:`set_previous` replaces it). The x axis spans the horizon; y limits start at the
    metric's typical range and grow, on round numbers, when a line would leave its panel.
    """

    def __init__(self, metrics: Sequence[str], days: int, lang: str = "en",
                 previous: Mapping[str, Sequence[float]] | None = None, households: int = 2000, columns: int = 2,
                 figsize: tuple[float, float] | None = None, dpi: float = 100, text_scale: float = 1.2,
                 title: str = "", previous_label: str = "") -> None:
        self.lang = resolve_lang(lang)
        self.metrics = tuple(metrics)
        self.outcomes = {metric: outcome(metric) for metric in self.metrics}  # undeclared: stop before drawing
        not_daily = [metric for metric, item in self.outcomes.items() if not item.daily]
        if not_daily:
            raise ValueError(f"not daily outcomes, so there is nothing to chart over time: {', '.join(not_daily)}")
        self.typical = typical_limits(households)
        self.days = days
        self.previous: dict[str, np.ndarray] | None = None
        n = len(self.metrics)
        columns = min(columns, n)
        with_legend = n > 1
        slots = n + (1 if with_legend and n % columns else 0)
        rows = math.ceil(slots / columns)
        figsize = figsize or (3.3 * columns, 1.95 * rows + 0.5)
        with style(self.lang):
            fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
            axes = fig.subplots(rows, columns, squeeze=False).ravel()
            self.axes = dict(zip(self.metrics, axes, strict=False))
            self.lines: dict[str, Line2D] = {}
            self.previous_lines: dict[str, Line2D] = {}
            # a left-aligned title runs on past its own axes into its neighbour's: wrap it to the column's width
            title_chars = max(12, int(figsize[0] / columns * 72 / (TITLE_POINTS * text_scale * CHAR_EM)))
            for i, metric in enumerate(self.metrics):
                ax = axes[i]
                ax.set_title(textwrap.fill(metric_name(metric, self.lang), title_chars), loc="left",
                             fontsize=TITLE_POINTS)
                if self.outcomes[metric].kind == "share":  # shares in per cent; scores stay 0-1
                    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
                ax.set_xlim(0, days)
                (self.previous_lines[metric],) = ax.plot([], [], color="0.55", linestyle=(0, (4, 2)), linewidth=1.6)
                (self.lines[metric],) = ax.plot([], [], color=PALETTE[0], linewidth=2.2, zorder=3,
                                                label=text("current", self.lang))
                if i >= n - columns:
                    ax.set_xlabel(figure_text("day", self.lang))
            for ax in axes[n:]:
                ax.set_axis_off()
            self.legend = None
            if with_legend:
                handles = [self.lines[self.metrics[0]], self.previous_lines[self.metrics[0]]]
                labels = [text("current", self.lang), text("previous_none", self.lang)]
                if slots > n:
                    self.legend = axes[n].legend(handles, labels, loc="center", frameon=False,
                                                 title=text("legend_title", self.lang))
                else:
                    self.legend = fig.legend(handles, labels, loc="outside lower center", ncol=2, frameon=False)
            self.title = fig.suptitle(title) if title else None
        enlarge_text(fig, text_scale)
        self._set_previous_data(previous, previous_label)
        dynamic: list[Artist] = list(self.lines.values()) + ([self.title] if self.title is not None else [])
        super().__init__(fig, dynamic)

    def _set_previous_data(self, previous: Mapping[str, Sequence[float]] | None, label: str) -> None:
        self.previous = {m: np.asarray(previous[m], dtype=float) for m in self.metrics} if previous else None
        longest = self.days
        for metric in self.metrics:
            values = self.previous[metric] if self.previous is not None else np.empty(0)
            self.previous_lines[metric].set_data(np.arange(len(values)), values)
            longest = max(longest, len(values) - 1)
            self.axes[metric].set_ylim(*self._limits(metric, np.empty(0)))
        for ax in self.axes.values():
            ax.set_xlim(0, longest)
        if self.legend is not None:
            fallback = text("previous" if self.previous else "previous_none", self.lang)
            self.legend.get_texts()[1].set_text(label or fallback)

    def set_previous(self, previous: Mapping[str, Sequence[float]] | None, label: str = "") -> None:
        """Replace the previous run's lines (and their legend label); clears the current run's lines."""
        for line in self.lines.values():
            line.set_data([], [])
        self._set_previous_data(previous, label)
        self.invalidate()

    def _limits(self, metric: str, current: np.ndarray) -> tuple[float, float]:
        """Y limits holding ``current``, the previous run and the metric's typical range, on round
        numbers, so that a run seldom needs new limits (each costs a full redraw)."""
        low, high = self.typical.get(metric, (0.0, 1.0))
        parts = [current[np.isfinite(current)]]
        if self.previous is not None:
            values = self.previous[metric]
            parts.append(values[np.isfinite(values)])
        data = np.concatenate(parts)
        if data.size:
            low, high = min(low, float(data.min())), max(high, float(data.max()))
        floor, ceiling = self.outcomes[metric].bounds or (-math.inf, math.inf)
        if math.isfinite(floor) and math.isfinite(ceiling):  # a bounded scale (shares, scores): fine steps inside it
            span = high - low
            step = 0.01 if span <= 0.1 else 0.05 if span <= 0.3 else 0.1
            return (max(floor, math.floor((low - 0.1 * span) / step) * step),
                    min(ceiling, math.ceil((high + 0.1 * span) / step) * step))
        return (0.0, nice_ceiling(high * 1.1))

    def update(self, series: Mapping[str, Sequence[float]], title: str | None = None) -> None:
        """Take the current run's values by day (metric -> list, day 0 first) and the title."""
        for metric in self.metrics:
            values = np.asarray(series[metric], dtype=float)
            self.lines[metric].set_data(np.arange(len(values)), values)
            finite = values[np.isfinite(values)]
            if finite.size:
                low, high = self.axes[metric].get_ylim()
                if finite.min() < low or finite.max() > high:
                    self.axes[metric].set_ylim(*self._limits(metric, values))
                    self.invalidate()
        if title is not None and self.title is not None:
            self.title.set_text(title)

    def frame(self, series: Mapping[str, Sequence[float]], title: str | None = None) -> np.ndarray:
        """:meth:`update` then :meth:`render`."""
        self.update(series, title)
        return self.render()
