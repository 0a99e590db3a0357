"""Fast redraws of a live community: the map and the charts, as RGB arrays or PNG bytes.

A full matplotlib draw of :func:`cogov.analysis.figures.community_map` takes about 0.25 s here, too slow to
redraw every simulated day. The views below draw the static parts once (axes, colour bar, labels) and then
only the parts that change (blitting): the building colours, the open issues, the legend with their counts,
the lines and the day. That makes a frame a few tens of milliseconds, so ``cogov viz`` plays smoothly
and ``cogov animate`` renders a year in seconds.

- :class:`MapView`: :func:`~cogov.analysis.figures.community_map` (reused as is: compounds, grids, buildings
  coloured by mean satisfaction, organisations) plus every open issue as a dot in its building:
  being handled, waiting for owners and company to agree, or not yet found, counted in the legend.
  Buildings are coloured by their level of satisfaction or, on a diverging scale (:class:`MapScale`), by
  its change from an earlier run on the same day; a clicked cell is outlined (:meth:`MapView.cell_at`).
- :class:`ChartView`: daily metrics, one panel each: the current run over earlier runs (:class:`ChartRun`),
  with labelled vertical lines where a lever was changed during the run (:class:`Marker`).
- :func:`png_bytes`, :func:`side_by_side`, :func:`stack`, :func:`grid`, :func:`legend_strip`: encoding
  and composition (the page's "download the view" image).
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.ticker import PercentFormatter
from PIL import Image

from cogov.analysis.figures import (
    DIVERGING_CMAP,
    ORG_MARKERS,
    PALETTE,
    building_image,
    building_values,
    community_map,
    metric_name,
    resolve_lang,
    style,
)
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
"""Colour range of the live map's level scale: buildings' mean satisfaction lies within it almost always (0.35-0.75
in a year of the built-in scenarios), and the full 0-1 range would show every building in the same green. Building
differences within a community (±0.1 around its mean) are larger than most levers' effects in a year (0.01-0.1),
so lever effects show on the change scale (:class:`MapScale`), not here."""

CHANGE_REACHES: tuple[float, ...] = (0.02, 0.05, 0.1, 0.2)
"""Half-widths of the change scale, on round numbers: the scale starts at the first and moves up (never down)
when more than a fifth of the buildings would lie beyond it, so colours keep one meaning through a run and a redraw
of the colour bar is rare. Buildings beyond the scale take its end colour: a scale wide enough for every building
would pale the shift most of them share (building-level chance differences between two runs are ±0.03-0.08 in a
year, a lever's effect on the mean 0.01-0.12)."""
CHANGE_QUANTILE = 0.8

PREVIOUS_COLOUR = "0.55"
"""An earlier run drawn without a colour of its own (:meth:`ChartView.set_previous`): dashed grey."""
RUN_COLOURS: tuple[str, ...] = (PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[5], PALETTE[4], PALETTE[7], PREVIOUS_COLOUR)
"""Colours of earlier runs (dashed), one per run in turn; never the current run's blue."""
RUN_DASHES = (0, (4, 2))
MARKER_COLOUR = "0.15"
"""Vertical lines where a lever was changed during the run."""
MARKER_CHARS = 28
"""Longest marker label drawn on a chart (longer ones are cut): the page labels its markers ①, ②, … and says
what each was beside the charts."""
SELECTION_COLOUR = "#D62728"
"""Outline of the building the page inspects."""

ISSUE_STYLES: dict[str, dict[str, Any]] = {
    # open issues by state: found and being handled, waiting for agreement (collective), not yet found
    "issues_found": {"marker": "o", "s": 16, "facecolors": "#D62728", "edgecolors": "white", "linewidths": 0.5},
    "issues_agreement": {"marker": "X", "s": 30, "facecolors": "black", "edgecolors": "white", "linewidths": 0.5},
    "issues_latent": {"marker": "o", "s": 14, "facecolors": "none", "edgecolors": "white", "linewidths": 0.9},
}
_ISSUE_STATES = {"issues_found": State.QUEUED, "issues_agreement": State.AGREEMENT, "issues_latent": State.LATENT}


@dataclass(frozen=True)
class IssueCounts:
    """Open issues of a community (or one building) by where they stand: found and queued at a handler,
    collective and waiting for owners and company to agree (``stalled``: of those, waiting longer than the
    stalemate limit), not yet found by anyone. ``found + agreement`` is the model's ``backlog``, ``latent`` its
    ``latent``."""

    found: int = 0
    agreement: int = 0
    stalled: int = 0
    latent: int = 0

    @property
    def backlog(self) -> int:
        """Found and still open (the ``backlog`` metric)."""
        return self.found + self.agreement


def issue_counts(model: Any, households: np.ndarray | None = None) -> IssueCounts:
    """Open issues of ``model`` by state, all of them or those of ``households`` (a boolean mask over households)."""
    table = model.issues
    rows = table.open_rows
    if households is not None:
        rows = rows[households[table.household[rows]]]
    states = table.state[rows]
    agreement = rows[states == State.AGREEMENT]
    return IssueCounts(found=int(np.count_nonzero(states == State.QUEUED)), agreement=len(agreement),
                       stalled=int(np.count_nonzero(table.stalemate[agreement])),
                       latent=int(np.count_nonzero(states == State.LATENT)))


@dataclass(frozen=True)
class MapScale:
    """How the map colours its buildings.

    ``level``: mean household satisfaction on :data:`SATISFACTION_RANGE` (sequential colours).
    ``change``: the difference from ``reference`` (an earlier run's label) on the same day, on a diverging scale
    from ``-reach`` to ``+reach`` with white at 0 (no change), purple below, orange above.
    """

    kind: Literal["level", "change"] = "level"
    reach: float = CHANGE_REACHES[0]
    reference: str = ""


def change_reach(values: np.ndarray, at_least: float = CHANGE_REACHES[0]) -> float:
    """The smallest of :data:`CHANGE_REACHES` (not below ``at_least``) that holds :data:`CHANGE_QUANTILE` of
    ``values``' sizes."""
    finite = np.abs(values[np.isfinite(values)])
    need = float(np.quantile(finite, CHANGE_QUANTILE)) if finite.size else 0.0
    for reach in CHANGE_REACHES:
        if reach >= at_least and reach >= need:
            return reach
    return CHANGE_REACHES[-1]


@dataclass(frozen=True)
class ChartRun:
    """An earlier run drawn under the current one: its legend label, its values by day (metric -> list, day 0
    first) and its colour."""

    label: str
    series: Mapping[str, Sequence[float]]
    colour: str = PREVIOUS_COLOUR


@dataclass(frozen=True)
class Marker:
    """A labelled vertical line on every chart panel: the day a lever was changed during the run."""

    day: int
    label: str


def draw_markers(axes: Sequence[Any], markers: Sequence[Marker], points: float) -> list[Artist]:
    """On each of ``axes``, a dotted vertical line at each marker's day, its label written across the top of the panel
    beside the line (towards the panel's wider side; cut to :data:`MARKER_CHARS`) in ``points``; the artists drawn
    (to remove when the markers change)."""
    artists: list[Artist] = []
    for ax in axes:
        low, high = ax.get_xlim()
        for marker in markers:
            artists.append(ax.axvline(marker.day, color=MARKER_COLOUR, linewidth=1.3, linestyle=(0, (1, 1.5)),
                                      zorder=2.5))
            right = marker.day <= (low + high) / 2  # label on the side with more room
            artists.append(ax.annotate(
                textwrap.shorten(marker.label, MARKER_CHARS, placeholder="…"), xy=(marker.day, 1.0),
                xycoords=("data", "axes fraction"), xytext=(3 if right else -3, -1), textcoords="offset points",
                ha="left" if right else "right", va="top", fontsize=points, color=MARKER_COLOUR, zorder=2.5,
                annotation_clip=False,
                bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}))
    return artists


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is at least ``value`` (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= value)


