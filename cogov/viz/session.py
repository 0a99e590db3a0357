"""One browser session of the classroom page: its own model, lever settings, previous run and frames.

:class:`Session` holds everything the page shows and does the work (stepping, drawing), so the Solara
page stays a thin view and the behaviour is testable without a browser. Every method takes the
session's lock: the play loop runs in a worker thread while clicks arrive on another.

Levers take effect at :meth:`Session.reset` (as NetLogo's *setup*): the model's parameters are fixed
when it is built. The run before the last reset is kept and charted as a dashed line, so a class sees
the new run against the old one, on the same seed (same community, same issues arising).

The scenario menu's value comes from the browser, so it is a key, never a path: a session loads only
the built-in scenarios and the file the server was started with (:func:`scenario_choices`). Anything
else is refused with :class:`ScenarioNotOffered` before the file system is touched, and the refusal
repeats nothing of what was sent (an error about a file would tell whether it exists, and what it holds).
"""

from __future__ import annotations

import math
import textwrap
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cogov.sim.model import CommunityModel
from cogov.sim.scenario import LoadedScenario, builtin_dir, builtin_names, load_scenario
from cogov.viz.controls import (
    CHART_METRICS,
    LEVERS_BY_PATH,
    describe_overrides,
    lever_overrides,
    lever_values,
    override_items,
    text,
)
from cogov.viz.render import ChartView, MapView, png_bytes

MAP_WIDTH_IN = 6.4
"""Width of the map figure in inches (at 100 dpi, 640 px): narrower than the print figure, so that its
text reads at the size a page column shows it."""
CHART_TEXT_SCALE = 1.4
"""Type size of the charts relative to the print figures: tick labels must read from the back of a room."""


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
class Frame:
    """What the page shows after a change: PNG images and the numbers behind the text."""

    map_png: bytes
    chart_png: bytes
    day: int
    days: int
    metrics: dict[str, float]


