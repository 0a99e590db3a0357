"""Comparison reports: HTML and Markdown hold every table row and figure, escape hostile names, carry
provenance; the plain-words verdicts; the pandas API over a results folder."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cogov.analysis import results
from cogov.analysis.compare import compare_runs, compare_scenarios
from cogov.analysis.figures import cjk_font
from cogov.analysis.report import TEXT, build_report, markdown_escape, render, write_report
from cogov.analysis.wording import describe, format_difference, format_value
from cogov.cli import main
from cogov.experiments.backends import SerialExecutor
from cogov.experiments.targets import ISHIGAMI_OUTPUT
from cogov.sim.outcomes.registry import outcome_names, smallest_difference

HOSTILE = '<script>alert("x")</script> & | *bold* [link](http://example.com) `code`'
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TITLE_EN = "Red <b>property</b>"
REPLICATES = 3


def _small(folder: Path, name: str, meta_name: str, extra: str = "", title: str = "") -> Path:
    path = folder / name
    meta = meta_name.replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(title + f'extends = "default"\n[meta]\nname = "{meta}"\ndescription = "{meta}"\n'
                    f"[community]\nhouseholds = 300\nhouseholds_per_compound = 60\nhouseholds_per_grid = 100\n{extra}",
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A comparison of a small baseline with a hostile-named red-property variant, on common seeds."""
    base = tmp_path_factory.mktemp("report")
    baseline = _small(base, "base.toml", "baseline")
    other = _small(base, "red<&>|.toml", HOSTILE,
                   "[levers.cross_appointment]\nparty_property = true\nparty_owners_committee = true\n",
                   title=f"# {TITLE_EN} — 红色物业<i>\n")
    compare_scenarios([str(baseline), str(other)], base / "out", SerialExecutor(), 1, replicates=REPLICATES, days=30)
    return base / "out"


@pytest.fixture(scope="module")
def report(folder):
    return build_report(folder, maps=2, command="cogov compare base.toml red.toml")


