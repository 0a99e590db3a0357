"""Classroom page without a browser: levers map to real parameters and reach the model, each session
has its own model, labels exist in both languages, the fast redraws match fresh drawings, the monitors and
issue counts equal the model's, earlier runs are kept, labelled, shown or hidden and exported, a run stops
exactly on the day asked, the map compares with an earlier run and a click inspects a building, levers moved
during a run reach a model that can take them (and wait for Reset otherwise), the page renders server-side and
its buttons work, the offline asset cache fills from a registry, and ``cogov animate`` writes the frames and
provenance it should."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from cogov.analysis.figures import cjk_font
from cogov.sim.model import CommunityModel
from cogov.sim.scenario import apply_overrides, builtin_names, load_scenario, parameter_paths
from cogov.viz import assets
from cogov.viz.controls import (
    CHART_METRICS,
    LEVERS,
    LEVERS_BY_PATH,
    TEXT,
    lever_overrides,
    lever_values,
    scenario_titles,
)

HAS_CJK = cjk_font() is not None
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TINY = """extends = "default"
[meta]
name = "tiny"
[simulation]
days = {days}
[community]
households = 300
households_per_compound = 60
households_per_grid = 100
"""


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A 300-household community over 30 days (fast to build and run)."""
    path = tmp_path / "tiny.toml"
    path.write_text(TINY.format(days=30), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------- controls
def test_levers_are_real_parameters_and_their_ranges_are_allowed():
    paths = set(parameter_paths())
    config = load_scenario("default").config
    for lever in LEVERS:
        assert lever.path in paths, lever.path
        if lever.kind != "switch":
            for end in (lever.min, lever.max):  # both ends pass the scenario format's validation
                changed = apply_overrides(config, {lever.path: lever.coerce(end)})
                assert lever_values(changed)[lever.path] == pytest.approx(end)
    required = {"levers.funding.annual_cny", "levers.cross_appointment.party_owners_committee",
                "levers.cross_appointment.party_property", "levers.cross_appointment.big_party_committee",
                "levers.volunteer_incentives.points_per_hour", "levers.volunteer_incentives.employer_feedback",
                "levers.grid.full_time_workers", "levers.burden.admin_share"}
    assert required <= set(LEVERS_BY_PATH)  # the issue's list: funding, each link, points, feedback, grid, burden


def test_labels_exist_in_both_languages():
    for lever in LEVERS:
        en, zh = lever.label("en"), lever.label("zh")
        assert en and en != lever.path and not _has_cjk(en)
        assert _has_cjk(zh), lever.path
    assert len({lever.label("zh") for lever in LEVERS}) == len(LEVERS)  # no two controls share a label
    for key, entry in TEXT.items():
        assert set(entry) == {"en", "zh"}, key
        assert entry["en"] != entry["zh"], key
    titles = scenario_titles()
    assert set(titles) == set(builtin_names())
    assert titles["red_property"]["en"].startswith("Red property") and _has_cjk(titles["red_property"]["zh"])


def test_lever_overrides_keep_only_changes():
    config = load_scenario("points_system").config
    values = lever_values(config)
    assert values["levers.volunteer_incentives.points_per_hour"] == 10
    assert lever_overrides(values, config) == {}
    values["levers.burden.admin_share"] = 0.8
    values["levers.cross_appointment.party_property"] = 1  # a switch reports truthy values
    assert lever_overrides(values, config) == {"levers.burden.admin_share": 0.8,
                                               "levers.cross_appointment.party_property": True}
    with pytest.raises(KeyError):
        lever_overrides({"levers.nope": 1}, config)


# ------------------------------------------------------------------------------------------- session
def test_lever_takes_effect_at_reset_and_the_model_responds():
    from cogov.viz.session import Session

    session = Session("default", seed=0)
    session.step(60)
    baseline_backlog = session.frame.metrics["backlog"]
    session.set_lever("levers.burden.admin_share", 0.9)
    assert session.pending and session.model.config.levers.burden.admin_share == 0.5  # not before reset
    session.reset()
    assert not session.pending and session.frame.day == 0
    assert session.model.config.levers.burden.admin_share == 0.9
    assert session.previous is not None and len(session.previous["backlog"]) == 61  # the earlier run is kept
    session.step(60)
    expected = CommunityModel("default", rng=0, levers__burden__admin_share=0.9)
    for _ in range(60):
        expected.step()
    assert session.frame.metrics["backlog"] == expected.metrics["backlog"]
    assert session.frame.metrics["backlog"] > baseline_backlog  # overloaded staff: a longer queue (ODD §7.2)
    assert "0.5 → 0.9" in session.changes_text()
    session.restore_levers()
    assert session.pending and session.overrides == {}


def test_each_session_has_its_own_model(tiny):
    from cogov.viz.session import Session

    first, second = Session(tiny), Session(tiny)
    assert first.model is not second.model
    first.step(5)
    assert (first.frame.day, second.frame.day) == (5, 0)
    first.set_lever("levers.grid.full_time_workers", 3)
    assert not second.pending and second.levers["levers.grid.full_time_workers"] == 1


def test_step_stops_at_the_horizon_and_says_so(tiny):
    from cogov.viz.session import Session

    session = Session(tiny, lang="en")
    assert session.day_text() == "Day 0 of 30"
    session.step(100)
    assert session.frame.day == 30 and not session.running
    assert session.day_text().endswith("end of the run")
    assert session.frame.map_png.startswith(PNG_MAGIC)
    assert set(session.frame.chart_pngs) == set(CHART_METRICS)
    assert all(png.startswith(PNG_MAGIC) for png in session.frame.chart_pngs.values())


@pytest.mark.skipif(not HAS_CJK, reason="no CJK font installed")
def test_language_switch_changes_every_text(tiny):
    from cogov.viz.session import Session

    session = Session(tiny, lang="en")
    session.step(3)
    english = (session.day_text(), session.issues_text(), session.frame.map_png)
    session.set_lang("zh")
    assert session.day_text() == "第 3 天（共 30 天）"
    assert _has_cjk(session.issues_text()) and session.issues_text() != english[1]
    assert all(_has_cjk(monitor.name) for monitor in session.monitors())
    assert session.frame.map_png != english[2]  # the figures are redrawn in Chinese
    assert session.map_view.title.get_text().startswith("各楼栋")


# ------------------------------------------------------------------------------------------- drawing
def test_map_shows_every_open_issue_where_it_is():
    from cogov.sim.issues import State
    from cogov.viz.render import MapView

    model = CommunityModel("default", rng=2)
    for _ in range(40):
        model.step()
    view = MapView(model, "en")
    table = model.issues
    states = table.state[table.open_rows]
    counts = {key: len(scatter.get_offsets()) for key, scatter in view.issues.items()}
    assert counts == {"issues_found": int((states == State.QUEUED).sum()),
                      "issues_agreement": int((states == State.AGREEMENT).sum()),
                      "issues_latent": int((states == State.LATENT).sum())}
    assert counts["issues_found"] > 0 and counts["issues_latent"] > 0
    # each dot lies in the cell of the building of the issue's household
    rows = table.open_rows[states == State.QUEUED]
    cells = model.layout.building_xy[model.households.building[table.household[rows]]]
    assert np.all(np.abs(view.issues["issues_found"].get_offsets() - cells) <= 0.36 + 1e-9)
    labels = [t.get_text() for t in view.fig.legends[0].get_texts()]
    assert any(label.startswith("Property company") for label in labels)
    # the legend counts the issues: the same numbers as the dots, and as the model's backlog and latent
    assert f"Issue not yet found: {counts['issues_latent']}" in labels
    assert f"Issue being handled: {counts['issues_found']}" in labels
    stalled = int(np.count_nonzero(table.stalemate[table.open_rows[states == State.AGREEMENT]]))
    assert f"Awaiting agreement: {counts['issues_agreement']} ({stalled} stalled)" in labels
    assert view.counts.backlog == model.metrics["backlog"] and view.counts.latent == model.metrics["latent"]


@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=pytest.mark.skipif(not HAS_CJK, reason="no CJK font"))])
@pytest.mark.parametrize("kind", ["level", "change"])
def test_map_legend_title_and_colour_bar_fit_inside_the_figure(lang, kind):
    """Nothing of the map is cut at its edges (legends were), with three-digit issue counts in the legend."""
    from cogov.viz.render import MapScale, MapView
    from cogov.viz.session import MAP_WIDTH_IN

    model = CommunityModel("default", rng=0, levers__burden__admin_share=0.9)
    for _ in range(120):
        model.step()
    view = MapView(model, lang, width=MAP_WIDTH_IN, text_scale=1.1, scale=MapScale(kind, 0.05, "Run 1"))
    view.frame(model)
    assert view.counts.found >= 100  # long labels
    renderer = view.canvas.get_renderer()
    width, height = view.canvas.get_width_height()
    parts = {"legend": view.legend, "title": view.title, "colour bar": view.image.colorbar.ax}
    for name, artist in parts.items():
        box = artist.get_tightbbox(renderer) if name == "colour bar" else artist.get_window_extent(renderer)
        assert box.x0 >= -0.5 and box.y0 >= -0.5 and box.x1 <= width + 0.5 and box.y1 <= height + 0.5, (name, box)


