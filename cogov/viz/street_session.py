"""The classroom page's street mode: one browser session's street, the community it follows and its frames.

A teacher who chooses a street in the page's scenario menu (``street:<name>`` of a built-in one, or the street file
``cogov viz`` was started with: :func:`~cogov.viz.controls.offered_streets`) sees a
:class:`StreetSession` instead of the community's :class:`~cogov.viz.session.Session`: a
:class:`~cogov.sim.street.model.StreetModel` stepped day by day, drawn with the views of ``cogov animate`` on a street
(:mod:`cogov.viz.street_views`): every community's map on one colour scale with the followed community outlined, and
the street's mean and gap across communities of one charted outcome, the followed community's line in red. Its
monitors are the street's daily metrics (:data:`~cogov.sim.street.outcomes.STREET_DAILY`) and the followed
community's value of the charted outcome.

It steps, plays, stops at *run until day* and resets as the community's session does (the shared
:class:`~cogov.viz.session.Stepping`). What differs, and why:

- The levers are the street's own (:data:`~cogov.viz.controls.STREET_LEVERS`: the whistle, how funds are shared, the
  street's weight in department appraisal), applied by building the street anew at Reset: a street has no way to
  change them during a run. The community levers are off (each community keeps its scenario's): one community's
  lever moved in a street would be a different question, and five sets of levers do not fit a projected page.
- Runs are not kept for comparison: a street's chart already compares its communities, and the community mode's
  change map and run history are about one community.

This module is imported only when a street is chosen, so the community page loads and runs as before.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cogov.analysis.figures import metric_name
from cogov.analysis.wording import format_value as format_outcome
from cogov.sim.outcomes.registry import outcome
from cogov.sim.street.load import LoadedStreet, apply_street_overrides, load_street
from cogov.sim.interventions import value_at
from cogov.sim.street.config import is_street_live
from cogov.sim.street.model import StreetModel
from cogov.sim.street.outcomes import STREET_DAILY
from cogov.viz.controls import (
    CHART_METRICS,
    STREET_LEVERS,
    STREET_LEVERS_BY_PATH,
    STREET_PREFIX,
    _same,
    lever_overrides,
    lever_values,
    offered_streets,
    override_items,
    text,
)
from cogov.viz.render import Marker, png_bytes, side_by_side
from cogov.viz.session import LeverChange, Monitor, ScenarioNotOffered, Stepping, ViewFrame, marker_tag, tidy_csv
from cogov.viz.street_views import StreetChartView, StreetMapView

DEFAULT_STREET = STREET_PREFIX + "five_communities"
STREET_CHART_SIZE_IN = (4.4, 5.2)
"""The street's chart (mean above, gap below): beside the street's map, it takes the chart column's height."""
CHART_TEXT_SCALE = 1.3
"""Type size of the street's chart relative to the print figures (the community charts' is 1.35)."""
STREET_CHART = "street"
"""The key of the street's one chart in :attr:`StreetFrame.chart_pngs` (the page's CSS class ``cogov-chart-street``)."""
COMMUNITY_MONITOR = "community"
"""The monitor of the followed community's value of the charted outcome (CSS class ``cogov-monitor-community``)."""
MEAN_MONITORS: tuple[str, ...] = ("satisfaction_mean", "resolution_rate")
"""Street metrics that are household-weighted means across the communities (labelled so)."""
TOTAL_MONITORS: tuple[str, ...] = ("backlog",)
"""Street metrics that add the communities up."""
HOURS_MONITORS: tuple[str, ...] = ("department_hours_sent", "whistled_hours_sent", "sunk_hours_sent")
"""Street metrics of the day's hours (with their sum so far)."""


def is_street_choice(key: Any) -> bool:
    """Whether a scenario menu's value names a street the page offers."""
    return isinstance(key, str) and key in offered_streets()


@dataclass(frozen=True)
class StreetFrame(ViewFrame):
    """What the page shows of the street after a change: the images, the street's metrics today (:attr:`metrics`),
    the followed community's (:attr:`community`) and the hours sent so far (:attr:`so_far`)."""

    community: Mapping[str, float]
    so_far: Mapping[str, float]


