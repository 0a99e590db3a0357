"""The classroom page (Solara): a community a teacher drives live.

Served by ``cogov viz`` (``solara run cogov.viz.app``). Each browser session renders :func:`Page` in its
own kernel, and :func:`Page` makes its own :class:`~cogov.viz.session.Session` (model, levers, runs, frames)
with ``use_memo``: no model lives at module level, so forty students on one server never share one.

Layout, made for a projector (1024×768, 1280×720, 1920×1080): the page fills the window and never scrolls as a
whole. A toolbar (levers panel toggle, day counter, Step / Play / Reset, run until day N, speed, a busy
indicator, About, language) sits above a collapsible lever panel (scenario, seed, runs on the charts, downloads,
levers; it scrolls on its own, so moving a lever never moves the map and charts away) and the view: a strip of
monitors (every charted outcome today, and the public cost), the map (click a building to inspect it) and the
charts, one image each, which reflow in as many columns as fit the space left (:func:`chart_grid_css`). Every
word comes from :data:`cogov.viz.controls.TEXT` in English or Chinese; the starting scenario, language and seed
come from ``cogov viz`` through ``COGOV_VIZ_SCENARIO``, ``COGOV_VIZ_LANG`` and ``COGOV_VIZ_SEED``.

Street mode: a street chosen at the end of the scenario menu shows a street instead
(:class:`~cogov.viz.street_session.StreetSession`): the same toolbar, the street's monitors, the map of its communities
on one colour scale with the followed community outlined (chosen under the map, or by a click on its map), the street's
mean and gap of one charted outcome, and the street's own levers in the panel (the whistle and the appraisal weight
from the next day, the funds' rule at Reset). The community's session keeps its run meanwhile; choosing a community
scenario goes back to it. ``cogov viz <street>`` (a built-in street or a street file, then offered beside the built-in
ones) opens the page in street mode on that street (the community's session then starts on the default scenario).
Nothing of the street is built or imported until a street is chosen.

Following Mesa's SolaraViz: play runs in a worker thread (``solara.lab.use_task``) that steps the model and
updates a reactive counter. Slower actions (Step, Reset, the language, the scenario, the map's colours, showing a
run) run in another worker thread, so the page can say it is busy meanwhile (after half a second: quicker actions
do not flash it). Levers are applied when the model is (re)built, as Mesa's ``model_params`` are at Reset, or
during the run where the model supports it (:meth:`~cogov.viz.session.Session.apply_live`).
"""

from __future__ import annotations

import math
import os
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipyvuetify
import solara
import solara.lab
import traitlets
from solara import v

from cogov.analysis.figures import PALETTE
from cogov.viz.controls import (
    CHART_METRICS,
    GROUPS,
    LANGS,
    LEVER_HELP,
    LEVERS,
    STARTED_WITH,
    STREET_LEVER_HELP,
    STREET_LEVERS,
    Lever,
    format_value,
    offered_streets,
    scenario_title,
    scenario_titles,
    text,
)
from cogov.viz.session import CHART_SIZE_IN, Run, ScenarioNotOffered, Session, marker_tag

if TYPE_CHECKING:  # the street's session is imported when a street is first chosen: the community page never pays
    from cogov.viz.street_session import StreetSession

    PageSession = Session | StreetSession
else:
    PageSession = Any

FRAME_INTERVAL_S = 0.12
"""Target time between two frames while playing (about 8 frames a second: smooth, and it leaves the
server time to answer clicks)."""
MIN_PAUSE_S = 0.03
DEFAULT_SPEED = 2
MAX_SPEED = 30
BUSY_DELAY_S = 0.4
"""The busy indicator appears only after this long (CSS), so that quick actions do not flash it."""
MAP_BELOW_PX = 112
"""Height under the map image kept for the colour menu, the issue counts and a note (px)."""
CHART_ASPECT = CHART_SIZE_IN[1] / CHART_SIZE_IN[0]
STREET_CHART_ASPECT = 5.2 / 4.4
"""Height over width of the street's chart (:data:`cogov.viz.street_session.STREET_CHART_SIZE_IN`, not imported: the
street's session is imported only when a street is chosen)."""
CHART_SLACK = 1.04
"""Room for the gaps between charts (and rounding), as a share of their height."""
CURRENT_COLOUR = PALETTE[0]
"""The current run's line on the charts."""

