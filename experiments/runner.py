"""Running a target's runs: plan them, run them in chunks on any executor, collect what each chunk gives.

There is one execution path, :func:`run_in_chunks`, used two ways:

* :func:`run_sweep` writes each finished chunk to a results folder (:mod:`cogov.experiments.store`).
  A run that raises is recorded with its error (status ``failed``) and the sweep goes on. An
  interrupted sweep (Ctrl-C, SIGTERM, ``kill -9``, a lost worker, a full disk) keeps every chunk
  already written; running the same command again resumes with the runs still missing: a run is
  skipped only if the folder records it under the same run key
  (:func:`cogov.sim.provenance.run_key`), so nothing made by another model version or with other
  parameters is reused. A sweep holds its folder's lock (:func:`cogov.experiments.lock.folder_lock`)
  from planning to the last write, so two sweeps never run and store the same runs twice.
* :func:`run_tasks` returns the outcomes in memory, in task order (pattern validation,
  calibration). A run that raises stops it with a :class:`RunError` naming the run: in memory a
  missing run would silently change a statistic, so nothing is dropped.

Every run's seed is ``replicate_seed(master_seed, replicate)`` (:func:`plan_tasks`), whatever
calls it.
"""

from __future__ import annotations

import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cogov.experiments.backends import SerialExecutor, interrupt
from cogov.experiments.design import DesignTable, build_design
from cogov.experiments.lock import folder_lock
from cogov.experiments.seeds import replicate_seed
from cogov.experiments.spec import Experiment
from cogov.experiments.store import ResultStore, StoreWriteError
from cogov.experiments.targets import SCENARIO_PARAMETER, RunOutput, Target

MAX_IN_FLIGHT_PER_WORKER = 2
"""Chunks queued per worker: enough to keep workers busy, few enough to stop quickly."""


@dataclass(frozen=True)
class RunTask:
    """One run: a design point and a replicate, with its seed and run key."""

    run_id: int
    point_id: int
    replicate: int
    seed: int
    point: dict[str, Any]
    run_key: str

    def describe(self) -> str:
        """The run in words: scenario (if the point names one), overrides, seed and replicate."""
        overrides = {k: v for k, v in self.point.items() if k != SCENARIO_PARAMETER}
        where = f"scenario {self.point[SCENARIO_PARAMETER]!r}, " if SCENARIO_PARAMETER in self.point else ""
        return f"{where}overrides {overrides}, seed {self.seed} (replicate {self.replicate}, run {self.run_id})"


@dataclass(frozen=True)
class TaskResult:
    """What running one task gave: its outputs, or the error it raised (and its traceback)."""

    run_id: int
    output: RunOutput | None
    error: str | None
    traceback: str | None
    seconds: float


class RunError(RuntimeError):
    """A run failed where every run is needed (:func:`run_tasks`); the message names the run."""

    def __init__(self, task: RunTask, error: str, details: str | None = None):
        self.task = task
        self.error = error
        message = f"run failed: {task.describe()}: {error}"
        if details:
            message += f"\n{details.rstrip()}"
        super().__init__(message)


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
    grown: str | None = None
    """If the folder held an earlier design of this experiment: what growing it into this one kept, in words."""

    def line(self) -> str:
        """The one-line summary printed at the end."""
        state = "interrupted" if self.interrupted else "done"
        rate = self.completed / self.seconds if self.seconds > 0 else float("nan")
        return (f"{state}: {self.completed} runs in {self.seconds:.1f} s ({rate:.2f}/s), {self.failed} failed, "
                f"{self.skipped} already recorded, {self.total} in the experiment -> {self.directory}")


def plan_tasks(target: Target, points: Sequence[dict[str, Any]], replicates: int, master_seed: int) -> list[RunTask]:
    """Every (point, replicate) run, replicate by replicate; run id = replicate × points + point.

    Replicate *r* runs with ``replicate_seed(master_seed, r)`` at every point (common random
    numbers). The ids of replicate *r* do not depend on how many replicates there are, so adding
    replicates to a finished sweep runs only the new ones.
    """
    seeds = [replicate_seed(master_seed, r) for r in range(replicates)]
    keys = [target.run_keys(point, seeds) for point in points]  # each point configured once
    return [RunTask(run_id=r * len(points) + p, point_id=p, replicate=r, seed=seed, point=point, run_key=keys[p][r])
            for r, seed in enumerate(seeds) for p, point in enumerate(points)]