def test_fast_redraw_matches_a_fresh_drawing():
    """Blitting must not leave stale pixels: day 30 drawn after days 0 and 15 equals day 30 drawn anew."""
    from cogov.viz.render import ChartView, MapView

    model = CommunityModel("default", rng=1)
    view = MapView(model, "en")
    charts = ChartView(CHART_METRICS, model.days, "en")
    for day in (15, 30):
        while model.steps < day:
            model.step()
        reused, reused_chart = view.frame(model), charts.frame(model.datacollector.model_vars)
    fresh = MapView(model, "en").render()
    fresh_chart = ChartView(CHART_METRICS, model.days, "en").frame(model.datacollector.model_vars)
    assert reused.shape == fresh.shape
    assert np.mean(np.any(reused != fresh, axis=-1)) < 1e-4
    assert np.mean(np.any(reused_chart != fresh_chart, axis=-1)) < 1e-4
    assert view.full_draws == 1  # the static part was drawn once


def test_chart_limits_grow_to_hold_the_data():
    from cogov.viz.render import ChartView

    view = ChartView(["backlog", "satisfaction_mean"], 100, "en")
    assert view.axes["backlog"].get_ylim() == (0.0, 250.0)  # typical range, on a round number
    view.update({"backlog": [0, 100, 900], "satisfaction_mean": [0.6, 0.2, 0.6]})
    assert view.axes["backlog"].get_ylim()[1] >= 900
    assert view.axes["satisfaction_mean"].get_ylim()[0] <= 0.2
    previous = {"backlog": list(range(150)), "satisfaction_mean": [0.6] * 150}
    view.set_previous(previous, "previous run — test")
    assert view.axes["backlog"].get_xlim() == (0.0, 149.0)
    assert view.legend.get_texts()[1].get_text() == "previous run — test"


# ------------------------------------------------------------------------------------------- monitors and runs
def test_monitors_and_issue_counts_equal_the_models(tiny):
    """Every charted outcome has a readout, and it is the model's value, in its units; the issue counts are the
    model's backlog (found and open), latent, and the open collective issues that have stalled."""
    from cogov.analysis.wording import format_value as format_outcome
    from cogov.sim.issues import State
    from cogov.viz.session import MONITOR_EXTRA, Session

    session = Session(tiny, lang="en", seed=3)
    session.step(25)
    metrics = session.model.metrics
    monitors = {monitor.metric: monitor for monitor in session.monitors()}
    assert set(monitors) == {*CHART_METRICS, *MONITOR_EXTRA}
    for metric, monitor in monitors.items():
        assert monitor.value == metrics[metric] or (np.isnan(monitor.value) and np.isnan(metrics[metric])), metric
        assert monitor.text == format_outcome(metric, metrics[metric], "en", single_run=True)
    backlog = session.model.datacollector.model_vars["backlog"]
    assert monitors["backlog"].note == f"mean so far {np.mean(backlog):.0f}" and len(backlog) == 26  # days 0..25

    counts = session.frame.issues
    table = session.model.issues
    open_rows = table.open_rows
    agreement = open_rows[table.state[open_rows] == State.AGREEMENT]
    assert counts.backlog == metrics["backlog"] and counts.latent == metrics["latent"]
    assert counts.agreement == len(agreement) and counts.stalled == int(table.stalemate[agreement].sum())
    assert counts.found > 0 and counts.latent > 0
    assert session.issues_text().startswith(f"Open issues: {counts.found} being handled · {counts.agreement} awaiting")


def test_runs_are_kept_labelled_shown_or_hidden_and_exported(tiny):
    """Six earlier runs are kept, newest first, each labelled by scenario, changed levers and seed; a hidden run
    leaves the charts and the CSV; the CSV is tidy and holds exactly the runs' series; the view exports as a PNG."""
    import csv as csv_module

    from cogov.viz.session import HISTORY_SIZE, Session

    assert HISTORY_SIZE >= 4  # the guide's third demonstration compares four runs and the one it starts from
    session = Session(tiny, lang="en", seed=0)
    session.step(4)  # run 1: as in the scenario
    session.set_lever("levers.burden.admin_share", 0.8)
    session.reset()
    assert session.reset().day == 0 and len(session.history) == 1  # a reset before any step keeps nothing
    session.step(6)  # run 2: burden 0.8
    series_2 = {m: list(v) for m, v in session.model.datacollector.model_vars.items() if m in CHART_METRICS}
    session.set_seed(7)
    session.reset()
    session.step(3)  # run 3 (current): burden 0.8, seed 7
    labels = [session.run_label(run) for run in session.shown_runs()]
    assert labels == ["Run 2: tiny; Staff time on top-down tasks 0.5 → 0.8; seed 0",
                      "Run 1: tiny; levers as in the scenario; seed 0"]
    assert session.run_label() == "Run 3 (this run): tiny; Staff time on top-down tasks 0.5 → 0.8; seed 7"
    assert [len(view.run_lines) for view in session.chart_views.values()] == [2] * len(CHART_METRICS)
    assert session.history[1].series["backlog"] == tuple(series_2["backlog"])

    rows = list(csv_module.DictReader(io.StringIO(session.export_csv())))
    assert list(rows[0]) == ["run", "label", "day", "metric", "value"]
    assert {r["run"] for r in rows} == {"1", "2", "3"}
    mine = [r for r in rows if r["run"] == "2" and r["metric"] == "backlog"]
    assert [float(r["value"]) for r in mine] == series_2["backlog"] and [int(r["day"]) for r in mine] == list(range(7))
    assert len(rows) == len(CHART_METRICS) * (5 + 7 + 4)  # days 0..4, 0..6 and 0..3 of every charted outcome

    session.set_shown(1, False)  # hidden: off the charts and out of the export
    assert [run.number for run in session.shown_runs()] == [2]
    assert {view.runs[0].label for view in session.chart_views.values()} == {labels[0]}
    assert {r["run"] for r in csv_module.DictReader(io.StringIO(session.export_csv()))} == {"2", "3"}
    png = session.export_png()
    assert png.startswith(PNG_MAGIC)
    with Image.open(io.BytesIO(png)) as image:  # the map beside the charts
        assert image.size[0] > session.map_view.canvas.get_width_height()[0] + 600

    for _ in range(HISTORY_SIZE + 1):  # more runs than are kept: the oldest go
        session.step(1)
        session.reset()
    assert len(session.history) == HISTORY_SIZE and session.history[-1].number == session.run_number - 1
    colours = [run.colour for run in session.history]
    assert len(set(colours)) == len(colours)  # every kept run has a colour of its own