CSS = f"""
.cogov-page {{ display: flex; flex-direction: column; height: 100vh; overflow: hidden; background: white; }}
.cogov-toolbar {{ flex: none; display: flex; flex-wrap: wrap; align-items: center; gap: 4px 6px;
  padding: 4px 10px; border-bottom: 1px solid #ddd; background: #f7f7f7; }}
.cogov-toolbar .v-btn {{ text-transform: none; letter-spacing: 0; font-size: 1rem; }}
.cogov-day {{ font-size: 1.3rem; font-weight: 600; line-height: 1.2; min-width: 8.3em; }}
.cogov-until {{ width: 8.5em; flex: none; }}
.cogov-until .v-input {{ margin-top: 0; padding-top: 0; }}
.cogov-until .v-messages, .cogov-until .v-text-field__details {{ display: none; }}
.cogov-speed {{ width: 10em; flex: none; font-size: 0.9rem; }}
.cogov-speed .v-messages, .cogov-seed .v-messages, .cogov-lever .v-messages {{ display: none; }}
.cogov-speed .v-input {{ margin-top: 0; }}
.cogov-speed .v-input__slot {{ margin-bottom: 0; }}
.cogov-spacer {{ flex: 1 1 0; }}
.cogov-busy {{ display: flex; align-items: center; gap: 6px; font-size: 1rem; color: #1565c0; opacity: 0;
  animation: cogov-appear 0s linear {BUSY_DELAY_S}s forwards; }}
@keyframes cogov-appear {{ to {{ opacity: 1; }} }}
.cogov-error-box {{ flex: none; }}
.cogov-error {{ margin: 4px 10px; }}
.cogov-main {{ flex: 1 1 auto; min-height: 0; display: flex; }}
.cogov-panel {{ flex: none; width: 280px; overflow-y: auto; padding: 6px 12px 24px 12px; border-right: 1px solid #ddd;
  font-size: 0.95rem; }}
.cogov-panel h3 {{ font-size: 1.05rem; font-weight: 600; margin: 10px 0 2px 0; }}
.cogov-group {{ font-weight: 600; margin-top: 8px; }}
.cogov-lever .v-input--selection-controls {{ margin-top: 2px; padding-top: 0; }}
.cogov-lever .v-input__slot {{ margin-bottom: 2px; }}
.cogov-lever-menu {{ margin-top: 14px; }}
.cogov-how, .cogov-changes, .cogov-note {{ font-size: 0.95rem; color: #444; }}
.cogov-run {{ display: flex; align-items: flex-start; gap: 4px; font-size: 0.9rem; line-height: 1.25; }}
.cogov-run .v-input--selection-controls {{ margin-top: 0; padding-top: 0; }}
.cogov-run .v-messages {{ display: none; }}
.cogov-swatch {{ display: inline-block; width: 22px; height: 0; border-top: 3px dashed; margin: 0 4px 4px 0;
  vertical-align: middle; flex: none; }}
.cogov-swatch-current {{ border-top-style: solid; }}
.cogov-view {{ flex: 1 1 auto; min-width: 0; display: flex; flex-direction: column; padding: 4px 8px 0 8px; }}
.cogov-monitors {{ flex: none; display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
  gap: 2px 6px; margin-bottom: 4px; }}
.cogov-monitor.v-btn {{ height: auto !important; min-height: 28px; padding: 1px 6px !important; text-transform: none;
  letter-spacing: 0; border-bottom: 1px solid #e0e0e0; border-radius: 0; }}
.cogov-monitor .v-btn__content {{ flex-direction: row; justify-content: space-between; align-items: center;
  gap: 6px; white-space: normal; text-align: left; width: 100%; }}
.cogov-monitor-name {{ font-size: 0.8rem; line-height: 1.1; color: #37474f; }}
.cogov-monitor-value {{ font-size: 1.1rem; font-weight: 600; line-height: 1.2; color: #0d47a1; white-space: nowrap;
  text-align: right; }}
.cogov-monitor-note {{ display: block; font-size: 0.72rem; color: #607d8b; }}
.cogov-monitor-off {{ opacity: 0.55; }}
.cogov-monitor-off .cogov-monitor-value {{ color: #777; }}
.cogov-body {{ flex: 1 1 auto; min-height: 0; display: flex; gap: 10px; container-type: size; }}
.cogov-map-col {{ flex: none; display: flex; flex-direction: column; min-height: 0;
  width: min(50cqw, calc((100cqh - {MAP_BELOW_PX}px) * var(--cogov-map-aspect, 1))); }}
.cogov-map-box {{ position: relative; flex: none; }}
.cogov-map-box img {{ display: block; width: 100%; height: auto; cursor: crosshair; }}
.cogov-inspect {{ position: absolute; left: 4px; top: 4px; max-width: 62%; z-index: 3; font-size: 0.9rem;
  background: rgba(255, 255, 255, 0.94) !important; padding: 6px 8px; line-height: 1.3; }}
.cogov-below-map {{ flex: 1 1 auto; min-height: 0; overflow-y: auto; font-size: 0.92rem; padding-top: 8px; }}
.cogov-map-mode {{ max-width: 100%; }}
.cogov-street-body .cogov-map-col {{ width: min(64cqw, calc((100cqh - {MAP_BELOW_PX}px) * var(--cogov-map-aspect, 1))); }}
.cogov-street-pickers {{ display: flex; gap: 8px; }}
.cogov-street-pickers > * {{ flex: 1 1 0; min-width: 0; }}
.cogov-street-line {{ font-size: 0.92rem; line-height: 1.25; margin-top: 4px; }}
.cogov-issues {{ font-size: 0.92rem; line-height: 1.25; }}
.cogov-chart-col {{ flex: 1 1 0; min-width: 0; display: flex; flex-direction: column; min-height: 0; }}
.cogov-legend {{ flex: none; display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 0.9rem; line-height: 1.3;
  min-height: 1.4em; }}
.cogov-charts-area {{ flex: 1 1 auto; min-height: 0; overflow-y: auto; container-type: size; }}
.cogov-charts {{ display: grid; grid-template-columns: repeat(var(--cogov-chart-columns, 2), minmax(0, 1fr));
  gap: 2px; align-content: start; width: 100%; }}
.cogov-charts img, .cogov-map-box img {{ display: block !important; margin: 0 !important; }}
.cogov-charts > div, .cogov-map-box > div {{ line-height: 0; }}
.cogov-charts img {{ width: 100%; height: auto; }}
@media (max-width: 1100px) {{ .cogov-panel {{ width: 250px; }} .cogov-toolbar .v-btn {{ padding: 0 10px; }} }}
.cogov-about h3 {{ margin-top: 12px; }}
.cogov-about p {{ margin-bottom: 6px; }}
"""
"""The page's style. Sizes follow the window (no page scroll at projector sizes): the panel and the chart area
scroll inside themselves if they must; the map is as large as the height left under the monitors allows."""