def plan_runs(experiment: Experiment, design: DesignTable) -> list[RunTask]:
    """Every run of the experiment (:func:`plan_tasks` with its replicates and master seed)."""
    section = experiment.spec.experiment
    return plan_tasks(experiment.target, design.points, section.replicates, section.master_seed)


def run_chunk(target: Target, tasks: Sequence[RunTask], series_every: int | None) -> list[TaskResult]:
    """Run tasks (in a worker), in the chunk's order; a run that raises gives its error, not an exception.

    The chunk's runs (replicates of one design point, or of several) are stepped together in one batch where the
    target can (``target.run_batch``, :class:`cogov.sim.batch.CommunityBatch`; bit for bit the runs one by one). A
    batch that raises is run again run by run, so that the run that failed is recorded with its own error and the
    others with their outcomes. Catching per run lets the caller know which run of the chunk failed and keeps the
    others.
    """
    run_batch = getattr(target, "run_batch", None)
    batched = _run_batched(run_batch, tasks, series_every) if run_batch is not None and len(tasks) > 1 else None
    return batched or [_run_one(target, task, series_every) for task in tasks]


def _by_point(tasks: Sequence[RunTask]) -> list[list[RunTask]]:
    """The tasks grouped by design point, in the order each point first appears."""
    groups: dict[int, list[RunTask]] = {}
    for task in tasks:
        groups.setdefault(task.point_id, []).append(task)
    return list(groups.values())


def _run_batched(run_batch: Callable[..., list[RunOutput]], tasks: Sequence[RunTask],
                 series_every: int | None) -> list[TaskResult] | None:
    """The runs as one batch (each run's ``seconds``: its share of the batch's time), or None if the batch raised
    (the caller then runs them run by run; a warning says so, since every batch that fails costs its runs twice)."""
    started = time.perf_counter()
    try:
        outputs = run_batch([task.point for task in tasks], [task.seed for task in tasks], series_every)
    except Exception as exc:  # noqa: BLE001 - retried run by run, where the failing run's own error is recorded
        last = traceback.format_exception_only(exc)[-1].strip()
        warnings.warn(f"a batch of {len(tasks)} runs ({tasks[0].describe()} and the chunk's other runs) failed "
                      f"({last}); running them one by one", RuntimeWarning, stacklevel=2)
        return None
    seconds = (time.perf_counter() - started) / len(tasks)
    return [TaskResult(task.run_id, output, None, None, seconds) for task, output in zip(tasks, outputs, strict=True)]


def _run_one(target: Target, task: RunTask, series_every: int | None) -> TaskResult:
    started = time.perf_counter()
    try:
        output = target.run(task.point, task.seed, series_every)
    except Exception as exc:  # noqa: BLE001 - a failed run is reported to the caller, who decides
        last = traceback.format_exception_only(exc)[-1].strip()
        return TaskResult(task.run_id, None, last, traceback.format_exc(), time.perf_counter() - started)
    return TaskResult(task.run_id, output, None, None, time.perf_counter() - started)


BATCH_RUNS = 8
"""Runs a chunk holds at least, when there is work for every worker: they run as one batch (:func:`run_chunk`), the
replicates of one design point or of several. ``python benchmarks/benchmark.py`` measures a batch of 8 default
communities at about three quarters of the gain of one of 64 (2.45x and 3.26x single runs), so larger chunks gain
little and stop later when interrupted."""