class Session:
    """The state of one classroom page.

    Args:
        scenario: built-in scenario name or TOML file to start with (given by the server, not a browser:
            a file is added to the scenarios this session may load).
        lang: ``en`` or ``zh`` (labels of figures; the page's own labels follow the same setting).
        seed: random seed of the model.
        dpi: resolution of the images (100: the map 640 px wide, the charts 660 px).
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
        self.loaded: LoadedScenario = self._load(self.scenario)
        self.levers: dict[str, Any] = lever_values(self.loaded.config)
        self.previous: dict[str, list[float]] | None = None
        self.previous_settings: tuple[str, int, dict[str, Any]] | None = None
        self.applied: tuple[str, int, dict[str, Any]] = (self.scenario, seed, {})
        self.model = self._build()
        self._views()

    # ------------------------------------------------------------------------------ settings
    @property
    def overrides(self) -> dict[str, Any]:
        """Levers set on the page that differ from the scenario file."""
        return lever_overrides(self.levers, self.loaded.config)

    @property
    def pending(self) -> bool:
        """The page's settings (scenario, seed, levers) differ from those of the running model."""
        return self.applied != (self.scenario, self.seed, self.overrides)

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
        return load_scenario(path)

    def set_lever(self, path: str, value: Any) -> None:
        """Set one lever (a key path of :data:`~cogov.viz.controls.LEVERS`); takes effect at reset."""
        with self.lock:
            self.levers[path] = LEVERS_BY_PATH[path].coerce(value)

    def restore_levers(self) -> None:
        """Put every lever back to the scenario file's value."""
        with self.lock:
            self.levers = lever_values(self.loaded.config)

    def set_seed(self, seed: int) -> None:
        """Random seed for the next reset."""
        with self.lock:
            self.seed = int(seed)

    def set_lang(self, lang: str) -> None:
        """Redraw the figures in ``lang``."""
        with self.lock:
            if lang != self.lang:
                self.lang = lang
                self._views()

    # ------------------------------------------------------------------------------ running
    def _build(self) -> CommunityModel:
        overrides = self.overrides
        model = CommunityModel(self.loaded, rng=self.seed, **overrides)
        self.applied = (self.scenario, self.seed, overrides)
        return model

    def _map_key(self) -> tuple[Any, ...]:
        """What the map's static part depends on: the community, the seed, the organisations drawn."""
        config = self.model.config
        return (self.lang, self.applied[1], config.community.model_dump_json(),
                config.levers.grid.full_time_workers, self.model.days)

    def _views(self, rebuild: bool = True) -> None:
        """Make the map and chart views for the current model; after a reset (``rebuild=False``)
        reuse those whose static part is unchanged (building a view takes about 0.3-0.6 s)."""
        households = self.model.config.community.households
        key = self._map_key()
        if rebuild or key != getattr(self, "_map_view_key", None):
            self.map_view = MapView(self.model, self.lang, dpi=self.dpi, width=MAP_WIDTH_IN, text_scale=1.1)
            self._map_view_key = key
        chart_key = (self.lang, self.model.days, households)
        if rebuild or chart_key != getattr(self, "_chart_view_key", None):
            self.chart_view = ChartView(CHART_METRICS, self.model.days, self.lang, previous=self.previous,
                                        households=households, dpi=self.dpi, previous_label=self._previous_text(),
                                        text_scale=CHART_TEXT_SCALE)
            self._chart_view_key = chart_key
        else:
            self.chart_view.set_previous(self.previous, self._previous_text())
        self._draw()

    def _previous_text(self) -> str:
        """Legend label of the previous run, in the current language: its scenario and changed levers."""
        if self.previous is None or self.previous_settings is None:
            return ""
        scenario, seed, applied = self.previous_settings
        what = Path(scenario).stem
        if applied:
            what += ": " + override_items(applied, self._load(scenario).config, self.lang)
        if seed != self.applied[1]:
            what += f" (seed {seed})"
        return textwrap.fill(f"{text('previous', self.lang)} — {what}", 36)

    def _draw(self) -> None:
        model = self.model
        map_png = png_bytes(self.map_view.frame(model))
        chart_png = png_bytes(self.chart_view.frame(model.datacollector.model_vars))
        self.frame = Frame(map_png, chart_png, int(model.steps), int(model.days), dict(model.metrics))

    def reset(self) -> Frame:
        """Start again with the page's settings; the run so far becomes the previous run."""
        with self.lock:
            if self.model.steps > 0:
                self.previous = {m: list(self.model.datacollector.model_vars[m]) for m in CHART_METRICS}
                self.previous_settings = self.applied
            self.model = self._build()
            self._views(rebuild=False)
            return self.frame

    def step(self, days: int = 1) -> Frame:
        """Advance up to ``days`` days (not past the horizon) and redraw."""
        with self.lock:
            for _ in range(max(1, int(days))):
                if not self.model.running:
                    break
                self.model.step()
            self._draw()
            return self.frame

    @property
    def running(self) -> bool:
        """The model has not reached its horizon."""
        return bool(self.model.running)

    def day_text(self) -> str:
        """``Day N of D`` in the page's language (with 'end of the run' at the horizon)."""
        frame = self.frame
        line = text("day", self.lang, day=frame.day, days=frame.days)
        return line if self.running else f"{line} — {text('finished', self.lang)}"

    def status_text(self) -> str:
        """Today's headline numbers in words."""
        m = self.frame.metrics
        resolution = m["resolution_rate"]  # undefined (NaN) until an issue has arisen
        return text("status", self.lang, day=self.frame.day,
                    resolution=f"{resolution:.0%}" if math.isfinite(resolution) else "–",
                    backlog=int(m["backlog"]), satisfaction=m["satisfaction_mean"], trust=m["trust_mean"],
                    volunteer=m["volunteer_share"], cost_k=m["cost_total"] / 1e3, cost_w=m["cost_total"] / 1e4)

    def changes_text(self) -> str:
        """Which levers of the running model differ from its scenario file."""
        scenario, _, applied = self.applied
        config = self.loaded.config if scenario == self.scenario else self._load(scenario).config
        return describe_overrides(applied, config, self.lang)