def chart_columns(shown: int, ratio: float, aspect: float = CHART_ASPECT) -> int:
    """How many columns make ``shown`` charts largest in an area ``ratio`` times as tall as it is wide, all of
    them visible: with ``c`` columns a chart is ``1/c`` of the width, or less where ``ceil(shown/c)`` rows of them
    would be taller than the area (fewer columns on a tie)."""
    def width(columns: int) -> float:
        return min(1.0 / columns, ratio / (math.ceil(shown / columns) * aspect * CHART_SLACK))

    return max(range(1, shown + 1), key=lambda c: (width(c), -c))


def chart_grid_css(shown: int, aspect: float = CHART_ASPECT) -> str:
    """Container queries giving the chart grid :func:`chart_columns` columns for the chart area's shape, and a
    width that keeps all ``shown`` charts within its height: the largest charts that all fit, on any window.
    Rules run from wide areas to tall ones; a later rule (a taller area) overrides an earlier."""
    if shown <= 0:
        return ""
    rules: list[str] = []
    previous = 0
    ratio = 0.05
    while ratio < 60:
        columns = chart_columns(shown, ratio, aspect)
        if columns != previous:
            rows = math.ceil(shown / columns)
            body = (f".cogov-charts {{ --cogov-chart-columns: {columns}; "
                    f"max-width: calc(100cqh * {columns / (rows * aspect * CHART_SLACK):.4f}); }}")
            # aspect-ratio is width/height: "at most 1/ratio" is "at least ratio times as tall as wide"
            rules.append(body if not rules else f"@container (max-aspect-ratio: 1000/{round(ratio * 1000)}) {{ {body} }}")
            previous = columns
        ratio *= 1.01
    return "\n".join(rules)


def default_settings() -> tuple[str, str, int]:
    """Scenario, language and seed a new session starts with (set by ``cogov viz``)."""
    lang = os.environ.get("COGOV_VIZ_LANG", "en")
    try:
        seed = int(os.environ.get("COGOV_VIZ_SEED", "0"))
    except ValueError:
        seed = 0
    return os.environ.get(STARTED_WITH, "default"), lang if lang in LANGS else "en", seed


def lever_class(path: str) -> str:
    """CSS class of a lever's block on the page (for tests and styling): ``cogov-lever-<path>``."""
    return "cogov-lever-" + path.replace(".", "-")


class MapClick(ipyvuetify.VuetifyTemplate):
    """Reports clicks on the map image as fractions of its width and height (``picked``): an invisible element
    that listens on its container, so that it survives the image being redrawn, and measures the image itself
    (the page scales it to the window)."""

    template = traitlets.Unicode("""
<template><span class="cogov-map-click" style="display: none"></span></template>
<script>
module.exports = {
  mounted() {
    this.box = this.$el.closest('.cogov-map-box') || this.$el.parentElement;
    this.listener = (e) => {
      if (!e.target || e.target.tagName !== 'IMG') { return; }
      const r = e.target.getBoundingClientRect();
      this.picked = {x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height, at: Date.now()};
    };
    this.box.addEventListener('click', this.listener);
  },
  beforeDestroy() {
    if (this.box) { this.box.removeEventListener('click', this.listener); }
  },
};
</script>
""").tag(sync=True)
    picked = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)