def test_run_until_stops_exactly_on_day_n_whatever_the_step(tiny):
    from cogov.viz.session import Session

    session = Session(tiny, lang="en")
    session.set_until(7)
    days, keep = [], True
    while keep:  # the play loop at 3 days per step
        keep = session.advance(3)
        days.append(session.frame.day)
    assert days == [3, 6, 7]  # no overshoot: the last chunk is cut to the day asked for
    assert session.step(3).day == 10  # from there on, on to the horizon
    session.reset()  # the day asked for stays for the next run (every run of a demonstration stops there)
    assert session.until == 7 and session.step(30).day == 7
    session.set_until(None)
    assert session.step(100).day == 30
    session.set_until(500)
    assert session.until == 30  # not past the horizon


def test_the_map_shows_each_buildings_change_from_the_previous_run(tiny):
    """Change mode: the same run again shows no change anywhere; another lever shows each building's difference
    from the earlier run on the same day; a run of another seed has other buildings' people and is not compared."""
    from cogov.analysis.figures import building_values
    from cogov.viz.render import CHANGE_REACHES
    from cogov.viz.session import Session

    session = Session(tiny, lang="en", seed=0)
    assert session.reference() is None and session.map_view.scale.kind == "level"
    session.step(10)
    first = building_values(session.model, "satisfaction")
    session.reset()
    session.step(10)  # the same run again
    assert session.reference().number == 1 and session.map_view.scale.kind == "change"
    assert np.nanmax(np.abs(session.map_view.image.get_array())) < 1e-6
    assert session.map_view.scale.reach == CHANGE_REACHES[0]
    assert session.map_view.title.get_text() == "Change in satisfaction from Run 1, day 10"

    session.set_lever("levers.burden.admin_share", 0.9)
    session.reset()
    session.step(10)
    now = building_values(session.model, "satisfaction")
    shown = session.map_view.image.get_array()
    xy = session.model.layout.building_xy
    assert np.allclose(shown[xy[:, 1], xy[:, 0]], now - first, atol=1e-6)  # the reference is run 2, same as run 1
    assert session.map_view.scale.reach >= np.nanquantile(np.abs(now - first), 0.8) - 1e-9

    session.set_map_mode("level")
    assert session.map_view.scale.kind == "level"
    assert np.allclose(session.map_view.image.get_array()[xy[:, 1], xy[:, 0]], now)
    with pytest.raises(ValueError):
        session.set_map_mode("run:99")
    session.set_map_mode("run:1")
    assert session.reference().number == 1

    session.set_seed(5)  # another community: its buildings cannot be compared with these
    session.reset()
    session.step(2)
    session.set_map_mode("previous")
    assert session.reference() is None and session.map_view.scale.kind == "level"
    assert session.frame.map_note


def test_clicking_a_building_shows_its_state(tiny):
    from cogov.sim.issues import State
    from cogov.viz.session import Session

    session = Session(tiny, lang="en", seed=1)
    session.step(12)
    model = session.model
    layout = model.layout
    building = int(np.argmax(np.bincount(model.households.building[model.issues.household[model.issues.open_rows]],
                                         minlength=layout.n_buildings)))  # the building with the most open issues
    x, y = layout.building_xy[building]
    fx, fy = session.map_view.fraction_at(x, y)
    inspection = session.select_at(fx + 0.004, fy - 0.004)  # a little off the centre: still that building
    assert inspection is not None and inspection.building == building and inspection.cell == (x, y)
    here = model.households.building == building
    assert inspection.households == int(here.sum())
    assert inspection.satisfaction == pytest.approx(float(model.households.satisfaction[here].mean()))
    assert inspection.trust == pytest.approx(float(model.households.trust[here].mean()))
    rows = model.issues.open_rows
    mine = rows[here[model.issues.household[rows]]]
    states = model.issues.state[mine]
    assert (inspection.issues.found, inspection.issues.agreement, inspection.issues.latent) == (
        int((states == State.QUEUED).sum()), int((states == State.AGREEMENT).sum()), int((states == State.LATENT).sum()))
    assert inspection.issues.found + inspection.issues.agreement + inspection.issues.latent > 0
    lines = session.inspection_lines()
    assert lines[0].startswith(f"Building {building + 1} ") and f"{inspection.satisfaction:.3f}" in lines[1]
    assert session.map_view.selection.get_visible() and session.map_view.selection.get_xy() == (x - 0.5, y - 0.5)

    company = model.property_companies[0]  # an organisation's state shows in its building
    cx, cy = (int(v) for v in company.cell.coordinate)
    inspection = session.select_at(*session.map_view.fraction_at(cx, cy))
    kinds = [org.kind for org in inspection.organisations]
    assert "property_company" in kinds
    state = inspection.organisations[kinds.index("property_company")].state
    assert state["quality"] == company.quality and state["stars"] == company.stars
    assert any(line.startswith("Property company: service quality") for line in session.inspection_lines())

    assert session.select_at(0.01, 0.99) is None  # beside the map: nothing selected
    assert not session.map_view.selection.get_visible()


