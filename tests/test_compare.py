"""Scenario comparison: statistics checked against scipy and by coverage, paired CRN runs, precision."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from experiment_files import write_experiment
from scipy import stats

from cogov.analysis.compare import compare_runs, compare_scenarios, replicates_needed
from cogov.analysis.wording import describe
from cogov.cli import _print_comparison, main
from cogov.experiments.backends import SerialExecutor
from cogov.experiments.runner import run_sweep
from cogov.experiments.spec import load_experiment


def synthetic_runs(base: np.ndarray, other: np.ndarray, outcome: str = "y") -> pd.DataFrame:
    """Run rows for two scenarios, paired by replicate."""
    n = len(base)
    return pd.DataFrame({
        "replicate": np.r_[np.arange(n), np.arange(n)], "status": "ok",
        "param:scenario": ["a"] * n + ["b"] * n, outcome: np.r_[base, other],
    })


def test_paired_statistics_match_scipy():
    rng = np.random.default_rng(0)
    base = rng.normal(10, 2, 15)
    other = base + 0.7 + rng.normal(0, 0.5, 15)
    row = compare_runs(synthetic_runs(base, other), "a", outcomes=["y"]).set_index("scenario").loc["b"]
    diff = other - base
    low, high = stats.t.interval(0.95, 14, loc=diff.mean(), scale=stats.sem(diff))
    assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((low, high))
    assert row["p_value"] == pytest.approx(stats.ttest_rel(other, base).pvalue)
    assert row["dz"] == pytest.approx(diff.mean() / diff.std(ddof=1))
    assert row["cohens_d"] == pytest.approx(diff.mean() / np.sqrt((base.var(ddof=1) + other.var(ddof=1)) / 2))
    m_low, m_high = stats.t.interval(0.95, 14, loc=other.mean(), scale=stats.sem(other))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((m_low, m_high))
    assert row["distinguishable"]


def test_paired_interval_is_narrower_than_unpaired_when_runs_share_noise():
    rng = np.random.default_rng(1)
    shared = rng.normal(0, 3, 20)  # common random numbers: most noise is shared by both arms
    base, other = shared + rng.normal(0, 0.3, 20), shared + 0.5 + rng.normal(0, 0.3, 20)
    row = compare_runs(synthetic_runs(base, other), "a", outcomes=["y"]).set_index("scenario").loc["b"]
    unpaired = stats.ttest_ind(other, base).confidence_interval(0.95)
    assert row["diff_ci_high"] - row["diff_ci_low"] < (unpaired.high - unpaired.low) / 3
    assert row["distinguishable"] and not (unpaired.low > 0 or unpaired.high < 0)


def test_interval_coverage_is_nominal():
    """Over 2,000 synthetic comparisons with a true difference of 0.3, the 95 % interval covers it
    in 93-97 % of cases (binomial SD of the coverage is 0.5 %)."""
    rng = np.random.default_rng(2)
    covered = 0
    trials = 2000
    for _ in range(trials):
        base = rng.normal(0, 1, 10)
        other = base + 0.3 + rng.normal(0, 1, 10)
        row = compare_runs(synthetic_runs(base, other), "a", outcomes=["y"]).iloc[1]
        covered += row["diff_ci_low"] <= 0.3 <= row["diff_ci_high"]
    assert 0.93 <= covered / trials <= 0.97


def test_no_difference_is_marked_as_noise():
    rng = np.random.default_rng(3)
    base = rng.normal(0, 1, 12)
    row = compare_runs(synthetic_runs(base, base.copy()), "a", outcomes=["y"]).iloc[1]
    assert row["difference"] == 0 and not row["distinguishable"] and row["p_value"] == 1.0


def test_a_single_pair_has_no_p_value_and_the_table_says_so(capsys):
    """With one replicate the paired test is undefined: p is NaN (not a made-up 1.0), the difference is
    not distinguishable, and the printed table and the plain words say n/a rather than nan."""
    runs = pd.DataFrame({"replicate": [0, 0], "status": "ok", "param:scenario": ["a", "b"],
                         "backlog": [10.0, 12.0]})
    row = compare_runs(runs, "a", outcomes=["backlog"]).set_index("scenario").loc["b"]
    assert row["pairs"] == 1 and row["difference"] == 2.0
    assert math.isnan(row["p_value"]) and math.isnan(row["diff_ci_low"]) and not row["distinguishable"]
    _print_comparison(compare_runs(runs, "a", outcomes=["backlog"]), "a", "note")
    line = next(line for line in capsys.readouterr().out.splitlines() if "+2.0 [n/a, n/a]" in line)
    assert "n/a" in line.split("+2.0 [n/a, n/a]")[1] and "nan" not in line
    verdict = describe(compare_runs(runs, "a", outcomes=["backlog"]).iloc[1], baseline_mean=10.0)
    assert not verdict.distinguishable and "n/a" in verdict.sentence and "nan" not in verdict.sentence


def test_replicates_needed_follows_the_t_formula():
    rng = np.random.default_rng(4)
    base = rng.normal(0, 1, 10)
    other = base + rng.normal(1, 2, 10)
    table = compare_runs(synthetic_runs(base, other), "a", outcomes=["y"])
    needed = replicates_needed(table, "y", 0.5)
    sd = (other - base).std(ddof=1)
    assert stats.t.ppf(0.975, needed - 1) * sd / np.sqrt(needed) <= 0.5
    assert stats.t.ppf(0.975, needed - 2) * sd / np.sqrt(needed - 1) > 0.5
    assert replicates_needed(table, "y", 100.0) <= 10


def test_identical_scenarios_show_no_significant_difference(tmp_path):
    (tmp_path / "copy.toml").write_text('extends = "default"\n[meta]\nname = "copy"\n', encoding="utf-8")
    result = compare_scenarios(["default", str(tmp_path / "copy.toml")], tmp_path / "out", SerialExecutor(), 1,
                               replicates=3, days=20)
    others = result.table[~result.table["baseline"]]
    assert len(others) > 5 and not others["distinguishable"].any()
    assert (others["difference"] == 0).all()  # same parameters, same seeds: identical runs


def test_precision_target_adds_replicates_and_keeps_earlier_runs(tmp_path):
    scenarios = ["default", "red_property"]
    loose = compare_scenarios(scenarios, tmp_path / "out", SerialExecutor(), 1, replicates=3, days=30,
                              precision=1.0, precision_outcome="satisfaction_mean")
    assert loose.precision_met and loose.replicates == 3
    tight = compare_scenarios(scenarios, tmp_path / "out", SerialExecutor(), 1, replicates=3, days=30,
                              precision=1e-4, precision_outcome="satisfaction_mean", max_replicates=6)
    assert tight.replicates == 6 and tight.precision_met is False
    assert tight.reports[0].skipped == 6 and tight.reports[-1].completed == 6  # only the new replicates ran
    assert tight.table.groupby("scenario")["replicates"].max().eq(6).all()


def test_cli_compares_a_sweep_folder_without_rerunning(tmp_path, capsys):
    body = """
    [experiment]
    name = "two_levels"
    scenario = "small.toml"
    replicates = 4
    days = 20
    [parameters."levers.burden.admin_share"]
    values = [0.2, 0.8]
    """
    experiment = load_experiment(write_experiment(tmp_path, body))
    run_sweep(experiment, tmp_path / "sweep", SerialExecutor())
    code = main(["compare", "--from", str(tmp_path / "sweep"), "--by", "levers.burden.admin_share",
                 "--baseline", "0.2", "--csv", str(tmp_path / "table.csv")])
    assert code == 0
    assert "comparison with 0.2" in capsys.readouterr().out
    table = pd.read_csv(tmp_path / "table.csv")
    assert set(table["scenario"].astype(str)) == {"0.2", "0.8"}
    assert main(["compare", "--from", str(tmp_path / "sweep"), "--by", "levers.nope"]) == 2


def test_verdicts_are_controlled_for_the_number_of_outcomes_compared():
    """Five outcomes compared: one whose unadjusted p is about 0.02 is not distinguishable after Holm's correction,
    and the table says how many outcomes were compared."""
    rng = np.random.default_rng(11)
    n = 12
    base = rng.normal(0, 1, (n, 5))
    other = base + rng.normal(0, 1, (n, 5))
    other[:, 0] = base[:, 0] + 5.0 + rng.normal(0, 0.5, n)  # clearly different
    names = ["backlog", "stalemates", "resolution_rate", "satisfaction_mean", "trust_mean"]
    runs = pd.DataFrame({"replicate": np.r_[np.arange(n), np.arange(n)], "status": "ok",
                         "param:scenario": ["a"] * n + ["b"] * n}
                        | {name: np.r_[base[:, i], other[:, i]] for i, name in enumerate(names)})
    # make the second outcome borderline: p about 0.02 unadjusted
    diff = rng.normal(0, 1, n)
    diff = diff - diff.mean() + 0.7 * diff.std(ddof=1)
    runs.loc[runs["param:scenario"] == "b", "stalemates"] = base[:, 1] + diff
    table = compare_runs(runs, "a", outcomes=names).set_index(["scenario", "outcome"]).loc["b"]
    raw = table.loc["stalemates", "p_value"]
    assert 0.01 < raw < 0.05 and table.loc["stalemates", "distinguishable_unadjusted"]
    assert table.loc["stalemates", "p_holm"] > 0.05 and not table.loc["stalemates", "distinguishable"]
    assert table.loc["backlog", "distinguishable"]  # the clear difference stays distinguishable
    assert (table["outcomes_compared"] == 5).all()
    from cogov.analysis.stats import holm
    assert table["p_holm"].to_numpy() == pytest.approx(holm(table["p_value"].to_numpy()))


def test_outcomes_no_run_moves_are_left_out_by_default_and_identical_ones_are_not_tests():
    n = 6
    rng = np.random.default_rng(2)
    runs = pd.DataFrame({"replicate": np.r_[np.arange(n), np.arange(n)], "status": "ok",
                         "param:scenario": ["a"] * n + ["b"] * n, "backlog": rng.normal(10, 1, 2 * n),
                         "disputes_mediated": 0.0, "stalemates": np.r_[np.full(n, 3.0), np.full(n, 3.0)]})
    default = compare_runs(runs, "a")  # the key outcomes the runs have, less those no run moves
    assert "backlog" in set(default["outcome"]) and "disputes_mediated" not in set(default["outcome"])
    asked = compare_runs(runs, "a", outcomes=["backlog", "disputes_mediated", "stalemates"])
    b = asked[~asked["baseline"]].set_index("outcome")
    assert set(b.index) == {"backlog", "disputes_mediated", "stalemates"}  # what was asked for is shown
    assert (b["outcomes_compared"] == 1).all()  # but only backlog is a test
    assert np.isnan(b.loc["stalemates", "p_holm"]) and not b.loc["stalemates", "distinguishable"]
    assert b.loc["backlog", "p_holm"] == pytest.approx(b.loc["backlog", "p_value"])


def test_a_numeric_baseline_is_matched_by_value():
    """Issue 16: compare(..., baseline=1) said 'baseline 1 not among 1, 2'; --baseline 0.30 'not among 0.3, ...'."""
    from cogov.analysis.compare import match_baseline

    assert match_baseline(1, ["1", "2"]) == "1" and match_baseline("0.30", ["0.3", "0.55"]) == "0.3"
    assert match_baseline(2.0, ["1", "2"]) == "2" and match_baseline("red", ["default", "red"]) == "red"
    assert match_baseline(3, ["1", "2"]) is None and match_baseline("x", ["1", "2"]) is None
    runs = pd.DataFrame({"replicate": [0, 1, 0, 1], "status": "ok", "param:w": [1, 1, 2, 2],
                         "backlog": [10.0, 11.0, 12.0, 13.5]})
    table = compare_runs(runs, 1, by="param:w", outcomes=["backlog"])
    assert table.loc[table["baseline"], "scenario"].tolist() == ["1"]
    with pytest.raises(KeyError, match="baseline 3 not among 1, 2"):
        compare_runs(runs, 3, by="param:w", outcomes=["backlog"])