def round_limits(typical: tuple[float, float], data: np.ndarray,
                 bounds: tuple[float, float] | None) -> tuple[float, float]:
    """Y limits holding ``data`` (NaN ignored) and the ``typical`` range, on round numbers, so that a run seldom
    needs new limits (each costs a full redraw): on a bounded scale (shares, scores) fine steps inside ``bounds``,
    otherwise from 0 to :func:`nice_ceiling`."""
    low, high = typical
    data = data[np.isfinite(data)]
    if data.size:
        low, high = min(low, float(data.min())), max(high, float(data.max()))
    floor, ceiling = bounds or (-math.inf, math.inf)
    if math.isfinite(floor) and math.isfinite(ceiling):  # a bounded scale (shares, scores): fine steps inside it
        span = high - low
        step = 0.01 if span <= 0.1 else 0.05 if span <= 0.3 else 0.1
        return (max(floor, math.floor((low - 0.1 * span) / step) * step),
                min(ceiling, math.ceil((high + 0.1 * span) / step) * step))
    return (0.0, nice_ceiling(high * 1.1))


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


def stack(images: Sequence[np.ndarray], background: int = 255) -> np.ndarray:
    """Place (H, W, 3) arrays top to bottom on a white canvas, left-aligned."""
    height = sum(image.shape[0] for image in images)
    width = max(image.shape[1] for image in images)
    canvas = np.full((height, width, 3), background, dtype=np.uint8)
    y = 0
    for image in images:
        canvas[y:y + image.shape[0], :image.shape[1]] = image[..., :3]
        y += image.shape[0]
    return canvas


