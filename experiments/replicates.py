"""Run scenarios over many seeds, in parallel when asked, with results in input order.

This is the small shared core that validation and calibration use; sweeps, resumable storage and
distributed backends (issue #4) will build on it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from cogov.sim.config import ScenarioConfig
from cogov.sim.model import CommunityModel
from cogov.sim.outcomes import pattern_measures

Job = tuple[ScenarioConfig, int]
Measure = Callable[[CommunityModel], dict[str, float]]


def run_and_measure(model: CommunityModel) -> dict[str, float]:
    """Default measure: run to the horizon; final daily metrics plus :func:`cogov.sim.outcomes.pattern_measures`."""
    metrics = dict(model.run()["metrics"])
    return metrics | pattern_measures(model)


def run_job(job: Job, measure: Measure = run_and_measure) -> dict[str, float]:
    """Build the model for one (scenario, seed) and measure it."""
    config, seed = job
    return measure(CommunityModel(config, rng=seed))


def default_workers() -> int:
    """Usable cores (``COGOV_WORKERS`` overrides)."""
    if os.environ.get("COGOV_WORKERS"):
        return max(1, int(os.environ["COGOV_WORKERS"]))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


PRELOAD = ["cogov.experiments.runner", "cogov.experiments.targets", "cogov.sim.model"]
"""Modules a fork server imports once, so that each worker it forks starts warm."""


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool. Workers come from a fork server where the platform has one: forking the caller
    itself is unsafe once it runs threads (Arrow, BLAS), and spawning re-imports everything per worker."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def run_jobs(jobs: Sequence[Job], measure: Measure = run_and_measure, executor: Executor | None = None) -> list[dict[str, float]]:
    """Measure every job, serially or on ``executor``; results are in the order of ``jobs``.

    Results do not depend on the executor: each job's randomness comes from its own seed.
    """
    if executor is None or len(jobs) < 2:
        return [run_job(job, measure) for job in jobs]
    return list(executor.map(run_job, jobs, [measure] * len(jobs), chunksize=1))


def replicate_seeds(count: int, first: int = 0) -> tuple[int, ...]:
    """The seeds of ``count`` replicates: consecutive integers, so replicate *k* is the same everywhere."""
    return tuple(range(first, first + count))


def jobs_for(config: ScenarioConfig, seeds: Iterable[int]) -> list[Job]:
    """One job per seed for a scenario."""
    return [(config, int(seed)) for seed in seeds]


__all__: list[Any] = ["Job", "default_workers", "jobs_for", "process_pool", "replicate_seeds", "run_and_measure", "run_job", "run_jobs"]