@solara.component
def LeverControl(lever: Lever, value: Any, lang: str, on_value: Callable[[str, Any], None]) -> None:
    """One lever: a switch, a menu, or a slider under its label and current value."""
    with solara.Column(gap="0px", classes=["cogov-lever", lever_class(lever.path)]):
        if lever.kind == "choice":  # a menu (how a street shares its funds)
            v.Select(label=lever.label(lang), v_model=value, dense=True, hide_details=True, class_="cogov-lever-menu",
                     items=[{"text": format_value(lever, c, lang), "value": c} for c in lever.choices],
                     on_v_model=lambda chosen: on_value(lever.path, chosen))
            return
        if lever.kind == "switch":
            solara.Switch(label=lever.label(lang), value=bool(value), on_value=lambda v: on_value(lever.path, v))
            return
        solara.Text(f"{lever.label(lang)}: {format_value(lever, value, lang)}", classes=["cogov-lever-label"])
        if lever.kind == "int":
            solara.SliderInt("", value=int(value), min=int(lever.min), max=int(lever.max), step=int(lever.step),
                             on_value=lambda v: on_value(lever.path, v), thumb_label=False)
        else:
            solara.SliderFloat("", value=float(value), min=lever.min, max=lever.max, step=lever.step,
                               on_value=lambda v: on_value(lever.path, v), thumb_label=False)


@solara.component
def DayCounter(session: PageSession, tick: solara.Reactive[int]) -> None:
    """``Day N of D``; re-rendered on every frame (reads ``tick``), unlike the rest of the page."""
    _ = tick.value
    solara.Text(session.day_text(), classes=["cogov-day"])


@solara.component
def Monitors(session: PageSession, tick: solara.Reactive[int], on_toggle: Callable[[str], None] | None) -> None:
    """A readout for every charted outcome (and the public cost), or the street's; clicking one shows or hides its
    chart (``on_toggle`` None: the readouts toggle nothing, as in street mode)."""
    _ = tick.value
    with solara.Div(classes=["cogov-monitors"]):
        for monitor in session.monitors():
            charted = on_toggle is not None and monitor.metric in CHART_METRICS
            classes = ["cogov-monitor", f"cogov-monitor-{monitor.metric}"]
            if charted and monitor.metric in session.hidden:
                classes.append("cogov-monitor-off")
            # a readout without a chart (the public cost) is a button that does nothing, to look like the others
            with solara.Button(classes=classes, text=True,
                               on_click=(lambda m=monitor.metric: on_toggle(m)) if on_toggle and charted else None):
                with solara.Div(classes=["cogov-monitor-name"]):
                    solara.Text(monitor.name)
                    if monitor.note:
                        solara.Text(monitor.note, classes=["cogov-monitor-note"])
                solara.Text(monitor.text, classes=["cogov-monitor-value"])


@solara.component
def MapPanel(session: PageSession, tick: solara.Reactive[int], on_pick: Callable[[Any], None],
             on_close: Callable[[], None]) -> None:
    """The community map (click a building to inspect it), with the inspected building's state over it; or the
    street's map (click a community's map to follow it)."""
    _ = tick.value
    frame = session.frame
    with solara.Div(classes=["cogov-map-box"]):
        solara.Image(frame.map_png, classes=["cogov-map"])
        MapClick.element(on_picked=lambda picked: on_pick(picked) if picked else None)
        lines = session.inspection_lines()
        if lines:
            with solara.Card(classes=["cogov-inspect"], elevation=3):
                solara.Text(lines[0], style={"font-weight": "600"})
                for line in lines[1:]:
                    solara.Div(children=[line])
                solara.Button(text("close", session.lang), on_click=on_close, text=True, small=True,
                              color="primary", classes=["cogov-inspect-close"])


@solara.component
def MapFacts(session: Session, tick: solara.Reactive[int]) -> None:
    """The open issues counted (what the map's dots are) and a note on the map's colours."""
    _ = tick.value
    solara.Text(session.issues_text(), classes=["cogov-issues"])
    if session.frame.map_note:
        solara.Div(children=[session.frame.map_note], classes=["cogov-note", "cogov-map-note"])