def grid(images: Sequence[np.ndarray], columns: int, background: int = 255) -> np.ndarray:
    """Place (H, W, 3) arrays in rows of ``columns``, left to right, top to bottom."""
    rows = [side_by_side(images[i:i + columns], background) for i in range(0, len(images), columns)]
    return stack(rows, background)


def legend_strip(entries: Sequence[tuple[str, str, bool]], width_px: int, lang: str = "en", dpi: float = 100,
                 text_scale: float = 1.2) -> np.ndarray:
    """An RGB image ``width_px`` wide holding a legend of lines: ``(label, colour, dashed)`` each, two to a row,
    labels wrapped to their column (a label cut at the image's edge tells nothing)."""
    lang = resolve_lang(lang)
    width_in = width_px / dpi
    points = 9 * text_scale
    chars = max(16, int(width_in / 2 * 72 / (points * CHAR_EM)) - 4)
    labels = [textwrap.fill(label, chars) for label, _, _ in entries]
    lines = sum(max(label.count("\n") + 1 for label in labels[i:i + 2]) for i in range(0, len(labels), 2))
    with style(lang):
        fig = Figure(figsize=(width_in, 0.3 + lines * points * 1.45 / 72), dpi=dpi)
        handles = [Line2D([], [], color=colour, linewidth=2.2 if not dashed else 1.6,
                          linestyle=RUN_DASHES if dashed else "-") for _, colour, dashed in entries]
        fig.legend(handles, labels, loc="center", ncol=2, frameon=False, fontsize=points)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.array(canvas.buffer_rgba())[..., :3]


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

    def relayout(self) -> None:
        """Lay the figure out again (a legend grew or shrank), then freeze it as before."""
        for artist in self.dynamic:
            artist.set_animated(False)
        self.fig.set_layout_engine("constrained")
        self.canvas.draw()
        self.fig.set_layout_engine("none")
        for artist in self.dynamic:
            artist.set_animated(True)
        self.invalidate()

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


def add_issue_markers(ax: Any, lang: str, size: float = 1.0) -> dict[str, Any]:
    """One empty scatter per state of :data:`ISSUE_STYLES` on ``ax`` (filled by :func:`place_issues`); ``size``
    scales the markers and their edges for small panels."""
    markers = {}
    for key, spec in ISSUE_STYLES.items():
        scaled = spec | {"s": spec["s"] * size, "linewidths": spec["linewidths"] * math.sqrt(size)}
        markers[key] = ax.scatter(np.empty(0), np.empty(0), zorder=5, label=text(key, lang), **scaled)
    return markers


