"""One run path, one seed rule, one run key.

* :func:`cogov.sim.provenance.run_key` changes with whatever changes a run's numbers (model version,
  seed, every parameter, the horizon) and with nothing else (``meta``).
* A results folder resumes by run key and refuses a folder written by another model version.
* :func:`cogov.experiments.runner.run_tasks` gives the same outputs serially and on a process
  pool, in task order, and a failed run stops it with an error naming the run.
* Pattern validation and calibration run through :func:`cogov.experiments.targets.simulate` with
  the seeds ``replicate_seed(master_seed, r)``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from experiment_files import FACTORIAL, write_experiment

from cogov.analysis import calibration
from cogov.analysis.calibration import calibrate
from cogov.analysis.patterns import CO_BUILDING, CO_BUILDING_DAYS, LEVER_PATTERNS, PatternRunner
from cogov.experiments import targets
from cogov.experiments.backends import SerialExecutor, process_pool
from cogov.experiments.design import build_design
from cogov.experiments.runner import RunError, RunTask, plan_runs, plan_tasks, run_sweep, run_tasks
from cogov.experiments.seeds import replicate_seed
from cogov.experiments.spec import load_experiment
from cogov.experiments.store import MANIFEST, ResultStore
from cogov.experiments.targets import CogovTarget, IshigamiTarget, RunOutput, scenario_target, simulate
from cogov.sim import provenance
from cogov.sim.households import RETIRED
from cogov.sim.model import CommunityModel
from cogov.sim.provenance import run_key
from cogov.sim.scenario import ScenarioError, apply_overrides, load_scenario, parameter_paths, scenario_digest
from cogov.sim.version import MODEL_VERSION

SMALL = {"community.households": 300, "simulation.days": 10}


@pytest.fixture(scope="module")
def default_config():
    return load_scenario("default").config


# ------------------------------------------------------------------------------------ run keys
def test_run_key_is_the_sha256_of_version_digest_and_seed(default_config):
    payload = {"model_version": MODEL_VERSION, "scenario_digest": scenario_digest(default_config), "seed": 7}
    expected = hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert run_key(default_config, 7) == expected
    assert len(expected) == 64 and int(expected, 16) >= 0


def test_run_key_changes_with_model_version_seed_and_days_not_with_meta(default_config, monkeypatch):
    key = run_key(default_config, 3)
    assert run_key(default_config, 4) != key
    assert run_key(apply_overrides(default_config, {"simulation.days": 364}), 3) != key
    renamed = default_config.model_copy(update={"meta": default_config.meta.model_copy(
        update={"name": "another_name", "description": "another description"})})
    assert renamed.meta.name == "another_name" and run_key(renamed, 3) == key
    monkeypatch.setattr(provenance, "MODEL_VERSION", "999")
    assert run_key(default_config, 3) != key


def _value(config: Any, path: str) -> Any:
    for part in path.split("."):
        config = getattr(config, part)
    return config


def _candidates(value: Any) -> list[Any]:
    """Small valid-looking changes of a leaf value, tried in turn."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1, value - 1]
    if isinstance(value, float):
        return [value * 1.01 + 0.001, value * 0.99 - 0.001, value + 0.001]
    if isinstance(value, tuple):  # ordered ranges: move one end
        return [[x, *value[1:]] for x in _candidates(value[0])] + [[*value[:-1], x] for x in _candidates(value[-1])]
    return []


def _changed(config: Any, path: str) -> Any:
    """``config`` with ``path`` changed; for shares that must sum to 1, 0.01 moved from a sibling (or to it, for a
    share of 1)."""
    value = _value(config, path)
    for candidate in _candidates(value):
        try:
            return apply_overrides(config, {path: candidate})
        except ScenarioError:
            continue
    parent, _, _ = path.rpartition(".")
    for candidate in _candidates(value):  # a setting that needs its section switched on (e.g. task claiming)
        try:
            return apply_overrides(config, {path: candidate, f"{parent}.enabled": True})
        except ScenarioError:
            continue
    for sibling in (p for p in parameter_paths() if p.rpartition(".")[0] == parent and p != path):
        for moved in (0.01, -0.01):
            try:
                return apply_overrides(config, {path: value + moved, sibling: _value(config, sibling) - moved})
            except (ScenarioError, TypeError):
                continue
    raise AssertionError(f"{path}: found no valid change of {value!r} to test")


def test_run_key_changes_with_every_parameter(default_config):
    key = run_key(default_config, 1)
    paths = parameter_paths()
    assert len(paths) > 200
    for path in paths:
        changed = _changed(default_config, path)
        assert _value(changed, path) != _value(default_config, path)
        assert run_key(changed, 1) != key, f"the run key ignores {path}"


