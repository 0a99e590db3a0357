"""The shipped SLURM example (experiments/cluster/) renders a valid job script without SLURM.

The configuration is loaded exactly as ``start_slurm_cluster.py`` loads it (its own ``load_config``,
``yaml.safe_load``) and turned into a ``dask_jobqueue.SLURMCluster``. Building one starts a local
Dask scheduler but submits nothing, so ``job_script()`` can be checked here; the cluster is closed
at the end of each test.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytest.importorskip("dask_jobqueue", reason="SLURM support is the optional extra 'cogov[dask]' (CI installs it)")

import yaml

CLUSTER_DIR = Path(__file__).resolve().parents[1] / "experiments" / "cluster"
CONFIG = CLUSTER_DIR / "slurm.yaml"
SCRIPT = CLUSTER_DIR / "start_slurm_cluster.py"


@pytest.fixture(scope="module")
def starter() -> ModuleType:
    """The start script, imported as a module (it is a script, not part of a package)."""
    spec = importlib.util.spec_from_file_location("start_slurm_cluster", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def config(starter: ModuleType) -> dict[str, Any]:
    """The shipped configuration, loaded by the script's own loader."""
    return starter.load_config(CONFIG)


@pytest.fixture(scope="module")
def job_script(starter: ModuleType, config: dict[str, Any]) -> str:
    """The job script the shipped configuration would submit (its local scheduler already closed)."""
    with starter.build_cluster(config) as cluster:
        script = cluster.job_script()
        assert cluster.scheduler_address.startswith("tcp://")
    assert cluster.status.name == "closed"
    return script


def test_loader_is_plain_yaml(config: dict[str, Any]) -> None:
    """The script's loader gives exactly what ``yaml.safe_load`` gives: data, no code."""
    assert config == yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


def test_config_runs_one_single_threaded_worker_per_core(config: dict[str, Any]) -> None:
    """Each job starts one worker process per core it asks for, with the project's venv Python."""
    assert config["processes"] == config["cores"] >= 1
    assert config["python"].endswith(".venv/bin/python")


def test_job_script_has_the_sbatch_directives(job_script: str, config: dict[str, Any]) -> None:
    """Partition, CPUs, memory, walltime and the extra directives appear as #SBATCH lines."""
    directives = [line for line in job_script.splitlines() if line.startswith("#SBATCH")]
    assert f"#SBATCH -p {config['queue']}" in directives
    assert f"#SBATCH -t {config['walltime']}" in directives
    assert f"#SBATCH --cpus-per-task={config['cores']}" in directives
    assert f"#SBATCH -J {config['job_name']}" in directives
    assert any(line.startswith("#SBATCH --mem=32G") for line in directives)
    for extra in config["job_extra_directives"]:
        assert f"#SBATCH {extra}" in directives


def test_job_script_starts_the_workers(job_script: str, config: dict[str, Any]) -> None:
    """The last command starts ``processes`` one-thread Dask workers with the venv's Python."""
    command = job_script.strip().splitlines()[-1]
    assert command.startswith(f"{config['python']} -m distributed.cli.dask_worker tcp://")
    assert f"--nworkers {config['processes']}" in command
    assert "--nthreads 1" in command
    for argument in config["worker_extra_args"]:
        assert argument in command
    for line in config["job_script_prologue"]:
        assert line in job_script


def test_dry_run_prints_the_job_script_and_submits_nothing(starter: ModuleType,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """``--dry-run`` works without SLURM: it prints the job script and exits 0."""
    assert starter.main(["--config", str(CONFIG), "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("#!") and "#SBATCH -p" in printed and "dask_worker" in printed
