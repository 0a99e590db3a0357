"""One browser session of the classroom page: its own model, lever settings, earlier runs and frames.

:class:`Session` holds everything the page shows and does the work (stepping, drawing, inspecting, exporting),
so the Solara page stays a thin view and the behaviour is testable without a browser. Every method that changes
state takes the session's lock: the play loop and the page's slow actions run in worker threads while clicks
arrive on another. What the page reads while it renders (:attr:`Session.frame`, :attr:`Session.history`) is
replaced whole, never changed in place, so a render during a step or a reset reads one consistent state
without waiting for the lock.

Runs. Levers take effect at :meth:`Session.reset` (as NetLogo's *setup*): the model's parameters are fixed
when it is built; Reset always starts over. The runs before the last resets are kept (:data:`HISTORY_SIZE`,
:class:`Run`), each labelled by what differed (scenario, levers changed from the scenario file, seed), and
drawn on the charts (dashed, a colour each) unless hidden; their data and the view export as CSV and PNG.
The same seed gives the same community and the same issues arising, so a difference between two runs comes
from the levers. Once the model can change parameters during a run (a ``CommunityModel.intervene`` method),
:meth:`Session.apply_live` applies a lever moved while a run is under way from the next day and marks the day
on the charts; until then it keeps the lever for the next reset.

Map colours. Buildings' mean satisfaction differs far more between buildings (0.45-0.72 on day 0 of the
default) than any lever moves it within a year (0.01-0.1), so on a level scale lever effects hardly show.
The map therefore colours, by default, each building's *change* from the most recent earlier run of the same
community (same seed, same community settings) on the same day, on a diverging scale that starts at ±0.02 and
widens only when needed (:func:`cogov.viz.render.change_reach`); the level scale is one choice away.

The scenario menu's value comes from the browser, so it is a key, never a path: a session loads only
the built-in scenarios and the file the server was started with (:func:`scenario_choices`). Anything
else is refused with :class:`ScenarioNotOffered` before the file system is touched, and the refusal
repeats nothing of what was sent (an error about a file would tell whether it exists, and what it holds).
"""

from __future__ import annotations

import csv
import io
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from cogov.analysis.figures import PALETTE, _organisation_cells, building_values
from cogov.analysis.figures import text as figure_text
from cogov.analysis.wording import format_value as format_outcome
from cogov.sim.config import ScenarioConfig
from cogov.sim.model import CommunityModel
from cogov.sim.outcomes.registry import outcome
from cogov.sim.scenario import LoadedScenario, builtin_dir, builtin_names, load_scenario
from cogov.viz.controls import (
    CHART_METRICS,
    LEVERS_BY_PATH,
    STREET_LEVERS_BY_PATH,
    _same,
    format_value,
    lever_overrides,
    lever_values,
    override_items,
    text,
)
from cogov.viz.render import (
    CHANGE_REACHES,
    RUN_COLOURS,
    ChartRun,
    ChartView,
    IssueCounts,
    MapScale,
    MapView,
    Marker,
    change_reach,
    grid,
    issue_counts,
    legend_strip,
    png_bytes,
    side_by_side,
    stack,
)

MAP_WIDTH_IN = 6.4
"""Width of the map figure in inches (at 100 dpi, 640 px): narrower than the print figure, so that its
text reads at the size a page column shows it."""
CHART_SIZE_IN = (3.4, 2.3)
"""One chart panel (the page shows each outcome as its own image, so that the panels reflow with the window)."""
CHART_TEXT_SCALE = 1.35
"""Type size of the charts relative to the print figures: tick labels must read from the back of a room."""
HISTORY_SIZE = 6
"""Earlier runs kept (the guide's third demonstration compares four, and the run it starts from)."""
EXPORT_CHART_COLUMNS = 2
MONITOR_EXTRA: tuple[str, ...] = ("cost_total",)
"""Readouts beside those of the charted outcomes: the public money spent so far (a question in every lesson)."""

MAP_LEVEL = "level"
MAP_PREVIOUS = "previous"
"""Map colour modes: the level of satisfaction, the change from the most recent comparable run, or (``run:N``)
the change from run N."""


def marker_tag(number: int) -> str:
    """The tag of the ``number``-th lever change of a run on the charts: ①-⑳, then (21), (22), …"""
    return chr(0x2460 + number - 1) if 1 <= number <= 20 else f"({number})"


