"""The classroom page (Solara): a community a teacher drives live.

Served by ``cogov viz`` (``solara run cogov.viz.app``). Each browser session renders :func:`Page` in its
own kernel, and :func:`Page` makes its own :class:`~cogov.viz.session.Session` (model, levers, frames)
with ``use_memo``: no model lives at module level, so forty students on one server never share one.

Layout: an app bar (title), then three columns: controls (language switch, day counter, Step / Play /
Reset, speed, seed, scenario, levers), the community map, the charts. Controls and charts speak
English or Chinese (:data:`cogov.viz.controls.TEXT`); the starting scenario, language and seed come
from ``cogov viz`` through ``COGOV_VIZ_SCENARIO``, ``COGOV_VIZ_LANG`` and ``COGOV_VIZ_SEED``.

Following Mesa's SolaraViz: play runs in a worker thread (``solara.lab.use_task``) that steps the model
and updates a reactive counter; levers are applied when the model is (re)built, as Mesa's
``model_params`` are at Reset.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable
from typing import Any

import solara
import solara.lab

from cogov.viz.controls import GROUPS, LANGS, LEVERS, Lever, format_value, scenario_title, scenario_titles, text
from cogov.viz.session import ScenarioNotOffered, Session

FRAME_INTERVAL_S = 0.12
"""Target time between two frames while playing (about 8 frames a second: smooth, and it leaves the
server time to answer clicks)."""
MIN_PAUSE_S = 0.03
DEFAULT_SPEED = 2
MAX_SPEED = 30

CSS = """
.cogov-day { font-size: 1.7rem; font-weight: 600; line-height: 1.3; }
.cogov-status { font-size: 1.15rem; }
.cogov-changes, .cogov-how { font-size: 1.0rem; color: #444; }
.cogov-controls .v-label, .cogov-controls .v-input { font-size: 1.0rem; }
.cogov-group { font-weight: 600; margin-top: 10px; }
.cogov-lever .v-input--selection-controls { margin-top: 2px; padding-top: 0; }
.cogov-lever .v-messages, .cogov-speed .v-messages, .cogov-seed .v-messages { display: none; }
.cogov-lever .v-input__slot { margin-bottom: 2px; }
.cogov-map img, img.cogov-map, img.cogov-charts { max-width: 100%; height: auto; }
"""


def default_settings() -> tuple[str, str, int]:
    """Scenario, language and seed a new session starts with (set by ``cogov viz``)."""
    lang = os.environ.get("COGOV_VIZ_LANG", "en")
    try:
        seed = int(os.environ.get("COGOV_VIZ_SEED", "0"))
    except ValueError:
        seed = 0
    return os.environ.get("COGOV_VIZ_SCENARIO", "default"), lang if lang in LANGS else "en", seed


def lever_class(path: str) -> str:
    """CSS class of a lever's block on the page (for tests and styling): ``cogov-lever-<path>``."""
    return "cogov-lever-" + path.replace(".", "-")


@solara.component
def LeverControl(lever: Lever, value: Any, lang: str, on_value: Callable[[str, Any], None]) -> None:
    """One lever: a switch, or a slider under its label and current value."""
    with solara.Column(gap="0px", classes=["cogov-lever", lever_class(lever.path)]):
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
def DayCounter(session: Session, tick: solara.Reactive[int]) -> None:
    """``Day N of D``; re-rendered on every frame (reads ``tick``), unlike the rest of the page."""
    _ = tick.value
    solara.Text(session.day_text(), classes=["cogov-day"])


@solara.component
def MapImage(session: Session, tick: solara.Reactive[int]) -> None:
    """The community map and today's headline numbers; re-rendered on every frame."""
    _ = tick.value
    solara.Image(session.frame.map_png, width="100%", classes=["cogov-map"])
    solara.Text(session.status_text(), classes=["cogov-status"])


@solara.component
def ChartImage(session: Session, tick: solara.Reactive[int]) -> None:
    """The charts; re-rendered on every frame."""
    _ = tick.value
    solara.Image(session.frame.chart_png, width="100%", classes=["cogov-charts"])


@solara.component
def Page() -> None:
    """The classroom page of one browser session.

    Two reactive counters split the work: ``tick`` changes with every frame and is read only by the
    small live components (day, map, charts); ``version`` changes with settings, buttons and the
    end of a run, and re-renders the whole page (rare).
    """
    scenario0, lang0, seed0 = default_settings()
    lang = solara.use_reactive(lang0)
    session: Session = solara.use_memo(lambda: Session(scenario0, lang0, seed0), [])
    tick = solara.use_reactive(0)
    version = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    error = solara.use_reactive("")
    l = lang.value
    _ = version.value

    def refresh() -> None:
        tick.value = tick.value + 1
        version.value = version.value + 1

    def guarded(action: Callable[[], Any]) -> None:
        """Run a click's action; show a failure on the page instead of losing it in the server log."""
        try:
            action()
            error.value = ""
        except ScenarioNotOffered:  # a value no menu item has: a forged message, not a model error
            error.value = text("not_offered", l)
        except Exception as exc:  # noqa: BLE001 - anything a lever combination might raise
            traceback.print_exc()
            error.value = text("error", l, error=exc)
        refresh()

    def play_loop() -> None:
        while playing.value:
            started = time.perf_counter()
            if not session.running:
                playing.value = False
                version.value = version.value + 1
                break
            session.step(speed.value)
            tick.value = tick.value + 1
            time.sleep(max(MIN_PAUSE_S, FRAME_INTERVAL_S - (time.perf_counter() - started)))

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def do_step() -> None:
        guarded(lambda: session.step(speed.value))

    def do_play_pause() -> None:
        playing.value = not playing.value and session.running

    def do_reset() -> None:
        playing.value = False
        guarded(session.reset)

    def toggle_lang() -> None:
        new = "zh" if l == "en" else "en"
        guarded(lambda: session.set_lang(new))
        lang.value = new

    def set_lever(path: str, value: Any) -> None:
        guarded(lambda: session.set_lever(path, value))

    def set_scenario(name: str) -> None:
        if name:
            guarded(lambda: session.set_scenario(name))

    solara.Style(CSS)
    solara.Title(text("title", l))
    solara.AppBarTitle(text("title", l))

    with solara.Columns([3, 5, 5], gutters_dense=True):
        with solara.Column(classes=["cogov-controls"]):
            # the language switch sits in the page, not the app bar: Solara only fills the app bar
            # inside its app layout, and the teacher looks here anyway
            solara.Button(text("language", l), on_click=toggle_lang, outlined=True, color="primary",
                          classes=["cogov-lang"], style={"font-size": "1.05rem"})
            with solara.Card(text("run", l)):
                DayCounter(session, tick)
                with solara.Row(gap="8px"):
                    solara.Button(text("step", l), on_click=do_step, color="primary",
                                  disabled=playing.value or not session.running)
                    solara.Button(text("pause" if playing.value else "play", l), on_click=do_play_pause,
                                  color="primary", disabled=not (session.running or playing.value))
                    solara.Button(text("reset", l), on_click=do_reset,
                                  color="warning" if session.pending else "primary")
                with solara.Column(gap="0px", classes=["cogov-speed"]):
                    solara.Text(f"{text('speed', l)}: {speed.value}", classes=["cogov-lever-label"])
                    solara.SliderInt("", value=speed, min=1, max=MAX_SPEED, thumb_label=False)
                with solara.Column(gap="0px", classes=["cogov-seed"]):
                    solara.Text(f"{text('seed', l)}: {session.seed}", classes=["cogov-lever-label"])
                    solara.SliderInt("", value=session.seed, min=0, max=99, thumb_label=False,
                                     on_value=lambda v: guarded(lambda: session.set_seed(v)))
                if session.pending:
                    solara.Warning(text("pending", l), dense=True, classes=["cogov-pending"])
                if error.value:
                    solara.Error(error.value, dense=True, classes=["cogov-error"])
            with solara.Card(text("scenario", l)):
                titles = scenario_titles()
                items = [{"text": scenario_title(name, l), "value": name} for name in titles]
                # the file the teacher started with (the session's other choices: nothing else can be loaded)
                items[:0] = [{"text": scenario_title(key, l), "value": key}
                             for key in session.choices if key not in titles]
                solara.v.Select(label=text("scenario", l), items=items, v_model=session.scenario,
                                on_v_model=set_scenario, dense=True, hide_details=True, class_="cogov-scenario")
            with solara.Card(text("levers", l)):
                for group, heading in GROUPS.items():
                    solara.Text(heading[l], classes=["cogov-group"])
                    for lever in LEVERS:
                        if lever.group == group:
                            LeverControl(lever, session.levers[lever.path], l, set_lever)
                solara.Button(text("scenario_values", l), on_click=lambda: guarded(session.restore_levers),
                              text=True, color="primary")
        with solara.Column():
            MapImage(session, tick)
        with solara.Column():
            ChartImage(session, tick)
            solara.Text(session.changes_text(), classes=["cogov-changes"])
            solara.Text(text("how", l), classes=["cogov-how"])