def test_target_keys(default_config):
    target = CogovTarget(base=default_config, base_digest=scenario_digest(default_config))
    point = {"levers.funding.annual_cny": 400_000.0}
    assert target.run_key(point, 5) == run_key(target.configure(point), 5)
    assert target.run_key({}, 5) == run_key(default_config, 5) != target.run_key(point, 5)
    # the same parameters under two scenario names: one key (the key is of the resolved scenario)
    assert scenario_target("x", default_config).run_key({"scenario": "x"}, 5) == run_key(default_config, 5)
    ishigami = IshigamiTarget()
    keys = {ishigami.run_key({"x1": 0.5}, 1), ishigami.run_key({"x1": 0.6}, 1), ishigami.run_key({"x1": 0.5}, 2),
            IshigamiTarget(name="other").run_key({"x1": 0.5}, 1)}
    assert len(keys) == 4 and ishigami.run_key({"x1": np.float64(0.5)}, 1) == ishigami.run_key({"x1": 0.5}, 1)


# --------------------------------------------------------------------------- results folder by key
def _rows(directory: Path) -> pd.DataFrame:
    return ResultStore(directory).read_runs().sort_values("run_id").reset_index(drop=True)


def test_every_run_row_records_its_run_key_and_the_manifest_the_model_version(tmp_path):
    experiment = load_experiment(write_experiment(tmp_path, FACTORIAL))
    run_sweep(experiment, tmp_path / "out", SerialExecutor())
    runs = _rows(tmp_path / "out")
    points = build_design(experiment).points
    expected = [experiment.target.run_key(points[p], s) for p, s in zip(runs["point_id"], runs["seed"], strict=True)]
    assert list(runs["run_key"]) == expected and runs["run_key"].nunique() == 12
    assert json.loads((tmp_path / "out" / MANIFEST).read_text())["model_version"] == MODEL_VERSION


def _rewrite_parts(directory: Path, change) -> None:
    """Apply ``change(frame) -> frame`` to every run part (as an older program might have written them)."""
    for part in sorted((directory / "runs").glob("part-*.parquet")):
        frame = change(pq.read_table(part).to_pandas())
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), part)


def test_a_run_recorded_under_another_key_is_run_again(tmp_path, monkeypatch):
    experiment = load_experiment(write_experiment(tmp_path, FACTORIAL))
    out = tmp_path / "out"
    run_sweep(experiment, out, SerialExecutor())
    before = _rows(out)
    points = build_design(experiment).points
    with monkeypatch.context() as patched:  # the keys replicate 0 had under an older model version
        patched.setattr(provenance, "MODEL_VERSION", "0")
        stale = {int(r.run_id): experiment.target.run_key(points[r.point_id], r.seed)
                 for r in before.itertuples() if r.replicate == 0}

    def make_stale(frame: pd.DataFrame) -> pd.DataFrame:
        old = frame["run_id"].isin(list(stale))
        frame.loc[old, "run_key"] = frame.loc[old, "run_id"].map(stale)
        frame.loc[old, "resolution_rate"] = -1.0  # a number the current model cannot give
        return frame

    _rewrite_parts(out, make_stale)
    again = run_sweep(experiment, out, SerialExecutor())
    assert (again.completed, again.skipped) == (len(stale), 12 - len(stale)) == (4, 8)
    after = _rows(out)
    assert list(after["run_key"]) == list(before["run_key"]) and (after["resolution_rate"] >= 0).all()
    pd.testing.assert_series_equal(after["resolution_rate"], before["resolution_rate"])  # same key, same numbers


def test_a_folder_of_another_model_version_is_refused(tmp_path, monkeypatch):
    experiment = load_experiment(write_experiment(tmp_path, FACTORIAL))
    run_sweep(experiment, tmp_path / "out", SerialExecutor())
    other = MODEL_VERSION + "-next"
    monkeypatch.setattr(provenance, "MODEL_VERSION", other)
    with pytest.raises(ScenarioError) as err:
        run_sweep(experiment, tmp_path / "out", SerialExecutor())
    message = str(err.value)
    assert f"model version {MODEL_VERSION}" in message and f"model version {other}" in message and "--out" in message
    assert len(ResultStore(tmp_path / "out").read_runs()) == 12  # nothing touched


