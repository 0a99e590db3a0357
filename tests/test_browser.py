"""The classroom page in a real browser: headless Chromium (the system's, no download) driven by
Playwright against ``cogov viz`` started as a subprocess on a free loopback port.

Checked: the page loads with no request leaving 127.0.0.1 (front-end files from the offline cache),
map and charts render, Step advances the day counter, Play runs and Pause stops, a slider changes a
lever and the model responds exactly as the model run in this process (the monitors show its values), run until
day N stops exactly there, slow actions show the busy indicator, the About panel speaks both languages, a click on
a building shows its state, earlier runs can be hidden and the charts' data and the view downloaded, and two tabs
have separate models. Street mode: a street chosen in the scenario menu plays with the street model's numbers on its
monitors, follows the community chosen (menu or click), applies a street lever at Reset and returns to the community as
it was; it fits the projector sizes with the panel open and closed, and in Chinese. At 1024×768, 1280×720 and 1920×1080 the key controls and the view lie inside the window
without overlapping (from their bounding boxes). Screenshots go to a temporary folder (their path is printed);
with ``COGOV_UPDATE_SCREENSHOTS=1`` (or when missing) those the guide shows are also copied to ``docs/img``.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the optional extra 'cogov[browser]'")
pytest.importorskip("solara", reason="the classroom page is the optional extra 'cogov[viz]'")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("no system Chromium (Debian: apt-get install chromium; scripts/install_system_packages.sh)",
                allow_module_level=True)

from viz_server import viz_server

from cogov.analysis.wording import format_value as format_outcome
from cogov.sim.model import CommunityModel
from cogov.viz.controls import CHART_METRICS, LEVER_HELP, text

ROOT = Path(__file__).resolve().parents[1]
DOCS_IMG = ROOT / "docs" / "img"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
UI_TIMEOUT_MS = 20_000
VIEWPORT = {"width": 1600, "height": 1000}
PROJECTORS = ((1024, 768), (1280, 720), (1920, 1080))
KEY_ELEMENTS = {
    "levers toggle": ".cogov-panel-toggle", "day": ".cogov-day", "step": ".cogov-step", "play": ".cogov-play",
    "reset": ".cogov-reset", "run until": ".cogov-until", "speed": ".cogov-speed", "about": ".cogov-about-button",
    "language": ".cogov-lang", "monitors": ".cogov-monitors", "map": "img.cogov-map", "charts": ".cogov-charts",
    "map colours": ".cogov-map-mode",
}
"""What a class must see together, by CSS selector (the lever panel is added while it is open)."""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """``cogov viz default`` on a free loopback port; killed at teardown."""
    with viz_server(tmp_path_factory.mktemp("viz-server")) as port:
        yield f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots in {folder}")
    return folder


class Classroom:
    """One browser tab on the page, with the few actions the tests need."""

    def __init__(self, page, url: str):
        self.page = page
        self.requests: list[str] = []
        self.failed: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("requestfailed", lambda request: self.failed.append(request.url))
        page.set_default_timeout(UI_TIMEOUT_MS)
        page.goto(url)
        page.wait_for_selector("img.cogov-map", timeout=60_000)
        self.wait_images()

    def wait_images(self) -> None:
        """The map and every chart are decoded images of real size."""
        self.page.wait_for_function(
            "(() => { const map = document.querySelector('img.cogov-map');"
            " const charts = [...document.querySelectorAll('img.cogov-chart')];"
            " return map && map.complete && map.naturalWidth > 300 && charts.length > 0"
            " && charts.every(i => i.complete && i.naturalWidth > 200); })()")

    def day(self) -> int:
        match = re.search(r"\d+", self.page.locator(".cogov-day").inner_text())
        assert match is not None
        return int(match.group())

    def wait_day(self, predicate: str) -> None:
        """Wait until the day counter's number satisfies ``predicate`` (JavaScript, in ``d``)."""
        self.page.wait_for_function(
            "(() => { const m = document.querySelector('.cogov-day')?.innerText.match(/\\d+/);"
            f" if (!m) return false; const d = parseInt(m[0]); return {predicate}; }})()")

    def button(self, name: str):
        return self.page.get_by_role("button", name=name, exact=True)

    def slider(self, css_class: str):
        return self.page.locator(f".{css_class} [role=slider]")

    def fastest(self) -> None:
        """*Days per step* at its end: 30."""
        speed = self.slider("cogov-speed")
        speed.focus()
        speed.press("End")
        self.page.get_by_text(f"{text('speed', 'en')}: 30").wait_for()

    def play_until(self, day: int) -> None:
        """*Run until day* set to ``day``, then Play: it stops by itself on that day."""
        until = self.page.locator(".cogov-until input")
        until.fill(str(day))
        until.press("Enter")
        self.button("Play").click()
        self.wait_day(f"d === {day}")
        self.button("Play").wait_for()  # it paused by itself

    def monitor(self, metric: str) -> str:
        return self.page.locator(f".cogov-monitor-{metric} .cogov-monitor-value").inner_text()

    def wait_monitor(self, metric: str, expected: str) -> None:
        """Wait until the readout of ``metric`` shows ``expected`` (it may trail the day counter by a frame)."""
        selector = f".cogov-monitor-{metric} .cogov-monitor-value"
        try:
            self.page.wait_for_function(
                f"document.querySelector({selector!r})?.innerText.trim() === {expected!r}", timeout=10_000)
        except sync_api.TimeoutError:
            pytest.fail(f"{metric}: the page shows {self.monitor(metric)!r}, the model {expected!r}")

    def wait_idle(self) -> None:
        """No slow action under way (the busy indicator gone)."""
        self.page.wait_for_function("!document.querySelector('.cogov-busy')")

    def map_src(self) -> str:
        return self.page.locator("img.cogov-map").get_attribute("src") or ""


