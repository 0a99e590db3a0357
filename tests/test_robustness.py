"""Robust to what was assumed (issue 14): the hypercube covers the assumed parameters' ranges, the verdicts count
what they say, and a comparison with --robustness reports them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cogov.analysis.robustness import ASSUMED_RANGES, assumed_points, ranking_holds, robustness_table
from cogov.cli import main
from cogov.experiments.spec import load_experiment

ROOT = Path(__file__).resolve().parents[1]


def test_the_assumed_ranges_are_those_of_the_morris_screen():
    experiment = load_experiment(ROOT / "experiments" / "examples" / "morris_loops.toml")
    screened = {name: tuple(spec.range) for name, spec in experiment.spec.parameters.items()}
    assert screened == ASSUMED_RANGES


def test_the_hypercube_is_fixed_within_the_ranges_and_stratified():
    points = assumed_points(8)
    assert points == assumed_points(8)
    for name, (low, high) in ASSUMED_RANGES.items():
        values = np.array([p[name] for p in points])
        assert ((low <= values) & (values <= high)).all()
        strata = np.floor((values - low) / (high - low) * 8).clip(0, 7)
        assert sorted(strata) == list(range(8))  # one point in each eighth of every range: a Latin hypercube


def _frame() -> pd.DataFrame:
    rows = []
    # 'a' beats the baseline at points 0 and 1 (clearly at 0, barely at 1) and loses at point 2; 'b' loses at every point
    effects = {"a": [1.0, 0.05, -0.5], "b": [-0.2, -0.2, -0.2]}
    for point in range(3):
        for replicate in range(4):
            noise = 0.02 * (replicate - 1.5)
            rows.append({"point": point, "scenario": "base", "replicate": replicate, "resolution_rate": 0.5 + noise})
            for name, effect in effects.items():
                spread = 0.3 * (replicate - 1.5) if point == 1 and name == "a" else 0.0
                rows.append({"point": point, "scenario": name, "replicate": replicate,
                             "resolution_rate": 0.5 + noise + effect[point] + spread})
    return pd.DataFrame(rows)


def test_robustness_counts_points_that_keep_the_sign_and_those_that_confirm_it():
    main_table = pd.DataFrame([
        {"outcome": "resolution_rate", "scenario": "base", "baseline": True, "difference": np.nan,
         "distinguishable": False},
        {"outcome": "resolution_rate", "scenario": "a", "baseline": False, "difference": 0.2, "distinguishable": True},
        {"outcome": "resolution_rate", "scenario": "b", "baseline": False, "difference": -0.2,
         "distinguishable": True},
    ])
    table = robustness_table(_frame(), main_table, "base").set_index("scenario")
    assert (table.loc["a", "kept"], table.loc["a", "confirmed"], table.loc["a", "points"]) == (2, 1, 3)
    assert (table.loc["b", "kept"], table.loc["b", "confirmed"]) == (3, 3)


def test_the_ranking_holds_where_the_order_is_the_same():
    (held,) = ranking_holds(_frame(), ["a", "b"], ["resolution_rate"])
    assert held["order"] == ["a", "b"] and (held["held"], held["points"]) == (2, 3)
    assert ranking_holds(_frame(), ["a"], ["resolution_rate"]) == []


def test_a_comparison_with_robustness_reports_it(tmp_path, capsys):
    report = tmp_path / "r.md"
    assert main(["compare", "default", "points_system", "--replicates", "3", "--days", "20", "--workers", "1",
                 "--robustness", "2", "--robustness-replicates", "2", "--out", str(tmp_path / "c"),
                 "--report", str(report)]) == 0
    text = report.read_text(encoding="utf-8")
    assert "## Robust to what was assumed?" in text and "rerun at 2 points" in text
    assert (tmp_path / "c" / "robustness.parquet").exists()
    assert main(["compare", "five_communities", "five_communities_whistle", "--robustness", "2",
                 "--out", str(tmp_path / "s")]) == 2
    assert "not built for streets" in capsys.readouterr().err
