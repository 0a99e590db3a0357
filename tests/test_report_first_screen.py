"""A report leads with what a decision maker asks (issue 14): the first screen shows, per intervention, the largest
practically meaningful changes, what they cost and who gains; with several interventions, how they rank against each
other. Checked on the rendered HTML in headless Chromium at a laptop's viewport."""

from __future__ import annotations

import shutil

import pytest

from cogov.analysis.compare import compare_scenarios
from cogov.analysis.figures import cjk_font
from cogov.analysis.report import GLANCE_CHANGES, _costs, _equity, _glance, _ranking_rows, build_report, write_report
from cogov.experiments.backends import SerialExecutor

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("first-screen") / "out"
    compare_scenarios(["default", "points_system", "funding_beijing_2020"], out, SerialExecutor(), 1, replicates=4,
                      days=60)
    return out


@pytest.fixture(scope="module")
def report(folder):
    return build_report(folder, maps=0)


def test_the_glance_lists_the_largest_meaningful_changes_first(report):
    blocks = _glance(report, _costs(report), _equity(report))
    assert [b["heading"].split(" compared with ")[0] for b in blocks] == [
        "Volunteer points system with ranking, employer feedback and minimum hours", "Beijing 2020 funding level"]
    table = report.table
    for block, key in zip(blocks, ("points_system", "funding_beijing_2020"), strict=True):
        rows = table[(table["scenario"] == key) & table["distinguishable"] & (table["practical"] == "meaningful")]
        sizes = (rows["difference"] / rows["smallest_difference"]).abs().sort_values(ascending=False)
        assert len(block["changes"]) == min(GLANCE_CHANGES, len(rows))
        from cogov.analysis.figures import metric_name
        expected = [metric_name(o, "en") for o in rows.loc[sizes.index, "outcome"].head(GLANCE_CHANGES)]
        assert [c["text"].split(":")[0] for c in block["changes"]] == expected
        assert block["cost"].startswith("Public cost:")
    ranked = _ranking_rows(report)
    assert [r["outcome"] for r in ranked][:2] == ["Mean satisfaction", "Resolution rate"]
    assert all((" > " in r["order"]) or (" ≈ " in r["order"]) for r in ranked)


def test_one_intervention_has_no_ranking(tmp_path):
    compare_scenarios(["default", "points_system"], tmp_path / "out", SerialExecutor(), 1, replicates=2, days=10)
    assert _ranking_rows(build_report(tmp_path / "out", maps=0)) == []


def test_the_summary_is_on_the_first_screen_in_a_browser(report, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the optional extra 'cogov[browser]'")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no system Chromium (scripts/install_system_packages.sh)")
    path = write_report(report, tmp_path / "report.html")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context(viewport=LAPTOP).new_page()
            page.goto(path.as_uri())
            first = page.locator("#glance > ul").first
            box = first.bounding_box()
            assert box is not None and box["y"] + box["height"] <= LAPTOP["height"], box
            text = first.inner_text()
            assert "Largest meaningful changes" in text and "Cost:" in text and "Who gains" in text
            assert page.locator("#glance").bounding_box()["y"] < page.locator("#summary").bounding_box()["y"]
        finally:
            browser.close()


def test_no_absolute_local_path_in_the_report(report, tmp_path):
    from cogov.analysis.report import shown_path
    from cogov.sim.scenario import builtin_dir

    text = write_report(report, tmp_path / "report.md").read_text(encoding="utf-8")
    assert str(builtin_dir()) not in text and str(tmp_path.parent) not in text
    assert "built-in: points\\_system.toml" in text
    assert shown_path(builtin_dir() / "streets" / "five_communities.toml") == "built-in: streets/five_communities.toml"
    assert shown_path(tmp_path / "mine.toml") == "mine.toml"


@pytest.mark.skipif(cjk_font() is None, reason="no CJK font installed: figures fall back to English labels")
def test_no_english_is_left_in_a_chinese_report_but_names(folder, tmp_path):
    import re

    text = write_report(build_report(folder, lang="zh", maps=0), tmp_path / "zh.md").read_text(encoding="utf-8")
    body = text.split("## 来源与可重复性")[0]  # provenance: versions, paths and the command, as they are
    body = re.sub(r"`[^`]*`|\]\([^)]*\)|\b[0-9a-f]{32,}\b", "", body)  # code, figure links, digests
    for name in ("default", "points_system", "funding_beijing_2020"):
        body = body.replace(name.replace("_", "\\_"), "")
    words = set(re.findall(r"[A-Za-z][A-Za-z_.\\]{2,}", body))
    names = {"cogov", "Holm", "SHA", "docs", "ODD.md", "toml", "compare", "precision", "validate", "model",
             "sensitivity"}  # the program, its commands and files, a statistician's name, a hash's
    assert words <= names, sorted(words - names)