@solara.component
def Charts(session: PageSession, tick: solara.Reactive[int]) -> None:
    """The charts, one image per shown outcome (the street's one), in a grid whose columns follow the space
    (:func:`chart_grid_css`)."""
    _ = tick.value
    pngs = session.frame.chart_pngs
    with solara.Div(classes=["cogov-charts-area"]), solara.Div(classes=["cogov-charts"]):
        for metric in session.shown_charts():
            if metric in pngs:
                solara.Image(pngs[metric], classes=["cogov-chart", f"cogov-chart-{metric}"])


@solara.component
def StreetPickers(street: StreetSession, lang: str, on_community: Callable[[Any], None],
                  on_metric: Callable[[Any], None]) -> None:
    """Under the street's map: the community to follow and the outcome charted, two menus side by side."""
    with solara.Div(classes=["cogov-street-pickers"]):
        v.Select(label=text("street_community", lang), v_model=street.selected, dense=True, hide_details=True,
                 items=[{"text": name, "value": k} for k, name in enumerate(street.names)],
                 on_v_model=on_community, class_="cogov-street-community")
        v.Select(label=text("street_metric", lang), v_model=street.metric, dense=True, hide_details=True,
                 items=[{"text": name, "value": metric} for metric, name in street.metric_choices(lang)],
                 on_v_model=on_metric, class_="cogov-street-metric")


@solara.component
def StreetFacts(street: StreetSession, tick: solara.Reactive[int]) -> None:
    """The followed community in a line (its households, its funds this year) and how to follow another."""
    _ = tick.value
    solara.Text(street.community_line(), classes=["cogov-street-line"])
    solara.Div(children=[text("street_map_hint", street.lang)], classes=["cogov-note"])


def _swatch(colour: str, current: bool = False) -> Any:
    classes = ["cogov-swatch"] + (["cogov-swatch-current"] if current else [])
    return solara.Div(classes=classes, style={"border-top-color": colour})


@solara.component
def AboutDialog(open_: solara.Reactive[bool], lang: str) -> None:
    """What the model is, how to read the page, and what each lever does through which mechanism (an Info tab)."""
    with (v.Dialog(v_model=open_.value, on_v_model=open_.set, max_width="960px", scrollable=True),
          solara.Card(text("about_title", lang), classes=["cogov-about"])):
        with solara.Div(style={"max-height": "70vh", "overflow-y": "auto"}):
            solara.Div(children=[text("about_intro", lang)], classes=["cogov-about-intro"])
            solara.Div(children=[text("about_reading", lang)], style={"margin-top": "8px"})
            solara.Div(children=[text("about_levers", lang)], style={"font-weight": "600", "margin-top": "12px"})
            for group, heading in GROUPS.items():
                solara.Div(children=[heading[lang]], classes=["cogov-group"])
                for lever in LEVERS:
                    if lever.group == group:
                        with solara.Div(classes=["cogov-about-lever"], style={"margin": "2px 0 4px 0"}):
                            solara.Text(lever.name(lang), style={"font-weight": "600"})
                            solara.Text(" — " + LEVER_HELP[lever.path][lang])
            solara.Div(children=[text("about_street", lang)], classes=["cogov-group", "cogov-about-street"])
            solara.Div(children=[text("street_how", lang)])
            for lever in STREET_LEVERS:
                with solara.Div(classes=["cogov-about-lever"], style={"margin": "2px 0 4px 0"}):
                    solara.Text(lever.name(lang), style={"font-weight": "600"})
                    solara.Text(" — " + STREET_LEVER_HELP[lever.path][lang])
            solara.Div(children=[text("about_built", lang)], classes=["cogov-note"], style={"margin-top": "10px"})
        solara.Button(text("close", lang), on_click=lambda: open_.set(False), color="primary", text=True,
                      classes=["cogov-about-close"])


def _street_session(street: str, lang: str, seed: int) -> StreetSession:
    """A street's session (its module imported only when a street is shown)."""
    from cogov.viz.street_session import StreetSession

    return StreetSession(street, lang, seed)