@pytest.fixture
def classroom(browser, server) -> Iterator[Classroom]:
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    try:
        yield Classroom(context.new_page(), server)
    finally:
        context.close()


def _save(page, shots: Path, name: str, docs: bool = True) -> Path:
    path = shots / name
    page.screenshot(path=str(path))
    target = DOCS_IMG / name
    if docs and (os.environ.get("COGOV_UPDATE_SCREENSHOTS") == "1" or not target.exists()):
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return path


def _reference(days: int, **overrides) -> CommunityModel:
    """The model the page runs (default scenario, seed 0), stepped ``days`` days in this process."""
    model = CommunityModel("default", rng=0, **overrides)
    for _ in range(days):
        model.step()
    return model


def test_page_loads_offline_with_map_and_charts(classroom):
    page = classroom.page
    assert classroom.day() == 0
    assert page.locator(".cogov-day").inner_text() == "Day 0 of 365"
    assert classroom.button("Step").is_enabled() and classroom.button("Play").is_enabled()
    assert page.get_by_text("Annual community funding").count() == 1  # lever labels of sim.labels
    assert page.locator("img.cogov-chart").count() == len(CHART_METRICS)  # one chart per outcome
    assert page.get_by_text("This website runs on").count() == 0  # Solara's banner covered the page's text
    outside = [u for u in classroom.requests
               if urlparse(u).hostname not in ("127.0.0.1", None) and not u.startswith("data:")]
    assert outside == [], f"requests left the machine: {outside[:5]}"
    assert not [u for u in classroom.failed if "/_solara/cdn/" in u], classroom.failed


def test_step_advances_the_day_and_redraws(classroom):
    before = classroom.map_src()
    classroom.button("Step").click()
    classroom.wait_day("d === 2")  # default speed: 2 days per step
    classroom.page.wait_for_function(f"document.querySelector('img.cogov-map').src !== {before!r}")
    classroom.wait_images()


def test_play_runs_and_pause_stops(classroom):
    classroom.button("Play").click()
    classroom.wait_day("d >= 20")
    classroom.button("Pause").click()
    classroom.button("Play").wait_for()  # the button turns back into Play
    time.sleep(0.5)  # a frame under way when Pause was pressed may still land
    stopped = classroom.day()
    time.sleep(1.5)
    assert classroom.day() == stopped >= 20
    assert classroom.button("Step").is_enabled()