class StreetSession(Stepping):
    """The street mode of one classroom page.

    Args:
        street: the menu value of a street the page offers (:func:`~cogov.viz.controls.offered_streets`); any other
            raises :class:`ScenarioNotOffered`.
        lang: ``en`` or ``zh``.
        seed: the street's seed (its communities' seeds follow from it, :func:`~cogov.sim.street.model.community_seed`).
        dpi: resolution of the images.
        metric: the charted outcome (one of :data:`~cogov.viz.controls.CHART_METRICS`).
    """

    hidden: frozenset[str] = frozenset()
    """Hidden charts: none (the street has one chart; the page's monitors toggle nothing here)."""

    def __init__(self, street: str = DEFAULT_STREET, lang: str = "en", seed: int = 0, dpi: float = 100,
                 metric: str = "satisfaction_mean") -> None:
        self.lock = threading.RLock()
        self.lang = lang
        self.seed = int(seed)
        self.dpi = dpi
        self.until: int | None = None
        self._loaded: dict[str, LoadedStreet] = {}
        self.street = street
        self.loaded = self._load(street)
        self.levers: dict[str, Any] = lever_values(self.loaded.config, STREET_LEVERS)
        self.metric = self._checked_metric(metric)
        self.selected = 0
        self.applied: tuple[str, int, dict[str, Any]] = (street, self.seed, {})
        self.changes: list[LeverChange] = []
        """Street levers moved during the running street (:meth:`apply_live`), in order."""
        self.model = self._build()
        self._views()

    # ------------------------------------------------------------------------------ settings
    @property
    def scenario(self) -> str:
        """The street chosen in the menu (the menu's value)."""
        return self.street

    @property
    def names(self) -> tuple[str, ...]:
        """The running street's communities, in the file's order."""
        return tuple(self.model.names)

    @property
    def overrides(self) -> dict[str, Any]:
        """Street levers set on the page that differ from the street file."""
        return lever_overrides(self.levers, self.loaded.config, STREET_LEVERS)

    @property
    def pending(self) -> bool:
        """The page's settings (street, seed, levers) differ from those of the running street."""
        return self.applied != (self.street, self.seed, self.overrides)

    def _load(self, key: Any) -> LoadedStreet:
        """Load an offered street by its menu value; the value is only looked up, never used as a path."""
        if not is_street_choice(key):
            raise ScenarioNotOffered()
        if key not in self._loaded:  # each street file (and its communities' files) is read once per session
            self._loaded[key] = load_street(key.removeprefix(STREET_PREFIX))
        return self._loaded[key]

    def set_street(self, street: str) -> None:
        """Choose another street (a menu value): its lever values replace the page's; takes effect at reset."""
        with self.lock:
            loaded = self._load(street)
            self.street, self.loaded = street, loaded
            self.levers = lever_values(loaded.config, STREET_LEVERS)

    def show(self, street: str) -> None:
        """Choose ``street`` and, unless it is the street running now, start it at day 0 (what choosing a street in
        the menu does: the teacher sees the street asked for)."""
        with self.lock:
            running = self.applied[0]
            self.set_street(street)
            if street != running:
                self.reset()

    def set_lever(self, path: str, value: Any) -> None:
        """Set one street lever (a key path of :data:`~cogov.viz.controls.STREET_LEVERS`); takes effect at reset."""
        with self.lock:
            self.levers[path] = STREET_LEVERS_BY_PATH[path].coerce(value)

    def apply_live(self, path: str, value: Any) -> bool:
        """Set one street lever and, where the running street can take it (the whistle and the appraisal weight:
        :data:`~cogov.sim.street.config.STREET_LIVE`) while it runs the street and seed the page shows, apply it from
        the next day (:meth:`~cogov.sim.street.model.StreetModel.intervene`), recorded in :attr:`changes` (a lever moved
        twice before the next day keeps one change). The funds' rule, a year's budget, waits for Reset, as does every
        lever when the run has ended or another street is chosen. Returns whether the running street took it."""
        with self.lock:
            self.set_lever(path, value)
            new = self.levers[path]
            model = self.model
            street, seed, applied = self.applied
            if not is_street_live(path) or not model.running or (street, seed) != (self.street, self.seed):
                return False
            old = value_at(model.config.model_dump(mode="json"), path)
            if _same(old, new):
                return False
            day = model.intervene({path: new}, source="the classroom page")[0].day - 1  # moved after this day
            if self.changes and self.changes[-1].day == day and self.changes[-1].path == path:
                old = self.changes.pop().old
            if not _same(old, new):
                self.changes.append(LeverChange(day, path, old, new))
            # the running street now holds the lever's new value: not a change waiting for Reset
            self.applied = (street, seed, lever_overrides({**lever_values(self.loaded.config, STREET_LEVERS),
                                                           **applied, path: new}, self.loaded.config, STREET_LEVERS))
            self._mark_changes()
            self._draw()
            return True

    def restore_levers(self) -> None:
        """Put every street lever back to the street file's value."""
        with self.lock:
            self.levers = lever_values(self.loaded.config, STREET_LEVERS)

    @staticmethod
    def _checked_metric(metric: Any) -> str:
        if metric not in CHART_METRICS:
            raise ValueError("not a charted outcome")
        return str(metric)

    def set_metric(self, metric: str) -> None:
        """Chart ``metric`` (one of :data:`~cogov.viz.controls.CHART_METRICS`) and give it in the map's titles."""
        with self.lock:
            self.metric = self._checked_metric(metric)
            self._views()

    def select_community(self, index: int) -> None:
        """Follow community ``index`` (of :attr:`names`): outlined on the map, its line red on the chart."""
        with self.lock:
            if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self.names):
                raise ValueError("no such community")
            self.selected = index
            self.map_view.select(index)
            self.chart_view.select(index)
            self._draw()

    def select_at(self, fx: float, fy: float) -> int | None:
        """Follow the community whose map lies under a click on the map image (``fx``, ``fy``: fractions of its width
        from the left and its height from the top); a click beside every map changes nothing. Returns the community
        followed now."""
        with self.lock:
            found = self.map_view.panel_at(float(fx), float(fy))
            if found is not None and found != self.selected:
                self.select_community(found)
            return self.selected

    def set_lang(self, lang: str) -> None:
        """Redraw the figures in ``lang``."""
        with self.lock:
            if lang != self.lang:
                self.lang = lang
                self._views()

    # ------------------------------------------------------------------------------ running and drawing
    def _build(self) -> StreetModel:
        overrides = self.overrides
        loaded = apply_street_overrides(self.loaded, overrides, source="the page's street levers")
        model = StreetModel(loaded, rng=self.seed)
        if self.applied[0] != self.street:  # another street: follow its first community
            self.selected = 0
        self.selected = min(self.selected, len(model.names) - 1)
        self.applied = (self.street, self.seed, overrides)
        self.changes = []
        return model

    def reset(self) -> StreetFrame:
        """Start the street again, at day 0, with the page's settings."""
        with self.lock:
            self.model = self._build()
            self._views()
            return self.frame

    def _views(self) -> None:
        """Make the map and chart views for the running street, metric, community and language (about 0.5 s)."""
        model = self.model
        self.map_view = StreetMapView(model, self.metric, self.selected, self.lang, dpi=self.dpi)
        self.chart_view = StreetChartView(model, self.metric, self.selected, self.lang, figsize=STREET_CHART_SIZE_IN,
                                          dpi=self.dpi, text_scale=CHART_TEXT_SCALE)
        self._mark_changes()
        self._draw()

    def _mark_changes(self) -> None:
        """Mark each street lever moved during the run on the chart: a numbered line (①, ②, …) at its day boundary,
        the words in the page's legend (:meth:`markers`)."""
        self.chart_view.set_markers([Marker(c.day, marker_tag(i)) for i, c in enumerate(self.changes, start=1)])

    def _draw(self) -> None:
        model = self.model
        series = model.datacollector.model_vars
        so_far = {name: float(np.sum(series[name])) for name in HOURS_MONITORS}
        self.frame = StreetFrame(png_bytes(self.map_view.frame(model)),
                                 {STREET_CHART: png_bytes(self.chart_view.frame(model))}, int(model.steps),
                                 int(model.days), dict(model.metrics), dict(model.communities[self.selected].metrics),
                                 so_far)

    def shown_charts(self) -> list[str]:
        """The page's chart images: the street's one."""
        return [STREET_CHART]

    def inspection_lines(self, lang: str | None = None) -> list[str]:
        """Nothing to inspect on the street's map (a click follows a community)."""
        return []

    # ------------------------------------------------------------------------------ words and numbers
    def monitors(self, lang: str | None = None) -> list[Monitor]:
        """The street's readouts today: its mean satisfaction and resolution rate (weighted by households) with the
        gap across its communities, the open issues of all of them, those waiting at the street level, the hours the
        departments (of them, whistled; posts sunk to the street) sent today with their sum so far, and the followed
        community's value of the charted outcome."""
        lang = lang or self.lang
        frame = self.frame
        found = []
        for metric in STREET_DAILY:
            if metric == "day":
                continue
            value = float(frame.metrics[metric])
            label = outcome(metric).label[lang]
            note = ""
            if metric in MEAN_MONITORS:
                label = text("street_monitor_mean", lang, label=label)
            elif metric in TOTAL_MONITORS:
                label = text("street_monitor_total", lang, label=label)
            elif metric in HOURS_MONITORS:
                note = text("street_monitor_today", lang, value=frame.so_far[metric])
            found.append(Monitor(metric, label, value, format_outcome(metric, value, lang, single_run=True), note))
        value = float(frame.community[self.metric])
        found.append(Monitor(COMMUNITY_MONITOR, f"{self.names[self.selected]}: {metric_name(self.metric, lang)}", value,
                             format_outcome(self.metric, value, lang, single_run=True)))
        return found

    def community_line(self, lang: str | None = None) -> str:
        """The followed community in a line: its households and its funds this year (or that it keeps its own)."""
        lang = lang or self.lang
        model = self.model
        k = self.selected
        funds = (text("street_funds_own", lang) if model.funds is None
                 else text("street_funds_year", lang, cny=float(model.funds[k])))
        return text("street_community_line", lang, name=self.names[k], households=int(model.households[k]),
                    funds=funds)

    def run_label(self, lang: str | None = None) -> str:
        """What is running: ``five_communities: street levers as in the file; seed 0`` (or the levers changed)."""
        lang = lang or self.lang
        street, seed, applied = self.applied
        config = self._load(street).config
        what = override_items(applied, config, lang, STREET_LEVERS) if applied else text("street_as_file", lang)
        joined = ("；" if lang == "zh" else "; ").join([what, text("seed_short", lang, seed=seed)])
        name = Path(street.removeprefix(STREET_PREFIX)).name  # a file of one's own by its file name, as in the menu
        return text("street_label", lang, street=name, what=joined)

    def markers(self, lang: str | None = None) -> list[Marker]:
        """The street levers moved during the run, as the chart marks them (①, ②, … at the day boundary) with their
        words, for the page's legend."""
        return [Marker(change.day, change.describe(lang or self.lang)) for change in self.changes]

    def changes_text(self) -> str:
        """Which street levers of the running street differ from its file (and which were moved during it)."""
        street, _, applied = self.applied
        if not applied:
            line = text("street_unchanged", self.lang)
        else:
            line = text("street_changed", self.lang, items=override_items(applied, self._load(street).config,
                                                                           self.lang, STREET_LEVERS))
        if self.changes:
            line += " " + ("；" if self.lang == "zh" else "; ").join(c.describe(self.lang) for c in self.changes)
        return line

    def metric_choices(self, lang: str | None = None) -> list[tuple[str, str]]:
        """The outcomes the street's chart can show (value, name)."""
        lang = lang or self.lang
        return [(metric, metric_name(metric, lang)) for metric in CHART_METRICS]

    def export_rows(self) -> list[tuple[str, str, int, str, float]]:
        """The street's data, tidy: (level, community, day, metric, value): the street's daily metrics (level
        ``street``, no community), then every community's charted outcomes (level ``community``)."""
        with self.lock:
            model = self.model
            series = model.datacollector.model_vars
            rows = [("street", "", day, metric, float(value)) for metric in STREET_DAILY if metric != "day"
                    for day, value in enumerate(series[metric])]
            for name, community in zip(model.names, model.communities, strict=True):
                data = community.datacollector.model_vars
                rows += [("community", name, day, metric, float(value)) for metric in CHART_METRICS
                         for day, value in enumerate(data[metric])]
        return rows

    def export_csv(self) -> str:
        """:meth:`export_rows` as CSV (``level,community,day,metric,value``; an undefined value left empty)."""
        return tidy_csv(("level", "community", "day", "metric", "value"), self.export_rows())

    def export_png(self) -> bytes:
        """The current view as one PNG: the street's map beside its chart."""
        with self.lock:
            images = [self.map_view.render()[..., :3], self.chart_view.render()[..., :3]]
            return png_bytes(side_by_side(images), compress_level=6)