def test_a_folder_from_before_run_keys_is_run_again_and_then_versioned(tmp_path):
    experiment = load_experiment(write_experiment(tmp_path, FACTORIAL))
    out = tmp_path / "out"
    run_sweep(experiment, out, SerialExecutor())
    _rewrite_parts(out, lambda frame: frame.drop(columns="run_key"))
    manifest = json.loads((out / MANIFEST).read_text())
    del manifest["model_version"]
    (out / MANIFEST).write_text(json.dumps(manifest))
    assert ResultStore(out).recorded_keys() == {}
    again = run_sweep(experiment, out, SerialExecutor())
    assert again.completed == 12 and again.skipped == 0
    assert json.loads((out / MANIFEST).read_text())["model_version"] == MODEL_VERSION
    assert _rows(out)["run_key"].notna().all() and len(_rows(out)) == 12


# -------------------------------------------------------------------------------------- run_tasks
def _small_tasks() -> tuple[CogovTarget, list[RunTask]]:
    config = apply_overrides(load_scenario("default").config, SMALL)
    target = scenario_target("small", config)
    points = [{"scenario": "small"}, {"scenario": "small", "levers.funding.annual_cny": 20_000.0}]
    tasks = plan_tasks(target, points, 2, master_seed=4)
    return target, tasks[::-1]  # not in run-id order: results must follow the tasks, not the ids


def test_run_tasks_serial_equals_process_pool_in_task_order():
    target, tasks = _small_tasks()
    serial = run_tasks(target, tasks)
    with process_pool(2) as pool:
        pooled = run_tasks(target, tasks, executor=pool, workers=2)
    assert _frame(serial).equals(_frame(pooled))  # NaN-aware, exact
    direct = [simulate(target.configure(task.point), task.seed) for task in tasks]  # each task's own run
    assert _frame(serial).equals(_frame(direct))
    assert _frame(serial)["issues_arisen"].nunique() > 1


def _frame(outputs: list[RunOutput]) -> pd.DataFrame:
    return pd.DataFrame([o.summary for o in outputs])


def test_run_tasks_keeps_series_when_asked():
    target, tasks = _small_tasks()
    outputs = run_tasks(target, tasks[:1], series_every=5)
    assert list(outputs[0].series["day"]) == [0, 5, 10]


@pytest.mark.parametrize("pooled", [False, True], ids=["serial", "process-pool"])
def test_a_failed_run_raises_an_error_naming_the_run(pooled):
    target = IshigamiTarget()
    tasks = [RunTask(run_id=i, point_id=i, replicate=0, seed=11, point=point, run_key=str(i))
             for i, point in enumerate([{"x1": 0.1}, {"x1": "not a number"}, {"x1": 0.3}])]
    with pytest.raises(RunError) as err:
        if pooled:
            with process_pool(2) as pool:
                run_tasks(target, tasks, executor=pool, workers=2)
        else:
            run_tasks(target, tasks)
    message = str(err.value)
    assert "'x1': 'not a number'" in message and "seed 11" in message and "ValueError" in message
    assert err.value.task.run_id == 1


def test_a_failed_model_run_names_its_scenario_and_overrides(monkeypatch):
    target, tasks = _small_tasks()

    failing = tasks[0]  # replicate 1 at the reduced funding; every other run succeeds

    def broken(config, seed, series_every=None):
        if seed == failing.seed and config.levers.funding.annual_cny == 20_000.0:
            raise FloatingPointError("diverged")
        return RunOutput({"y": 1.0})

    _stub_simulate(monkeypatch, broken)
    with (pytest.raises(RunError, match=r"scenario 'small', overrides \{'levers.funding.annual_cny': 20000.0\}, "
                                        rf"seed {failing.seed} \(replicate 1, run 3\): FloatingPointError: diverged"),
          pytest.warns(RuntimeWarning, match="running them one by one")):  # the point's batch failed first
        run_tasks(target, tasks)


def _stub_simulate(monkeypatch: pytest.MonkeyPatch, stub: Any) -> None:
    """Every run of the community target goes through ``stub(config, seed, series_every)``: alone (``simulate``) and
    in a batch (``simulate_batch``, each run in turn: a stub that raises makes the batch raise, and
    the runner then runs the batch's runs one by one)."""
    monkeypatch.setattr(targets, "simulate", stub)
    monkeypatch.setattr(targets, "simulate_batch",
                        lambda configs, seeds, series_every=None: [stub(config, seed, series_every)
                                                                   for config, seed in zip(configs, seeds, strict=True)])