def place_issues(markers: Mapping[str, Any], model: Any, layout: Any) -> None:
    """Move the scatters of :func:`add_issue_markers` to ``model``'s open issues today, each in its building."""
    table = model.issues
    rows = table.open_rows
    states = table.state[rows]
    buildings_of = model.households.building
    for key, state in _ISSUE_STATES.items():
        chosen = rows[states == state]
        buildings = buildings_of[table.household[chosen]]
        markers[key].set_offsets(_issue_offsets(chosen, buildings, layout.building_xy))


def issue_legend_handle(key: str) -> Line2D:
    """A legend entry's mark for the issue markers of state ``key`` (:data:`ISSUE_STYLES`)."""
    spec = ISSUE_STYLES[key]
    face = spec["facecolors"]
    # the markers are white-edged for the dark map; in the legend (white page) edge them in grey
    return Line2D([], [], linestyle="none", marker=spec["marker"], markersize=math.sqrt(spec["s"]) + 1,
                  markerfacecolor=face, markeredgecolor="0.35" if face in ("none", "black") else "white",
                  markeredgewidth=1.0)


def org_legend_handle(key: str) -> Line2D:
    """A legend entry's mark for the organisations of kind ``key`` (:data:`~cogov.analysis.figures.ORG_MARKERS`)."""
    spec = ORG_MARKERS[key]
    return Line2D([], [], linestyle="none", marker=spec["marker"], markersize=6, markerfacecolor=spec["color"],
                  markeredgecolor="black", markeredgewidth=0.6)