class _Collector(HTMLParser):
    """Tags, attributes and text of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_html_report_is_self_contained_with_every_figure_and_row(report, tmp_path):
    path = write_report(report, tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    doc = _parse(html)
    images = [attrs for tag, attrs in doc.tags if tag == "img"]
    # difference plot, a series per outcome viewed over time, a distribution per outcome viewed so, 2 maps
    expected = 1 + len(outcome_names(view="over_time")) + len(outcome_names(view="distribution")) + 2
    assert len(images) == len(report.figures) == expected
    for attrs in images:
        src = attrs["src"] or ""
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == PNG_MAGIC
    assert not [t for t, _ in doc.tags if t in ("script", "link", "iframe", "object")]
    external = [v for _, attrs in doc.tags for k, v in attrs.items() if k in ("src", "href") and v and
                not v.startswith(("data:", "#"))]
    assert external == []
    rows = re.search(r'<table id="comparison">(.*?)</table>', html, re.DOTALL).group(1)
    assert rows.count("<tr") == len(report.table) + 1  # a header, then one row per (outcome, scenario)
    assert "Provenance" in html and report.provenance["experiment digest"] in html
    for replicate, seed in report.seeds:
        assert f">{seed}<" in html
    assert len(report.seeds) == REPLICATES


def test_html_escapes_hostile_scenario_names(report, tmp_path):
    html = write_report(report, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in html and 'alert("x")' not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    text = "".join(_parse(html).text)
    assert HOSTILE in text  # shown to the reader exactly as written, as text
    assert "red&lt;&amp;&gt;|.toml" in html  # the file name too
    assert "Red &lt;b&gt;property&lt;/b&gt;" in html and "<b>" not in html  # and the title from its header


def test_markdown_report_escapes_and_links_every_figure(report, tmp_path):
    path = write_report(report, tmp_path / "paper" / "report.md")
    md = path.read_text(encoding="utf-8")
    links = re.findall(r"(?<!\\)\]\(([^)\s]+)\)", md)  # link targets after an unescaped "]"
    assert len(links) == len(report.figures)  # the hostile name's "[link](http://…)" is inert text
    for link in links:
        assert (path.parent / link).read_bytes()[:8] == PNG_MAGIC
    assert "<script>" not in md and "\\<script\\>" in md
    for table in re.findall(r"(?:^\|.*\|\n)+", md, re.MULTILINE):  # every table keeps its column count
        counts = {len(re.findall(r"(?<!\\)\|", line)) for line in table.splitlines()}
        assert len(counts) == 1, table
    assert md.count("\n| ") >= len(report.table)


def test_markdown_escape_neutralises_markup():
    assert markdown_escape("a|b*c_d[e](f)<g>`h`#") == r"a\|b\*c\_d\[e\](f)\<g\>\`h\`\#"
    assert markdown_escape("x\ny") == "x y" and markdown_escape("&") == "&amp;"


def test_report_states_differences_and_settings(report):
    (info,) = [s for s in report.scenarios if s.name == HOSTILE]
    changed = {label for label, _, _ in info.differences}
    assert changed == {"Cross-appointment: red property", "Cross-appointment: owners' committee"}
    assert all((a, b) == ("off", "on") for _, a, b in info.differences)
    assert info.sources[-1].endswith("red<&>|.toml") and len(info.digest) == 64
    assert info.title == TITLE_EN  # from the file's first line, in the report's language
    verdicts = report.verdicts[info.key]
    assert len(verdicts) == (~report.table["baseline"]).sum()
    for verdict, (_, row) in zip(verdicts, report.table[~report.table["baseline"]].iterrows(), strict=True):
        assert verdict.outcome == row["outcome"]
        assert verdict.distinguishable == bool(row["distinguishable"]) or row["difference"] == 0


def test_chinese_report(folder, tmp_path):
    report = build_report(folder, lang="zh", maps=0)
    html = write_report(report, tmp_path / "zh.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in html and "结论概要" in html and "问题解决率" in html and "来源与可重复性" in html
    assert "谁受益" in html and "之间的差距" in html and "小区类型" in html  # who gains, in Chinese
    assert "Gap between" not in html and "Who gains" not in html and "Compound type" not in html
    assert len(report.figures) == 1 + len(outcome_names(view="over_time")) + len(outcome_names(view="distribution"))
    assert [s.title for s in report.scenarios] == ["", "红色物业<i>"]
    if cjk_font() is not None:  # figures in Chinese too (else they fall back to English, tested in test_figures)
        assert report.figures[0].title.startswith("相对于")
    with pytest.raises(ValueError, match="unknown language"):
        build_report(folder, lang="fr")


def test_unknown_report_suffix_is_refused(report, tmp_path):
    from cogov.sim.scenario import ScenarioError

    with pytest.raises(ScenarioError, match=r"\.pdf"):
        write_report(report, tmp_path / "report.pdf")


def test_cli_writes_html_and_markdown_reports(folder, tmp_path, capsys):
    html, md = tmp_path / "r.html", tmp_path / "r.md"
    code = main(["compare", "--from", str(folder), "--report", str(html), "--report", str(md), "--maps", "0",
                 "--lang", "zh"])
    assert code == 0
    assert "结论概要" in html.read_text(encoding="utf-8") and "结论概要" in md.read_text(encoding="utf-8")
    assert "问题解决率" in capsys.readouterr().out  # the console table speaks the same language
    assert "cogov compare --from" in html.read_text(encoding="utf-8")  # how to reproduce it


# ---------------------------------------------------------------------------------- plain words
def _row(outcome: str, diff: float, low: float, high: float, mean: float, d: float = 1.0) -> dict:
    return {"outcome": outcome, "scenario": "b", "difference": diff, "diff_ci_low": low, "diff_ci_high": high,
            "mean": mean, "cohens_d": d, "distinguishable": low > 0 or high < 0}


def test_plain_words_for_an_improvement_in_a_share():
    verdict = describe(_row("resolution_rate", 0.027, 0.022, 0.032, 0.939, d=2.0), baseline_mean=0.912)
    assert smallest_difference("resolution_rate") == pytest.approx(0.01)  # the sentence below depends on it
    assert verdict.distinguishable and verdict.better is True and verdict.size == "meaningful"
    assert verdict.sentence == ("Resolution rate: rises from 91.2 % to 93.9 % (+2.7 percentage points; 95 % CI +2.2 "
                                "to +3.2) — an improvement; practically meaningful: about 2.7 times the smallest "
                                "difference that matters (1.0 percentage points).")


def test_a_tiny_difference_with_a_huge_d_is_not_called_large():
    """Issue 14: under common random numbers +0.010 satisfaction had d = +2.07 and was called 'large'."""
    tiny = describe(_row("satisfaction_mean", 0.010, 0.008, 0.012, 0.62, d=2.07), baseline_mean=0.61)
    assert tiny.distinguishable and tiny.size == "uncertain"
    assert "large" not in tiny.sentence and "d =" not in tiny.sentence and "may or may not matter" in tiny.sentence
    below = describe(_row("satisfaction_mean", 0.004, 0.003, 0.005, 0.614, d=3.5), baseline_mean=0.61, lang="zh")
    assert below.size == "below" and "无实际意义" in below.sentence and "d" not in below.sentence


def test_plain_words_know_which_direction_is_better():
    slower = describe(_row("mean_days_to_resolve", 0.5, 0.2, 0.8, 6.5, d=0.3), baseline_mean=6.0)
    assert slower.better is False and slower.size == "uncertain" and "a deterioration" in slower.sentence
    cheaper = describe(_row("cost_per_resolved", -14.3, -20.0, -8.0, 300.0, d=-0.6), baseline_mean=314.3, lang="zh")
    assert cheaper.better is True and "有所改善" in cheaper.sentence and "元" in cheaper.sentence
    escalation = describe(_row("escalation_rate", 0.05, 0.01, 0.09, 0.2), baseline_mean=0.15)
    assert escalation.distinguishable and escalation.better is None


def test_plain_words_mark_noise_and_identity():
    noise = describe(_row("satisfaction_mean", 0.001, -0.002, 0.004, 0.611), baseline_mean=0.610)
    assert not noise.distinguishable and noise.better is None
    assert "cannot" not in noise.sentence and "told apart from noise" in noise.sentence
    same = describe(_row("volunteer_share", 0.0, 0.0, 0.0, 0.06, d=float("nan")), baseline_mean=0.06)
    assert "the same in every replicate" in same.sentence and same.size == "below"  # 0 is within what matters


def test_number_formats_follow_units():
    assert format_value("resolution_rate", 0.9123) == "91.2 %"
    assert format_value("resolution_rate", 0.9123, "zh") == "91.2%"
    assert format_value("mean_days_to_resolve", 6.04) == "6.0 days"
    assert format_value("cost_per_resolved", 1234.4) == "1,234 CNY"
    assert format_difference("on_time_share", -0.0042) == "-0.4 percentage points"
    assert format_difference("trust_mean", 0.00034) == "+0.0003"
    assert format_value(ISHIGAMI_OUTPUT.name, 1234.5678) == "1235"  # a plain number, declared by its target
    assert format_value("backlog", 12.0) == "12.0" and format_value("backlog", 12.0, single_run=True) == "12"
    assert format_value("volunteer_hours", 6346.2) == "6,346 hours"
    assert format_difference("volunteer_hours", -40.4, "zh") == "-40 小时"


# ---------------------------------------------------------------------------------- pandas API
def test_load_runs_names_parameters_by_key_path(folder):
    runs = results.load_runs(folder)
    assert results.parameters(runs) == ["scenario"] and "param:scenario" not in runs.columns
    assert len(runs) == 2 * REPLICATES and set(runs["status"]) == {"ok"}
    assert "resolution_rate" in runs.attrs["outcomes"] and "seed" not in runs.attrs["outcomes"]


def test_tidy_frame_has_one_row_per_run_and_outcome(folder):
    runs = results.load_runs(folder)
    tidy = results.load_tidy(folder)
    assert len(tidy) == len(runs) * len(runs.attrs["outcomes"])
    assert list(tidy.columns) == ["run_id", "replicate", "seed", "scenario", "outcome", "value"]
    one = tidy[(tidy["run_id"] == runs["run_id"].iloc[0]) & (tidy["outcome"] == "backlog")]["value"].item()
    assert one == runs["backlog"].iloc[0]
    with pytest.raises(Exception, match="no outcome 'nope'"):
        results.load_tidy(folder, outcomes=["nope"])


def test_series_join_each_run_to_its_scenario(folder):
    series = results.load_series(folder)
    assert {"day", "replicate", "scenario", "backlog"} <= set(series.columns)
    assert series.groupby("run_id")["day"].nunique().eq(31).all()  # day 0 (the initial state) to day 30
    assert series["scenario"].nunique() == 2


def test_compare_from_folder_equals_compare_runs(folder):
    runs = results.load_runs(folder)
    first = runs["scenario"].iloc[0]
    expected = compare_runs(runs, baseline=first, by="scenario")
    pd.testing.assert_frame_equal(results.compare(folder), expected)
    assert np.isfinite(expected["mean"]).all()


def test_not_a_results_folder(tmp_path):
    with pytest.raises(Exception, match="not a results folder"):
        results.load_runs(tmp_path)


def test_render_needs_no_files(report):
    html = render(report, "html")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")


# ---------------------------------------------------------------------------------- cogov plot
@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    from experiment_files import FACTORIAL, write_experiment  # tests/ is on sys.path

    from cogov.experiments.runner import run_sweep
    from cogov.experiments.spec import load_experiment

    base = tmp_path_factory.mktemp("sweep")
    run_sweep(load_experiment(write_experiment(base, FACTORIAL)), base / "out", SerialExecutor())
    return base / "out"


def test_cli_plots_response_curves_and_heatmaps_from_a_sweep(sweep, tmp_path):
    curve, heat = tmp_path / "curve.png", tmp_path / "heat.png"
    assert main(["plot", str(sweep), "--metric", "backlog", "--x", "levers.funding.annual_cny",
                 "--by", "levers.cross_appointment.party_property", "--out", str(curve)]) == 0
    assert main(["plot", str(sweep), "--metric", "backlog", "--x", "levers.funding.annual_cny",
                 "--y", "levers.cross_appointment.party_property", "--out", str(heat), "--lang", "zh"]) == 0
    assert curve.read_bytes()[:8] == PNG_MAGIC and heat.read_bytes()[:8] == PNG_MAGIC


def test_cli_plot_names_what_is_available(sweep, tmp_path, capsys):
    code = main(["plot", str(sweep), "--metric", "backlogg", "--x", "levers.funding.annual", "--out",
                 str(tmp_path / "x.png")])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "x.png").exists()
    assert "--x levers.funding.annual: not a swept parameter" in err and "levers.funding.annual_cny" in err
    assert "--metric backlogg: not an outcome" in err


def test_cli_refuses_bad_input_before_running(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compare", "default", "red_property", "--out", str(out), "--report", str(tmp_path / "r.pdf")]) == 2
    assert "--report" in capsys.readouterr().err and not out.exists()  # nothing ran
    assert main(["compare", "default", "nope", "--out", str(out), "--replicates", "2", "--days", "5"]) == 2
    assert "nope: no such file or built-in scenario" in capsys.readouterr().err


def test_the_report_says_how_many_outcomes_were_compared_and_warns_about_few_replicates():
    from cogov.analysis.report import _statistical_notes

    def runs(n: int) -> pd.DataFrame:
        rng = np.random.default_rng(n)
        return pd.DataFrame({"replicate": np.r_[np.arange(n), np.arange(n)], "status": "ok",
                             "param:scenario": ["a"] * n + ["b"] * n,
                             "backlog": rng.normal(10, 1, 2 * n), "stalemates": rng.normal(5, 1, 2 * n)})

    one = _statistical_notes(compare_runs(runs(1), "a", outcomes=["backlog", "stalemates"]), "en")
    assert any("One replicate per scenario" in note for note in one)
    few = _statistical_notes(compare_runs(runs(4), "a", outcomes=["backlog", "stalemates"]), "zh")
    assert any("仅 4 次重复" in note for note in few) and any("2 项指标" in note for note in few)
    enough = _statistical_notes(compare_runs(runs(12), "a", outcomes=["backlog", "stalemates"]), "en")
    assert enough == [next(n for n in enough if "2 outcomes compared" in n)]  # no warning, only the Holm note


def test_the_report_says_who_gains(report):
    html = render(report, "html")
    assert 'id="equity"' in html and "Gap between" in html
    assert not report.equity.empty and set(report.equity["kind"]) == {"group", "gap"}
    assert html.index('id="equity"') < html.index('id="table"')  # before the full table



def test_compare_outcomes_on_the_cli_are_checked_and_kept(folder, tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["compare", "--from", str(folder), "--outcomes", "backlog,backlg"])
    assert caught.value.code == 2 and "did you mean 'backlog'" in capsys.readouterr().err
    csv = tmp_path / "t.csv"
    md = tmp_path / "r.md"
    code = main(["compare", "--from", str(folder), "--outcomes", "backlog", "--outcomes", "stalemates",
                 "--csv", str(csv), "--report", str(md), "--maps", "0"])
    assert code == 0
    assert list(dict.fromkeys(pd.read_csv(csv)["outcome"])) == ["backlog", "stalemates"]
    table_rows = [line for line in md.read_text(encoding="utf-8").splitlines()
                  if line.startswith(("| Backlog", "| Resolution rate"))]
    assert table_rows and not any(line.startswith("| Resolution rate") for line in table_rows)


def test_the_summary_keeps_changes_too_small_to_matter_apart():
    from cogov.analysis.report import _summaries

    rows = pd.DataFrame([
        {"outcome": "resolution_rate", "scenario": "b", "baseline": False, "difference": 0.03, "diff_ci_low": 0.02,
         "diff_ci_high": 0.04, "mean": 0.83, "cohens_d": 3.0, "distinguishable": True},
        {"outcome": "satisfaction_mean", "scenario": "b", "baseline": False, "difference": 0.004, "diff_ci_low": 0.003,
         "diff_ci_high": 0.005, "mean": 0.63, "cohens_d": 3.0, "distinguishable": True}])
    verdicts = {"b": [describe(row, 0.8, "en") for _, row in rows.iterrows()]}
    fake = SimpleNamespace(verdicts=verdicts, lang="en", scenarios=[], baseline="a",
                           t=lambda key, **f: TEXT[key]["en"].format(**f))
    summary = _summaries(fake)[0]
    assert summary["better"] == ["Resolution rate"] and summary["small"] == ["Mean satisfaction"]
