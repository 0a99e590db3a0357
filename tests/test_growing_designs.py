"""Designs that grow (issue 16): a results folder opened with an edited design keeps every run it plans again.

Runs are matched by run key (resolved scenario, seed, model version), never by position: a grown folder must hold
exactly what a fresh sweep of the new experiment would write, with only the new runs made.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from experiment_files import FACTORIAL, write_experiment

import cogov.experiments.store as store_module
from cogov.experiments.backends import SerialExecutor
from cogov.experiments.runner import current_runs, run_sweep
from cogov.experiments.spec import load_experiment
from cogov.experiments.store import ResultStore, StoreWriteError
from cogov.sim.scenario import ScenarioError, load_scenario

WITH_SERIES = FACTORIAL + "\n[outputs]\nseries = true\nseries_every = 5\n"
TWO_LEVELS = "values = [20_000, 400_000]"
THREE_LEVELS = "values = [20_000, 200_000, 400_000]"
IDENTITY = ["run_id", "point_id", "replicate", "seed", "run_key"]
MADE_BY = ["seconds", "experiment_digest", "git_commit", "cogov_version", "base_scenario_digest"]


def _experiment(tmp_path: Path, body: str, name: str):
    return load_experiment(write_experiment(tmp_path, body, name))


def _comparable(runs: pd.DataFrame) -> pd.DataFrame:
    """Run rows without what only records when and by which experiment they were made."""
    return runs.drop(columns=[c for c in MADE_BY if c in runs.columns]).sort_values("run_id").reset_index(drop=True)


def test_more_levels_make_only_the_new_runs_and_the_folder_equals_a_fresh_sweep(tmp_path):
    first = _experiment(tmp_path, WITH_SERIES, "a.toml")
    run_sweep(first, tmp_path / "grown", SerialExecutor())
    before = current_runs(first, tmp_path / "grown")
    wider = _experiment(tmp_path, WITH_SERIES.replace(TWO_LEVELS, THREE_LEVELS), "b.toml")

    report = run_sweep(wider, tmp_path / "grown", SerialExecutor())
    assert (report.completed, report.skipped, report.total) == (6, 12, 18)
    assert "levers.funding.annual_cny: [20000, 400000] -> [20000, 200000, 400000]" in report.grown
    assert "12 of the 18 runs it plans were already recorded" in report.grown

    run_sweep(wider, tmp_path / "fresh", SerialExecutor())
    grown, fresh = (current_runs(wider, tmp_path / d) for d in ("grown", "fresh"))
    pd.testing.assert_frame_equal(_comparable(grown), _comparable(fresh), check_like=True)
    # the reused rows are the very rows made before (not made again): same outcomes and timing, the earlier digest
    reused = grown.merge(before[["run_key", "seconds", "experiment_digest"]], on="run_key", suffixes=("", "_before"))
    assert len(reused) == 12 and (reused["seconds"] == reused["seconds_before"]).all()
    assert (reused["experiment_digest"] == first.digest).all()
    series = {d: ResultStore(tmp_path / d).read_series() for d in ("grown", "fresh")}
    pd.testing.assert_frame_equal(series["grown"], series["fresh"], check_like=True)
    manifest = json.loads((tmp_path / "grown" / "experiment.json").read_text())
    assert manifest["experiment_digest"] == wider.digest and "growing" not in manifest
    assert [entry["experiment_digest"] for entry in manifest["grown_from"]] == [first.digest]


def test_runs_a_design_drops_are_kept_aside_and_taken_back(tmp_path):
    wide = _experiment(tmp_path, WITH_SERIES.replace(TWO_LEVELS, THREE_LEVELS), "a.toml")
    narrow = _experiment(tmp_path, WITH_SERIES.replace(TWO_LEVELS, "values = [200_000]"), "b.toml")
    run_sweep(wide, tmp_path / "out", SerialExecutor())
    everything = _comparable(current_runs(wide, tmp_path / "out"))

    shrunk = run_sweep(narrow, tmp_path / "out", SerialExecutor())
    assert shrunk.completed == 0 and shrunk.skipped == 6 and "12 runs it no longer plans" in shrunk.grown
    assert len(ResultStore(tmp_path / "out").read_runs()) == 6  # analyses see only what the design plans
    retired = pd.read_parquet(tmp_path / "out" / "retired" / "runs.parquet")
    assert len(retired) == 12 and set(retired["param:levers.funding.annual_cny"]) == {20_000, 400_000}
    assert pd.read_parquet(tmp_path / "out" / "retired" / "series.parquet")["run_key"].nunique() == 12

    back = run_sweep(wide, tmp_path / "out", SerialExecutor())
    assert back.completed == 0 and back.skipped == 18
    pd.testing.assert_frame_equal(_comparable(current_runs(wide, tmp_path / "out")), everything, check_like=True)
    assert ResultStore(tmp_path / "out").read_series()["run_id"].nunique() == 18
    assert not (tmp_path / "out" / "retired" / "runs.parquet").exists()


def test_a_new_parameter_at_its_scenario_value_reuses_the_runs_it_equals(tmp_path):
    """Varying a second parameter whose listed values include the scenario's own: the runs at that value are the runs
    already made (same resolved scenario, same key)."""
    first = _experiment(tmp_path, FACTORIAL, "a.toml")
    run_sweep(first, tmp_path / "out", SerialExecutor())
    own = load_scenario(tmp_path / "small.toml").config.levers.burden.admin_share
    extra = FACTORIAL + f'\n[parameters."levers.burden.admin_share"]\nvalues = [{own!r}, 0.9]\n'
    assert own != 0.9
    report = run_sweep(_experiment(tmp_path, extra, "b.toml"), tmp_path / "out", SerialExecutor())
    assert (report.skipped, report.completed) == (12, 12)


def test_more_samples_of_a_random_design_reuse_its_first_points(tmp_path):
    body = FACTORIAL.replace('design = "full_factorial"', 'design = "random"\nsamples = 4').replace(
        TWO_LEVELS, "range = [20_000, 400_000]").replace(
        '[parameters."levers.cross_appointment.party_property"]\nvalues = [false, true]\n', "")
    run_sweep(_experiment(tmp_path, body, "a.toml"), tmp_path / "out", SerialExecutor())
    report = run_sweep(_experiment(tmp_path, body.replace("samples = 4", "samples = 6"), "b.toml"),
                       tmp_path / "out", SerialExecutor())
    assert (report.skipped, report.completed) == (12, 6)


@pytest.mark.parametrize(("change", "reason"), [
    (("master_seed = 11", "master_seed = 12"), "another master seed gives every run another seed"),
    (("days = 15", "days = 16"), "another horizon changes every run"),
    (("series_every = 5", "series_every = 3"), "its runs keep other outputs"),
])
def test_a_folder_whose_runs_cannot_serve_the_experiment_is_refused_with_why(tmp_path, change, reason):
    run_sweep(_experiment(tmp_path, WITH_SERIES, "a.toml"), tmp_path / "out", SerialExecutor())
    before = sorted(p.name for p in (tmp_path / "out" / "runs").iterdir())
    other = _experiment(tmp_path, WITH_SERIES.replace(*change), "b.toml")
    with pytest.raises(ScenarioError, match="different experiment") as caught:
        run_sweep(other, tmp_path / "out", SerialExecutor())
    assert reason in str(caught.value) and change[0].split(" = ")[1] in str(caught.value)
    assert sorted(p.name for p in (tmp_path / "out" / "runs").iterdir()) == before  # nothing touched


def test_a_latin_hypercube_of_another_size_is_refused_with_a_hint(tmp_path):
    body = FACTORIAL.replace('design = "full_factorial"', 'design = "latin_hypercube"\nsamples = 4').replace(
        TWO_LEVELS, "range = [20_000, 400_000]").replace(
        '[parameters."levers.cross_appointment.party_property"]\nvalues = [false, true]\n', "")
    run_sweep(_experiment(tmp_path, body, "a.toml"), tmp_path / "out", SerialExecutor())
    with pytest.raises(ScenarioError, match="not one of its runs is planned.*'random' or 'sobol'"):
        run_sweep(_experiment(tmp_path, body.replace("samples = 4", "samples = 5"), "b.toml"), tmp_path / "out",
                  SerialExecutor())


@pytest.mark.parametrize("cut", ["_retire", "_replace_parts", "_write_design"])
def test_growing_cut_short_anywhere_loses_nothing(tmp_path, monkeypatch, cut):
    """A grow stopped between any two of its writes (a crash, a full disk) leaves a folder that the next sweep — of
    the new design or of the old one — grows correctly, every run recorded before still there."""
    first = _experiment(tmp_path, WITH_SERIES, "a.toml")
    wider = _experiment(tmp_path, WITH_SERIES.replace(TWO_LEVELS, THREE_LEVELS), "b.toml")
    run_sweep(first, tmp_path / "out", SerialExecutor())
    expected = _comparable(current_runs(first, tmp_path / "out"))
    real = getattr(store_module, cut, None) or getattr(ResultStore, cut)

    def crash(*args, **kwargs):
        real(*args, **kwargs)
        raise OSError(28, "No space left on device")

    target = store_module if hasattr(store_module, cut) else ResultStore
    monkeypatch.setattr(target, cut, crash)
    with pytest.raises(StoreWriteError, match="No space left"):
        run_sweep(wider, tmp_path / "out", SerialExecutor())
    monkeypatch.undo()
    assert json.loads((tmp_path / "out" / "experiment.json").read_text()).get("growing")
    report = run_sweep(first, tmp_path / "out", SerialExecutor())  # back to the first design: nothing made again
    assert report.completed == 0 and report.skipped == 12
    pd.testing.assert_frame_equal(_comparable(current_runs(first, tmp_path / "out")), expected, check_like=True)
    assert ResultStore(tmp_path / "out").read_series()["run_id"].nunique() == 12


def test_the_sweep_command_grows_its_default_folder_and_says_what_it_reused(tmp_path, monkeypatch, capsys):
    from cogov.cli import main

    monkeypatch.chdir(tmp_path)
    write_experiment(tmp_path, FACTORIAL, "exp.toml")
    assert main(["sweep", "exp.toml", "--workers", "1", "--backend", "serial"]) == 0
    write_experiment(tmp_path, FACTORIAL.replace(TWO_LEVELS, THREE_LEVELS), "exp.toml")
    capsys.readouterr()
    assert main(["sweep", "exp.toml", "--workers", "1", "--backend", "serial"]) == 0
    captured = capsys.readouterr()
    assert "12 of the 18 runs it plans were already recorded" in captured.err
    assert "6 runs" in captured.out and "12 already recorded" in captured.out
    assert [p.name for p in (tmp_path / "results").iterdir()] == ["factorial"]