def test_slider_changes_a_lever_and_the_model_responds(classroom, shots):
    page = classroom.page
    classroom.fastest()
    for target in (30, 60):
        classroom.button("Step").click()
        classroom.wait_day(f"d === {target}")
    reference = _reference(60)
    for metric in CHART_METRICS:  # every monitor shows the model's value
        classroom.wait_monitor(metric, format_outcome(metric, reference.metrics[metric], "en", single_run=True))
    classroom.wait_idle()

    burden = classroom.slider("cogov-lever-levers-burden-admin_share")
    assert burden.get_attribute("aria-valuenow") == "0.5"
    burden.focus()
    burden.press("End")  # 0.9, moved during the run: it acts from the next day (issue 15)
    page.get_by_text("Staff time on top-down tasks (share 0-1): 0.9").wait_for()
    page.locator(".cogov-legend-marker", has_text="from day 61").wait_for()  # marked on the charts
    assert page.locator(".cogov-pending").count() == 0  # nothing waits for Reset
    classroom.wait_idle()
    classroom.button("Step").click()
    classroom.wait_day("d === 90")
    moved = _reference(60)
    moved.intervene({"levers.burden.admin_share": 0.9})
    for _ in range(30):
        moved.step()
    classroom.wait_monitor("backlog", format_outcome("backlog", moved.metrics["backlog"], "en", single_run=True))
    left_alone = _reference(90)
    assert moved.metrics["backlog"] != left_alone.metrics["backlog"]  # the change shows in the run
    classroom.wait_idle()
    classroom.button("Reset").click()  # start over: the page's levers from day 0
    classroom.wait_day("d === 0")
    page.locator(".cogov-changes", has_text="0.5 → 0.9").wait_for()
    page.locator(".cogov-run-1", has_text="levers as in the scenario").wait_for()  # the first run is kept
    for target in (30, 60):
        classroom.button("Step").click()
        classroom.wait_day(f"d === {target}")

    expected = _reference(60, levers__burden__admin_share=0.9)
    classroom.wait_monitor("backlog", format_outcome("backlog", expected.metrics["backlog"], "en", single_run=True))
    assert expected.metrics["backlog"] > reference.metrics["backlog"]  # overloaded staff: a longer queue
    page.locator(".cogov-legend", has_text="Run 1").wait_for()  # the earlier run stays on the charts
    assert text("map_mode_previous", "en") in page.locator(".cogov-map-mode").inner_text()  # change from run 1
    classroom.wait_idle()
    classroom.wait_images()
    _save(page, shots, "classroom.png")

    classroom.button("中文").click()  # the same state in Chinese, for the guide
    page.get_by_role("button", name="单步").wait_for()
    classroom.wait_idle()
    classroom.wait_images()
    _save(page, shots, "classroom_zh.png")


def test_demonstration_4_of_the_guide_read_from_the_monitors(classroom):
    """docs/classroom.md, demonstration 4, followed as written: run until day 180, switch on the three red-property
    levers during the run, play on to day 365; the monitors show the guide's numbers (seed 0), the earlier days
    are those of the default, and the exported data carries the change."""
    page = classroom.page
    classroom.fastest()  # 30 days per step: the run-until limit still stops exactly on the day
    classroom.play_until(180)
    classroom.wait_monitor("stalemates", "44")
    classroom.wait_idle()
    for lever in ("cross_appointment-party_owners_committee", "cross_appointment-party_property",
                  "three_party_linkage-enabled"):  # the three switches, as a teacher clicks them
        page.locator(f".cogov-lever-levers-{lever} .v-input--selection-controls__input").click()
        classroom.wait_idle()
    page.locator(".cogov-legend-marker", has_text="from day 181").nth(2).wait_for()  # ①②③ on the charts
    classroom.play_until(365)  # the horizon
    classroom.wait_monitor("stalemates", "70")  # the guide: 70 against 93 left alone
    classroom.wait_idle()
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(re.escape(text("export_csv", "en")))).click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    stalled = [float(r["value"]) for r in rows if r["metric"] == "stalemates"]
    default = [float(v) for v in _reference(365).datacollector.model_vars["stalemates"]]
    assert stalled[:181] == default[:181] and stalled[365] == 70 and default[365] == 93
    assert "from day 181" in rows[0]["label"]