def default_chunk_size(pending: int, workers: int) -> int:
    """Runs per chunk: ~10 chunks per worker (so workers finish together), at most 100 runs, but at least
    :data:`BATCH_RUNS` (so they run as a batch) while every worker still gets a chunk."""
    balanced = pending // max(1, workers * 10)
    batch = min(BATCH_RUNS, pending // max(1, workers))
    return max(1, min(100, max(balanced, batch)))


def chunk_size(experiment: Experiment, pending: int, workers: int) -> int:
    """Runs per chunk of a sweep: the file's choice, else :func:`default_chunk_size`."""
    return experiment.spec.experiment.chunk_size or default_chunk_size(pending, workers)


def chunked(tasks: Sequence[RunTask], size: int) -> list[Sequence[RunTask]]:
    """Chunks of at most ``size`` tasks (a chunk's runs are stepped together, see :func:`run_chunk`), made of pieces
    of at most ``size`` replicates of one design point. Pieces are interleaved across points (the first
    replicates of every point, then the next ones…), so that an interrupted sweep still holds whole replicates of
    every point, and packed whole into chunks in that order. One point's tasks keep their order."""
    by_point = [[group[i:i + size] for i in range(0, len(group), size)] for group in _by_point(tasks)]
    depth = max((len(pieces) for pieces in by_point), default=0)
    chunks: list[list[RunTask]] = []
    for piece in (pieces[i] for i in range(depth) for pieces in by_point if i < len(pieces)):
        if not chunks or len(chunks[-1]) + len(piece) > size:
            chunks.append([])
        chunks[-1].extend(piece)
    return chunks


def run_in_chunks(target: Target, chunks: Iterable[Sequence[RunTask]], executor: Executor, workers: int,
                  series_every: int | None,
                  on_chunk: Callable[[Sequence[RunTask], list[TaskResult]], None]) -> None:
    """Run chunks of tasks on ``executor`` and call ``on_chunk(chunk, results)`` as each finishes.

    At most ``workers`` × :data:`MAX_IN_FLIGHT_PER_WORKER` chunks are queued at a time, so that an
    interruption stops quickly. If anything raises (Ctrl-C, ``on_chunk``, a lost worker), the queued
    chunks are cancelled and the exception goes on to the caller. On an interruption (KeyboardInterrupt:
    Ctrl-C, or SIGTERM as the command line maps it) the chunks running are stopped too
    (:func:`cogov.experiments.backends.interrupt`: a local pool's workers are ended, and the pool with
    them): their results could no longer be recorded, and waiting for them could take minutes.
    """
    in_flight: dict[Future, Sequence[RunTask]] = {}
    queue = iter(chunks)
    limit = max(1, workers * MAX_IN_FLIGHT_PER_WORKER)
    try:
        while True:
            while len(in_flight) < limit:
                chunk = next(queue, None)
                if chunk is None:
                    break
                in_flight[executor.submit(run_chunk, target, chunk, series_every)] = chunk
            if not in_flight:
                return
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                chunk = in_flight.pop(future)
                on_chunk(chunk, future.result())
    except BaseException as exc:
        for future in in_flight:
            future.cancel()
        if isinstance(exc, KeyboardInterrupt):
            interrupt(executor)
        raise


def run_tasks(target: Target, tasks: Sequence[RunTask], executor: Executor | None = None, workers: int = 1,
              series_every: int | None = None) -> list[RunOutput]:
    """Run every task and return the outputs in the order of ``tasks`` (serially when ``executor`` is None).

    ``workers`` is how many runs the executor runs at once (it sets the chunking). Results do not
    depend on the executor: each run's randomness comes from its own seed. A run that raises stops
    everything with a :class:`RunError` naming the run (scenario, overrides, seed) and its traceback.
    """
    outputs: dict[int, RunOutput] = {}
    by_id = {task.run_id: task for task in tasks}
    if len(by_id) != len(tasks):
        raise ValueError("run_tasks: run ids must be unique (results are matched to tasks by id)")

    def collect(chunk: Sequence[RunTask], results: list[TaskResult]) -> None:
        for result in results:
            if result.output is None:
                raise RunError(by_id[result.run_id], result.error or "unknown error", result.traceback)
            outputs[result.run_id] = result.output

    workers = max(1, workers)
    run_in_chunks(target, chunked(tasks, default_chunk_size(len(tasks), workers)),
                  executor if executor is not None else SerialExecutor(), workers, series_every, collect)
    return [outputs[task.run_id] for task in tasks]


def run_sweep(experiment: Experiment, directory: Path, executor: Executor, workers: int = 1,
              retry_failed: bool = False, on_progress: Callable[[int, int, int], None] | None = None) -> SweepReport:
    """Run every run not yet recorded in ``directory`` on ``executor``, writing chunks as they finish.

    A run counts as recorded if the folder holds a row for its run id with the same run key (and,
    with ``retry_failed``, status ``ok``); any other row for that id is replaced by the new run.
    ``on_progress(done, failed, pending_total)`` is called after each chunk. KeyboardInterrupt
    stops submitting, cancels queued chunks, stops those running and returns a report marked
    interrupted.

    The folder's lock is held throughout: :class:`~cogov.experiments.lock.FolderInUse` if another
    process holds it. A chunk that cannot be written raises
    :class:`~cogov.experiments.store.StoreWriteError` (its ``written``: runs written before).
    """
    with folder_lock(directory):
        return _run_sweep(experiment, directory, executor, workers, retry_failed, on_progress)


def _run_sweep(experiment: Experiment, directory: Path, executor: Executor, workers: int, retry_failed: bool,
               on_progress: Callable[[int, int, int], None] | None) -> SweepReport:
    started = time.perf_counter()
    design = build_design(experiment)
    store = ResultStore(directory)
    tasks = plan_runs(experiment, design)
    manifest = store.open(experiment, design, tasks)
    recorded = store.recorded_keys(include_failed=not retry_failed)
    pending = [t for t in tasks if recorded.get(t.run_id) != t.run_key]
    chunks = chunked(pending, chunk_size(experiment, len(pending), workers))
    provenance = {"experiment_digest": experiment.digest, "cogov_version": manifest["cogov_version"],
                  "git_commit": manifest["git_commit"], "base_scenario_digest": experiment.target.base_digest}
    outputs = experiment.spec.outputs
    series_every = outputs.series_every if outputs.series else None

    done = failed = 0

    def write(chunk: Sequence[RunTask], results: list[TaskResult]) -> None:
        nonlocal done, failed
        rows, series = _rows(chunk, results, provenance)
        store.write(rows, series)
        done += len(rows)
        failed += sum(1 for r in rows if r["status"] == "failed")
        if on_progress is not None:
            on_progress(done, failed, len(pending))

    interrupted = False
    try:
        run_in_chunks(experiment.target, chunks, executor, workers, series_every, write)
    except KeyboardInterrupt:
        interrupted = True
    except StoreWriteError as exc:
        exc.written = done
        raise
    return SweepReport(total=len(tasks), skipped=len(tasks) - len(pending), completed=done, failed=failed,
                       seconds=time.perf_counter() - started, interrupted=interrupted, directory=directory,
                       grown=store.growth.line() if store.growth is not None else None)


def _rows(chunk: Sequence[RunTask], results: list[TaskResult],
          provenance: dict[str, Any]) -> tuple[list[dict[str, Any]], pd.DataFrame | None]:
    """Run rows (one per task: identity, run key, parameters, status, outcomes, provenance) and the series."""
    by_id = {task.run_id: task for task in chunk}
    rows: list[dict[str, Any]] = []
    series: list[pd.DataFrame] = []
    for result in results:
        task = by_id[result.run_id]
        base = {"run_id": task.run_id, "point_id": task.point_id, "replicate": task.replicate, "seed": task.seed,
                "run_key": task.run_key}
        base |= {f"param:{k}": v for k, v in task.point.items()}
        if result.output is None:
            rows.append(base | {"status": "failed", "error": result.error, "seconds": result.seconds} | provenance)
            continue
        rows.append(base | {"status": "ok", "error": None, "seconds": result.seconds}
                    | result.output.summary | provenance)
        if result.output.series is not None:
            frame = result.output.series.copy()
            frame.insert(0, "run_id", task.run_id)
            series.append(frame)
    return rows, (pd.concat(series, ignore_index=True) if series else None)


def current_runs(experiment: Experiment, directory: Path) -> pd.DataFrame:
    """The run rows of ``directory`` that belong to this experiment as planned now (one per planned run
    recorded under its current run key; failed ones included), in run-id order.

    Rows of replicates beyond ``replicates`` (a larger earlier run in the same folder) and rows made
    under another key are left out, so what is read is exactly what this experiment would produce.
    """
    tasks = plan_runs(experiment, build_design(experiment))
    runs = ResultStore(directory).read_runs()
    if runs.empty:
        return runs
    if "run_key" not in runs.columns:  # a folder from before run keys: nothing in it is known to be current
        return runs.iloc[0:0]
    planned = {(t.run_id, t.run_key) for t in tasks}
    current = [(int(r), k) in planned for r, k in zip(runs["run_id"], runs["run_key"], strict=True)]
    return runs[current].reset_index(drop=True)
