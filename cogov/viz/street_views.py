"""Fast redraws of a live street (:class:`~cogov.sim.street.model.StreetModel`): its communities as small multiples
and the street's charts, as RGB arrays, for ``cogov animate`` on a street file.

- :class:`StreetMapView`: every community's building map in a grid, drawn as the single-community map draws it
  (:func:`~cogov.analysis.figures.draw_layout`, issue markers of :func:`~cogov.viz.render.add_issue_markers`),
  buildings coloured by mean satisfaction on ONE colour scale (:data:`~cogov.viz.render.SATISFACTION_RANGE`, one
  colour bar) so that communities compare at a glance; each panel titled with its community's name and today's
  value of the charted metric; the selected community outlined and titled in red.
- :class:`StreetChartView`: the metric over time, street mean (weighted by households) over every community's line
  with the selected community's in red, and the gap across communities (highest minus lowest).

Both are :class:`~cogov.viz.render.BlitView` s: static parts drawn once, then only what changes.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from cogov.analysis.figures import (
    ORG_MARKERS,
    PALETTE,
    SEQUENTIAL_CMAP,
    building_image,
    building_values,
    draw_layout,
    metric_name,
    resolve_lang,
    style,
)
from cogov.analysis.figures import text as figure_text
from cogov.analysis.wording import format_value
from cogov.sim.outcomes.registry import outcome
from cogov.sim.street.outcomes import daily_spread
from cogov.viz.controls import text
from cogov.viz.render import (
    CHAR_EM,
    ISSUE_STYLES,
    SATISFACTION_RANGE,
    SELECTION_COLOUR,
    TITLE_POINTS,
    BlitView,
    MarkedView,
    Marker,
    add_issue_markers,
    enlarge_text,
    issue_legend_handle,
    org_legend_handle,
    place_issues,
    round_limits,
    typical_limits,
)

MAP_WIDTH_IN = 10.0
"""Most width the panels of the street map take together (inches, before the colour bar)."""
MAP_HEIGHT_IN = 7.0
"""Most height the rows of panels take together (inches, before the title and legend)."""
PANEL_MAX_IN = 2.6
"""Widest panel (a street of 2-6 communities): wider would only enlarge cells, not add information."""
OTHER_COLOUR = "0.72"
"""The other communities' lines on the street's chart: light grey under the street mean and the selected one."""


def grid_shape(count: int) -> tuple[int, int]:
    """Columns and rows of a grid of ``count`` panels, a little wider than tall (a slide is landscape): 5 → 3 × 2,
    8 → 4 × 2, 12 → 4 × 3, 24 → 6 × 4."""
    if count < 1:
        raise ValueError("a street has at least one community")
    columns = min(count, math.ceil(math.sqrt(count * 1.3)))
    return columns, math.ceil(count / columns)


def _checked_index(selected: int, names: Sequence[str]) -> int:
    """``selected`` if it is the index of one of ``names``; :class:`ValueError` otherwise."""
    if not 0 <= selected < len(names):
        raise ValueError(f"selected must be 0 to {len(names) - 1}, not {selected}")
    return selected


class StreetMapView(BlitView):
    """The communities of a live street as small multiples, redrawn cheaply as days pass.

    Args:
        street: a :class:`~cogov.sim.street.model.StreetModel`.
        metric: the daily outcome whose value today each panel's title gives.
        selected: index of the community outlined (in ``street.names``).
        lang: ``en`` or ``zh``.
        dpi: resolution.

    :attr:`axes` and :attr:`titles` hold each panel's axes (the selected one framed in red) and title artist (the
    selected one red); :attr:`title` says the street and the day.
    """

    def __init__(self, street: Any, metric: str, selected: int = 0, lang: str = "en", dpi: float = 100) -> None:
        self.lang = resolve_lang(lang)
        self.metric = metric
        self.names = tuple(street.names)
        self.selected = _checked_index(selected, self.names)
        count = len(self.names)
        columns, rows = grid_shape(count)
        aspect = max(c.layout.height / max(1, c.layout.width) for c in street.communities)
        title_in = 0.3  # each panel's title
        panel = min(PANEL_MAX_IN, MAP_WIDTH_IN / columns, (MAP_HEIGHT_IN / rows - title_in) / aspect)
        # type shrinks with the panels, but not below what a projector shows (a street of many communities is read
        # for its colours, its titles by those who look closely)
        self.points = max(6.5, min(9.5, 3.6 * panel))
        size = (columns * panel + 1.3, rows * (panel * aspect + title_in) + 1.4)
        with style(self.lang):
            fig = Figure(figsize=size, dpi=dpi, layout="constrained")
            axes = fig.subplots(rows, columns, squeeze=False).ravel()
            self.axes = list(axes[:count])
            self.images: list[Any] = []
            self.issues: list[dict[str, Any]] = []
            self.titles: list[Any] = []
            handles: list[Any] = []
            marker = min(1.0, panel / 6.0)  # markers shrink with the cells (the single map's cells are ~0.4 in)
            for k, (ax, community) in enumerate(zip(self.axes, street.communities, strict=True)):
                image, handles = draw_layout(ax, community, building_values(community, "satisfaction"), self.lang,
                                             cmap=SEQUENTIAL_CMAP, vmin=SATISFACTION_RANGE[0],
                                             vmax=SATISFACTION_RANGE[1], marker_size=34 * marker,
                                             line_scale=max(0.5, math.sqrt(marker)))
                self.images.append(image)
                self.issues.append(add_issue_markers(ax, self.lang, size=marker))
                ax.set_xticks([])
                ax.set_yticks([])
                self.titles.append(ax.set_title(" ", fontsize=self.points, loc="center"))
                for spine in ax.spines.values():  # every side framed (the house style shows only two)
                    spine.set_visible(True)
            for ax in axes[count:]:
                ax.set_axis_off()
            fig.colorbar(self.images[0], ax=self.axes, label=figure_text("satisfaction_bar", self.lang),
                         shrink=min(0.9, 4.0 / size[1] + 0.3))
            # one legend for all panels: what the marks are, without the per-community counts of the single map
            legend = handles[:2] + [org_legend_handle(key) for key in ORG_MARKERS]
            labels = [h.get_label() for h in handles[:2]] + [figure_text(key, self.lang) for key in ORG_MARKERS]
            legend += [issue_legend_handle(key) for key in ISSUE_STYLES]
            labels += [text(key, self.lang) for key in ISSUE_STYLES]
            # the legend's title says what the panels' titles give and which panel is outlined (static)
            self.legend = fig.legend(legend, labels, loc="outside lower center", ncol=4 if size[0] > 7 else 3,
                                     frameon=False, fontsize=7.5, title=self._caption(), title_fontsize=8.5)
            self._outline()
            self.title = fig.suptitle(" ", fontsize=11)
        self.fig = fig
        self.street_name = street.config.meta.name
        dynamic: list[Artist] = [*self.images, *[m for markers in self.issues for m in markers.values()],
                                 *self.titles, self.title]
        self.update(street)
        super().__init__(fig, dynamic)

    def _caption(self) -> str:
        """The legend's title: what the panels' titles give and which panel is outlined."""
        return text("street_map_caption", self.lang, metric=metric_name(self.metric, self.lang),
                    selected=self.names[self.selected])

    def _outline(self) -> None:
        """Frame and title the selected panel in red, the others in grey and black (red, not bold: the Chinese fonts
        have no bold face, matplotlib would warn on every frame)."""
        for k, (ax, title) in enumerate(zip(self.axes, self.titles, strict=True)):
            chosen = k == self.selected
            title.set_color(SELECTION_COLOUR if chosen else "black")
            for spine in ax.spines.values():
                spine.set_edgecolor(SELECTION_COLOUR if chosen else "0.6")
                spine.set_linewidth(3.2 if chosen else 0.8)

    def select(self, selected: int) -> None:
        """Outline community ``selected`` instead (an index of :attr:`names`): the frames and the legend's title are
        static, so the next :meth:`render` draws the figure in full."""
        self.selected = _checked_index(selected, self.names)
        self._outline()
        self.legend.set_title(self._caption())
        self.invalidate()

    def panel_at(self, fx: float, fy: float) -> int | None:
        """The community whose panel lies under the point at fractions ``fx`` of the image's width from its left edge
        and ``fy`` of its height from its top (a click on the page's image, whatever size the page shows it at); None
        beside every panel."""
        width, height = self.canvas.get_width_height()
        x, y = fx * width, (1.0 - fy) * height
        return next((k for k, ax in enumerate(self.axes) if ax.bbox.contains(x, y)), None)

    def update(self, street: Any) -> None:
        """Take today's building colours, open issues, the metric's values and the day from ``street``."""
        for k, community in enumerate(street.communities):
            self.images[k].set_data(_image(community))
            place_issues(self.issues[k], community, community.layout)
            value = format_value(self.metric, float(community.metrics[self.metric]), self.lang, single_run=True)
            self.titles[k].set_text(text("street_panel_title", self.lang, name=self.names[k], value=value))
        self.title.set_text(text("street_map_title", self.lang, street=self.street_name, day=int(street.steps)))

    def frame(self, street: Any) -> np.ndarray:
        """:meth:`update` then :meth:`render`."""
        self.update(street)
        return self.render()


def _image(community: Any) -> np.ndarray:
    """Today's mean satisfaction of each building of ``community`` as an image of its layout."""
    return building_image(community.layout, building_values(community, "satisfaction"))


class StreetChartView(MarkedView):
    """The street's ``metric`` over time: its mean across communities (weighted by households, blue) over each
    community's line (grey; the selected community's red), and below it the gap across communities (highest minus
    lowest). Y limits start at the metric's typical range and grow on round numbers, as on the classroom charts.

    Args:
        street: a :class:`~cogov.sim.street.model.StreetModel` (its horizon sets the x axis).
        metric: a daily community outcome.
        selected: index of the community drawn in red.
        lang: ``en`` or ``zh``.
        figsize: inches; dpi: resolution; text_scale: type size relative to print figures.
    """

    def __init__(self, street: Any, metric: str, selected: int = 0, lang: str = "en",
                 figsize: tuple[float, float] = (5.0, 6.0), dpi: float = 100, text_scale: float = 1.1) -> None:
        self.lang = resolve_lang(lang)
        self.metric = metric
        self.outcome = outcome(metric)
        if not self.outcome.daily:
            raise ValueError(f"{metric!r} is not a daily outcome, so there is nothing to chart over time")
        names = tuple(street.names)
        self.names = names
        self.selected = _checked_index(selected, names)
        households = float(np.mean(street.households))
        self.typical = typical_limits(round(households)).get(metric, (0.0, 1.0))
        low, high = self.typical
        self.gap_typical = (0.0, (high - low) / 4)  # communities of one street seldom differ by more at first
        bounds = self.outcome.bounds or (-math.inf, math.inf)
        self.gap_bounds = (0.0, bounds[1] - bounds[0])
        with style(self.lang):
            fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
            self.ax, self.gap_ax = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
            chars = max(12, int(figsize[0] * 72 / (TITLE_POINTS * text_scale * CHAR_EM)))
            self.ax.set_title(textwrap.fill(metric_name(metric, self.lang), chars), loc="left", fontsize=TITLE_POINTS)
            self.gap_ax.set_title(textwrap.fill(text("street_gap_title", self.lang,
                                                     metric=metric_name(metric, self.lang)), chars),
                                  loc="left", fontsize=TITLE_POINTS)
            for ax in (self.ax, self.gap_ax):
                if self.outcome.kind == "share":  # shares in per cent, as the community's charts
                    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
                ax.set_xlim(0, street.days)
            self.gap_ax.set_xlabel(figure_text("day", self.lang))
            self.gap_ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # days are whole (a short run: no 0.5)
            self.others = [self.ax.plot([], [], color=OTHER_COLOUR, linewidth=1.0, zorder=2)[0]
                           for k in range(len(names)) if k != selected]
            (self.chosen,) = self.ax.plot([], [], color=SELECTION_COLOUR, linewidth=1.9, zorder=3)
            (self.mean,) = self.ax.plot([], [], color=PALETTE[0], linewidth=2.4, zorder=4)
            (self.gap,) = self.gap_ax.plot([], [], color=PALETTE[0], linewidth=2.2, zorder=3)
            self.ax.set_ylim(*round_limits(self.typical, np.empty(0), self.outcome.bounds))
            self.gap_ax.set_ylim(*round_limits(self.gap_typical, np.empty(0), self.gap_bounds))
            handles = [self.mean, self.chosen] + ([self.others[0]] if self.others else [])
            labels = [text("street_mean", self.lang), names[selected]] + (
                [text("street_other_communities", self.lang)] if self.others else [])
            self.legend = fig.legend(handles, labels, loc="outside lower center", ncol=1, frameon=False, fontsize=9)
        self.fig = fig
        enlarge_text(fig, text_scale)
        self.text_scale = text_scale
        self.markers: tuple[Marker, ...] = ()
        self._marker_artists: list[Artist] = []
        self.update(street)
        super().__init__(fig, [*self.others, self.chosen, self.mean, self.gap])

    def marker_axes(self) -> list[Any]:
        """Both panels (the street's mean and the gap): a street lever changed during the run is marked on each, as
        the community's charts mark theirs."""
        return [self.ax, self.gap_ax]

    def select(self, selected: int) -> None:
        """Draw community ``selected`` in red instead (an index of :attr:`names`; its line is set at the next
        :meth:`update`); the legend names it, so the next :meth:`render` draws the figure in full."""
        self.selected = _checked_index(selected, self.names)
        self.legend.get_texts()[1].set_text(self.names[self.selected])
        self.invalidate()

    def update(self, street: Any) -> None:
        """Take every community's values so far from ``street``; grow the y limits when a line would leave them."""
        values, mean, gap = daily_spread(street, self.metric)
        days = np.arange(values.shape[1])
        others = [row for k, row in enumerate(values) if k != self.selected]
        for line, row in zip(self.others, others, strict=True):
            line.set_data(days, row)
        self.chosen.set_data(days, values[self.selected])
        self.mean.set_data(days, mean)
        self.gap.set_data(days, gap)
        for ax, data, typical, bounds in ((self.ax, values.ravel(), self.typical, self.outcome.bounds),
                                          (self.gap_ax, gap, self.gap_typical, self.gap_bounds)):
            finite = data[np.isfinite(data)]
            low, high = ax.get_ylim()
            if finite.size and (finite.min() < low or finite.max() > high):
                ax.set_ylim(*round_limits(typical, data, bounds))
                self._invalidate_if_drawn()

    def _invalidate_if_drawn(self) -> None:
        """New limits: the static part must be drawn again (before the first draw there is nothing to redo)."""
        if hasattr(self, "canvas"):
            self.invalidate()

    def frame(self, street: Any) -> np.ndarray:
        """:meth:`update` then :meth:`render`."""
        self.update(street)
        return self.render()


def selected_index(names: Sequence[str], name: str | None) -> int:
    """Index of community ``name`` among ``names`` (None: the first); :class:`ValueError` listing the allowed
    names."""
    if name is None:
        return 0
    if name not in names:
        raise ValueError(f"no community {name!r}; choose from {', '.join(repr(n) for n in names)}")
    return list(names).index(name)