def test_a_lever_moved_while_playing_acts_from_the_next_day(classroom):
    """Moved while Play runs, a lever acts from the next day boundary: the exported data equal the model left alone
    up to the day marked on the charts and the model changed there after it."""
    page = classroom.page
    classroom.button("Play").click()
    classroom.wait_day("d >= 10")
    burden = classroom.slider("cogov-lever-levers-burden-admin_share")
    burden.focus()
    burden.press("End")  # 0.9, while the run goes on
    marker = page.locator(".cogov-legend-marker", has_text="Staff time on top-down tasks")
    marker.wait_for()
    classroom.wait_day("d >= 40")
    classroom.button("Pause").click()
    classroom.button("Play").wait_for()
    classroom.wait_idle()
    moved_on = int(re.search(r"from day (\d+)", marker.inner_text()).group(1)) - 1  # moved after the day before
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(re.escape(text("export_csv", "en")))).click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    backlog = [float(r["value"]) for r in rows if r["metric"] == "backlog"]
    expected = _reference(moved_on)
    expected.intervene({"levers.burden.admin_share": 0.9})
    for _ in range(len(backlog) - 1 - moved_on):
        expected.step()
    assert backlog == [float(v) for v in expected.datacollector.model_vars["backlog"]]
    alone = _reference(len(backlog) - 1)
    assert backlog[:moved_on + 1] == [float(v) for v in alone.datacollector.model_vars["backlog"][:moved_on + 1]]


def test_run_until_stops_exactly_on_day_n(classroom):
    classroom.fastest()  # 30 days per step: without the limit, Play would pass day 45 on its way to 60
    classroom.play_until(45)
    time.sleep(1.0)
    assert classroom.day() == 45
    classroom.button("Play").click()  # from there on to the horizon
    classroom.wait_day("d > 45")
    classroom.button("Pause").click()


def test_slow_actions_show_the_busy_indicator_and_about_speaks_both_languages(classroom):
    page = classroom.page
    classroom.button("中文").click()  # redraws every figure in Chinese: about a second
    page.wait_for_function(  # shown once an action lasts longer than 0.4 s
        "(() => { const b = document.querySelector('.cogov-busy');"
        " return b && getComputedStyle(b).opacity === '1'; })()")
    assert text("busy_lang", "en") in page.locator(".cogov-busy").inner_text()
    classroom.wait_idle()
    classroom.button("单步").wait_for()

    classroom.button(text("about", "zh")).click()
    dialog = page.locator(".cogov-about")
    dialog.wait_for()
    assert text("about_title", "zh") in dialog.inner_text()
    assert LEVER_HELP["levers.burden.admin_share"]["zh"] in dialog.inner_text()
    page.locator(".cogov-about-close").click()
    dialog.wait_for(state="hidden")

    classroom.button("English").click()
    classroom.wait_idle()
    classroom.button("Step").wait_for()
    classroom.button(text("about", "en")).click()
    dialog.wait_for()
    assert LEVER_HELP["levers.three_party_linkage.enabled"]["en"] in dialog.inner_text()
    page.locator(".cogov-about-close").click()


def test_clicking_a_building_shows_its_state(classroom):
    """A click on a building's cell in the map image, wherever the page scales it, inspects that building."""
    from cogov.viz.render import MapView
    from cogov.viz.session import MAP_WIDTH_IN

    page = classroom.page
    model = CommunityModel("default", rng=0)  # the page's model on day 0
    view = MapView(model, "en", width=MAP_WIDTH_IN, text_scale=1.1)  # the page's map figure
    building = 40
    fx, fy = view.fraction_at(*model.layout.building_xy[building])
    box = page.locator("img.cogov-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    card = page.locator(".cogov-inspect")
    card.wait_for()
    here = model.households.building == building
    assert f"Building {building + 1} " in card.inner_text()
    assert f"mean satisfaction {model.households.satisfaction[here].mean():.3f}" in card.inner_text()
    page.locator(".cogov-inspect-close").click()
    card.wait_for(state="detached")


def test_earlier_runs_can_be_hidden_and_the_data_downloaded(classroom):
    page = classroom.page
    for _ in range(4):  # four runs of two days each join the history (demonstration 3 compares four)
        classroom.button("Step").click()
        classroom.wait_day("d === 2")
        classroom.wait_idle()
        classroom.button("Reset").click()
        classroom.wait_day("d === 0")
        classroom.wait_idle()
    classroom.button("Step").click()
    classroom.wait_day("d === 2")
    classroom.wait_idle()
    legend = page.locator(".cogov-legend")
    for number in range(1, 5):
        legend.filter(has_text=f"Run {number}").wait_for()

    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(re.escape(text("export_csv", "en")))).click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert {row["run"] for row in rows} == {"1", "2", "3", "4", "5"}
    reference = _reference(2)
    backlog = [float(row["value"]) for row in rows if row["run"] == "5" and row["metric"] == "backlog"]
    assert backlog == [float(v) for v in reference.datacollector.model_vars["backlog"]]

    page.locator(".cogov-run-1 .v-input--selection-controls__input").click()  # hide run 1
    page.wait_for_function("!document.querySelector('.cogov-legend').innerText.includes('Run 1')")
    classroom.wait_idle()
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(re.escape(text("export_csv", "en")))).click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert {row["run"] for row in rows} == {"2", "3", "4", "5"}  # the export holds what the charts show
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(re.escape(text("export_png", "en")))).click()
    assert Path(download.value.path()).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def _boxes(page, selectors: dict[str, str]) -> dict[str, dict[str, float]]:
    boxes = {}
    for name, selector in selectors.items():
        locator = page.locator(selector)
        assert locator.count() == 1, f"{name}: {locator.count()} elements match {selector}"
        box = locator.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0, f"{name} is not shown"
        boxes[name] = box
    return boxes