class MapView(BlitView):
    """The community map of a live model, redrawn cheaply as days pass.

    Built once per model and scale (the layout and the organisations do not move); :meth:`update` reads the
    households' satisfaction (or takes the values to colour) and the open issues of the model it is given,
    and writes their counts into the legend (:attr:`counts`).
    """

    def __init__(self, model: Any, lang: str = "en", dpi: float = 100, text_scale: float = 1.2,
                 width: float | None = None, scale: MapScale | None = None) -> None:
        self.lang = resolve_lang(lang)
        self.scale = scale or MapScale()
        fig = community_map(model, lang=self.lang)
        fig.set_dpi(dpi)
        if width is not None:  # a narrower figure of the same text size: larger type on the page
            w, h = fig.get_size_inches()
            fig.set_size_inches(width, h * width / w)
        ax = fig.axes[0]
        self.ax = ax
        self.image = ax.images[0]
        if self.scale.kind == "change":
            self.image.set_cmap(matplotlib.colormaps[DIVERGING_CMAP].with_extremes(bad="0.8"))
            self.image.set_clim(-self.scale.reach, self.scale.reach)
            if self.image.colorbar is not None:
                self.image.colorbar.set_label(text("map_change_bar", self.lang))
        else:
            self.image.set_clim(*SATISFACTION_RANGE)
        self.title = fig._suptitle  # the title carries the day (matplotlib has no public getter for the artist)
        self.stalemate_days = int(model.config.behaviour.bargaining.stalemate_days)
        self.counts = IssueCounts()
        with style(self.lang):
            self.issues: dict[str, Any] = add_issue_markers(ax, self.lang)
            # community_map's legend lists compounds, grids and organisations; add the issue markers, whose
            # labels carry today's counts (the legend is redrawn with every frame)
            old = fig.legends[0]
            handles = list(old.legend_handles) + [issue_legend_handle(key) for key in ISSUE_STYLES]
            labels = [t.get_text() for t in old.get_texts()] + [self._issue_label(key) for key in ISSUE_STYLES]
            old.remove()
            self.legend = fig.legend(handles, labels, loc="outside lower center", ncol=2, frameon=False)
            self.selection = Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor=SELECTION_COLOUR, linewidth=2.6,
                                       zorder=6, visible=False)
            ax.add_patch(self.selection)
        enlarge_text(fig, text_scale)
        dynamic: list[Artist] = [self.image, *ax.collections, *ax.patches, self.legend]
        if self.title is not None:
            dynamic.append(self.title)
        self.model_layout = model.layout
        self.update(model)
        super().__init__(fig, dynamic)

    def _issue_label(self, key: str) -> str:
        """A legend entry of the issue markers with today's count (and, for collective issues, the stalled)."""
        counts = self.counts
        if key == "issues_agreement":
            return text("issues_agreement_count", self.lang, n=counts.agreement, stalled=counts.stalled,
                        days=self.stalemate_days)
        n = counts.found if key == "issues_found" else counts.latent
        return text("issue_count", self.lang, label=text(key, self.lang), n=n)

    def update(self, model: Any, values: np.ndarray | None = None, reference: str | None = None) -> None:
        """Take today's building colours, open issues and day from ``model``. ``values``: what to colour each
        building by instead of its mean satisfaction (on the change scale: the difference from the reference run,
        NaN where that run has no such day); ``reference``: the reference run's label in the title."""
        layout = self.model_layout
        if values is None:
            values = building_values(model, "satisfaction")
        self.image.set_data(building_image(layout, values))
        place_issues(self.issues, model, layout)
        self.counts = issue_counts(model)
        texts = self.legend.get_texts()
        for item, key in zip(texts[len(texts) - len(ISSUE_STYLES):], ISSUE_STYLES, strict=True):
            item.set_text(self._issue_label(key))
        if self.title is not None:
            day = int(model.steps)
            if self.scale.kind == "change":
                self.title.set_text(text("map_change_title", self.lang, day=day,
                                         run=reference if reference is not None else self.scale.reference))
            else:
                self.title.set_text(text("map_title", self.lang, day=day))

    def frame(self, model: Any, values: np.ndarray | None = None, reference: str | None = None) -> np.ndarray:
        """:meth:`update` then :meth:`render`."""
        self.update(model, values, reference)
        return self.render()

    def cell_at(self, fx: float, fy: float) -> tuple[int, int]:
        """The grid cell (x, y) under the point at fractions ``fx`` of the image's width from its left edge and
        ``fy`` of its height from its top (a click on the page's image, whatever size the page shows it at)."""
        width, height = self.canvas.get_width_height()
        x, y = self.ax.transData.inverted().transform((fx * width, (1.0 - fy) * height))
        return round(float(x)), round(float(y))

    def fraction_at(self, x: float, y: float) -> tuple[float, float]:
        """Inverse of :meth:`cell_at`: where the centre of cell (``x``, ``y``) lies in the image, as fractions
        of its width from the left and of its height from the top."""
        width, height = self.canvas.get_width_height()
        px, py = self.ax.transData.transform((x, y))
        return float(px) / width, 1.0 - float(py) / height

    def select(self, cell: tuple[int, int] | None) -> None:
        """Outline the building cell ``cell`` (None: no outline)."""
        if cell is None:
            self.selection.set_visible(False)
        else:
            self.selection.set_xy((cell[0] - 0.5, cell[1] - 0.5))
            self.selection.set_visible(True)


class MarkedView(BlitView):
    """A chart view that marks the levers changed during a run (:func:`draw_markers`) on the panels
    :meth:`marker_axes` gives; the view sets ``lang``, ``text_scale``, ``markers`` (none at first) and
    ``_marker_artists`` (empty) before its first :meth:`set_markers`."""

    lang: str
    text_scale: float
    markers: tuple[Marker, ...]
    _marker_artists: list[Artist]

    def marker_axes(self) -> list[Any]:
        """The panels marked."""
        raise NotImplementedError

    def set_markers(self, markers: Sequence[Marker]) -> None:
        """Draw a vertical line on every marked panel at each marker's day, its label written across the top of the
        panel beside the line (towards the panel's wider side; cut to :data:`MARKER_CHARS`), e.g. a lever changed
        during the run."""
        markers = tuple(markers)
        if markers == self.markers:
            return
        for artist in self._marker_artists:
            artist.remove()
        self.markers = markers
        with style(self.lang):
            self._marker_artists = draw_markers(self.marker_axes(), markers, 8 * self.text_scale)
        self.invalidate()


