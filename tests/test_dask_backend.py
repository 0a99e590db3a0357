"""The Dask backend gives the same results as a serial sweep and a local process pool.

A small cogov sweep (2 × 2 full factorial × 3 replicates, 15 days, 300 households) runs serially,
on a local process pool with 2 workers, on a new Dask ``LocalCluster`` with 2 workers, and on an
existing Dask scheduler given by address (as ``cogov sweep --scheduler ADDRESS`` does). Every
backend must record exactly the same runs: same seeds, same parameters, same outcomes.

Dask is an optional extra (``cogov[dask]``); CI installs it, so these tests run there.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("distributed", reason="the dask backend is the optional extra 'cogov[dask]' (CI installs it)")

from experiment_files import FACTORIAL, write_experiment

from cogov.experiments.backends import open_executor
from cogov.experiments.runner import SweepReport, run_sweep
from cogov.experiments.spec import Experiment, load_experiment
from cogov.experiments.store import ResultStore

WORKERS = 2
RUNS = 12  # 2 × 2 design points × 3 replicates
NOT_RESULTS = ["seconds", "git_commit"]
"""Columns that describe how a run was executed, not what it computed: its duration, and the commit
of the working tree at the moment each results folder was opened (it changes if the tree is edited
while the tests run)."""

@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Experiment:
    """The small experiment, written with its scenario file into a temporary folder."""
    return load_experiment(write_experiment(tmp_path_factory.mktemp("experiment"), FACTORIAL))


def sweep(experiment: Experiment, out: Path, backend: str, scheduler: str | None = None) -> pd.DataFrame:
    """Run the whole experiment on ``backend`` into ``out``; return its run rows without timings."""
    with open_executor(backend, WORKERS, scheduler) as executor:
        report = run_sweep(experiment, out, executor, workers=WORKERS)
    assert_complete(report)
    return comparable(ResultStore(out).read_runs())


def assert_complete(report: SweepReport) -> None:
    """Every run ran, none failed, nothing was interrupted."""
    assert (report.completed, report.failed, report.skipped, report.interrupted) == (RUNS, 0, 0, False), report.line()


def comparable(runs: pd.DataFrame) -> pd.DataFrame:
    """Run rows sorted by run id, without the columns that describe the execution."""
    assert runs["status"].eq("ok").all(), runs.loc[runs["status"] != "ok", ["run_id", "error"]]
    runs = runs.drop(columns=NOT_RESULTS).sort_values("run_id", kind="stable").reset_index(drop=True)
    return runs[sorted(runs.columns)]


@pytest.fixture(scope="module")
def serial_runs(experiment: Experiment, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The reference: the experiment run serially in this process."""
    return sweep(experiment, tmp_path_factory.mktemp("serial") / "results", "serial")


def test_serial_reference_is_a_real_sweep(serial_runs: pd.DataFrame) -> None:
    """The reference has every run, distinct seeds per replicate and outcomes that differ between runs."""
    assert list(serial_runs["run_id"]) == list(range(RUNS))
    assert serial_runs.groupby("replicate")["seed"].nunique().eq(1).all()
    assert serial_runs["seed"].nunique() == 3
    outcomes = [c for c in serial_runs.columns if c.startswith("satisfaction_")]
    assert outcomes and serial_runs[outcomes].nunique().max() > 1


def test_local_pool_matches_serial(experiment: Experiment, serial_runs: pd.DataFrame, tmp_path: Path) -> None:
    """A 2-worker process pool records exactly the serial results."""
    pd.testing.assert_frame_equal(sweep(experiment, tmp_path / "local", "local"), serial_runs, check_exact=True)


def test_dask_local_cluster_matches_serial(experiment: Experiment, serial_runs: pd.DataFrame, tmp_path: Path) -> None:
    """A new Dask LocalCluster (2 worker processes) records exactly the serial results."""
    pd.testing.assert_frame_equal(sweep(experiment, tmp_path / "dask", "dask"), serial_runs, check_exact=True)


def test_dask_existing_scheduler_matches_serial(experiment: Experiment, serial_runs: pd.DataFrame,
                                                tmp_path: Path) -> None:
    """A sweep sent to an already running scheduler, by address, records exactly the serial results."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        runs = sweep(experiment, tmp_path / "scheduler", "dask", scheduler=address)
        assert len(cluster.workers) == WORKERS  # the sweep's client left the cluster running
    pd.testing.assert_frame_equal(runs, serial_runs, check_exact=True)


def test_an_existing_cluster_reports_its_worker_count() -> None:
    """With --scheduler, chunks are sized for the workers the cluster has, not for the client's cores."""
    from distributed import LocalCluster

    from cogov.experiments.backends import open_executor, worker_count

    with LocalCluster(n_workers=3, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        cluster.wait_for_workers(3)
        with open_executor("dask", scheduler=cluster.scheduler_address) as executor:
            assert worker_count(executor, default=99) == 3
    with open_executor("serial") as executor:
        assert worker_count(executor, default=5) == 5