def _check_layout(page, size: tuple[int, int], panel: bool, selectors: dict[str, str] = KEY_ELEMENTS) -> None:
    """Every key element (``selectors``) inside the window, none overlapping another, nothing scrolled out of
    sight."""
    width, height = size
    selectors = dict(selectors) | ({"levers panel": ".cogov-panel"} if panel else {})
    boxes = _boxes(page, selectors)
    for name, box in boxes.items():
        assert box["x"] >= -0.5 and box["y"] >= -0.5, f"{name} starts outside the window at {size}: {box}"
        assert box["x"] + box["width"] <= width + 0.5, f"{name} is cut at the right at {size}: {box}"
        assert box["y"] + box["height"] <= height + 0.5, f"{name} is cut at the bottom at {size}: {box}"
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        dx = min(box_a["x"] + box_a["width"], box_b["x"] + box_b["width"]) - max(box_a["x"], box_b["x"])
        dy = min(box_a["y"] + box_a["height"], box_b["y"] + box_b["height"]) - max(box_a["y"], box_b["y"])
        assert dx <= 0.5 or dy <= 0.5, f"{a} and {b} overlap at {size}: {box_a} {box_b}"
    state = page.evaluate(
        "(() => { const area = document.querySelector('.cogov-charts-area');"
        " const buttons = [...document.querySelectorAll('.cogov-toolbar .v-btn__content, .cogov-monitor')];"
        " return {pageWidth: document.documentElement.scrollWidth, pageHeight: document.documentElement.scrollHeight,"
        " chartsHidden: area.scrollHeight - area.clientHeight,"
        " clipped: buttons.filter(b => b.scrollWidth > b.clientWidth + 1).map(b => b.innerText)}; })()")
    assert state["pageWidth"] <= width and state["pageHeight"] <= height, f"the page scrolls at {size}: {state}"
    assert state["chartsHidden"] <= 1, f"charts out of sight at {size}: {state}"  # every shown chart in view
    assert state["clipped"] == [], f"text cut off at {size}: {state['clipped']}"


def test_the_page_fits_a_projector(classroom, shots):
    """At each projector size: controls and view together, inside the window, not overlapping; with the lever
    panel open (as the page starts) and, at the smallest size, closed; and in Chinese at the smallest size."""
    page = classroom.page
    classroom.button("Step").click()
    classroom.wait_day("d === 2")
    classroom.wait_idle()
    for width, height in PROJECTORS:
        page.set_viewport_size({"width": width, "height": height})
        time.sleep(0.5)  # let the grid reflow
        classroom.wait_images()
        _check_layout(page, (width, height), panel=True)
        _save(page, shots, f"classroom_{width}x{height}.png", docs=(width, height) == (1280, 720))
    page.set_viewport_size({"width": 1024, "height": 768})
    page.locator(".cogov-panel-toggle").click()
    page.locator(".cogov-panel").wait_for(state="hidden")
    time.sleep(0.5)
    _check_layout(page, (1024, 768), panel=False)
    _save(page, shots, "classroom_1024x768_panel_closed.png", docs=False)
    page.locator(".cogov-panel-toggle").click()
    page.locator(".cogov-panel").wait_for()
    classroom.button("中文").click()
    classroom.button("单步").wait_for()
    classroom.wait_idle()
    time.sleep(0.5)
    classroom.wait_images()
    _check_layout(page, (1024, 768), panel=True)
    _save(page, shots, "classroom_1024x768_zh.png", docs=False)