class _InterveningModel(CommunityModel):
    """A model with the intervention method the model is gaining (changes at a day boundary): records calls."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.interventions: list[tuple[int, dict]] = []

    def intervene(self, changes: dict) -> None:
        self.interventions.append((int(self.steps), dict(changes)))


def test_a_lever_moved_during_a_run_changes_the_model_from_the_next_day(tiny):
    """With the model's interventions (issue 15), a lever moved on the page while a run is under way acts from the
    next day: the run is the same as one left alone up to the day it was moved and differs after, the model records
    the event, the page marks it, and the exported chart data shows it."""
    from cogov.viz.session import Session

    moved, alone = Session(tiny, lang="en"), Session(tiny, lang="en")
    for session in (moved, alone):
        session.step(10)
    assert moved.apply_live("levers.burden.admin_share", 0.9) is True
    assert [(e.day, e.key, e.old, e.new) for e in moved.model.interventions] == [
        (11, "levers.burden.admin_share", 0.5, 0.9)]
    assert moved.model.config.levers.burden.admin_share == 0.9 and not moved.pending
    for session in (moved, alone):
        session.step(10)
    a, b = (s.model.datacollector.get_model_vars_dataframe() for s in (moved, alone))
    pd.testing.assert_frame_equal(a.iloc[:11], b.iloc[:11])  # days 0-10: nothing has acted yet
    assert not a.iloc[11:].equals(b.iloc[11:])
    assert [m.day for m in moved.frame.markers] == [10]  # the line sits at the day boundary it was moved on
    rows = [r for r in csv.DictReader(io.StringIO(moved.export_csv())) if r["metric"] == "backlog"]
    current = [r for r in rows if r["run"] == str(moved.run_number)]  # the current run, its label telling the change
    assert current[0]["label"] == moved.run_label() and "from day 11: " in current[0]["label"]
    assert [float(r["value"]) for r in current] == list(a["backlog"].astype(float))


def test_a_lever_moved_during_a_run_reaches_a_model_that_can_take_it(tiny, monkeypatch):
    """Where ``CommunityModel`` has ``intervene``, the page applies the lever from the next day, records the day
    and the change, draws it on the charts, and labels the run with it; Reset still starts over."""
    from cogov.viz import session as session_module

    monkeypatch.setattr(session_module, "CommunityModel", _InterveningModel)
    session = session_module.Session(tiny, lang="en")
    session.step(5)
    assert session.apply_live("levers.burden.admin_share", 0.7) is True
    assert session.apply_live("levers.burden.admin_share", 0.8) is True  # dragged on: one change, the last value
    assert session.model.interventions == [(5, {"levers.burden.admin_share": 0.7}),
                                           (5, {"levers.burden.admin_share": 0.8})]
    assert [(c.day, c.old, c.new) for c in session.changes] == [(5, 0.5, 0.8)]
    assert not session.pending  # the running model has the page's levers
    assert session.apply_live("levers.burden.admin_share", 0.8) is False  # no change, no call
    assert [(m.day, m.label) for m in session.frame.markers] == [
        (5, "from day 6: Staff time on top-down tasks 0.5 → 0.8")]
    view = session.chart_views["backlog"]  # on the charts: a line at day 5, tagged ①
    assert [artist.get_xdata()[0] for artist in view._marker_artists if hasattr(artist, "get_xdata")] == [5]
    assert [a.get_text() for a in view._marker_artists if not hasattr(a, "get_xdata")] == ["①"]
    session.step(3)
    assert session.apply_live("levers.grid.full_time_workers", 2) is True
    assert [c.day for c in session.changes] == [5, 8]
    assert "from day 9: " in session.run_label() and "from day 6: " in session.changes_text()
    session.reset()  # start over, with the page's levers from day 0
    assert session.model.steps == 0 and session.changes == [] and session.frame.markers == ()
    assert session.applied[2] == {"levers.burden.admin_share": 0.8, "levers.grid.full_time_workers": 2}
    assert "from day 6: " in session.run_label(session.history[-1])  # the earlier run keeps its story
    session.set_scenario("red_property")  # another scenario on the page: its levers wait for Reset
    assert session.apply_live("levers.burden.admin_share", 0.6) is False


def test_chart_view_draws_labelled_vertical_lines_at_markers():
    from cogov.viz.render import ChartView, Marker

    view = ChartView(["backlog", "satisfaction_mean"], 100, "en")
    view.update({"backlog": [0, 5, 9], "satisfaction_mean": [0.6, 0.61, 0.6]})
    before = view.render()
    markers = [Marker(20, "day 20: burden 0.5 → 0.8"), Marker(60, "day 60: grid workers 1 → 3")]
    view.set_markers(markers)
    lines = [a for a in view._marker_artists if hasattr(a, "get_xdata")]
    texts = [a.get_text() for a in view._marker_artists if hasattr(a, "get_text") and not hasattr(a, "get_xdata")]
    assert sorted(line.get_xdata()[0] for line in lines) == [20, 20, 60, 60]  # one line per marker and panel
    assert texts.count("day 20: burden 0.5 → 0.8") == 2
    after = view.render()
    assert np.any(after != before)  # drawn into the chart
    column = after[:, int(view.axes["backlog"].transData.transform((20, 0))[0])]
    assert np.any(np.all(column[..., :3] < 90, axis=-1))  # a dark line at day 20
    view.set_markers([])
    assert view._marker_artists == [] and np.mean(np.any(view.render() != before, axis=-1)) < 1e-4


def test_chart_columns_make_the_largest_charts_that_all_fit():
    from cogov.viz.app import CHART_ASPECT, chart_columns, chart_grid_css

    assert chart_columns(10, 0.3) == 5 and chart_columns(10, 3.0) == 2 and chart_columns(4, 1.0) == 2
    for shown in (1, 4, 10):
        for ratio in (0.2, 0.7, 1.3, 2.5):
            columns = chart_columns(shown, ratio)
            rows = -(-shown // columns)
            width = min(1 / columns, ratio / (rows * CHART_ASPECT * 1.04))
            assert rows * width * CHART_ASPECT <= ratio + 1e-9  # they fit the height
            for other in range(1, shown + 1):  # and none is larger with another number of columns
                assert width >= min(1 / other, ratio / (-(-shown // other) * CHART_ASPECT * 1.04)) - 1e-12
    css = chart_grid_css(10)
    assert css.count("@container") >= 3 and "--cogov-chart-columns: 2" in css


def test_about_panel_explains_every_lever_in_both_languages():
    from cogov.viz.controls import LEVER_HELP

    assert set(LEVER_HELP) == set(LEVERS_BY_PATH)
    for path, help_text in LEVER_HELP.items():
        assert set(help_text) == {"en", "zh"}
        assert not _has_cjk(help_text["en"]) and _has_cjk(help_text["zh"]), path
        assert "§" in help_text["en"] and "§" in help_text["zh"], path  # says where in docs/ODD.md
    for key in ("about_title", "about_intro", "about_reading", "about_levers"):
        assert _has_cjk(TEXT[key]["zh"]) and not _has_cjk(TEXT[key]["en"])


# ------------------------------------------------------------------------------------------- the page
def _find_text(rc, css_class: str) -> str:
    import ipyvuetify as v

    return rc.find(v.Html, class_=css_class).widget.children[0]


def _all_widgets(rc) -> list:
    """Every widget on the page, nested ones included (reacton's find stops at a matching widget)."""
    import ipywidgets as widgets

    found, queue, seen = [], list(rc.find(widgets.Widget).widgets), set()
    while queue:
        widget = queue.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        found.append(widget)
        children = getattr(widget, "children", None) or []
        queue += [child for child in children if isinstance(child, widgets.Widget)]
    return found


def _with_class(rc, widget_class, css_class: str) -> list:
    """Widgets of ``widget_class`` whose classes include ``css_class``, anywhere on the page."""
    return [w for w in _all_widgets(rc)
            if isinstance(w, widget_class) and css_class in (getattr(w, "class_", None) or "").split()]


def _wait(condition, timeout: float = 30.0) -> None:
    """Wait for ``condition()`` (the page's slow actions run in a worker thread)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the page did not get there in time")
        time.sleep(0.05)


def _settled(rc) -> None:
    """Wait until no slow action is under way (the busy indicator is gone), so that the widgets found next are
    those of the settled page."""
    import ipyvuetify as v

    time.sleep(0.05)
    _wait(lambda: not _with_class(rc, v.Html, "cogov-busy"))


def test_page_renders_and_its_buttons_work(tiny, monkeypatch):
    """Server-side render of the Solara page (no browser): images, monitors, Step, a lever, Reset, the run
    history, a click on the map, run until, About, language."""
    solara = pytest.importorskip("solara", reason="the classroom page is the optional extra 'cogov[viz]'")
    import ipyvuetify as v
    import ipywidgets as widgets

    from cogov.viz.app import MapClick, Page

    monkeypatch.setenv("COGOV_VIZ_SCENARIO", str(tiny))
    monkeypatch.setenv("COGOV_VIZ_LANG", "en")
    _, rc = solara.render(Page(), handle_error=False)
    images = rc.find(widgets.Image).widgets
    assert len(images) == 1 + len(CHART_METRICS)  # the map and one chart per outcome
    assert all(bytes(image.value).startswith(PNG_MAGIC) for image in images)
    assert _find_text(rc, "cogov-day") == "Day 0 of 30"
    monitors = {w.class_.split()[-1].removeprefix("cogov-monitor-") for w in _with_class(rc, v.Btn, "cogov-monitor")}
    assert set(CHART_METRICS) <= monitors
    map_before = bytes(rc.find(widgets.Image, _dom_classes=("solara-image", "cogov-map")).widget.value)

    rc.find(v.Btn, children=["Step"]).widget.click()
    _wait(lambda: _find_text(rc, "cogov-day") == "Day 2 of 30")  # default speed: 2 days per step
    _settled(rc)
    map_after = bytes(rc.find(widgets.Image, _dom_classes=("solara-image", "cogov-map")).widget.value)
    assert map_after != map_before

    switch = rc.find(v.Switch, label=LEVERS_BY_PATH["levers.cross_appointment.party_property"].label("en")).widget
    switch.v_model = True
    # moved during the run: it acts from the next day, marked on the charts; nothing waits for Reset
    _wait(lambda: any("from day 3" in str(w.children) for w in _with_class(rc, v.Html, "cogov-legend-marker")))
    assert not rc.find(v.Alert, children=[TEXT["pending"]["en"]]).widgets
    rc.find(v.Btn, children=["Reset"]).widget.click()
    _wait(lambda: _find_text(rc, "cogov-day") == "Day 0 of 30")
    _settled(rc)
    assert "red property" in _find_text(rc, "cogov-changes").lower()
    _wait(lambda: _with_class(rc, v.Html, "cogov-run-1"))  # the first run joins the history
    assert "levers as in the scenario" in _with_class(rc, v.Html, "cogov-run-1")[0].children[-1].children[0]

    # a click on the map: the building under it is inspected
    rc.find(MapClick).widget.picked = {"x": 0.45, "y": 0.4, "at": 1}
    _wait(lambda: _with_class(rc, v.Card, "cogov-inspect"))
    _settled(rc)
    assert "Building" in str(_with_class(rc, v.Card, "cogov-inspect")[0].children)

    # run until day 5 at 2 days per step: Play stops exactly on day 5
    until = _with_class(rc, v.TextField, "cogov-until")[0]
    until.v_model = "5"
    until.fire_event("keyup.enter", None)  # the field commits on Enter (or on leaving it)
    rc.find(v.Btn, children=["Play"]).widget.click()
    _wait(lambda: _find_text(rc, "cogov-day") == "Day 5 of 30")
    _wait(lambda: rc.find(v.Btn, children=["Play"]).widgets)  # it stopped by itself
    time.sleep(0.5)
    assert _find_text(rc, "cogov-day") == "Day 5 of 30"  # and stays there

    assert _with_class(rc, v.Card, "cogov-about")  # the About dialog's content is on the page (closed)
    rc.find(v.Btn, children=["中文"]).widget.click()
    _wait(lambda: rc.find(v.Btn, children=["单步"]).widgets)
    _wait(lambda: _find_text(rc, "cogov-day").startswith("第 5 天"))
    _settled(rc)
    assert _has_cjk(" ".join(str(w.children) for w in _with_class(rc, v.Html, "cogov-monitor-name")))
    rc.close()


def test_importing_the_cli_does_not_import_solara():
    code = "import sys, cogov.cli; print('solara' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_server_settings_apply_though_solara_was_imported_first(monkeypatch):
    """``cogov viz`` imports solara (to name a missing extra) before ``serve`` sets Solara's environment, which
    Solara reads at import: the settings already loaded must take it all the same (the banner that covered the
    page's text stayed otherwise)."""
    pytest.importorskip("solara", reason="the classroom page is the optional extra 'cogov[viz]'")
    from solara.server import settings

    from cogov.viz.server import apply_to_loaded_settings

    before = (settings.theme.show_banner, settings.kernel.cull_timeout)
    monkeypatch.setenv("SOLARA_THEME_SHOW_BANNER", "False" if before[0] else "True")
    monkeypatch.setenv("SOLARA_KERNEL_CULL_TIMEOUT", "7m")
    try:
        apply_to_loaded_settings(["SOLARA_THEME_SHOW_BANNER", "SOLARA_KERNEL_CULL_TIMEOUT"])
        assert (settings.theme.show_banner, settings.kernel.cull_timeout) == (not before[0], "7m")
    finally:
        settings.theme.show_banner, settings.kernel.cull_timeout = before
    assert "SOLARA_THEME_SHOW_BANNER" in assets.server_environment()


def test_server_defaults_to_loopback():
    from cogov.viz.server import is_loopback, solara_arguments

    args = solara_arguments("127.0.0.1", 8765, open_browser=False)
    assert args[args.index("--host") + 1] == "127.0.0.1" and "--production" in args and "--no-open" in args
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


# ------------------------------------------------------------------------------------------- assets
def test_required_packages_match_the_installed_solara():
    if assets._solara_dir() is None:
        pytest.skip("solara is not installed (the optional extra 'cogov[viz]')")
    template = (assets._solara_dir() / "server/templates/solara.html.j2").read_text(encoding="utf-8")
    versions = {p.name: p.version for p in assets.required_packages()}
    assert f"@widgetti/solara-vuetify-app@{versions['@widgetti/solara-vuetify-app']}/dist/" in template
    assert f"requirejs@{versions['requirejs']}/" in template


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture
def registry(tmp_path: Path):
    """A local npm-like registry: ``/<name>/<version>`` metadata and ``/tarballs/<file>``."""
    root = tmp_path / "registry"
    (root / "tarballs").mkdir(parents=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    def publish(name: str, version: str, files: dict[str, bytes], corrupt: bool = False) -> None:
        data = _tarball(files)
        file = f"{name.replace('/', '-').lstrip('@')}-{version}.tgz"
        (root / "tarballs" / file).write_bytes(data + (b"x" if corrupt else b""))
        meta = root / name / version
        meta.parent.mkdir(parents=True, exist_ok=True)
        integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
        meta.write_text(json.dumps({"dist": {"tarball": f"{url}tarballs/{file}", "integrity": integrity}}))

    yield url, publish
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def test_assets_are_fetched_verified_and_unpacked(tmp_path, registry, monkeypatch):
    url, publish = registry
    packages = [assets.Package("@widgetti/app", "1.0.0"), assets.Package("requirejs", "2.3.6")]
    monkeypatch.setattr(assets, "required_packages", lambda: packages)
    publish("@widgetti/app", "1.0.0", {"package/dist/app.js": b"app();", "package/dist/app.js.map": b"{}",
                                       "package/../evil.js": b"no"})
    publish("requirejs", "2.3.6", {"package/require.js": b"define();"})
    cache = tmp_path / "cache"
    assert assets.missing_packages(cache) == packages
    fetched = assets.ensure_assets(cache, registry=url)
    assert fetched == packages and assets.missing_packages(cache) == []
    assert (cache / "@widgetti/app@1.0.0/dist/app.js").read_bytes() == b"app();"  # the layout the server reads
    assert not (cache / "@widgetti/app@1.0.0/dist/app.js.map").exists()  # source maps are left out
    assert not (tmp_path / "evil.js").exists() and not (cache / "evil.js").exists()
    assert assets.ensure_assets(cache, registry=url) == []  # nothing to do the second time (offline-safe)


def test_two_processes_filling_one_cache_keep_one_complete_copy(tmp_path, registry, monkeypatch):
    """Two servers (or the suite's processes) fetching into one cache at once: a complete copy already there is kept
    as it is (a server may be reading it), one that lands between the check and the rename wins, and what an
    interrupted copy left is replaced."""
    import pathlib

    url, publish = registry
    package = assets.Package("requirejs", "2.3.6")
    monkeypatch.setattr(assets, "required_packages", lambda: [package])
    publish("requirejs", "2.3.6", {"package/require.js": b"define();"})
    cache = tmp_path / "cache"
    theirs = cache / package.folder
    theirs.mkdir(parents=True)
    (theirs / "require.js").write_bytes(b"theirs();")
    (theirs / assets.COMPLETE_MARKER).write_text("{}\n")
    assets.fetch_package(package, cache, registry=url)
    assert (theirs / "require.js").read_bytes() == b"theirs();"  # kept, not swapped under a reader
    (theirs / assets.COMPLETE_MARKER).unlink()  # as an interrupted copy leaves it
    assert assets.ensure_assets(cache, registry=url) == [package]
    assert (theirs / "require.js").read_bytes() == b"define();"
    shutil.rmtree(theirs)
    rename = pathlib.Path.rename

    def another_copy_lands_first(self, target):
        if not pathlib.Path(target).exists():
            shutil.copytree(self, target)  # the other process's complete copy
        return rename(self, target)  # now fails: the place is taken

    monkeypatch.setattr(pathlib.Path, "rename", another_copy_lands_first)
    assert assets.ensure_assets(cache, registry=url) == [package]
    assert assets.missing_packages(cache) == [] and (theirs / "require.js").read_bytes() == b"define();"
    assert sorted(p.name for p in theirs.parent.iterdir()) == [package.folder]  # no staging folder left behind


def test_a_corrupt_download_is_refused(tmp_path, registry, monkeypatch):
    url, publish = registry
    monkeypatch.setattr(assets, "required_packages", lambda: [assets.Package("requirejs", "2.3.6")])
    publish("requirejs", "2.3.6", {"package/require.js": b"define();"}, corrupt=True)
    with pytest.raises(assets.AssetError, match="integrity"):
        assets.ensure_assets(tmp_path / "cache", registry=url)
    assert not (tmp_path / "cache" / "requirejs@2.3.6").exists()


def test_an_unreachable_registry_is_an_asset_error(tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "required_packages", lambda: [assets.Package("requirejs", "2.3.6")])
    with pytest.raises(assets.AssetError, match="could not download"):
        assets.ensure_assets(tmp_path / "cache", registry="http://127.0.0.1:9/")  # discard port: refused


# ------------------------------------------------------------------------------------------- animate
def test_animate_writes_frames_and_provenance(tiny, tmp_path):
    from cogov.animate import frame_days
    from cogov.cli import main

    out = tmp_path / "demo.gif"
    status = main(["animate", str(tiny), "--out", str(out), "--every", "4", "--seed", "5",
                   "--metric", "backlog", "--set", "levers.burden.admin_share=0.8"])
    assert status == 0
    assert frame_days(30, 4) == [0, 4, 8, 12, 16, 20, 24, 28, 30]
    with Image.open(out) as gif:
        assert gif.n_frames == 9
        record = json.loads(gif.info["comment"])
        width = gif.size[0]
    assert record["scenario_name"] == "tiny" and record["seed"] == 5 and record["metric"] == "backlog"
    assert record["overrides"] == {"levers.burden.admin_share": 0.8}
    assert record["scenario_digest"] == __import__("cogov.sim.scenario", fromlist=["scenario_digest"]).scenario_digest(
        apply_overrides(load_scenario(tiny).config, {"levers.burden.admin_share": 0.8}))
    sidecar = json.loads((tmp_path / "demo.gif.json").read_text())
    assert sidecar["frames"] == 9 and sidecar["cogov_version"] and width > 800  # map and chart side by side


def test_animate_refuses_unknown_metric_and_format(tiny, tmp_path):
    from cogov.cli import main

    assert main(["animate", str(tiny), "--out", str(tmp_path / "a.gif"), "--metric", "happiness"]) == 2
    assert main(["animate", str(tiny), "--out", str(tmp_path / "a.avi")]) == 2
    assert not list(tmp_path.glob("a.*"))


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="MP4 needs ffmpeg on the PATH (optional)")
def test_animate_writes_mp4_with_ffmpeg(tiny, tmp_path):
    from cogov.animate import animate

    result = animate(tiny, tmp_path / "demo.mp4", every=10)
    assert result.frames == 4 and result.path.stat().st_size > 1000
    assert json.loads(result.provenance_path.read_text())["output"] == "demo.mp4"


# ------------------------------------------------------------------------------------------- animate: a street
@pytest.fixture(scope="module")
def street_gif(tmp_path_factory) -> tuple[Path, dict]:
    """Six days of the built-in five_communities, a frame every 3 days (shared by the street animation tests)."""
    from cogov.cli import main

    out = tmp_path_factory.mktemp("street") / "street.gif"
    assert main(["animate", "five_communities", "--out", str(out), "--days", "6", "--every", "3", "--seed", "3"]) == 0
    with Image.open(out) as gif:
        frames = []
        for i in range(gif.n_frames):
            gif.seek(i)
            frames.append(np.asarray(gif.convert("RGB")))
        record = json.loads(gif.info["comment"])
    return out, {"frames": frames, "record": record}


def test_animate_street_writes_frames_and_the_streets_provenance(street_gif):
    from cogov.sim.street.load import load_street
    from cogov.sim.street.model import community_seed

    out, got = street_gif
    frames, record = got["frames"], got["record"]
    assert len(frames) == 3  # days 0, 3, 6
    assert not np.array_equal(frames[0], frames[-1])  # the day, the buildings, the lines move
    assert record["scenario_name"] == "five_communities" and record["seed"] == 3 and record["days"] == 6
    assert record["scenario_digest"] == load_street("five_communities").digest
    assert record["community"] == "default 1"  # the first, by default
    assert [c["name"] for c in record["communities"]] == ["default 1", "default 2", "old_compounds",
                                                          "new_commercial", "mixed"]
    assert [c["seed"] for c in record["communities"]] == [community_seed(3, k) for k in range(5)]
    sidecar = json.loads(out.with_name(out.name + ".json").read_text())
    assert sidecar["frames"] == 3 and sidecar["tool"] == "cogov animate" and sidecar["metric"] == "satisfaction_mean"
    height, width = frames[0].shape[:2]
    assert 900 < width < 1500 and 400 < height < 800  # maps and charts side by side, a slide's proportions


@pytest.fixture(scope="module")
def five_street():
    from cogov.sim.street.model import StreetModel

    street = StreetModel("five_communities", rng=0, days=4)
    street.step()
    return street


def _red_share(image: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """Share of the pixels in a ring 3 pixels either side of the edges of ``box`` (x0, y0, x1, y1, from the top
    left) that are the outline's red."""
    x0, y0, x1, y1 = box
    ring = np.zeros(image.shape[:2], dtype=bool)
    ring[max(0, y0 - 3):y1 + 3, max(0, x0 - 3):x1 + 3] = True
    ring[y0 + 3:y1 - 3, x0 + 3:x1 - 3] = False
    pixels = image[ring]
    red = (pixels[:, 0] > 180) & (pixels[:, 1] < 90) & (pixels[:, 2] < 90)
    return float(red.mean())


def _panel_box(view, k: int) -> tuple[int, int, int, int]:
    height = view.fig.canvas.get_width_height()[1]
    box = view.axes[k].get_window_extent()
    return int(box.x0), int(height - box.y1), int(box.x1), int(height - box.y0)


def test_street_map_outlines_the_selected_community(five_street):
    from cogov.viz.render import SELECTION_COLOUR
    from cogov.viz.street_views import StreetMapView

    first = StreetMapView(five_street, "satisfaction_mean", selected=0, dpi=60)
    last = StreetMapView(five_street, "satisfaction_mean", selected=4, dpi=60)
    a, b = first.frame(five_street)[..., :3], last.frame(five_street)[..., :3]
    assert _red_share(a, _panel_box(first, 0)) > 0.25 and _red_share(a, _panel_box(first, 4)) < 0.02
    assert _red_share(b, _panel_box(last, 4)) > 0.25 and _red_share(b, _panel_box(last, 0)) < 0.02
    assert last.titles[4].get_color() == SELECTION_COLOUR and last.titles[0].get_color() == "black"
    # each panel's title: its name and today's value of the metric, as the street's community has it
    value = five_street.communities[2].metrics["satisfaction_mean"]
    assert first.titles[2].get_text() == f"old_compounds: {value:.3f}"
    assert first.title.get_text() == "five_communities: satisfaction by building, day 1"


@pytest.mark.skipif(not HAS_CJK, reason="no CJK font installed")
def test_street_map_shares_one_colour_scale_and_speaks_chinese(five_street):
    from cogov.viz.render import SATISFACTION_RANGE
    from cogov.viz.street_views import StreetMapView

    view = StreetMapView(five_street, "backlog", selected=1, lang="zh", dpi=50)
    assert {image.get_clim() for image in view.images} == {SATISFACTION_RANGE}
    assert "第 1 天" in view.title.get_text()
    assert view.titles[3].get_text() == f"new_commercial：{five_street.communities[3].metrics['backlog']:,.0f}"
    assert "红框：default 2" in view.fig.legends[0].get_title().get_text()


def test_street_chart_draws_the_street_mean_gap_and_selected_community(five_street):
    from cogov.sim.street.outcomes import daily_spread
    from cogov.viz.street_views import StreetChartView

    chart = StreetChartView(five_street, "satisfaction_mean", selected=2, dpi=50)
    chart.frame(five_street)
    series = five_street.series()
    np.testing.assert_allclose(chart.mean.get_ydata(), series["satisfaction_mean"])  # as the street records it
    np.testing.assert_allclose(chart.gap.get_ydata(), series["satisfaction_mean_gap"])
    values, _, _ = daily_spread(five_street, "satisfaction_mean")
    np.testing.assert_allclose(chart.chosen.get_ydata(), values[2])
    assert len(chart.others) == 4


def test_street_map_fits_a_slide_for_many_communities():
    from cogov.sim.street.load import street_from_data
    from cogov.sim.street.model import StreetModel
    from cogov.viz.street_views import StreetMapView, grid_shape

    assert [grid_shape(n) for n in (1, 5, 8, 12, 24)] == [(1, 1), (3, 2), (4, 2), (4, 3), (6, 4)]
    street = StreetModel(street_from_data({"street": {"communities": [{"scenario": "new_commercial", "count": 12,
                                                                       "set": {"community.households": 300}}]}}),
                         rng=0, days=1)
    view = StreetMapView(street, "satisfaction_mean", selected=11, dpi=80)
    width, height = view.fig.canvas.get_width_height()
    assert width <= 1000 and height <= 800 and len(view.axes) == 12


def test_animate_street_refuses_an_unknown_community_naming_the_allowed(tmp_path, capsys):
    from cogov.cli import main

    out = tmp_path / "street.gif"
    assert main(["animate", "five_communities", "--out", str(out), "--days", "3", "--community", "Yuexiu"]) == 2
    err = capsys.readouterr().err
    assert "Yuexiu" in err and "'default 1'" in err and "'new_commercial'" in err and "'mixed'" in err
    assert not list(tmp_path.iterdir())
    assert main(["animate", "default", "--out", str(out), "--days", "3", "--community", "mixed"]) == 2
    assert "not a street" in capsys.readouterr().err


@pytest.mark.skipif(not HAS_CJK, reason="no CJK font installed")
def test_animate_street_in_chinese_for_a_chosen_community(tmp_path):
    from cogov.animate import animate

    result = animate("five_communities", tmp_path / "street.gif", days=3, every=3, lang="zh", community="mixed",
                     metric="backlog", dpi=50)
    assert result.frames == 2
    with Image.open(result.path) as gif:
        record = json.loads(gif.info["comment"])
    assert record["lang"] == "zh" and record["community"] == "mixed" and record["metric"] == "backlog"


# ------------------------------------------------------------------------------------------- the page's street mode
def test_street_session_steps_shows_the_streets_metrics_and_follows_a_community():
    from cogov.sim.street.model import StreetModel
    from cogov.viz.street_session import COMMUNITY_MONITOR, StreetSession

    session = StreetSession("street:five_communities", lang="en", seed=0, dpi=60)
    session.set_until(5)
    assert session.advance(3) and not session.advance(3)  # stops on day 5, as the community's session does
    assert session.frame.day == 5
    reference = StreetModel("five_communities", rng=0)
    for _ in range(5):
        reference.step()
    assert session.frame.metrics == reference.metrics
    monitors = {m.metric: m for m in session.monitors()}
    assert monitors["satisfaction_mean"].value == reference.metrics["satisfaction_mean"]
    assert monitors["street_backlog"].value == reference.metrics["street_backlog"]
    so_far = sum(reference.datacollector.model_vars["department_hours_sent"])
    assert monitors["department_hours_sent"].note == f"today; {so_far:,.0f} so far"
    assert monitors[COMMUNITY_MONITOR].value == reference.communities[0].metrics["satisfaction_mean"]

    view = session.map_view
    first_map = np.asarray(Image.open(io.BytesIO(session.frame.map_png)))[..., :3]
    session.select_community(4)
    moved_map = np.asarray(Image.open(io.BytesIO(session.frame.map_png)))[..., :3]
    assert _red_share(first_map, _panel_box(view, 0)) > 0.25 and _red_share(first_map, _panel_box(view, 4)) < 0.02
    assert _red_share(moved_map, _panel_box(view, 4)) > 0.25 and _red_share(moved_map, _panel_box(view, 0)) < 0.02
    np.testing.assert_array_equal(session.chart_view.chosen.get_ydata(),
                                  reference.communities[4].datacollector.model_vars["satisfaction_mean"])
    assert {m.metric: m for m in session.monitors()}[COMMUNITY_MONITOR].name.startswith("mixed: ")

    width, height = view.canvas.get_width_height()
    x0, y0, x1, y1 = view.axes[2].bbox.extents  # a click on old_compounds' panel follows it
    assert session.select_at((x0 + x1) / 2 / width, 1 - (y0 + y1) / 2 / height) == 2
    assert session.select_at(0.999, 0.001) == 2  # beside every panel: nothing changes

    session.set_lever("street.funds.allocation", "need")
    assert session.pending
    session.reset()
    assert session.frame.day == 0 and not session.pending and session.selected == 2
    assert session.model.config.street.funds.allocation == "need"
    assert "How the street shares funds each keeps its own funds → by need" in session.changes_text()
    assert session.export_csv().startswith("level,community,day,metric,value\nstreet,,0,satisfaction_mean,")


def test_street_session_refuses_what_the_page_does_not_offer():
    from cogov.viz.session import ScenarioNotOffered
    from cogov.viz.street_session import StreetSession

    session = StreetSession("street:five_communities", dpi=40)
    for forged in ("five_communities", "street:../../etc/passwd", "street:independent_batch", 3, None):
        with pytest.raises(ScenarioNotOffered):
            session.set_street(forged)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        session.set_lever("street.funds.allocation", "everything to me")
    with pytest.raises(ValueError):
        session.select_community(5)
    with pytest.raises(ValueError):
        session.set_metric("not_an_outcome")
    with pytest.raises(KeyError):
        session.set_lever("levers.burden.admin_share", 0.9)  # the community levers are off in street mode
    assert session.levers["street.funds.allocation"] == "own" and not session.pending


def test_the_whistle_moved_while_the_street_plays_acts_from_the_next_day_and_the_funds_rule_waits(tmp_path):
    """Street mode: the whistle and the appraisal weight act on the running street from the next day (the street is the
    one run by StreetModel.intervene on that day, bit for bit), listed with their day; the funds' rule waits for Reset,
    which starts the street with every lever from day 0 and no change listed."""
    from cogov.sim.street.model import StreetModel
    from cogov.viz.street_session import StreetSession

    session = StreetSession("street:five_communities", dpi=40)
    session.step(10)
    assert session.apply_live("street.whistle.enabled", True)
    assert session.apply_live("street.appraisal.street_weight", 0.2)
    assert session.apply_live("street.appraisal.street_weight", 0.25)  # dragged: one change kept
    assert not session.apply_live("street.whistle.enabled", True)  # already so
    assert not session.pending and session.model.config.street.whistle.enabled
    assert [(c.day, c.path, c.old, c.new) for c in session.changes] == [
        (10, "street.whistle.enabled", False, True), (10, "street.appraisal.street_weight", 0.03, 0.25)]
    assert "from day 11: Whistle" in session.changes_text()
    assert [(m.day, m.label) for m in session.chart_view.markers] == [(10, "①"), (10, "②")]  # at the boundary
    assert [m.label.split(":")[0] for m in session.markers()] == ["from day 11", "from day 11"]  # the legend's words
    assert not session.apply_live("street.funds.allocation", "need")  # a year's budget: at Reset
    assert session.pending and session.model.config.street.funds.allocation == "own"
    session.step(20)
    alone = StreetModel("five_communities", rng=0)
    for _ in range(10):
        alone.step()
    alone.intervene({"street.whistle.enabled": True, "street.appraisal.street_weight": 0.25})
    for _ in range(20):
        alone.step()
    pd.testing.assert_frame_equal(session.model.series(), alone.series())
    session.reset()
    assert session.changes == [] and not session.pending and session.model.steps == 0
    assert session.chart_view.markers == () and session.markers() == []
    assert session.model.config.street.whistle.enabled and session.model.config.street.funds.allocation == "need"
    session.step(5)
    session.apply_live("street.whistle.enabled", False)
    session.step(400)  # to the horizon
    assert not session.apply_live("street.whistle.enabled", True) and session.pending  # ended: waits for Reset


def test_viz_named_a_street_opens_the_page_on_it(monkeypatch, tmp_path, capsys):
    """``cogov viz <street>`` opens the page in street mode on that street, a built-in one or a file of one's own
    (then offered in the menu beside the built-in ones; the community's session waits on the default scenario); a
    batch of independent communities and a broken street file are refused, naming what is wrong."""
    solara = pytest.importorskip("solara", reason="the classroom page is the optional extra 'cogov[viz]'")
    import ipyvuetify as v

    from cogov.cli import _page_street, main
    from cogov.viz.app import Page
    from cogov.viz.street_session import is_street_choice

    assert _page_street("five_communities_whistle") == "street:five_communities_whistle"
    own = tmp_path / "mine.toml"
    own.write_text('# Two of ours — 我们的两个社区\n[street]\n[[street.communities]]\nscenario = "default"\ncount = 2\n'
                   '[street.funds]\nallocation = "need"\n', encoding="utf-8")
    assert _page_street(str(own)) == f"street:{own.resolve()}"
    broken = tmp_path / "broken.toml"
    broken.write_text('[street]\n[[street.communities]]\nscenario = "no_such_community"\n', encoding="utf-8")
    for name, why in (("independent_batch", "not a street to show"), (str(broken), "no_such_community")):
        assert main(["viz", name, "--port", "1", "--no-open"]) == 2
        assert why in " ".join(capsys.readouterr().err.split())
    monkeypatch.setenv("COGOV_VIZ_SCENARIO", "street:five_communities_whistle")
    assert not is_street_choice(f"street:{own.resolve()}")  # a file is offered only when the page started with it
    monkeypatch.setenv("COGOV_VIZ_SCENARIO", f"street:{own.resolve()}")
    monkeypatch.setenv("COGOV_VIZ_LANG", "en")
    _, rc = solara.render(Page(), handle_error=False)
    _settled(rc)
    assert _with_class(rc, v.Select, "cogov-street-community")  # street mode from the start
    menu = _with_class(rc, v.Select, "cogov-scenario")[0]
    titles = {item["value"]: item["text"] for item in menu.items if "value" in item}
    assert menu.v_model == f"street:{own.resolve()}" and "mine.toml" in titles[menu.v_model]
    assert "Two of ours" in titles[menu.v_model] and {"street:five_communities_whistle", "default"} <= titles.keys()
    assert len(_with_class(rc, v.Select, "cogov-street-community")[0].items) == 2  # its two communities
    assert rc.find(children=["mine.toml: street levers as in the file; seed 0"]).widgets  # by file name, as the menu
    assert _find_text(rc, "cogov-day") == "Day 0 of 365"
    rc.find(v.Btn, children=["Step"]).widget.click()
    _wait(lambda: _find_text(rc, "cogov-day") == "Day 2 of 365")  # a step is the speed's days
    _settled(rc)
    _with_class(rc, v.Select, "cogov-scenario")[0].v_model = "default"  # the community's session, on the default
    _wait(lambda: _with_class(rc, v.Select, "cogov-map-mode"))
    _settled(rc)
    assert _find_text(rc, "cogov-day") == "Day 0 of 365"
    rc.close()


def test_street_mode_on_the_page_and_back(tiny, monkeypatch):
    """Server-side render: a street chosen in the menu shows the street (its map, its chart, its monitors); a forged
    street is refused; choosing the community scenario again shows the community where it was."""
    solara = pytest.importorskip("solara", reason="the classroom page is the optional extra 'cogov[viz]'")
    import ipyvuetify as v
    import ipywidgets as widgets

    from cogov.viz.app import Page

    monkeypatch.setenv("COGOV_VIZ_SCENARIO", str(tiny))
    monkeypatch.setenv("COGOV_VIZ_LANG", "en")
    _, rc = solara.render(Page(), handle_error=False)
    rc.find(v.Btn, children=["Step"]).widget.click()
    _wait(lambda: _find_text(rc, "cogov-day") == "Day 2 of 30")
    _settled(rc)
    menu = _with_class(rc, v.Select, "cogov-scenario")[0]
    assert {"header": TEXT["streets_header"]["en"]} in menu.items
    menu.v_model = "street:../five_communities"  # forged: refused at once
    _wait(lambda: rc.find(v.Alert, children=[TEXT["not_offered"]["en"]]).widgets)
    menu.v_model = "street:five_communities"
    _wait(lambda: _with_class(rc, v.Select, "cogov-street-community"))
    _settled(rc)
    assert _find_text(rc, "cogov-day") == "Day 0 of 365"
    images = rc.find(widgets.Image).widgets
    assert len(images) == 2  # the street's map and its chart
    monitors = {w.class_.split()[-1].removeprefix("cogov-monitor-") for w in _with_class(rc, v.Btn, "cogov-monitor")}
    assert {"satisfaction_mean_gap", "street_backlog", "department_hours_sent", "community"} <= monitors
    assert not _with_class(rc, v.Select, "cogov-map-mode")  # the community's controls are gone
    _with_class(rc, v.Select, "cogov-scenario")[0].v_model = str(tiny)
    _wait(lambda: _with_class(rc, v.Select, "cogov-map-mode"))
    _settled(rc)
    assert _find_text(rc, "cogov-day") == "Day 2 of 30"
    rc.close()