def tidy_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """``rows`` under ``header`` as CSV, each row's last field a number written in full (``repr``), left empty where
    it is undefined (NaN: e.g. the resolution rate before any issue arose)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for *fields, value in rows:
        writer.writerow([*fields, repr(value) if math.isfinite(value) else ""])
    return buffer.getvalue()


class ScenarioNotOffered(ValueError):
    """A scenario the page does not offer was asked for (by a browser): refused, without naming it."""

    def __init__(self) -> None:
        super().__init__("this scenario is not offered on this page")


def scenario_choices(files: Iterable[str | Path] = ()) -> dict[str, Path]:
    """The scenarios a page may load, by the value its menu sends: every built-in scenario by name (its
    file in the package, whatever lies in the server's working directory) and each of ``files`` (which
    the teacher named when starting the server) by its path as given."""
    choices = {name: builtin_dir() / f"{name}.toml" for name in builtin_names()}
    choices.update({str(path): Path(path) for path in files})
    return choices


@dataclass(frozen=True)
class LeverChange:
    """A lever moved during a run (:meth:`Session.apply_live`, a street's
    :meth:`~cogov.viz.street_session.StreetSession.apply_live`) after day ``day``: from day ``day + 1`` on (the first
    day simulated with it, as the model records it), ``path`` is ``new``. Charts mark it at ``day``, the boundary."""

    day: int
    path: str
    old: Any
    new: Any

    def describe(self, lang: str) -> str:
        lever = LEVERS_BY_PATH.get(self.path) or STREET_LEVERS_BY_PATH[self.path]
        return text("change_from_day", lang, day=self.day + 1, name=lever.name(lang),
                    old=format_value(lever, self.old, lang), new=format_value(lever, self.new, lang))


@dataclass(frozen=True, eq=False)
class Run:
    """A finished (or interrupted) run kept for comparison.

    ``number``: its place in the session (1, 2, …); ``scenario``, ``seed``, ``overrides``: how it was built;
    ``changes``: levers moved during it; ``series``: every charted outcome by day (day 0 first);
    ``buildings``: buildings' mean satisfaction by day (days × buildings, for the change map); ``community``:
    what must match for two runs' buildings to be the same (:meth:`Session.community_key`); ``shown``: drawn
    on the charts.
    """

    number: int
    scenario: str
    seed: int
    overrides: Mapping[str, Any]
    changes: tuple[LeverChange, ...]
    series: Mapping[str, tuple[float, ...]]
    buildings: np.ndarray
    community: str
    colour: str
    shown: bool = True

    @property
    def days(self) -> int:
        """The last day it reached."""
        return len(next(iter(self.series.values()))) - 1


@dataclass(frozen=True)
class Monitor:
    """A numeric readout of one charted outcome today: its name, value and the value in words."""

    metric: str
    name: str
    value: float
    text: str
    note: str = ""


@dataclass(frozen=True)
class OrganisationState:
    """An organisation in an inspected building: its kind (``property_company``, ``owners_committee``,
    ``social_organisation``, ``co_building_unit``, ``grid_worker``) and its state (name -> value)."""

    kind: str
    state: Mapping[str, Any]


@dataclass(frozen=True)
class Inspection:
    """The state of one building (a click on the map): where it is, its households' mean satisfaction and
    trust, its change from the map's reference run (None on the level scale or without that day), its open
    issues by state and the organisations marked in its cell."""

    building: int
    cell: tuple[int, int]
    compound: int
    grid: int
    households: int
    satisfaction: float
    trust: float
    change: float | None
    issues: IssueCounts
    organisations: tuple[OrganisationState, ...]


@dataclass(frozen=True)
class ViewFrame:
    """What the page shows after a change, a community's or a street's: the map and chart images (PNG), the day, the
    horizon and today's metrics."""

    map_png: bytes
    chart_pngs: Mapping[str, bytes]
    day: int
    days: int
    metrics: Mapping[str, float]


@dataclass(frozen=True)
class Frame(ViewFrame):
    """What the page shows of a community after a change: the images and the numbers behind the text."""

    issues: IssueCounts
    mean_backlog: float
    inspection: Inspection | None = None
    map_note: str = ""
    markers: tuple[Marker, ...] = field(default_factory=tuple)