def test_each_tab_has_its_own_model(browser, server):
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(2)]
    try:
        first = Classroom(contexts[0].new_page(), server)
        first.button("Step").click()
        first.wait_day("d === 2")
        second = Classroom(contexts[1].new_page(), server)  # opened after the first one stepped
        assert second.day() == 0  # a model shared between sessions would show day 2 here
        second.button("Step").click()
        second.wait_day("d === 2")
        assert first.day() == 2
    finally:
        for context in contexts:
            context.close()


# ------------------------------------------------------------------------------------------- street mode
STREET_TITLE = "Street: five_communities — A street of five communities"
STREET_ELEMENTS = {name: selector for name, selector in KEY_ELEMENTS.items() if name != "map colours"} | {
    "community": ".cogov-street-community", "charted outcome": ".cogov-street-metric"}
"""What a class must see together in street mode: the street's map and chart, the menus under the map."""


def _choose_scenario(classroom: Classroom, title: str) -> None:
    """Choose ``title`` in the scenario menu (Vuetify draws a long menu's items as it is scrolled)."""
    page = classroom.page
    page.locator(".cogov-scenario").click()
    menu = page.locator(".menuable__content__active")
    item = menu.get_by_role("option", name=title, exact=True)
    for _ in range(20):
        if item.count():
            break
        menu.evaluate("m => { m.scrollTop = m.scrollHeight; }")
        time.sleep(0.1)
    item.click()


def _enter_street(classroom: Classroom) -> None:
    """Street mode on the built-in five_communities, at day 0."""
    _choose_scenario(classroom, STREET_TITLE)
    classroom.page.locator("img.cogov-chart-street").wait_for()
    classroom.wait_idle()
    classroom.wait_images()


def _street(days: int, **overrides) -> object:
    """The street the page runs (five_communities, seed 0), stepped ``days`` days in this process."""
    from cogov.sim.street.load import apply_street_overrides, load_street
    from cogov.sim.street.model import StreetModel

    street = StreetModel(apply_street_overrides(load_street("five_communities"), overrides), rng=0)
    for _ in range(days):
        street.step()
    return street


def _street_monitors_show(classroom: Classroom, street, community: int) -> None:
    """The street's monitors show ``street``'s metrics today, and the followed community's its charted outcome."""
    for metric in ("satisfaction_mean", "satisfaction_mean_gap", "street_backlog", "department_hours_sent",
                   "whistled_hours_sent"):
        classroom.wait_monitor(metric, format_outcome(metric, street.metrics[metric], "en", single_run=True))
    value = street.communities[community].metrics["satisfaction_mean"]
    classroom.wait_monitor("community", format_outcome("satisfaction_mean", value, "en", single_run=True))
    name = classroom.page.locator(".cogov-monitor-community .cogov-monitor-name").inner_text()
    assert name.startswith(f"{street.names[community]}: "), name


