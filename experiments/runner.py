"""Running an experiment: plan the runs, skip those already recorded, run the rest in chunks on any
executor, and write each chunk to the results folder the moment it finishes.

A run that raises is recorded with its error (status ``failed``) and the sweep goes on. An
interrupted sweep (Ctrl-C, ``kill -9``, a lost worker) keeps every chunk already written; running
the same command again resumes with the runs still missing.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cogov.experiments.design import DesignTable, build_design
from cogov.experiments.seeds import replicate_seed
from cogov.experiments.spec import Experiment
from cogov.experiments.store import ResultStore
from cogov.experiments.targets import Target

MAX_IN_FLIGHT_PER_WORKER = 2
"""Chunks queued per worker: enough to keep workers busy, few enough to stop quickly."""


@dataclass(frozen=True)
class RunTask:
    """One run: a design point and a replicate."""

    run_id: int
    point_id: int
    replicate: int
    seed: int
    point: dict[str, Any]


@dataclass(frozen=True)
class SweepReport:
    """What a sweep did."""

    total: int
    skipped: int
    completed: int
    failed: int
    seconds: float
    interrupted: bool
    directory: Path

    def line(self) -> str:
        """The one-line summary printed at the end."""
        state = "interrupted" if self.interrupted else "done"
        rate = self.completed / self.seconds if self.seconds > 0 else float("nan")
        return (f"{state}: {self.completed} runs in {self.seconds:.1f} s ({rate:.2f}/s), {self.failed} failed, "
                f"{self.skipped} already recorded, {self.total} in the experiment -> {self.directory}")


def plan_runs(experiment: Experiment, design: DesignTable) -> list[RunTask]:
    """Every run of the experiment, replicate by replicate; run id = replicate × points + point.

    The ids of replicate *r* do not depend on how many replicates there are, so adding replicates
    to a finished sweep (a larger ``replicates``, same folder) runs only the new ones.
    """
    replicates = experiment.spec.experiment.replicates
    master = experiment.spec.experiment.master_seed
    points = len(design.points)
    return [
        RunTask(run_id=r * points + p, point_id=p, replicate=r, seed=replicate_seed(master, r), point=point)
        for r in range(replicates) for p, point in enumerate(design.points)
    ]


def run_chunk(target: Target, tasks: Sequence[RunTask], series_every: int | None,
              provenance: dict[str, Any]) -> tuple[list[dict[str, Any]], pd.DataFrame | None]:
    """Run tasks one after another (in a worker); failures become rows with their error."""
    rows: list[dict[str, Any]] = []
    series: list[pd.DataFrame] = []
    for task in tasks:
        started = time.perf_counter()
        base = {"run_id": task.run_id, "point_id": task.point_id, "replicate": task.replicate, "seed": task.seed}
        base |= {f"param:{k}": v for k, v in task.point.items()}
        try:
            output = target.run(task.point, task.seed, series_every)
        except Exception as exc:  # noqa: BLE001 - a failed run is data, not a crash of the sweep
            last = traceback.format_exception_only(exc)[-1].strip()
            rows.append(base | {"status": "failed", "error": last, "seconds": time.perf_counter() - started} | provenance)
            continue
        rows.append(base | {"status": "ok", "error": None, "seconds": time.perf_counter() - started}
                    | output.summary | provenance)
        if output.series is not None:
            frame = output.series.copy()
            frame.insert(0, "run_id", task.run_id)
            series.append(frame)
    return rows, (pd.concat(series, ignore_index=True) if series else None)


def chunk_size(experiment: Experiment, pending: int, workers: int) -> int:
    """Runs per task: the file's choice, else ~10 tasks per worker, at most 100 runs."""
    chosen = experiment.spec.experiment.chunk_size
    if chosen:
        return chosen
    return max(1, min(100, pending // max(1, workers * 10)))


def run_sweep(experiment: Experiment, directory: Path, executor: Executor, workers: int = 1,
              retry_failed: bool = False, on_progress: Callable[[int, int, int], None] | None = None) -> SweepReport:
    """Run every run not yet recorded in ``directory`` on ``executor``, writing chunks as they finish.

    ``on_progress(done, failed, pending_total)`` is called after each chunk. KeyboardInterrupt
    stops submitting, cancels queued chunks and returns a report marked interrupted.
    """
    started = time.perf_counter()
    design = build_design(experiment)
    store = ResultStore(directory)
    manifest = store.open(experiment, design)
    tasks = plan_runs(experiment, design)
    recorded = store.recorded(include_failed=not retry_failed)
    pending = [t for t in tasks if t.run_id not in recorded]
    size = chunk_size(experiment, len(pending), workers)
    chunks = [pending[i:i + size] for i in range(0, len(pending), size)]
    provenance = {"experiment_digest": experiment.digest, "cogov_version": manifest["cogov_version"],
                  "git_commit": manifest["git_commit"], "base_scenario_digest": experiment.target.base_digest}
    outputs = experiment.spec.outputs
    series_every = outputs.series_every if outputs.series else None

    done = failed = 0
    interrupted = False
    in_flight: set[Future] = set()
    queue = iter(chunks)
    limit = max(1, workers * MAX_IN_FLIGHT_PER_WORKER)
    try:
        while True:
            while len(in_flight) < limit:
                chunk = next(queue, None)
                if chunk is None:
                    break
                in_flight.add(executor.submit(run_chunk, experiment.target, chunk, series_every, provenance))
            if not in_flight:
                break
            finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                rows, series = future.result()
                store.write(rows, series)
                done += len(rows)
                failed += sum(1 for r in rows if r["status"] == "failed")
                if on_progress is not None:
                    on_progress(done, failed, len(pending))
    except KeyboardInterrupt:
        interrupted = True
        for future in in_flight:
            future.cancel()
    return SweepReport(total=len(tasks), skipped=len(tasks) - len(pending), completed=done, failed=failed,
                       seconds=time.perf_counter() - started, interrupted=interrupted, directory=directory)
