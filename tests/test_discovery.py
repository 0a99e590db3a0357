"""Scenario discovery (issue 16): the condition is parsed, never evaluated; PRIM finds a planted region; the command
writes the box, the trajectory and CART's leaves from a real sweep."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ema_workbench", reason="scenario discovery is the optional extra cogov[discovery]")

from cogov.analysis.discovery import MIN_COVERAGE, describe, discover, parse_condition
from cogov.cli import main
from cogov.sim.outcomes.registry import UndeclaredOutcome
from cogov.sim.scenario import ScenarioError


def test_a_condition_is_parsed_not_evaluated():
    condition = parse_condition(" resolution_rate<=0.5 ")
    assert (condition.outcome, condition.op, condition.value) == ("resolution_rate", "<=", 0.5)
    assert list(condition(pd.Series([0.4, 0.5, 0.6, np.nan]))) == [True, True, False, False]
    for bad in ("__import__('os').system('true')", "resolution_rate < 0.5 or 1", "resolution_rate ~ 3", ""):
        with pytest.raises(ScenarioError, match="OUTCOME OPERATOR NUMBER"):
            parse_condition(bad)
    with pytest.raises(UndeclaredOutcome, match="backlog"):
        parse_condition("backlg > 3")


def test_prim_finds_the_planted_region():
    rng = np.random.default_rng(3)
    runs = pd.DataFrame({"levers.funding.annual_cny": rng.uniform(0, 4e5, 300),
                         "levers.burden.admin_share": rng.uniform(0.2, 0.9, 300),
                         "scenario": rng.choice(["a", "b", "c"], 300)})
    planted = (runs["levers.burden.admin_share"] > 0.6) & (runs["scenario"] != "c")
    runs["resolution_rate"] = np.where(planted, 0.3, 0.9) + rng.normal(0, 0.02, 300)
    found = discover(runs, ["levers.funding.annual_cny", "levers.burden.admin_share", "scenario"],
                     parse_condition("resolution_rate < 0.5"))
    box = found.box
    assert found.cases == int(planted.sum())
    assert box.loc["levers.burden.admin_share", "low"] == pytest.approx(0.6, abs=0.03)
    assert box.loc["scenario", "low"] == "a, b" and box.loc["scenario", "restricted"]
    assert not box.loc["levers.funding.annual_cny", "restricted"]  # the planted region ignores funding
    row = found.trajectory.loc[found.step]
    assert row["coverage"] >= MIN_COVERAGE and row["density"] > 0.95
    assert "PRIM box: levers.burden.admin_share" in "\n".join(describe(found))
    with pytest.raises(ScenarioError, match="0 of 300 runs meet it"):
        discover(runs, ["levers.burden.admin_share"], parse_condition("resolution_rate > 5"))


def test_cogov_discover_over_a_sweep(tmp_path, capsys):
    experiment = tmp_path / "lhs.toml"
    experiment.write_text(
        '[experiment]\nname = "lhs"\nscenario = "default"\ndesign = "latin_hypercube"\nsamples = 12\nreplicates = 1\n'
        'days = 30\n[parameters."levers.burden.admin_share"]\nrange = [0.1, 0.9]\n'
        '[parameters."levers.grid.patrol_share"]\nrange = [0.0, 0.6]\n'
        '[parameters."community.households"]\nvalues = [200]\n', encoding="utf-8")
    assert main(["sweep", str(experiment), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    from cogov.analysis.results import load_runs

    runs = load_runs(tmp_path / "out")  # every chunk of the folder (a sweep writes several)
    assert len(runs) == 12
    middle = float(np.median(runs["mean_days_to_resolve"]))  # about half the runs above it
    assert main(["discover", str(tmp_path / "out"), "--where", f"mean_days_to_resolve > {middle}"]) == 0
    shown = capsys.readouterr().out
    assert "runs meet mean_days_to_resolve >" in shown
    folder = tmp_path / "out" / "discovery"
    for name in ("box.csv", "trajectory.csv", "cart.csv", "trajectory.png", "box.png"):
        assert (folder / name).stat().st_size > 0, name
    assert set(pd.read_csv(folder / "box.csv")["parameter"]) >= {"levers.burden.admin_share",
                                                                 "levers.grid.patrol_share"}
    assert main(["discover", str(tmp_path / "out"), "--where", "1 < 2"]) == 2