# ------------------------------------------------------------------- patterns and calibration seeds
class Recorder:
    """Stands in for :func:`simulate`: records (config, seed) and returns outputs derived from them."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, int]] = []

    def __call__(self, config, seed, series_every=None) -> RunOutput:
        self.calls.append((config, seed))
        value = (seed % 1000) / 1000
        return RunOutput({"co_building_hours_total": config.levers.funding.split.co_building * 1000 + value,
                          **{f"community_{name}": value for name in (
                              "property_management_share", "owners_committee_share", "party_branch_share",
                              "property_party_organisation_share", "retired_member_share")},
                          "community_eligible_volunteers": 100.0, "community_households": 1000.0,
                          "community_community_staff": 4.0, "community_social_organisations": 6.0,
                          "inservice_serving_share": value, "volunteer_share": value,
                          "disputes_mediated": 500.0 * config.levers.mediation.enabled,
                          "posts_held_share": value, "count_suggestions": 20.0, "community_in_service_members": 40.0,
                          "team_member_share": value})


def test_patterns_run_replicate_seeds_of_the_master_seed_and_cache_by_key(monkeypatch):
    recorder = Recorder()
    _stub_simulate(monkeypatch, recorder)
    runner = PatternRunner(replicates=3, master_seed=7)
    seeds = [replicate_seed(7, r) for r in range(3)]
    assert list(runner.seeds) == seeds
    pattern = next(p for p in LEVER_PATTERNS if p.name == "split_co_building_hours_up")
    result = runner.evaluate(pattern)
    assert sorted(seed for _, seed in recorder.calls) == sorted(seeds * 2)  # each arm on every replicate seed
    assert {c.simulation.days for c, _ in recorder.calls} == {pattern.days}
    assert sorted(c.levers.funding.split.co_building for c, _ in recorder.calls) == [0.05] * 3 + [0.25] * 3
    assert result.values == pytest.approx((200.0,) * 3)  # split 0.05 -> 0.25, paired by seed
    runner.evaluate(pattern)  # every run is cached by its key
    shared = next(p for p in LEVER_PATTERNS if p.name == "big_party_committee_hours_up")  # same base arm
    runner.evaluate(shared)
    assert len(recorder.calls) == 9  # 3 + 3, then only the new arm's 3


def test_pattern_outcomes_are_the_runs_of_simulate_at_replicate_seeds():
    runner = PatternRunner(replicates=2)
    outcomes = runner.outcomes("default", CO_BUILDING, CO_BUILDING_DAYS)
    config = apply_overrides(load_scenario("default").config, {**CO_BUILDING, "simulation.days": CO_BUILDING_DAYS})
    direct = [simulate(config, replicate_seed(0, r)).summary for r in range(2)]
    assert pd.DataFrame(outcomes).equals(pd.DataFrame(direct))


def test_calibration_runs_replicate_seeds_of_the_master_seed(monkeypatch):
    recorder = Recorder()
    _stub_simulate(monkeypatch, recorder)
    rows = calibrate(replicates=4, master_seed=5)
    seeds = [replicate_seed(5, r) for r in range(4)]
    # the default, and the same seeds with each arrangement a check needs (a mediation committee, posts)
    settings = sorted((c.levers.mediation.enabled, c.levers.posts.enabled, c.levers.volunteer_teams.enabled, seed)
                      for c, seed in recorder.calls)
    assert settings == sorted([(False, False, False, s) for s in seeds] + [(True, False, False, s) for s in seeds]
                              + [(False, True, False, s) for s in seeds] + [(False, False, True, s) for s in seeds])
    by = {row.target.quantity: row for row in rows}
    expected = np.mean([(s % 1000) / 1000 for s in seeds])
    assert by["compounds with property management"].mean == pytest.approx(expected)
    assert by["households volunteering (30-day window)"].mean == pytest.approx(expected)
    per_resident = 100 / (1000 * calibration.PERSONS_PER_HOUSEHOLD)
    assert by["registered volunteers / residents"].mean == pytest.approx(per_resident)
    assert "community workers per 10,000 residents" not in by  # seed 001's figure counts street-office posts
    assert by["disputes mediated per 1,000 households a year"].mean == pytest.approx(500.0)  # 500 in 1,000 over a year
    assert by["disputes mediated per 1,000 households a year"].target.role == "check"
    assert by["suggestions per in-service member a year"].mean == pytest.approx(0.5)  # 20 a year / 40 members
    assert by["compounds with property management"].target.role == "input"


def test_calibration_reads_the_generated_community_as_the_model_holds_it():
    """The ``community_*`` outputs that calibration reads are the model's own state at the same seed."""
    config = apply_overrides(load_scenario("default").config, {"community.households": 600})
    rows = {row.target.quantity: row for row in calibrate(config, replicates=2, days=3)}
    models = [CommunityModel(config, rng=replicate_seed(0, r)) for r in range(2)]
    direct = {
        "compounds with property management": [m.layout.has_property.mean() for m in models],
        "compounds with an owners' committee": [m.layout.has_owners_committee.mean() for m in models],
        "compounds with a party organisation": [m.layout.has_party_branch.mean() for m in models],
        "party members over 55 (model: retired)":
            [np.mean(m.households.member_type[m.households.is_member] == RETIRED) for m in models],
        "registered volunteers / residents":
            [len(m.volunteering.eligible) / (m.households.size * calibration.PERSONS_PER_HOUSEHOLD) for m in models],
        "social organisations per community": [len(m.social_organisations) for m in models],
    }
    for quantity, values in direct.items():
        assert rows[quantity].mean == pytest.approx(float(np.mean(values))), quantity
    retired = direct["party members over 55 (model: retired)"]
    assert retired[0] != retired[1]  # two different communities, so the means are not trivially equal


