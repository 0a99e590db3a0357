"""Experiments: file validation, designs, seeds, resumable storage, failures, interruption."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from experiment_files import FACTORIAL, write_experiment

from cogov.experiments.backends import SerialExecutor, open_executor
from cogov.experiments.design import build_design, run_count
from cogov.experiments.runner import plan_runs, run_sweep
from cogov.experiments.seeds import replicate_seed
from cogov.experiments.spec import load_experiment, validate_experiment
from cogov.experiments.store import ResultStore
from cogov.experiments.targets import TARGETS, IshigamiTarget, RunOutput
from cogov.sim.scenario import ScenarioError


def _problems(data: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as err:
        validate_experiment(data, source="exp.toml")
    return "\n".join(err.value.problems)


# ----------------------------------------------------------------------------------- validation
def test_unknown_parameter_path_names_the_nearest_valid_ones():
    text = _problems({"experiment": {"name": "x"}, "parameters": {"levers.fundng.annual_cny": {"values": [1.0]}}})
    assert 'parameters."levers.fundng.annual_cny": not a parameter' in text
    assert "nearest valid: levers.funding.annual_cny" in text


def test_values_are_checked_against_the_scenario_schema():
    text = _problems({"experiment": {"name": "x"},
                      "parameters": {"levers.burden.admin_share": {"values": [0.5, 1.5, "high"]}}})
    assert "value 1.5: Input should be less than or equal to 1" in text
    assert 'value "high": Input should be a valid number' in text
    assert "value 0.5" not in text


def test_structure_errors_have_did_you_mean():
    text = _problems({"experiment": {"name": "x", "desing": "sobol"}, "parameters": {"x": {"values": [1]}}})
    assert "experiment.desing: unknown key; did you mean 'design'?" in text


@pytest.mark.parametrize(("parameter", "design", "message"), [
    ({"values": [1.0], "range": [0, 1]}, "full_factorial", "exactly one of 'values' or 'range'"),
    ({"range": [2.0, 1.0]}, "latin_hypercube", "low < high"),
    ({"range": [0.0, 1.0]}, "full_factorial", "needs 'levels'"),
    ({"range": [0.0, 1.0], "distribution": "loguniform"}, "random", "must be positive"),
])
def test_parameter_spec_errors(parameter, design, message):
    data = {"experiment": {"name": "x", "design": design}, "parameters": {"levers.burden.admin_share": parameter}}
    assert message in _problems(data)


def test_sobol_needs_power_of_two_and_unknown_target_is_named():
    base = {"parameters": {"x1": {"range": [-1.0, 1.0]}}}
    assert "power of 2" in _problems({"experiment": {"name": "s", "target": "ishigami", "design": "sobol", "samples": 100}, **base})
    assert "unknown target 'nope'" in _problems({"experiment": {"name": "s", "target": "nope"}, **base})


# -------------------------------------------------------------------------------------- designs
def test_full_factorial_has_every_combination(tmp_path):
    experiment = load_experiment(write_experiment(tmp_path, FACTORIAL))
    design = build_design(experiment)
    combos = {(p["levers.funding.annual_cny"], p["levers.cross_appointment.party_property"]) for p in design.points}
    assert combos == {(20_000, False), (20_000, True), (400_000, False), (400_000, True)}
    assert run_count(experiment) == len(design) * 3 == 12


def _ishigami(design: str, samples: int, **extra: Any) -> Any:
    data = {"experiment": {"name": "i", "target": "ishigami", "design": design, "samples": samples, "master_seed": 3, **extra},
            "parameters": {k: {"range": [-np.pi, np.pi]} for k in ("x1", "x2", "x3")}}
    return validate_experiment(data)


def test_latin_hypercube_stratifies_every_dimension():
    experiment = _ishigami("latin_hypercube", 20)
    design = build_design(experiment)
    for column in range(3):
        strata = np.floor((design.matrix[:, column] + np.pi) / (2 * np.pi) * 20).astype(int)
        assert sorted(strata) == list(range(20))


@pytest.mark.parametrize(("design", "extra", "points"), [
    ("sobol", {}, 16 * (3 + 2)),
    ("sobol", {"second_order": True}, 16 * (2 * 3 + 2)),
    ("morris", {}, 16 * (3 + 1)),
    ("random", {}, 16),
])
def test_run_counts_match_the_samplers(design, extra, points):
    experiment = _ishigami(design, 16, **extra)
    assert len(build_design(experiment)) == points == run_count(experiment)


def test_values_and_integer_and_loguniform_mapping():
    data = {"experiment": {"name": "m", "design": "random", "samples": 200, "master_seed": 1},
            "parameters": {"levers.grid.full_time_workers": {"range": [1.0, 4.0], "integer": True},
                           "levers.funding.annual_cny": {"range": [1e4, 1e6], "distribution": "loguniform"},
                           "levers.hotline.enabled": {"values": [False, True]}}}
    design = build_design(validate_experiment(data))
    workers = {p["levers.grid.full_time_workers"] for p in design.points}
    assert workers <= {1, 2, 3, 4} and all(isinstance(w, int) for w in workers)
    money = np.log10([p["levers.funding.annual_cny"] for p in design.points])
    assert 4 <= money.min() and money.max() <= 6 and abs(np.median(money) - 5) < 0.3  # uniform in log space
    assert {p["levers.hotline.enabled"] for p in design.points} == {False, True}


# ---------------------------------------------------------------------------------------- seeds
def test_seeds_common_across_points_distinct_across_replicates(tmp_path):
    experiment = load_experiment(write_experiment(tmp_path, FACTORIAL))
    tasks = plan_runs(experiment, build_design(experiment))
    by_replicate: dict[int, set[int]] = {}
    for task in tasks:
        by_replicate.setdefault(task.replicate, set()).add(task.seed)
    assert all(len(seeds) == 1 for seeds in by_replicate.values())
    assert len({next(iter(s)) for s in by_replicate.values()}) == 3
    assert replicate_seed(11, 0) == replicate_seed(11, 0) != replicate_seed(12, 0)
    assert sorted(t.run_id for t in tasks) == list(range(12))


# ------------------------------------------------------------------------------ running, storage
def _outcomes(directory: Path) -> pd.DataFrame:
    runs = ResultStore(directory).read_runs()
    return runs.drop(columns=["seconds"]).sort_values("run_id").reset_index(drop=True)


def test_serial_and_process_pool_give_identical_results(tmp_path):
    experiment = load_experiment(write_experiment(tmp_path, FACTORIAL))
    serial = run_sweep(experiment, tmp_path / "serial", SerialExecutor())
    with open_executor("local", 2) as pool:
        parallel = run_sweep(experiment, tmp_path / "pool", pool, workers=2)
    assert serial.completed == parallel.completed == 12 and serial.failed == 0
    pd.testing.assert_frame_equal(_outcomes(tmp_path / "serial"), _outcomes(tmp_path / "pool"))
    runs = _outcomes(tmp_path / "serial")
    assert runs["experiment_digest"].nunique() == 1 and runs["cogov_version"].notna().all()
    assert runs.groupby("replicate")["seed"].nunique().eq(1).all()


def test_rerun_skips_finished_runs_and_refuses_a_different_experiment(tmp_path):
    path = write_experiment(tmp_path, FACTORIAL)
    experiment = load_experiment(path)
    first = run_sweep(experiment, tmp_path / "out", SerialExecutor())
    again = run_sweep(experiment, tmp_path / "out", SerialExecutor())
    assert first.completed == 12 and again.completed == 0 and again.skipped == 12
    changed = load_experiment(write_experiment(tmp_path, FACTORIAL.replace("master_seed = 11", "master_seed = 12"), "b.toml"))
    with pytest.raises(ScenarioError, match="different experiment"):
        run_sweep(changed, tmp_path / "out", SerialExecutor())


def test_series_kept_every_k_days_in_long_format(tmp_path):
    body = FACTORIAL + "\n[outputs]\nseries = true\nseries_every = 5\n"
    experiment = load_experiment(write_experiment(tmp_path, body))
    run_sweep(experiment, tmp_path / "out", SerialExecutor())
    series = ResultStore(tmp_path / "out").read_series()
    assert set(series["day"]) == {0, 5, 10, 15}
    assert series.groupby("run_id").size().eq(4).all() and series["run_id"].nunique() == 12


@dataclass(frozen=True)
class FlakyTarget(IshigamiTarget):
    """Ishigami, but failing where x1 > 0 — unless told it is fixed."""

    fixed: bool = False
    name: str = "flaky"

    def run(self, point: dict[str, Any], seed: int, series_every: int | None) -> RunOutput:
        if point["x1"] > 0 and not self.fixed:
            raise ValueError(f"cannot handle x1 = {point['x1']:.3f}")
        return super().run(point, seed, series_every)


def test_failed_runs_are_recorded_and_the_sweep_goes_on_and_can_be_retried(tmp_path, monkeypatch):
    monkeypatch.setitem(TARGETS, "flaky", lambda scenario, base_dir, days: FlakyTarget())
    data = {"experiment": {"name": "f", "target": "flaky", "design": "random", "samples": 40, "master_seed": 5},
            "parameters": {"x1": {"range": [-3.0, 3.0]}}}
    experiment = validate_experiment(data)
    report = run_sweep(experiment, tmp_path / "out", SerialExecutor())
    runs = ResultStore(tmp_path / "out").read_runs()
    failed = runs[runs["status"] == "failed"]
    assert report.completed == 40 and report.failed == len(failed) > 0
    assert (failed["param:x1"] > 0).all() and failed["error"].str.contains("ValueError: cannot handle").all()
    assert runs.loc[runs["status"] == "ok", "y"].notna().all()

    monkeypatch.setitem(TARGETS, "flaky", lambda scenario, base_dir, days: FlakyTarget(fixed=True))
    retried = run_sweep(validate_experiment(data), tmp_path / "out", SerialExecutor(), retry_failed=True)
    assert retried.completed == len(failed) and retried.failed == 0
    runs = ResultStore(tmp_path / "out").read_runs()
    assert len(runs) == 40 and (runs["status"] == "ok").all()


def test_kill_9_loses_no_finished_run_and_resume_completes(tmp_path):
    """A real SIGKILL of a running `cogov sweep`: every part on disk is whole, and a rerun finishes the rest."""
    body = FACTORIAL.replace("replicates = 3", "replicates = 15").replace("days = 15", "days = 30\nchunk_size = 2")
    path = write_experiment(tmp_path, body)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "cogov.cli", "sweep", str(path), "--out", str(out), "--workers", "2"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and len(list((out / "runs").glob("part-*.parquet"))) < 3:
        time.sleep(0.05)
    assert process.poll() is None, "the sweep ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    parts = list((out / "runs").glob("part-*.parquet"))
    assert parts, "the sweep was killed before writing anything; nothing was tested"
    for part in parts:
        assert pq.read_table(part).num_rows > 0  # whole, readable files only
    before = ResultStore(out).read_runs()
    assert 0 < len(before) < 60

    subprocess.run(command, check=True, capture_output=True, timeout=300)
    after = ResultStore(out).read_runs()
    assert sorted(after["run_id"]) == list(range(60)) and (after["status"] == "ok").all()
    kept = after.set_index("run_id").loc[before["run_id"], "resolution_rate"]
    assert np.allclose(kept.to_numpy(), before.set_index("run_id")["resolution_rate"].to_numpy(), equal_nan=True)
    reference = run_sweep(load_experiment(path), tmp_path / "reference", SerialExecutor())
    assert reference.completed == 60
    pd.testing.assert_frame_equal(
        _outcomes(out).drop(columns=["git_commit"]), _outcomes(tmp_path / "reference").drop(columns=["git_commit"]))


def test_cli_sweep_end_to_end(tmp_path):
    from cogov.cli import main

    path = write_experiment(tmp_path, FACTORIAL)
    assert main(["sweep", str(path), "--out", str(tmp_path / "o"), "--workers", "1", "--backend", "serial"]) == 0
    assert len(ResultStore(tmp_path / "o").read_runs()) == 12
    assert (tmp_path / "o" / "experiment.json").exists() and (tmp_path / "o" / "design.parquet").exists()


EXAMPLES = sorted(p for p in (Path(__file__).parents[1] / "experiments" / "examples").glob("*.toml")
                  if "[experiment]" in p.read_text(encoding="utf-8"))  # the others are scenarios they extend


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_shipped_example_experiments_are_valid(path):
    experiment = load_experiment(path)
    assert run_count(experiment) == len(build_design(experiment)) * experiment.spec.experiment.replicates > 0


def test_more_replicates_extend_a_finished_sweep(tmp_path):
    """Adding replicates (same folder) runs only the new ones; the first ones are kept, not redone."""
    first = load_experiment(write_experiment(tmp_path, FACTORIAL))
    run_sweep(first, tmp_path / "out", SerialExecutor())
    before = ResultStore(tmp_path / "out").read_runs()
    more = load_experiment(write_experiment(tmp_path, FACTORIAL.replace("replicates = 3", "replicates = 5"), "more.toml"))
    report = run_sweep(more, tmp_path / "out", SerialExecutor())
    assert report.skipped == 12 and report.completed == 8
    after = ResultStore(tmp_path / "out").read_runs().set_index("run_id")
    pd.testing.assert_frame_equal(after.loc[before["run_id"]].drop(columns="seconds").reset_index(),
                                  before.drop(columns="seconds").reset_index(drop=True), check_like=True)
    assert sorted(after["replicate"].unique()) == [0, 1, 2, 3, 4]


def test_scenarios_can_be_a_parameter(tmp_path):
    body = """
    [experiment]
    name = "scenarios"
    design = "full_factorial"
    replicates = 2
    days = 10

    [parameters.scenario]
    values = ["small.toml", "red_property"]

    [parameters."levers.funding.annual_cny"]
    values = [20_000]
    """
    experiment = load_experiment(write_experiment(tmp_path, body))
    run_sweep(experiment, tmp_path / "out", SerialExecutor())
    runs = ResultStore(tmp_path / "out").read_runs()
    assert set(runs["param:scenario"]) == {"small.toml", "red_property"}
    small = runs[runs["param:scenario"] == "small.toml"]
    red = runs[runs["param:scenario"] == "red_property"]
    assert small["issues_arisen"].max() < red["issues_arisen"].min()  # 300 vs 2,000 households
    with pytest.raises(ScenarioError, match="parameters.\"scenario\""):
        load_experiment(write_experiment(tmp_path, body.replace('"red_property"', '"red_proprety"'), "bad.toml"))