def test_street_mode_plays_follows_a_community_and_resets(classroom, shots):
    """A street chosen in the scenario menu: Play to day 60 shows the street's metrics as the street model has them;
    choosing another community (the menu, then a click on its map) outlines it and redraws the chart; the whistle
    switched on while the street runs acts from the next day; the funds' rule applies at Reset, which starts over at
    day 0; choosing a community scenario returns to the community as it was."""
    from cogov.viz.street_session import STREET_CHART_SIZE_IN  # noqa: F401 - the street's module loads
    from cogov.viz.street_views import StreetMapView

    page = classroom.page
    classroom.button("Step").click()  # the community at day 2, to be found again after the street
    classroom.wait_day("d === 2")
    classroom.wait_idle()
    _enter_street(classroom)
    assert page.locator(".cogov-day").inner_text() == "Day 0 of 365"
    assert page.locator(".cogov-map-mode").count() == 0 and page.locator(".cogov-run-1").count() == 0
    page.locator(".cogov-street-off").wait_for()  # the community levers and runs are off, and the page says so
    classroom.fastest()
    classroom.play_until(60)
    street = _street(60)
    _street_monitors_show(classroom, street, 0)
    classroom.wait_idle()
    _save(page, shots, "classroom_street.png")

    map_before, chart_before = classroom.map_src(), page.locator("img.cogov-chart-street").get_attribute("src")
    page.locator(".cogov-street-community").click()
    page.locator(".menuable__content__active").get_by_role("option", name="old_compounds", exact=True).click()
    page.locator(".cogov-street-line", has_text="old_compounds: 2,500 households").wait_for()
    classroom.wait_idle()
    _street_monitors_show(classroom, street, 2)
    assert classroom.map_src() != map_before  # outlined elsewhere
    assert page.locator("img.cogov-chart-street").get_attribute("src") != chart_before  # another red line

    view = StreetMapView(street, "satisfaction_mean", selected=2)  # the page's map figure: where the panels lie
    width, height = view.canvas.get_width_height()
    x0, y0, x1, y1 = view.axes[3].bbox.extents  # new_commercial's panel, in pixels from the bottom left
    box = page.locator("img.cogov-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + (x0 + x1) / 2 / width * box["width"],
                     box["y"] + (1 - (y0 + y1) / 2 / height) * box["height"])
    page.locator(".cogov-street-line", has_text="new_commercial: 1,200 households").wait_for()
    classroom.wait_idle()
    _street_monitors_show(classroom, street, 3)

    page.locator(".cogov-lever-street-whistle-enabled .v-input--selection-controls__input").click()
    page.locator(".cogov-changes", has_text="from day 61:").wait_for()  # the running street takes it tomorrow
    page.locator(".cogov-legend-marker", has_text="① from day 61:").wait_for()  # ① on the street's chart
    assert page.locator(".cogov-pending").count() == 0
    classroom.play_until(80)
    street.intervene({"street.whistle.enabled": True})
    for _ in range(20):
        street.step()
    _street_monitors_show(classroom, street, 3)  # the street whistled from day 61, as the model has it
    page.locator(".cogov-lever-street-funds-allocation .cogov-lever-menu").click()
    page.locator(".menuable__content__active").get_by_role("option", name="by need (elderly, unkept)").click()
    page.locator(".cogov-pending").wait_for()  # the funds, a year's budget, wait for Reset
    classroom.button("Reset").click()
    classroom.wait_day("d === 0")
    classroom.wait_idle()
    page.locator(".cogov-changes", has_text="off → on").wait_for()
    assert page.locator(".cogov-changes", has_text="from day").count() == 0  # a new run: both from day 0
    levers = {"street.whistle.enabled": True, "street.funds.allocation": "need"}
    _street_monitors_show(classroom, _street(0, **levers), 3)  # day 0 again, still following new_commercial
    classroom.play_until(60)
    whistled = _street(60, **levers)
    assert whistled.metrics["department_hours_sent"] != _street(60).metrics["department_hours_sent"]
    _street_monitors_show(classroom, whistled, 3)

    classroom.wait_idle()
    _choose_scenario(classroom, "default — " + _default_title())
    page.locator(".cogov-map-mode").wait_for()
    classroom.wait_idle()
    assert page.locator(".cogov-day").inner_text() == "Day 2 of 365"  # the community as it was left
    classroom.wait_images()


def _default_title() -> str:
    from cogov.viz.controls import scenario_titles

    return scenario_titles()["default"]["en"]


def test_street_mode_fits_a_projector(classroom, shots):
    """Street mode at each projector size, with the lever panel open and closed, and in Chinese at the smallest:
    controls, the street's map and chart and the menus under the map inside the window, not overlapping."""
    page = classroom.page
    _enter_street(classroom)
    classroom.button("Step").click()
    classroom.wait_day("d === 2")
    classroom.wait_idle()

    def check(size: tuple[int, int], name: str) -> None:
        for panel in (True, False):
            if page.locator(".cogov-panel").is_visible() != panel:
                page.locator(".cogov-panel-toggle").click()
                page.locator(".cogov-panel").wait_for(state="visible" if panel else "hidden")
            time.sleep(0.4)  # let the grid reflow
            classroom.wait_images()
            _check_layout(page, size, panel=panel, selectors=STREET_ELEMENTS)
            _save(page, shots, f"{name}{'' if panel else '_panel_closed'}.png", docs=False)

    for width, height in PROJECTORS:
        page.set_viewport_size({"width": width, "height": height})
        check((width, height), f"classroom_street_{width}x{height}")
    page.set_viewport_size({"width": 1024, "height": 768})
    classroom.button("中文").click()
    classroom.button("单步").wait_for()
    classroom.wait_idle()
    assert "街道" in page.locator(".cogov-monitor-satisfaction_mean .cogov-monitor-name").inner_text()
    check((1024, 768), "classroom_street_1024x768_zh")