def test_cli_seed_reaches_validation_and_calibration(tmp_path, monkeypatch):
    from cogov.cli import main

    recorder = Recorder()
    _stub_simulate(monkeypatch, recorder)
    code = main(["calibrate", "--replicates", "2", "--seed", "9", "--workers", "1", "--out", str(tmp_path / "c.csv")])
    assert code == 0
    assert sorted(s for _, s in recorder.calls) == sorted([replicate_seed(9, r) for r in range(2)] * 4)  # 4 settings
    assert set(pd.read_csv(tmp_path / "c.csv")["master_seed"]) == {9}
    recorder.calls.clear()
    assert main(["validate-model", "--pattern", "split_co_building_hours_up", "--replicates", "2", "--seed", "9",
                 "--workers", "1", "--out", str(tmp_path / "v.csv")]) == 0
    assert sorted(s for _, s in recorder.calls) == sorted([replicate_seed(9, r) for r in range(2)] * 2)
    assert set(pd.read_csv(tmp_path / "v.csv")["master_seed"]) == {9}


def test_nothing_outside_simulate_builds_a_model_to_measure_it():
    """experiments/ and analysis/ build ``CommunityModel`` only in :func:`simulate` (and report maps)."""
    root = Path(__file__).parents[1]
    sources = [path for folder in ("experiments", "analysis") for path in (root / folder).rglob("*.py")]
    builders = sorted(str(p.relative_to(root)) for p in sources if "CommunityModel(" in p.read_text(encoding="utf-8"))
    assert builders == ["analysis/report.py", "experiments/targets.py"]
    assert (root / "experiments/targets.py").read_text(encoding="utf-8").count("CommunityModel(") == 1


def test_plan_runs_uses_the_seed_rule(tmp_path):
    experiment = load_experiment(write_experiment(tmp_path, FACTORIAL))
    tasks = plan_runs(experiment, build_design(experiment))
    assert {(t.replicate, t.seed) for t in tasks} == {(r, replicate_seed(11, r)) for r in range(3)}


def test_current_runs_are_the_planned_runs_under_their_current_keys(tmp_path):
    """What a comparison reads: planned replicates only, and no row recorded under another key."""
    from cogov.experiments.runner import current_runs

    experiment = load_experiment(write_experiment(tmp_path, FACTORIAL))
    out = tmp_path / "out"
    run_sweep(experiment, out, SerialExecutor())
    assert len(current_runs(experiment, out)) == 12

    def make_stale(frame: pd.DataFrame) -> pd.DataFrame:  # replicate 0 as if made by another model version
        frame.loc[frame["replicate"] == 0, "run_key"] = "0" * 64
        return frame

    _rewrite_parts(out, make_stale)
    current = current_runs(experiment, out)
    assert sorted(current["replicate"].unique()) == [1, 2] and len(current) == 8
    fewer = load_experiment(write_experiment(tmp_path, FACTORIAL.replace("replicates = 3", "replicates = 2"), "b.toml"))
    assert sorted(current_runs(fewer, out)["replicate"].unique()) == [1]


def test_run_keys_of_a_point_equal_its_run_key_for_each_seed(default_config):
    target = CogovTarget(base=default_config, base_digest=scenario_digest(default_config))
    point = {"levers.funding.annual_cny": 123_000.0}
    assert target.run_keys(point, [1, 2, 3]) == [target.run_key(point, s) for s in (1, 2, 3)]
    ishigami = IshigamiTarget()
    assert ishigami.run_keys({"x1": 0.1}, [4, 5]) == [ishigami.run_key({"x1": 0.1}, s) for s in (4, 5)]