class Stepping:
    """What every session of the page does alike, a community's (:class:`Session`) or a street's
    (:class:`~cogov.viz.street_session.StreetSession`): the seed for the next reset, the day to run until, stepping
    and the play loop's advance, and the day counter.

    A subclass sets :attr:`lock`, :attr:`lang`, :attr:`seed`, :attr:`until`, :attr:`model` (stepped one day by its
    ``step``, with ``steps``, ``days`` and ``running``) and :attr:`frame` (with ``day`` and ``days``), and provides
    :meth:`_draw`; :meth:`_after_day` records what it needs of each day.
    """

    lock: threading.RLock
    lang: str
    seed: int
    until: int | None
    model: Any
    frame: Any

    def set_seed(self, seed: int) -> None:
        """Random seed for the next reset."""
        with self.lock:
            self.seed = int(seed)

    def set_until(self, day: int | None) -> None:
        """Day at which playing and stepping stop (None or 0: run to the horizon); kept across resets, so every
        run of a demonstration stops on the same day."""
        with self.lock:
            self.until = None if day is None or int(day) <= 0 else min(int(day), int(self.model.days))

    def _draw(self) -> None:
        raise NotImplementedError

    def _after_day(self) -> None:
        """Record what the session keeps of each day (nothing here)."""

    def step(self, days: int = 1) -> Any:
        """Advance up to ``days`` days, never past the horizon, nor past :attr:`until` when that lies ahead, and
        redraw; returns the new frame."""
        with self.lock:
            n = max(1, int(days))
            day = int(self.model.steps)
            if self.until is not None and day < self.until:
                n = min(n, self.until - day)
            for _ in range(n):
                if not self.model.running:
                    break
                self.model.step()
                self._after_day()
            self._draw()
            return self.frame

    def advance(self, days: int = 1) -> bool:
        """One step of the play loop (:meth:`step`); whether to keep playing: False at the horizon and on
        arriving at :attr:`until` (playing on from that day, the next call goes on to the horizon)."""
        with self.lock:
            before = int(self.model.steps)
            after = self.step(days).day
            reached = self.until is not None and before < self.until <= after
            return self.running and not reached

    @property
    def running(self) -> bool:
        """The model has not reached its horizon."""
        return bool(self.model.running)

    def day_text(self) -> str:
        """``Day N of D`` in the page's language (with 'end of the run' at the horizon)."""
        frame = self.frame
        line = text("day", self.lang, day=frame.day, days=frame.days)
        return line if self.running else f"{line} — {text('finished', self.lang)}"


