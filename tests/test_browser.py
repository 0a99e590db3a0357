"""The classroom page in a real browser: headless Chromium (the system's, no download) driven by
Playwright against ``cogov viz`` started as a subprocess on a free loopback port.

Checked: the page loads with no request leaving 127.0.0.1 (front-end files from the offline cache),
map and charts render, Step advances the day counter, Play runs and Pause stops, a slider changes a
lever and the model responds exactly as the model run in this process, the language switch changes
the labels, and two tabs have separate models. Screenshots go to a temporary folder (their path is
printed); with ``COGOV_UPDATE_SCREENSHOTS=1`` (or when missing) they are also copied to ``docs/img``.
"""

from __future__ import annotations

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

from cogov.sim.model import CommunityModel
from cogov.viz.controls import text

ROOT = Path(__file__).resolve().parents[1]
DOCS_IMG = ROOT / "docs" / "img"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
UI_TIMEOUT_MS = 20_000
VIEWPORT = {"width": 1600, "height": 1000}


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
        """Both figures are decoded images of real size."""
        self.page.wait_for_function(
            "['img.cogov-map', 'img.cogov-charts'].every(s => { const i = document.querySelector(s);"
            " return i && i.complete && i.naturalWidth > 300 && i.naturalHeight > 300; })")

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

    def backlog(self, day: int) -> int:
        """The backlog in the status line, once that line shows ``day`` (it may trail the counter)."""
        status = self.page.locator(".cogov-status")
        status.filter(has_text=f"Day {day}:").wait_for()
        match = re.search(r"backlog (\d+)", status.inner_text())
        assert match is not None
        return int(match.group(1))

    def map_src(self) -> str:
        return self.page.locator("img.cogov-map").get_attribute("src") or ""


@pytest.fixture
def classroom(browser, server) -> Iterator[Classroom]:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield Classroom(context.new_page(), server)
    finally:
        context.close()


def _save(page, shots: Path, name: str) -> Path:
    path = shots / name
    page.screenshot(path=str(path))
    target = DOCS_IMG / name
    if os.environ.get("COGOV_UPDATE_SCREENSHOTS") == "1" or not target.exists():
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return path


def test_page_loads_offline_with_map_and_charts(classroom):
    page = classroom.page
    assert classroom.day() == 0
    assert page.locator(".cogov-day").inner_text() == "Day 0 of 365"
    assert classroom.button("Step").is_enabled() and classroom.button("Play").is_enabled()
    assert page.get_by_text("Annual community funding").count() == 1  # lever labels of sim.labels
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
    speed = classroom.slider("cogov-speed")
    speed.focus()
    speed.press("End")  # 30 days per step
    page.get_by_text(f"{text('speed', 'en')}: 30").wait_for()
    for target in (30, 60):
        classroom.button("Step").click()
        classroom.wait_day(f"d === {target}")
    baseline = classroom.backlog(60)

    burden = classroom.slider("cogov-lever-levers-burden-admin_share")
    assert burden.get_attribute("aria-valuenow") == "0.5"
    burden.focus()
    burden.press("End")  # 0.9: most staff time on top-down tasks
    page.get_by_text("Staff time on top-down tasks (share 0-1): 0.9").wait_for()
    page.locator(".cogov-pending").wait_for()  # the page says the change waits for Reset
    classroom.button("Reset").click()
    classroom.wait_day("d === 0")
    page.locator(".cogov-changes", has_text="0.5 → 0.9").wait_for()
    for target in (30, 60):
        classroom.button("Step").click()
        classroom.wait_day(f"d === {target}")
    shown = classroom.backlog(60)

    expected = CommunityModel("default", rng=0, levers__burden__admin_share=0.9)
    reference = CommunityModel("default", rng=0)
    for _ in range(60):
        expected.step()
        reference.step()
    assert baseline == reference.metrics["backlog"]
    assert shown == expected.metrics["backlog"]  # the page runs exactly the model with the new lever
    assert shown > baseline  # and it responds: overloaded staff, a longer queue
    classroom.wait_images()
    _save(page, shots, "classroom.png")

    classroom.button("中文").click()  # the same state in Chinese, for the guide
    page.get_by_role("button", name="单步").wait_for()
    classroom.wait_images()
    _save(page, shots, "classroom_zh.png")


def test_language_switch_changes_labels(classroom):
    page = classroom.page
    before = classroom.map_src()
    classroom.button("中文").click()
    classroom.button("单步").wait_for()
    for label in ("播放", "重置", "English"):
        assert classroom.button(label).is_visible()
    assert page.locator(".cogov-day").inner_text() == "第 0 天（共 365 天）"
    assert page.get_by_text("社区年度经费（元/年）", exact=False).count() == 1
    assert classroom.button("Step").count() == 0
    page.wait_for_function(f"document.querySelector('img.cogov-map').src !== {before!r}")  # figures redrawn
    classroom.button("English").click()
    classroom.button("Step").wait_for()


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
