"""The outcome registry: every outcome a real run produces is declared, every declaration is complete,
and every consumer reads the registry and refuses an outcome it does not declare."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import get_args

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from cogov import cli
from cogov.analysis import figures, sensitivity, wording
from cogov.analysis.compare import compare_runs, compare_scenarios
from cogov.analysis.report import build_report
from cogov.experiments.backends import SerialExecutor
from cogov.experiments.targets import ISHIGAMI_OUTPUT, get_target
from cogov.sim.model import CommunityModel
from cogov.sim.outcomes import DAILY_METRICS, registry
from cogov.sim.outcomes.registry import (
    KINDS,
    OUTCOMES,
    Direction,
    Kind,
    Outcome,
    Text,
    UndeclaredOutcome,
    outcome,
    outcome_names,
    register,
    smallest_difference,
)

MADE_UP = "happiness_index"
CJK = re.compile(r"[\u4e00-\u9fff]")
SIM = Path(registry.__file__).resolve().parents[1]  # the installed sim/ package folder
SMALL = """extends = "default"
[meta]
name = "{name}"
[simulation]
days = 30
[community]
households = 300
households_per_compound = 60
households_per_grid = 100
{extra}"""

# Outcomes that code registers (experiments/targets.py), not the model's own table.
REGISTERED_BY_CODE = {ISHIGAMI_OUTPUT.name}


@pytest.fixture(scope="module")
def small_scenario(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("registry") / "small.toml"
    path.write_text(SMALL.format(name="small", extra=""), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model(small_scenario) -> CommunityModel:
    """A short run of a small community."""
    m = CommunityModel(str(small_scenario), rng=3)
    m.run()
    return m


@pytest.fixture(scope="module")
def run_output(small_scenario):
    """The flat outputs of one run as an experiment records them."""
    target = get_target("cogov", str(small_scenario), small_scenario.parent, None)
    return target.run({}, 3, series_every=1)


# ------------------------------------------------------------------------------ what runs produce is declared
def test_every_daily_series_column_is_declared_and_flagged_daily(model):
    columns = [c for c in model.series().reset_index().columns if c != "day"]
    undeclared = [c for c in columns if c not in OUTCOMES]
    assert not undeclared, f"daily columns without a declaration in {registry.WHERE}: {undeclared}"
    assert set(outcome_names(daily=True)) == set(columns) == set(DAILY_METRICS) - {"day"}


def test_every_run_output_is_declared(run_output):
    undeclared = [k for k in run_output.summary if k not in OUTCOMES]
    assert not undeclared, f"run outputs without a declaration: {undeclared}"
    assert set(run_output.series.columns) - {"day"} <= set(OUTCOMES)


def test_no_declaration_without_an_outcome(run_output):
    """The model's table declares nothing a run cannot produce: what a short run did not report is a
    counter never incremented in it (a counter appears once it is first counted)."""
    model_table = set(OUTCOMES) - REGISTERED_BY_CODE - registry.STREET_ONLY  # a street's: tests/test_street.py
    missing = model_table - set(run_output.summary)
    assert missing <= {f"count_{c}" for c in registry.COUNTERS}, sorted(missing)


def test_every_counter_in_the_model_source_is_declared():
    """Counters are created where they are first incremented, so a short run may not show them all:
    read sim/ for every ``counters["…"]`` and check both ways."""
    used = set()
    for path in SIM.rglob("*.py"):
        used |= set(re.findall(r"""counters\[["'](\w+)["']\]""", path.read_text(encoding="utf-8")))
    assert used, f"no counters found under {SIM}"
    assert used == set(registry.COUNTERS), (sorted(used - set(registry.COUNTERS)), sorted(set(registry.COUNTERS) - used))
    assert {f"count_{c}" for c in used} <= set(OUTCOMES)


def test_values_of_a_run_lie_within_their_declared_bounds(model, run_output):
    values = dict(run_output.summary)
    series = model.series()
    for name in outcome_names(daily=True):
        values[f"{name}@min"], values[f"{name}@max"] = series[name].min(), series[name].max()
    for key, value in values.items():
        low, high = outcome(key.split("@")[0]).bounds
        assert math.isnan(value) or low <= value <= high, (key, value, (low, high))


# ------------------------------------------------------------------------------ declarations are complete
@pytest.mark.parametrize("name", list(OUTCOMES))
def test_declaration_is_complete(name):
    item = OUTCOMES[name]
    assert item.name == name and item.description.strip()
    for lang in ("en", "zh"):
        assert item.label[lang].strip(), lang
        assert isinstance(item.unit[lang], str)
    assert item.kind in KINDS and item.kind in get_args(Kind)
    assert item.better in get_args(Direction)
    assert math.isfinite(item.smallest_difference) and item.smallest_difference > 0
    assert re.match(r"(source|assumption): \S", item.smallest_difference_source), item.smallest_difference_source
    assert not CJK.search(item.label["en"] + item.unit["en"] + item.description)
    # Chinese names use Chinese words; only a mathematical symbol (the test function's y) stays as it is
    assert CJK.search(item.label["zh"]) or item.label["zh"] == item.label["en"]


def test_kinds_are_the_declared_literal():
    assert set(KINDS) == set(get_args(Kind))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_labels_are_unique_within_a_language(lang):
    seen: dict[str, str] = {}
    for item in OUTCOMES.values():
        assert item.label[lang] not in seen, (item.name, seen.get(item.label[lang]))
        seen[item.label[lang]] = item.name


def test_key_outcomes_keep_the_comparison_order():
    assert outcome_names(key=True) == (
        "resolution_rate", "mean_days_to_resolve", "on_time_share", "resolved_in_grid_share", "escalation_rate",
        "backlog", "stalemates", "satisfaction_mean", "satisfaction_p10", "trust_mean", "volunteer_share",
        "inservice_serving_share", "cost_per_resolved", "branch_strength", "dispute_resolution_rate",
        "disputes_mediated", "vulnerable_reached_share", "satisfaction_vulnerable", "activity_reach_share",
        "needs_met")
    assert all(outcome(name).daily for name in outcome_names(key=True))


def test_directions_of_the_headline_outcomes():
    assert outcome("resolution_rate").better == 1 and outcome("backlog").better == -1
    assert outcome("escalation_rate").better == 0  # raised on purpose by some levers, lowered by others
    assert all(outcome(n).better == 0 for n in OUTCOMES if n.startswith("community_"))


@pytest.mark.parametrize("change", [
    {"kind": "ratio"}, {"better": 2}, {"smallest_difference": 0.0}, {"smallest_difference": math.nan},
    {"smallest_difference_source": " "}, {"views": frozenset({"over_time"})}, {"label": Text("", "名称")},
    {"typical_range": (0.0, 2.0)}, {"name": "not a column"},
])
def test_a_wrong_declaration_fails_when_it_is_made(change):
    fields = {"name": "made_up_share", "description": "A share.", "label": Text("Made-up share", "虚构比例"),
              "unit": Text("share", "比例"), "kind": "share", "better": 1, "smallest_difference": 0.01,
              "smallest_difference_source": "assumption: 1 percentage point"}
    Outcome(**fields)  # the unchanged declaration is fine
    with pytest.raises(ValueError, match="made_up_share|not a column"):
        Outcome(**(fields | change))


# ------------------------------------------------------------------------------ lookups
def test_undeclared_outcome_names_it_suggests_and_says_where():
    with pytest.raises(UndeclaredOutcome) as caught:
        outcome("backlogg")
    error = caught.value
    assert isinstance(error, KeyError) and error.name == "backlogg"
    message = str(error)
    assert message.startswith("undeclared outcome 'backlogg'") and "did you mean 'backlog'" in message
    assert "sim/outcomes/registry.py" in message and "register" in message
    assert str(UndeclaredOutcome(MADE_UP, choices=["backlog", "latent"])).count("choose from backlog, latent") == 1


def test_smallest_difference_is_declared_and_can_be_overridden():
    assert smallest_difference("resolution_rate") == 0.01
    assert smallest_difference("resolution_rate", {"resolution_rate": 0.005}) == 0.005
    assert smallest_difference("backlog", {"resolution_rate": 0.005}) == outcome("backlog").smallest_difference
    with pytest.raises(UndeclaredOutcome, match="resolution_rat'"):
        smallest_difference("backlog", {"resolution_rat": 0.005})  # a misspelt override is not ignored
    with pytest.raises(ValueError, match="positive"):
        smallest_difference("backlog", {"backlog": 0})
    with pytest.raises(UndeclaredOutcome):
        smallest_difference(MADE_UP)


def test_register_declares_an_outcome_for_every_consumer():
    item = Outcome("made_up_minutes", "Minutes of a made-up activity.", Text("Made-up minutes", "虚构分钟数"),
                   Text("minutes", "分钟"), "number", -1, 1.0, "assumption: one minute")
    try:
        assert register(item) is item and OUTCOMES["made_up_minutes"] is item
        assert register(item) is item  # the same declaration again (a module imported twice) is fine
        assert figures.metric_label("made_up_minutes", "zh") == "虚构分钟数（分钟）"
        with pytest.raises(ValueError, match="already declared"):
            register(Outcome(**{**item.__dict__, "better": 1}))
    finally:
        registry._REGISTRY.pop("made_up_minutes", None)
    with pytest.raises(ValueError, match="already that of 'backlog'"):
        register(Outcome("made_up_backlog", "x", Text("Backlog", "虚构积压"), Text("", ""), "count", -1, 1.0,
                         "assumption: one"))
    assert "made_up_backlog" not in OUTCOMES


# ------------------------------------------------------------------------------ consumers read the registry
def test_consumers_show_the_registry_words():
    for name, item in OUTCOMES.items():
        assert figures.metric_name(name, "zh") == item.label["zh"]
        assert figures.metric_label(name, "en") == item.axis_label("en")
        assert wording.kind(name) == item.kind


@pytest.mark.parametrize("name", list(OUTCOMES))
def test_verdicts_follow_the_declared_direction(name):
    rising = {"outcome": name, "scenario": "b", "difference": 0.5, "diff_ci_low": 0.1, "diff_ci_high": 0.9,
              "mean": 1.5, "cohens_d": 1.0, "distinguishable": True}
    verdict = wording.describe(rising, baseline_mean=1.0, lang="en")
    assert verdict.better == {1: True, -1: False, 0: None}[outcome(name).better]
    assert verdict.sentence.startswith(outcome(name).label["en"] + ": rises from")


def test_classroom_views_come_from_the_registry():
    from cogov.viz.controls import CHART_METRICS
    from cogov.viz.render import typical_limits

    assert CHART_METRICS == outcome_names(view="classroom")
    limits = typical_limits(4000)  # twice the default community: counts double, shares and scores do not
    assert limits["backlog"] == (0.0, 400.0) and limits["stalemates"] == (0.0, 300.0)
    assert limits["resolution_rate"] == (0.0, 1.0) and limits["satisfaction_mean"] == (0.55, 0.65)


def test_chart_shows_shares_in_per_cent_and_refuses_outcomes_without_a_series():
    from matplotlib.ticker import PercentFormatter

    from cogov.viz.render import ChartView

    view = ChartView(["volunteer_share", "trust_mean"], 30, "en")
    assert isinstance(view.axes["volunteer_share"].yaxis.get_major_formatter(), PercentFormatter)
    assert not isinstance(view.axes["trust_mean"].yaxis.get_major_formatter(), PercentFormatter)
    with pytest.raises(ValueError, match="mean_latent"):
        ChartView(["mean_latent"], 30, "en")


# ------------------------------------------------------------------------------ every consumer refuses a made-up name
def _summary_record(name: str) -> dict:
    return {"provenance": {"scenario_name": "x", "seed": 0, "scenario_digest": "0" * 64, "cogov_version": "0"},
            "metrics": {"day": 1, "backlog": 3, name: 0.5}, "satisfaction_by_compound_type": {},
            "satisfaction_by_group": {}, "community": {"households": 1, "compounds": 1, "grids": 1}}


def _comparison_table(name: str) -> pd.DataFrame:
    return pd.DataFrame([
        {"outcome": name, "scenario": "a", "baseline": True, "mean": 1.0, "ci_low": 0.9, "ci_high": 1.1},
        {"outcome": name, "scenario": "b", "baseline": False, "mean": 1.2, "ci_low": 1.1, "ci_high": 1.3,
         "difference": 0.2, "diff_ci_low": 0.1, "diff_ci_high": 0.3, "p_value": 0.01, "cohens_d": 1.0,
         "distinguishable": True}])


def _runs(name: str) -> pd.DataFrame:
    return pd.DataFrame({"replicate": [0, 1, 0, 1], "status": "ok", "param:scenario": ["a", "a", "b", "b"],
                         "param:levers.grid.full_time_workers": [1, 2, 1, 2], name: [1.0, 2.0, 1.5, 2.5]})


@pytest.fixture(scope="module")
def results_folder(tmp_path_factory) -> Path:
    """A tiny comparison results folder (2 replicates, 10 days, 300 households)."""
    base = tmp_path_factory.mktemp("registry-report")
    files = []
    for name, extra in (("a", ""), ("b", "[levers.cross_appointment]\nparty_property = true\n")):
        files.append(base / f"{name}.toml")
        files[-1].write_text(SMALL.format(name=name, extra=extra), encoding="utf-8")
    compare_scenarios([str(f) for f in files], base / "out", SerialExecutor(), 1, replicates=2, days=10)
    return base / "out"


def _cli_summary(name, tmp_path):
    cli._print_summary(Console(file=io.StringIO()), _summary_record(name), None)


def _animate(name, tmp_path):
    from cogov.animate import animate

    path = tmp_path / "tiny.toml"
    path.write_text(SMALL.format(name="tiny", extra=""), encoding="utf-8")
    animate(path, tmp_path / "a.gif", metric=name, days=3)


def _chart(name, tmp_path):
    from cogov.viz.render import ChartView

    ChartView(["backlog", name], 30, "en")


CONSUMERS = {
    "cli summary table": _cli_summary,
    "cli comparison table": lambda name, tmp_path: cli._print_comparison(_comparison_table(name), "a", "note"),
    "figures.metric_name": lambda name, tmp_path: figures.metric_name(name, "en"),
    "figures.metric_label": lambda name, tmp_path: figures.metric_label(name, "zh"),
    "figures.series_with_bands": lambda name, tmp_path: figures.series_with_bands(
        {"a": pd.DataFrame({"run_id": [0, 0], "day": [0, 1], name: [1.0, 2.0]})}, name),
    "figures.heatmap": lambda name, tmp_path: figures.heatmap(
        _runs(name), "levers.grid.full_time_workers", "scenario", name),
    "figures.difference_plot": lambda name, tmp_path: figures.difference_plot(_comparison_table(name)),
    "wording.format_value": lambda name, tmp_path: wording.format_value(name, 1.0),
    "wording.format_difference": lambda name, tmp_path: wording.format_difference(name, float("nan")),
    "wording.describe": lambda name, tmp_path: wording.describe(_comparison_table(name).iloc[1], 1.0),
    "compare_runs": lambda name, tmp_path: compare_runs(_runs(name), "a", outcomes=[name]),
    "compare_scenarios precision": lambda name, tmp_path: compare_scenarios(  # refused before any run
        ["default", "red_property"], tmp_path / "out", SerialExecutor(), 1, precision=0.01, precision_outcome=name),
    "sensitivity.plot_indices": lambda name, tmp_path: sensitivity.plot_indices(pd.DataFrame([
        {"output": name, "parameter": "x1", "index": "mu_star", "value": 0.5, "conf": 0.1,
         "ci_low": 0.4, "ci_high": 0.6}]), "demo", "morris"),
    "viz ChartView": _chart,
    "animate": _animate,
}


@pytest.mark.parametrize("consumer", list(CONSUMERS))
def test_every_consumer_refuses_an_undeclared_outcome(consumer, tmp_path):
    with pytest.raises(UndeclaredOutcome, match=MADE_UP) as caught:
        CONSUMERS[consumer](MADE_UP, tmp_path)
    assert caught.value.name == MADE_UP


def test_report_building_refuses_an_undeclared_outcome(results_folder):
    with pytest.raises(UndeclaredOutcome, match=MADE_UP):
        build_report(results_folder, maps=0, outcomes=["backlog", MADE_UP])
    report = build_report(results_folder, maps=0)  # the same folder with declared outcomes builds
    from cogov.analysis.results import load_runs

    runs = load_runs(results_folder)
    moved = [name for name in outcome_names(key=True) if name in runs and runs[name].nunique(dropna=True) > 1]
    assert list(dict.fromkeys(report.table["outcome"])) == moved  # the key outcomes some run moves, in order
    assert "resolution_rate" in moved
    drawn = [f.key for f in report.figures]
    assert [k.removeprefix("series-") for k in drawn if k.startswith("series-")] == list(outcome_names(view="over_time"))
    assert [k.removeprefix("final-") for k in drawn if k.startswith("final-")] == list(
        outcome_names(view="distribution"))


def test_cli_animate_names_the_undeclared_metric_and_the_daily_choices(tmp_path, capsys):
    path = tmp_path / "tiny.toml"
    path.write_text(SMALL.format(name="tiny", extra=""), encoding="utf-8")
    assert cli.main(["animate", str(path), "--out", str(tmp_path / "a.gif"), "--metric", "backlogg"]) == 2
    err = capsys.readouterr().err
    assert "undeclared outcome 'backlogg'" in err and "did you mean 'backlog'" in err and "resolution_rate" in err
    assert cli.main(["animate", str(path), "--out", str(tmp_path / "a.gif"), "--metric", "mean_latent"]) == 2
    assert "not recorded daily" in capsys.readouterr().err
    assert not list(tmp_path.glob("a.*"))


def test_kinds_of_real_outcomes_are_written_as_declared():
    assert wording.format_value("resolution_rate", 0.5) == "50.0 %"
    assert wording.format_value("community_households", 300.0, single_run=True) == "300"
    assert wording.format_value("co_building_hours_total", 20.8, "zh") == "21 小时"
    assert wording.format_value("escalated_wait_days", np.float64(6.56)) == "6.6 days"
    assert wording.format_difference("satisfaction_no_property_minus_property", -0.0098) == "-0.010"
