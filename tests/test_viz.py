"""Classroom page without a browser: levers map to real parameters and reach the model, each session
has its own model, labels exist in both languages, the fast redraws match fresh drawings, the page
renders server-side and its buttons work, the offline asset cache fills from a registry, and
``cogov animate`` writes the frames and provenance it should."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
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
    assert session.frame.map_png.startswith(PNG_MAGIC) and session.frame.chart_png.startswith(PNG_MAGIC)


@pytest.mark.skipif(not HAS_CJK, reason="no CJK font installed")
def test_language_switch_changes_every_text(tiny):
    from cogov.viz.session import Session

    session = Session(tiny, lang="en")
    session.step(3)
    english = (session.day_text(), session.status_text(), session.frame.map_png)
    session.set_lang("zh")
    assert session.day_text() == "第 3 天（共 30 天）"
    assert _has_cjk(session.status_text())
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
    assert "Issue not yet found" in labels and any(label.startswith("Property company") for label in labels)


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


# ------------------------------------------------------------------------------------------- the page
def _find_text(rc, css_class: str) -> str:
    import ipyvuetify as v

    return rc.find(v.Html, class_=css_class).widget.children[0]


def test_page_renders_and_its_buttons_work(tiny, monkeypatch):
    """Server-side render of the Solara page (no browser): images, Step, a lever, Reset, language."""
    solara = pytest.importorskip("solara", reason="the classroom page is the optional extra 'cogov[viz]'")
    import ipyvuetify as v
    import ipywidgets as widgets

    from cogov.viz.app import Page

    monkeypatch.setenv("COGOV_VIZ_SCENARIO", str(tiny))
    monkeypatch.setenv("COGOV_VIZ_LANG", "en")
    _, rc = solara.render(Page(), handle_error=False)
    images = rc.find(widgets.Image).widgets
    assert len(images) == 2 and all(bytes(image.value).startswith(PNG_MAGIC) for image in images)
    assert _find_text(rc, "cogov-day") == "Day 0 of 30"
    map_before = bytes(rc.find(widgets.Image, _dom_classes=("solara-image", "cogov-map")).widget.value)

    rc.find(v.Btn, children=["Step"]).widget.click()
    assert _find_text(rc, "cogov-day") == "Day 2 of 30"  # default speed: 2 days per step
    map_after = bytes(rc.find(widgets.Image, _dom_classes=("solara-image", "cogov-map")).widget.value)
    assert map_after != map_before

    switch = rc.find(v.Switch, label=LEVERS_BY_PATH["levers.cross_appointment.party_property"].label("en")).widget
    switch.v_model = True
    assert rc.find(v.Alert, children=[TEXT["pending"]["en"]]).widgets  # tells the teacher to reset
    rc.find(v.Btn, children=["Reset"]).widget.click()
    assert _find_text(rc, "cogov-day") == "Day 0 of 30"
    assert "red property" in _find_text(rc, "cogov-changes").lower()

    rc.find(v.Btn, children=["中文"]).widget.click()
    assert rc.find(v.Btn, children=["单步"]).widgets
    assert _find_text(rc, "cogov-day").startswith("第 0 天")
    rc.close()


def test_importing_the_cli_does_not_import_solara():
    code = "import sys, cogov.cli; print('solara' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


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
