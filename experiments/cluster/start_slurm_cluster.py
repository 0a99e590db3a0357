"""Start a Dask cluster on SLURM for ``cogov sweep`` and keep it up until Ctrl-C.

Run it on the login node, inside the project's virtual environment::

    .venv/bin/python experiments/cluster/start_slurm_cluster.py --jobs 4
    # prints the scheduler address on stdout, e.g. tcp://10.1.2.3:40123
    # then, in another shell on the login node:
    cogov sweep experiment.toml --backend dask --scheduler tcp://10.1.2.3:40123 --workers 64

The configuration (``slurm.yaml`` next to this script unless ``--config`` says otherwise) holds the
keyword arguments of :class:`dask_jobqueue.SLURMCluster`. It is read with ``yaml.safe_load``: plain
data only, nothing in it is executed. ``--dry-run`` prints the job script that would be submitted
and exits without submitting anything. See docs/cluster.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_CONFIG = Path(__file__).with_name("slurm.yaml")
POLL_SECONDS = 5.0


def load_config(path: Path) -> dict[str, Any]:
    """Read the SLURMCluster keyword arguments from a YAML file (data only: ``yaml.safe_load``)."""
    import yaml

    config = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(config, dict) or not all(isinstance(key, str) for key in config):
        raise ValueError(f"{path}: expected a mapping of SLURMCluster keyword arguments")
    return config


def build_cluster(config: dict[str, Any]) -> Any:
    """A :class:`dask_jobqueue.SLURMCluster` (its scheduler starts here; no job is submitted yet)."""
    from dask_jobqueue import SLURMCluster

    return SLURMCluster(**config)


def workers_per_job(config: dict[str, Any]) -> int:
    """Dask worker processes each SLURM job starts (``processes``, else one)."""
    return int(config.get("processes") or 1)


def serve(cluster: Any, jobs: int, per_job: int) -> None:
    """Submit ``jobs`` jobs, then report connected workers until interrupted."""
    cluster.scale(jobs=jobs)
    print(f"submitted {jobs} job(s) of {per_job} worker(s); use --workers {jobs * per_job} with cogov sweep",
          file=sys.stderr, flush=True)
    print("press Ctrl-C to stop the cluster (its jobs are cancelled)", file=sys.stderr, flush=True)
    seen = -1
    while True:
        connected = len(cluster.scheduler_info.get("workers", {}))
        if connected != seen:
            print(f"{connected} worker(s) connected", file=sys.stderr, flush=True)
            seen = connected
        time.sleep(POLL_SECONDS)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="SLURMCluster settings (YAML)")
    parser.add_argument("--jobs", type=int, default=1, help="SLURM jobs to submit (default 1)")
    parser.add_argument("--dry-run", action="store_true", help="print the job script and exit; submit nothing")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Start the cluster, print its scheduler address on stdout, and wait for Ctrl-C."""
    args = parse_args(argv)
    config = load_config(args.config)
    if not args.dry_run and shutil.which("sbatch") is None:
        print("sbatch not found: run this on a SLURM login node (or use --dry-run to see the job script)",
              file=sys.stderr)
        return 2
    with build_cluster(config) as cluster:
        if args.dry_run:
            print(cluster.job_script())
            return 0
        print(cluster.scheduler_address, flush=True)  # the only line on stdout: easy to capture
        try:
            serve(cluster, args.jobs, workers_per_job(config))
        except KeyboardInterrupt:
            print("stopping: cancelling the jobs", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