@solara.component
def Page() -> None:
    """The classroom page of one browser session.

    Two reactive counters split the work: ``tick`` changes with every frame and is read only by the
    small live components (day, monitors, map, charts); ``version`` changes with settings, buttons and the
    end of a run, and re-renders the whole page (rare). ``busy`` names the slow action under way, if any.

    Street mode: choosing a street in the scenario menu shows a :class:`~cogov.viz.street_session.StreetSession`
    (made the first time, kept after) instead of the community's session, which keeps its run meanwhile; choosing a
    community scenario goes back to it. The toolbar drives whichever is shown (``active``).
    """
    scenario0, lang0, seed0 = default_settings()
    lang = solara.use_reactive(lang0)
    on_street = scenario0 in offered_streets()  # cogov viz named a street: the page opens in street mode on it
    session: Session = solara.use_memo(lambda: Session("default" if on_street else scenario0, lang0, seed0), [])
    first_street = solara.use_memo(lambda: _street_session(scenario0, lang0, seed0) if on_street else None, [])
    street_ref = solara.use_ref(first_street)
    street_on = solara.use_reactive(on_street)
    tick = solara.use_reactive(0)
    version = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    error = solara.use_reactive("")
    busy = solara.use_reactive("")
    panel_open = solara.use_reactive(True)
    about_open = solara.use_reactive(False)
    job = solara.use_ref(None)
    l = lang.value
    _ = version.value

    def current() -> PageSession:
        """The session shown now (read when called: the play loop and the slow actions run later, in threads)."""
        street = street_ref.current
        return street if street_on.value and street is not None else session

    active = current()
    street: StreetSession | None = active if active is not session else None

    def refresh() -> None:
        tick.value = tick.value + 1
        version.value = version.value + 1

    def guarded(action: Callable[[], Any]) -> None:
        """Run a click's action; show a failure on the page instead of losing it in the server log."""
        try:
            action()
            error.value = ""
        except ScenarioNotOffered:  # a value no menu item has: a forged message, not a model error
            error.value = text("not_offered", lang.value)
        except Exception as exc:  # noqa: BLE001 - anything a lever combination might raise
            traceback.print_exc()
            error.value = text("error", lang.value, error=exc)
        refresh()

    def run_job() -> None:
        action = job.current
        job.current = None
        try:
            if action is not None:
                guarded(action)
        finally:
            busy.value = ""

    worker = solara.lab.use_task(run_job, dependencies=None, prefer_threaded=True)

    def slow(label: str, action: Callable[[], Any]) -> None:
        """Run ``action`` in the worker thread, the page saying ``label`` meanwhile; one at a time (a click
        while another action runs is dropped: its buttons are disabled then anyway)."""
        if busy.value:
            return
        job.current = action
        busy.value = text(label, l)
        worker()

    def play_loop() -> None:
        shown = current()
        while playing.value:
            started = time.perf_counter()
            if not shown.running:
                playing.value = False
                version.value = version.value + 1
                break
            if not shown.advance(speed.value):  # the horizon, or the day to run until
                playing.value = False
                refresh()
                break
            tick.value = tick.value + 1
            time.sleep(max(MIN_PAUSE_S, FRAME_INTERVAL_S - (time.perf_counter() - started)))

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def do_play_pause() -> None:
        playing.value = not playing.value and current().running

    def do_reset() -> None:
        playing.value = False
        slow("busy_reset", lambda: current().reset())

    def toggle_lang() -> None:
        new = "zh" if l == "en" else "en"

        def switch() -> None:
            current().set_lang(new)  # the session not shown takes the language when it is shown again
            lang.value = new

        slow("busy_lang", switch)

    def set_lever(path: str, value: Any) -> None:
        if street is not None:  # the whistle and the weight from the next day; the funds' rule at Reset
            guarded(lambda: street.apply_live(path, value))
        else:
            guarded(lambda: session.apply_live(path, value))

    def show_street(name: str) -> None:
        """Street mode on ``name`` (a street the menu offers), in the page's language, stopping where the shown
        session stops; the street's session is made the first time."""
        from cogov.viz.street_session import StreetSession

        before = current()
        shown = street_ref.current
        if shown is None:
            shown = StreetSession(name, lang.value, before.seed)
            street_ref.current = shown
        else:
            shown.set_lang(lang.value)
            shown.show(name)
        shown.set_until(before.until)
        street_on.value = True

    def show_community(name: str) -> None:
        """Back from street mode to the community's session (as it was), ``name`` chosen in it (for the next Reset,
        as always)."""
        before = current()
        session.set_lang(lang.value)
        session.set_until(before.until)
        session.set_scenario(name)
        street_on.value = False

    def set_scenario(name: Any) -> None:
        if not name:
            return
        if isinstance(name, str) and name in offered_streets():
            playing.value = False
            slow("busy_street", lambda: show_street(name))
            return
        if not isinstance(name, str) or name not in session.choices:
            # a value no menu item has (a forged message): refused at once, before any thread or file
            guarded(lambda: session.set_scenario(name))
            return
        error.value = ""
        if street is not None:
            playing.value = False
            slow("busy_back", lambda: show_community(name))
        else:
            slow("busy_scenario", lambda: session.set_scenario(name))

    def set_until(day: int | None) -> None:
        guarded(lambda: current().set_until(day))

    def pick(picked: Any) -> None:
        """A click on the map (fractions of the image); anything else a browser might send is ignored."""
        try:
            x, y = float(picked["x"]), float(picked["y"])
        except (TypeError, KeyError, ValueError):
            return
        if math.isfinite(x) and math.isfinite(y):
            guarded(lambda: current().select_at(x, y))

    busy_now = bool(busy.value)
    chart_css = chart_grid_css(1, STREET_CHART_ASPECT) if street is not None else chart_grid_css(
        len(session.shown_charts()))
    solara.Style(CSS + "\n" + chart_css)
    solara.Title(text("title", l))
    map_aspect = active.map_view.canvas.get_width_height()
    with solara.Div(classes=["cogov-page"], style={"--cogov-map-aspect": f"{map_aspect[0] / map_aspect[1]:.4f}"}):
        # ---------------------------------------------------------------- toolbar
        with solara.Div(classes=["cogov-toolbar"]):
            solara.Button(text("levers_toggle", l), icon_name="mdi-tune", color="primary",
                          on_click=lambda: panel_open.set(not panel_open.value), outlined=not panel_open.value,
                          depressed=panel_open.value, classes=["cogov-panel-toggle"])
            DayCounter(active, tick)
            solara.Button(text("step", l), on_click=lambda: slow("busy_step", lambda: current().step(speed.value)),
                          color="primary", disabled=playing.value or not active.running or busy_now,
                          classes=["cogov-step"])
            solara.Button(text("pause" if playing.value else "play", l), on_click=do_play_pause, color="primary",
                          disabled=not (active.running or playing.value) or busy_now, classes=["cogov-play"])
            solara.Button(text("reset", l), on_click=do_reset, color="warning" if active.pending else "primary",
                          disabled=busy_now, classes=["cogov-reset"])
            solara.InputInt(text("until", l), value=active.until, optional=True, on_value=set_until,
                            continuous_update=False, classes=["cogov-until"])
            with solara.Div(classes=["cogov-speed"]):
                solara.Text(f"{text('speed', l)}: {speed.value}", classes=["cogov-lever-label"])
                solara.SliderInt("", value=speed, min=1, max=MAX_SPEED, thumb_label=False)
            with solara.Div(classes=["cogov-busy-box"]):  # always there: the toolbar's widgets stay as they are
                if busy_now:
                    with solara.Div(classes=["cogov-busy"]):
                        v.ProgressCircular(indeterminate=True, size=22, width=3, color="primary")
                        solara.Text(busy.value)
            solara.Div(classes=["cogov-spacer"])
            solara.Button(text("about", l), icon_name="mdi-information-outline", on_click=lambda: about_open.set(True),
                          outlined=True, color="primary", classes=["cogov-about-button"])
            solara.Button(text("language", l), on_click=toggle_lang, outlined=True, color="primary",
                          disabled=busy_now, classes=["cogov-lang"])
        # Conditional parts sit inside containers that are always there: an element appearing before others
        # would make Solara rebuild every widget after it (the map and charts included, sent anew)
        with solara.Div(classes=["cogov-error-box"]):
            if error.value:
                solara.Error(error.value, dense=True, classes=["cogov-error"])
        with solara.Div(classes=["cogov-main"]):
            # ---------------------------------------------------------------- lever panel (hidden, not removed)
            with solara.Div(classes=["cogov-panel"], style=None if panel_open.value else {"display": "none"}):
                solara.Text(text("street_how" if street is not None else "how", l), classes=["cogov-how"])
                with solara.Div(classes=["cogov-pending-box"]):
                    if active.pending:
                        solara.Warning(text("pending", l), dense=True, classes=["cogov-pending"])
                solara.Div(children=[active.changes_text()], classes=["cogov-changes"])
                v.Html(tag="h3", children=[text("settings", l)])
                titles = scenario_titles()
                items = [{"text": scenario_title(name, l), "value": name} for name in titles]
                # the file the teacher started with (the session's other choices: nothing else can be loaded)
                items[:0] = [{"text": scenario_title(key, l), "value": key}
                             for key in session.choices if key not in titles]
                # the streets last, under a heading (the menu's other items are single communities)
                items += [{"divider": True}, {"header": text("streets_header", l)}]
                items += [{"text": scenario_title(key, l), "value": key} for key in offered_streets()]
                v.Select(label=text("scenario", l), items=items, v_model=active.scenario,
                         on_v_model=set_scenario, dense=True, hide_details=True, class_="cogov-scenario")
                with solara.Column(gap="0px", classes=["cogov-seed"]):
                    solara.Text(f"{text('seed', l)}: {active.seed}", classes=["cogov-lever-label"])
                    solara.SliderInt("", value=active.seed, min=0, max=99, thumb_label=False,
                                     on_value=lambda s: guarded(lambda: current().set_seed(s)))
                if street is not None:  # no runs kept in street mode: say so where they would be
                    solara.Div(children=[text("street_off", l)], classes=["cogov-note", "cogov-street-off"])
                else:
                    v.Html(tag="h3", children=[text("runs", l)])
                    RunList(session, session.history, l,
                            lambda n, shown: slow("busy_runs", lambda: session.set_shown(n, shown)))
                with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
                    if street is not None:
                        solara.FileDownload(street.export_csv, filename="cogov-street.csv",
                                            label=text("street_export_csv", l), mime_type="text/csv")
                        solara.FileDownload(street.export_png, filename="cogov-street-view.png",
                                            label=text("export_png", l), mime_type="image/png")
                    else:
                        solara.FileDownload(session.export_csv, filename="cogov-runs.csv",
                                            label=text("export_csv", l), mime_type="text/csv")
                        solara.FileDownload(session.export_png, filename="cogov-view.png",
                                            label=text("export_png", l), mime_type="image/png")
                if street is not None:
                    v.Html(tag="h3", children=[text("street_levers", l)])
                    for lever in STREET_LEVERS:
                        LeverControl(lever, street.levers[lever.path], l, set_lever)
                else:
                    v.Html(tag="h3", children=[text("levers", l)])
                    for group, heading in GROUPS.items():
                        solara.Text(heading[l], classes=["cogov-group"])
                        for lever in LEVERS:
                            if lever.group == group:
                                LeverControl(lever, session.levers[lever.path], l, set_lever)
                solara.Button(text("scenario_values", l), text=True, color="primary",
                              on_click=lambda: slow("busy_levers", lambda: current().restore_levers()))
            # ---------------------------------------------------------------- the view
            with solara.Div(classes=["cogov-view"]):
                Monitors(active, tick, None if street is not None else (
                    lambda m: slow("busy_runs", lambda: session.set_chart_shown(m, m in session.hidden))))
                with solara.Div(classes=["cogov-body"] + (["cogov-street-body"] if street is not None else [])):
                    with solara.Div(classes=["cogov-map-col"]):
                        MapPanel(active, tick, pick, lambda: guarded(lambda: session.select_building(None)))
                        with solara.Div(classes=["cogov-below-map"]):
                            if street is not None:
                                StreetPickers(street, l, lambda k: slow("busy_community",
                                                                        lambda: street.select_community(k)),
                                              lambda m: slow("busy_runs", lambda: street.set_metric(m)))
                                StreetFacts(street, tick)
                            else:
                                v.Select(label=text("map_colours", l),
                                         items=[{"text": label, "value": value}
                                                for value, label in session.map_modes(l)],
                                         v_model=session.map_mode, dense=True, hide_details=True,
                                         class_="cogov-map-mode",
                                         on_v_model=lambda mode: slow("busy_map", lambda: session.set_map_mode(mode)))
                                MapFacts(session, tick)
                    with solara.Div(classes=["cogov-chart-col"]):
                        with solara.Div(classes=["cogov-legend"]):
                            if street is not None:
                                solara.Text(street.run_label(), classes=["cogov-legend-current"])
                                for number, marker in enumerate(street.markers(l), start=1):
                                    solara.Text(f"{marker_tag(number)} {marker.label}",
                                                classes=["cogov-legend-marker"])
                            else:
                                with solara.Div(classes=["cogov-legend-item"]):
                                    _swatch(CURRENT_COLOUR, current=True)
                                    solara.Text(session.run_label(), classes=["cogov-legend-current"])
                                for run in session.shown_runs():
                                    with solara.Div(classes=["cogov-legend-item"]):
                                        _swatch(run.colour)
                                        solara.Text(text("run_n", l, n=run.number))
                                for number, marker in enumerate(session.frame.markers, start=1):
                                    solara.Text(f"{marker_tag(number)} {marker.label}",
                                                classes=["cogov-legend-marker"])
                        Charts(active, tick)
        AboutDialog(about_open, l)


@solara.component
def RunList(session: Session, history: tuple[Run, ...], lang: str, on_shown: Callable[[int, bool], None]) -> None:
    """The earlier runs kept (``history``, passed so that a new or hidden run renders the list anew), newest
    first: shown or hidden on the charts, each labelled in full."""
    if not history:
        solara.Text(text("runs_none", lang), classes=["cogov-note"])
        return
    for run in reversed(history):
        with solara.Div(classes=["cogov-run", f"cogov-run-{run.number}"]):
            v.Checkbox(v_model=run.shown, on_v_model=lambda shown, n=run.number: on_shown(n, bool(shown)),
                       dense=True, hide_details=True, class_="cogov-run-shown")
            _swatch(run.colour)
            solara.Text(session.run_label(run, lang), classes=["cogov-run-label"])