class Session(Stepping):
    """The state of one classroom page.

    Args:
        scenario: built-in scenario name or TOML file to start with (given by the server, not a browser:
            a file is added to the scenarios this session may load).
        lang: ``en`` or ``zh`` (labels of figures; the page's own labels follow the same setting).
        seed: random seed of the model.
        dpi: resolution of the images (100: the map 640 px wide, each chart 340 px).
    """

    def __init__(self, scenario: str | Path = "default", lang: str = "en", seed: int = 0, dpi: float = 100) -> None:
        self.lock = threading.RLock()
        self.lang = lang
        self.seed = seed
        self.dpi = dpi
        self.scenario = str(scenario)
        self.choices = scenario_choices()
        if self.scenario not in self.choices:
            self.choices = scenario_choices([self.scenario])
        self._loaded: dict[str, LoadedScenario] = {}
        self.loaded: LoadedScenario = self._load(self.scenario)
        self.levers: dict[str, Any] = lever_values(self.loaded.config)
        self.history: tuple[Run, ...] = ()
        self.run_number = 1
        self.until: int | None = None
        self.map_mode = MAP_PREVIOUS
        self.selected: int | None = None
        self.hidden: frozenset[str] = frozenset()
        self.applied: tuple[str, int, dict[str, Any]] = (self.scenario, seed, {})
        self.live: dict[str, Any] = {}
        self.changes: list[LeverChange] = []
        self.model = self._build()
        self._views()

    # ------------------------------------------------------------------------------ settings
    @property
    def overrides(self) -> dict[str, Any]:
        """Levers set on the page that differ from the scenario file."""
        return lever_overrides(self.levers, self.loaded.config)

    @property
    def running_overrides(self) -> dict[str, Any]:
        """Levers of the running model that differ from its scenario file: those it was built with, then
        those changed during the run."""
        scenario, _, applied = self.applied
        config = self._config(scenario)
        return lever_overrides({**lever_values(config), **applied, **self.live}, config)

    @property
    def pending(self) -> bool:
        """The page's settings (scenario, seed, levers) differ from those of the running model."""
        return (self.applied[0], self.applied[1], self.running_overrides) != (self.scenario, self.seed, self.overrides)

    def set_scenario(self, scenario: str) -> None:
        """Choose another scenario among :attr:`choices` (the menu's value): its lever values replace the
        page's; takes effect at reset. Any other value raises :class:`ScenarioNotOffered`."""
        with self.lock:
            loaded = self._load(scenario)
            self.scenario, self.loaded = scenario, loaded
            self.levers = lever_values(loaded.config)

    def _load(self, key: Any) -> LoadedScenario:
        """Load an offered scenario by its key; the key is only looked up, never used as a path."""
        path = self.choices.get(key) if isinstance(key, str) else None
        if path is None:
            raise ScenarioNotOffered()
        if key not in self._loaded:  # each file is read once per session (labels of earlier runs need it again)
            self._loaded[key] = load_scenario(path)
        return self._loaded[key]

    def _config(self, scenario: str) -> ScenarioConfig:
        return self._load(scenario).config

    def set_lever(self, path: str, value: Any) -> None:
        """Set one lever (a key path of :data:`~cogov.viz.controls.LEVERS`); takes effect at reset."""
        with self.lock:
            self.levers[path] = LEVERS_BY_PATH[path].coerce(value)

    def apply_live(self, path: str, value: Any) -> bool:
        """Set one lever and, where the model can change parameters during a run, apply it from the next day.

        The model can where it has an ``intervene`` method (``model.intervene({path: value})``, the change taking
        effect at the next day boundary): then, while the run is under way and the page still shows the running
        model's scenario, the change is applied, recorded (:attr:`changes`: day, lever, old and new value) and
        drawn on the charts as a labelled vertical line; a second change of the same lever on the same day (a
        slider dragged) replaces the first. Otherwise the lever waits for :meth:`reset`, as :meth:`set_lever`.
        Returns whether the change was applied to the running model.
        """
        with self.lock:
            self.set_lever(path, value)
            new = self.levers[path]
            model = self.model
            if not hasattr(model, "intervene") or not model.running or self.applied[0] != self.scenario:
                return False
            old = self._running_value(path)
            if _same(old, new):
                return False
            model.intervene({path: new})
            self.live[path] = new
            day = int(model.steps)
            if self.changes and self.changes[-1].day == day and self.changes[-1].path == path:
                old = self.changes.pop().old
            if not _same(old, new):
                self.changes.append(LeverChange(day, path, old, new))
            self._set_markers()
            self._draw()
            return True

    def _running_value(self, path: str) -> Any:
        """The value of lever ``path`` in the running model (as built, then as changed during the run)."""
        if path in self.live:
            return self.live[path]
        scenario, _, applied = self.applied
        return applied.get(path, lever_values(self._config(scenario))[path])

    def restore_levers(self) -> None:
        """Put every lever back to the scenario file's value."""
        with self.lock:
            self.levers = lever_values(self.loaded.config)

    def set_lang(self, lang: str) -> None:
        """Redraw the figures in ``lang``."""
        with self.lock:
            if lang != self.lang:
                self.lang = lang
                self._views()

    # ------------------------------------------------------------------------------ runs
    def set_chart_shown(self, metric: str, shown: bool) -> None:
        """Show or hide the chart of ``metric`` (its monitor stays): on a small screen the class sees the charts that
        matter to the question at a readable size."""
        with self.lock:
            if metric not in CHART_METRICS:
                raise ValueError("not a charted outcome")
            self.hidden = self.hidden - {metric} if shown else self.hidden | {metric}
            self._draw()

    def shown_charts(self) -> list[str]:
        """The charted outcomes whose charts are shown, in the page's order."""
        return [metric for metric in CHART_METRICS if metric not in self.hidden]

    def community_key(self) -> str:
        """What two runs must share for their buildings and households to be the same: seed and community."""
        return f"{self.applied[1]}:{self.model.config.community.model_dump_json()}"

    def _build(self) -> CommunityModel:
        overrides = self.overrides
        model = CommunityModel(self.loaded, rng=self.seed, **overrides)
        self.applied = (self.scenario, self.seed, overrides)
        self.live = {}
        self.changes = []
        self._buildings = [building_values(model, "satisfaction").astype(np.float32)]
        self._reach = CHANGE_REACHES[0]
        return model

    def _archive(self) -> None:
        """Keep the run so far (if it ran at all) in :attr:`history`, dropping the oldest beyond
        :data:`HISTORY_SIZE`."""
        model = self.model
        if model.steps == 0:
            return
        scenario, seed, applied = self.applied
        series = {m: tuple(float(v) for v in model.datacollector.model_vars[m]) for m in CHART_METRICS}
        run = Run(self.run_number, scenario, seed, dict(applied), tuple(self.changes), series,
                  np.array(self._buildings), self.community_key(), RUN_COLOURS[(self.run_number - 1) % len(RUN_COLOURS)])
        self.history = (*self.history, run)[-HISTORY_SIZE:]
        self.run_number += 1

    @property
    def previous(self) -> dict[str, list[float]] | None:
        """The most recent earlier run's series (metric -> values by day), or None."""
        if not self.history:
            return None
        return {m: list(v) for m, v in self.history[-1].series.items()}

    def set_shown(self, number: int, shown: bool) -> None:
        """Show or hide earlier run ``number`` on the charts (and in the exports)."""
        with self.lock:
            self.history = tuple(replace(run, shown=bool(shown)) if run.number == number else run
                                 for run in self.history)
            self._set_runs()
            self._draw()

    def shown_runs(self) -> list[Run]:
        """Earlier runs drawn on the charts, newest first (the legend's order)."""
        return [run for run in reversed(self.history) if run.shown]

    def run_label(self, run: Run | None = None, lang: str | None = None) -> str:
        """What a run was: ``Run 2: default; Staff time on top-down tasks 0.5 → 0.9; seed 0`` (and the levers
        moved during it). ``run`` None: the current run."""
        lang = lang or self.lang
        if run is None:
            number, (scenario, seed, applied), changes = self.run_number, self.applied, tuple(self.changes)
        else:
            number, scenario, seed, applied, changes = run.number, run.scenario, run.seed, run.overrides, run.changes
        parts = [Path(scenario).stem if scenario not in builtin_names() else scenario]
        parts.append(override_items(applied, self._config(scenario), lang) if applied else text("as_scenario", lang))
        parts.append(text("seed_short", lang, seed=seed))
        parts += [change.describe(lang) for change in changes]
        name = text("run_n", lang, n=number) + ("" if run is not None else text("this_run_suffix", lang))
        return text("run_label", lang, name=name, what=("；" if lang == "zh" else "; ").join(parts))

    def _set_runs(self) -> None:
        runs = [ChartRun(self.run_label(run), run.series, run.colour) for run in self.shown_runs()]
        for view in self.chart_views.values():
            view.set_runs(runs)

    def _set_markers(self) -> None:
        """Mark each lever change of this run on the charts: a numbered line (①, ②, …: a panel has no room for
        the words), described in :attr:`Frame.markers` for the page's legend."""
        self._markers = tuple(Marker(change.day, change.describe(self.lang)) for change in self.changes)
        tags = [Marker(change.day, marker_tag(i)) for i, change in enumerate(self.changes, start=1)]
        for view in self.chart_views.values():
            view.set_markers(tags)

    # ------------------------------------------------------------------------------ map colours
    def map_modes(self, lang: str | None = None) -> list[tuple[str, str]]:
        """The map's colour modes (value, label): the level of satisfaction, the change from the previous
        comparable run, and the change from each comparable earlier run."""
        lang = lang or self.lang
        modes = [(MAP_PREVIOUS, text("map_mode_previous", lang)), (MAP_LEVEL, text("map_mode_level", lang))]
        modes += [(f"run:{run.number}", text("map_mode_run", lang, n=run.number)) for run in reversed(self.history)
                  if run.community == self.community_key()]
        return modes

    def set_map_mode(self, mode: str) -> None:
        """Colour the map by ``mode`` (a value of :meth:`map_modes`; anything else raises ``ValueError``)."""
        with self.lock:
            if mode not in {value for value, _ in self.map_modes()}:
                raise ValueError("not a colour mode of this map")
            self.map_mode = mode
            self._reach = CHANGE_REACHES[0]
            self._draw()

    def reference(self) -> Run | None:
        """The earlier run the map's colours are compared with (None: the map shows the level)."""
        key = self.community_key()
        comparable = [run for run in self.history if run.community == key]
        if self.map_mode == MAP_PREVIOUS:
            return comparable[-1] if comparable else None
        if self.map_mode.startswith("run:"):
            return next((run for run in comparable if f"run:{run.number}" == self.map_mode), None)
        return None

    def _map_colours(self) -> tuple[MapScale, np.ndarray | None, str]:
        """The map's scale, the values to colour buildings by (None: satisfaction) and a note for the page."""
        reference = self.reference()
        if reference is None:
            note = text("map_note_no_reference", self.lang) if self.map_mode != MAP_LEVEL else ""
            return MapScale("level"), None, note
        day = int(self.model.steps)
        if day < len(reference.buildings):
            values = self._buildings[-1].astype(float) - reference.buildings[day]
            note = ""
        else:  # the reference run stopped earlier: nothing to compare with today
            values = np.full(len(reference.buildings[0]), np.nan)
            note = text("map_note_ended", self.lang, n=reference.number, day=reference.days)
        self._reach = change_reach(values, self._reach)
        return MapScale("change", self._reach, text("run_n", self.lang, n=reference.number)), values, note

    # ------------------------------------------------------------------------------ drawing
    def _map_key(self, scale: MapScale) -> tuple[Any, ...]:
        """What the map's static part depends on: the community, the seed, the organisations drawn, the scale."""
        cells = _organisation_cells(self.model)
        return (self.lang, self.community_key(), tuple((k, v.tobytes()) for k, v in cells.items()), self.model.days,
                scale)

    def _views(self) -> None:
        """Make the chart views for the current model (the map view is made as the scale needs it)."""
        households = self.model.config.community.households
        self.chart_views = {metric: ChartView([metric], self.model.days, self.lang, households=households,
                                              figsize=CHART_SIZE_IN, dpi=self.dpi, text_scale=CHART_TEXT_SCALE)
                            for metric in CHART_METRICS}
        self._chart_view_key = (self.lang, self.model.days, households)
        self._map_view_key: tuple[Any, ...] | None = None
        self._set_runs()
        self._set_markers()
        self._draw()

    def _reuse_views(self) -> None:
        """After a reset: keep the chart views where the horizon and community size are unchanged (making ten
        takes about a second), with the earlier runs and markers of now."""
        households = self.model.config.community.households
        if (self.lang, self.model.days, households) != self._chart_view_key:
            self._views()
            return
        self._set_runs()
        self._set_markers()
        self._draw()

    def _draw(self) -> None:
        model = self.model
        scale, values, note = self._map_colours()
        key = self._map_key(scale)
        if key != self._map_view_key:  # a new community, organisations or scale: a new static part (~0.2 s)
            self.map_view = MapView(model, self.lang, dpi=self.dpi, width=MAP_WIDTH_IN, text_scale=1.1, scale=scale)
            self._map_view_key = key
        cell = None if self.selected is None else tuple(int(v) for v in model.layout.building_xy[self.selected])
        self.map_view.select(cell)
        map_png = png_bytes(self.map_view.frame(model, values))
        series = model.datacollector.model_vars
        # hidden charts are not drawn (a frame costs about 5 ms a chart); shown again, they draw the whole series
        chart_pngs = {metric: png_bytes(self.chart_views[metric].frame(series)) for metric in self.shown_charts()}
        self.frame = Frame(map_png, chart_pngs, int(model.steps), int(model.days), dict(model.metrics),
                           self.map_view.counts, float(np.mean(series["backlog"])),
                           self._inspect(self.selected, values), note, self._markers)

    # ------------------------------------------------------------------------------ running
    def reset(self) -> Frame:
        """Start again with the page's settings; the run so far joins the earlier runs."""
        with self.lock:
            self._archive()
            self.model = self._build()
            self._reuse_views()
            return self.frame

    def _after_day(self) -> None:
        """Keep each day's building satisfaction (the change map compares runs day by day)."""
        self._buildings.append(building_values(self.model, "satisfaction").astype(np.float32))

    # ------------------------------------------------------------------------------ inspecting
    def select_at(self, fx: float, fy: float) -> Inspection | None:
        """Inspect the building under a click on the map image (``fx``, ``fy``: fractions of its width from the
        left and its height from the top); a click beside every building clears the selection."""
        with self.lock:
            x, y = self.map_view.cell_at(float(fx), float(fy))
            xy = self.model.layout.building_xy
            found = np.flatnonzero((xy[:, 0] == x) & (xy[:, 1] == y))
            self.selected = int(found[0]) if found.size else None
            self._draw()
            return self.frame.inspection

    def select_building(self, building: int | None) -> Inspection | None:
        """Inspect building ``building`` (None: none)."""
        with self.lock:
            if building is not None and not 0 <= int(building) < self.model.layout.n_buildings:
                raise ValueError("no such building")
            self.selected = None if building is None else int(building)
            self._draw()
            return self.frame.inspection

    def _inspect(self, building: int | None, values: np.ndarray | None) -> Inspection | None:
        if building is None:
            return None
        model = self.model
        layout, pop = model.layout, model.households
        here = pop.building == building
        x, y = (int(v) for v in layout.building_xy[building])
        change = None if values is None or not np.isfinite(values[building]) else float(values[building])
        count = int(np.count_nonzero(here))
        return Inspection(
            building=building, cell=(x, y), compound=int(layout.building_compound[building]),
            grid=int(layout.building_grid[building]), households=count,
            satisfaction=float(pop.satisfaction[here].mean()) if count else math.nan,
            trust=float(pop.trust[here].mean()) if count else math.nan, change=change,
            issues=issue_counts(model, here), organisations=tuple(self._organisations_at(x, y)))

    def _organisations_at(self, x: int, y: int) -> list[OrganisationState]:
        """The organisations marked in cell (x, y), with the state a class can read from them."""
        from cogov.sim.organisations import GridWorker, OwnersCommittee

        model = self.model
        found: list[OrganisationState] = []

        def here(agent: Any) -> bool:
            return tuple(int(v) for v in agent.cell.coordinate) == (x, y)

        by_type = model.agents_by_type
        for company in model.property_companies:
            if here(company):
                found.append(OrganisationState("property_company", {
                    "quality": company.quality, "stars": company.stars, "collection": company.collection_rate,
                    "party": company.has_party_organisation}))
        for committee in by_type.get(OwnersCommittee, []):
            if here(committee):
                found.append(OrganisationState("owners_committee", {"activeness": committee.activeness}))
        for org in model.social_organisations:
            if here(org):
                found.append(OrganisationState("social_organisation", {"cases": org.cases,
                                                                       "evaluation": org.evaluation}))
        for unit in model.co_building_units:
            if here(unit):
                found.append(OrganisationState("co_building_unit", {"commitment": unit.commitment,
                                                                    "engaged": unit.engaged}))
        for worker in by_type.get(GridWorker, []):
            if here(worker):
                found.append(OrganisationState("grid_worker", {"grid": worker.grid_id}))
        return found

    def inspection_lines(self, inspection: Inspection | None = None, lang: str | None = None) -> list[str]:
        """The inspected building's state in words, a line each (title first)."""
        lang = lang or self.lang
        item = inspection if inspection is not None else self.frame.inspection
        if item is None:
            return []
        lines = [text("inspect_title", lang, building=item.building + 1, compound=item.compound + 1,
                      grid=item.grid + 1),
                 text("inspect_households", lang, n=item.households, satisfaction=item.satisfaction,
                      trust=item.trust)]
        if item.change is not None:
            lines.append(text("inspect_change", lang, change=item.change))
        lines.append(text("inspect_issues", lang, found=item.issues.found, agreement=item.issues.agreement,
                          stalled=item.issues.stalled, latent=item.issues.latent))
        for org in item.organisations:
            lines.append(f"{figure_text(org.kind, lang)}: {_organisation_words(org, lang)}")
        if not item.organisations:
            lines.append(text("inspect_no_org", lang))
        return lines

    # ------------------------------------------------------------------------------ monitors and exports
    def monitors(self, lang: str | None = None) -> list[Monitor]:
        """A readout for every charted outcome today, in the outcome's own units (the backlog with its mean
        so far, which the guide asks for), and for each of :data:`MONITOR_EXTRA`."""
        lang = lang or self.lang
        frame = self.frame
        found = []
        for metric in (*CHART_METRICS, *MONITOR_EXTRA):
            value = float(frame.metrics[metric])
            note = text("mean_so_far", lang, value=frame.mean_backlog) if metric == "backlog" else ""
            found.append(Monitor(metric, outcome(metric).label[lang], value,
                                 format_outcome(metric, value, lang, single_run=True), note))
        return found

    def export_rows(self) -> list[tuple[int, str, int, str, float]]:
        """The charts' data, tidy: (run number, run label, day, metric, value) for the current run and every
        shown earlier run, newest first."""
        rows: list[tuple[int, str, int, str, float]] = []
        with self.lock:
            series = self.model.datacollector.model_vars
            runs: list[tuple[int, str, Mapping[str, Any]]] = [(self.run_number, self.run_label(), series)]
            runs += [(run.number, self.run_label(run), run.series) for run in self.shown_runs()]
            for number, label, data in runs:
                for metric in CHART_METRICS:
                    rows += [(number, label, day, metric, float(value)) for day, value in enumerate(data[metric])]
        return rows

    def export_csv(self) -> str:
        """:meth:`export_rows` as CSV (``run,label,day,metric,value``; an undefined value, e.g. the resolution
        rate before any issue arose, is left empty)."""
        return tidy_csv(("run", "label", "day", "metric", "value"), self.export_rows())

    def export_png(self) -> bytes:
        """The current view as one PNG: the map beside the charts (two columns) and the legend of their lines,
        each run's label written out in full."""
        with self.lock:
            map_rgb = self.map_view.render()[..., :3]
            shown = self.shown_charts() or list(CHART_METRICS)
            charts = grid([self.chart_views[m].render()[..., :3] for m in shown], EXPORT_CHART_COLUMNS)
            entries = [(self.run_label(), PALETTE[0], False)]  # the current run: solid blue
            entries += [(self.run_label(run), run.colour, True) for run in self.shown_runs()]
            legend = legend_strip(entries, charts.shape[1], self.lang, dpi=self.dpi)
            return png_bytes(side_by_side([map_rgb, stack([charts, legend])]), compress_level=6)

    # ------------------------------------------------------------------------------ words
    def issues_text(self) -> str:
        """Today's open issues on the map, counted: being handled, waiting for agreement (stalled), not found."""
        counts = self.frame.issues
        return text("issues_line", self.lang, found=counts.found, agreement=counts.agreement,
                    stalled=counts.stalled, latent=counts.latent, days=self.map_view.stalemate_days)

    def changes_text(self) -> str:
        """Which levers of the running model differ from its scenario file (and which were moved during it)."""
        scenario, _, applied = self.applied
        config = self._config(scenario)
        if not applied:
            line = text("unchanged", self.lang)
        else:
            line = text("changed", self.lang, items=override_items(applied, config, self.lang))
        if self.changes:
            line += " " + ("；" if self.lang == "zh" else "; ").join(c.describe(self.lang) for c in self.changes)
        return line


def _organisation_words(org: OrganisationState, lang: str) -> str:
    """An organisation's state in a few words."""
    s = org.state
    match org.kind:
        case "property_company":
            words = text("org_company", lang, quality=s["quality"], stars=s["stars"], collection=s["collection"])
            return words + (text("org_company_party", lang) if s["party"] else "")
        case "owners_committee":
            return text("org_committee", lang, activeness=s["activeness"])
        case "social_organisation":
            evaluation = s["evaluation"]
            return text("org_social", lang, cases=s["cases"],
                        evaluation=f"{evaluation:.2f}" if math.isfinite(evaluation) else "–")
        case "co_building_unit":
            return text("org_unit", lang, commitment=s["commitment"],
                        engaged=text("yes" if s["engaged"] else "no", lang))
        case "grid_worker":
            return text("org_grid_worker", lang, grid=s["grid"] + 1)
    return ""