class ChartView(MarkedView):
    """Daily metrics over time, one panel each: this run (solid blue) over earlier runs (dashed, a colour each),
    with a labelled vertical line on each day a lever was changed during the run.

    ``metrics`` are daily outcomes of the registry (:mod:`cogov.sim.outcomes.registry`): their names, how
    they are shown (shares in per cent) and their axis bounds come from there; an undeclared one raises
    :class:`~cogov.sim.outcomes.registry.UndeclaredOutcome`, a declared one without a daily series
    :class:`ValueError`.

    ``runs`` (:meth:`set_runs`): earlier runs to draw. ``previous`` and ``previous_label``: one earlier run in
    dashed grey (:meth:`set_previous`), the form ``cogov animate`` and older code use. ``legend``: a legend of the
    lines when there are several panels (the page draws one panel per figure and its own legend). The x axis spans
    the horizon; y limits start at the metric's typical range and grow, on round numbers, when a line would leave
    its panel.
    """

    def __init__(self, metrics: Sequence[str], days: int, lang: str = "en",
                 previous: Mapping[str, Sequence[float]] | None = None, households: int = 2000, columns: int = 2,
                 figsize: tuple[float, float] | None = None, dpi: float = 100, text_scale: float = 1.2,
                 title: str = "", previous_label: str = "", runs: Sequence[ChartRun] | None = None,
                 legend: bool = True) -> None:
        self.lang = resolve_lang(lang)
        self.metrics = tuple(metrics)
        self.outcomes = {metric: outcome(metric) for metric in self.metrics}  # undeclared: stop before drawing
        not_daily = [metric for metric, item in self.outcomes.items() if not item.daily]
        if not_daily:
            raise ValueError(f"not daily outcomes, so there is nothing to chart over time: {', '.join(not_daily)}")
        self.typical = typical_limits(households)
        self.days = days
        self.text_scale = text_scale
        self.previous: dict[str, np.ndarray] | None = None
        self.runs: tuple[ChartRun, ...] = ()
        self.markers: tuple[Marker, ...] = ()
        self.run_lines: list[dict[str, Line2D]] = []
        self._marker_artists: list[Artist] = []
        n = len(self.metrics)
        columns = min(columns, n)
        self.columns = columns
        with_legend = legend and n > 1
        slots = n + (1 if with_legend and n % columns else 0)
        rows = math.ceil(slots / columns)
        figsize = figsize or (3.3 * columns, 1.95 * rows + 0.5)
        with style(self.lang):
            fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
            axes = fig.subplots(rows, columns, squeeze=False).ravel()
            self.axes = dict(zip(self.metrics, axes, strict=False))
            self.lines: dict[str, Line2D] = {}
            # a left-aligned title runs on past its own axes into its neighbour's: wrap it to the column's width
            title_chars = max(12, int(figsize[0] / columns * 72 / (TITLE_POINTS * text_scale * CHAR_EM)))
            for i, metric in enumerate(self.metrics):
                ax = axes[i]
                ax.set_title(textwrap.fill(metric_name(metric, self.lang), title_chars), loc="left",
                             fontsize=TITLE_POINTS)
                if self.outcomes[metric].kind == "share":  # shares in per cent; scores stay 0-1
                    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
                ax.set_xlim(0, days)
                (self.lines[metric],) = ax.plot([], [], color=PALETTE[0], linewidth=2.2, zorder=3,
                                                label=text("current", self.lang))
                if i >= n - columns:
                    ax.set_xlabel(figure_text("day", self.lang))
            for ax in axes[n:]:
                ax.set_axis_off()
            self._legend_axes = axes[n] if with_legend and slots > n else None
            self._with_legend = with_legend
            self.legend = None
            self.title = fig.suptitle(title) if title else None
        self.fig = fig
        if previous:
            runs = [ChartRun(previous_label or text("previous", self.lang), previous, PREVIOUS_COLOUR)]
        self._enlarged = False
        self._set_runs_data(tuple(runs or ()))
        enlarge_text(fig, text_scale)
        self._enlarged = True
        dynamic: list[Artist] = list(self.lines.values()) + ([self.title] if self.title is not None else [])
        super().__init__(fig, dynamic)

    # ------------------------------------------------------------------ earlier runs and their legend
    def _legend_entries(self) -> tuple[list[Artist], list[str]]:
        first = self.metrics[0]
        handles: list[Artist] = [self.lines[first]]
        labels = [text("current", self.lang)]
        if self.runs:
            handles += [lines[first] for lines in self.run_lines]
            labels += [run.label for run in self.runs]
        else:  # say where an earlier run will appear
            handles.append(Line2D([], [], color=PREVIOUS_COLOUR, linestyle=RUN_DASHES, linewidth=1.6))
            labels.append(text("previous_none", self.lang))
        return handles, labels

    def _build_legend(self) -> None:
        """(Re)make the legend of the lines; labels wrapped to half the figure's width (two columns)."""
        if not self._with_legend:
            return
        if self.legend is not None:
            self.legend.remove()
        handles, labels = self._legend_entries()
        # built before the page's text scale is applied (in __init__) or after it (set_runs): the same size either way
        final = 9 * self.text_scale
        points = final if self._enlarged else 9
        width_in = self.fig.get_figwidth() / (1 if self._legend_axes is not None else 2)
        chars = max(16, int(width_in * 72 / (final * CHAR_EM)) - 4)
        labels = [textwrap.fill(label, chars) for label in labels]
        with style(self.lang):
            if self._legend_axes is not None:
                self.legend = self._legend_axes.legend(handles, labels, loc="center", frameon=False,
                                                       title=text("legend_title", self.lang), fontsize=points,
                                                       title_fontsize=points)
            else:
                self.legend = self.fig.legend(handles, labels, loc="outside lower center", ncol=2, frameon=False,
                                              fontsize=points)

    def _set_runs_data(self, runs: tuple[ChartRun, ...]) -> None:
        for lines in self.run_lines:
            for line in lines.values():
                line.remove()
        self.runs = runs
        self.run_lines = []
        self.previous = ({m: np.asarray(runs[0].series[m], dtype=float) for m in self.metrics} if runs else None)
        longest = self.days
        for run in runs:
            lines = {}
            for metric in self.metrics:
                values = np.asarray(run.series[metric], dtype=float)
                (lines[metric],) = self.axes[metric].plot(np.arange(len(values)), values, color=run.colour,
                                                          linestyle=RUN_DASHES, linewidth=1.6, zorder=2)
                longest = max(longest, len(values) - 1)
            self.run_lines.append(lines)
        for metric in self.metrics:
            self.axes[metric].set_ylim(*self._limits(metric, np.empty(0)))
            self.axes[metric].set_xlim(0, longest)
        self._build_legend()

    def set_runs(self, runs: Sequence[ChartRun]) -> None:
        """Draw these earlier runs (newest first, as the legend lists them); clears the current run's lines."""
        for line in self.lines.values():
            line.set_data([], [])
        entries = len(self.runs) or 1
        self._set_runs_data(tuple(runs))
        if self.legend is not None and self._legend_axes is None and (len(self.runs) or 1) != entries:
            self.relayout()  # the legend below the panels changed its height
        self.invalidate()

    def set_previous(self, previous: Mapping[str, Sequence[float]] | None, label: str = "") -> None:
        """Replace the earlier runs by one, ``previous`` (or none), in dashed grey, labelled ``label``; clears
        the current run's lines."""
        self.set_runs([ChartRun(label or text("previous", self.lang), previous, PREVIOUS_COLOUR)] if previous else [])

    # ------------------------------------------------------------------ markers
    def marker_axes(self) -> list[Any]:
        """Every panel: each is marked."""
        return list(self.axes.values())

    # ------------------------------------------------------------------ limits and the current run
    def _limits(self, metric: str, current: np.ndarray) -> tuple[float, float]:
        """Y limits holding ``current``, the earlier runs and the metric's typical range (:func:`round_limits`)."""
        parts = [current] + [np.asarray(run.series[metric], dtype=float) for run in self.runs]
        return round_limits(self.typical.get(metric, (0.0, 1.0)), np.concatenate(parts), self.outcomes[metric].bounds)

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
