"""Where runs execute, behind one interface: :class:`concurrent.futures.Executor`.

``serial`` runs in this process; ``local`` uses a process pool on this machine (no services);
``dask`` uses a Dask cluster — a new ``LocalCluster`` or an existing scheduler (``--scheduler
tcp://host:8786``, e.g. one started by dask-jobqueue on SLURM; see docs/cluster.md). Dask is an
optional extra (``pip install 'cogov[dask]'``).

Workers never outlive the process that started them. A local pool's workers come from a fork server,
not from the caller, so nothing in the operating system ends them when the caller dies: each worker
watches its parent (:func:`watch_parent`) and exits when the parent has gone, however it went
(``kill -9`` included). The fork server and multiprocessing's resource tracker then see their last
user gone and exit too. Dask's nannies watch their parent themselves.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from cogov.sim.scenario import ScenarioError, printable

BACKENDS = ("serial", "local", "dask")

EXIT_PARENT_GONE = 70
"""Exit status of a worker that ended because its parent had ended (nobody collects it: for logs)."""

PRELOAD = ["cogov.experiments.runner", "cogov.experiments.targets", "cogov.sim.model"]
"""Modules a fork server imports once, so that each worker it forks starts warm: the runner's chunk
function, the targets it runs, and the model they build."""


MAX_WORKERS = 1024
"""Most worker processes ``COGOV_WORKERS`` may ask for."""


def default_workers() -> int:
    """Usable cores (``COGOV_WORKERS`` overrides: a whole number from 1 to :data:`MAX_WORKERS`; anything
    else is a :class:`~cogov.sim.scenario.ScenarioError` naming the variable)."""
    text = os.environ.get("COGOV_WORKERS", "").strip()
    if text:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if not 1 <= value <= MAX_WORKERS:
            raise ScenarioError("COGOV_WORKERS", [(f"must be a whole number of worker processes from 1 to "
                                                   f"{MAX_WORKERS} (got {printable(text, 40)!r})")])
        return value
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool. Workers come from a fork server where the platform has one: forking the caller
    itself is unsafe once it runs threads (Arrow, BLAS), and spawning re-imports everything per worker.

    Each worker starts with :func:`start_worker`: it ignores Ctrl-C (the caller decides what an
    interruption stops, :func:`interrupt`) and exits when the caller has ended."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=start_worker)


def start_worker() -> None:
    """Initialiser of a pool worker: leave Ctrl-C to the caller, and end with the caller.

    Ctrl-C in a terminal reaches the whole process group; a worker that raised KeyboardInterrupt
    mid-run would print a traceback and report a half-run chunk. The caller catches it instead and
    ends the workers itself (:func:`interrupt`).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent()


def watch_parent() -> None:
    """End this process as soon as the process that started it has ended (a daemon thread waits on it).

    multiprocessing gives every child a *sentinel* of its parent (``parent_process().sentinel``): the
    read end of a pipe whose write end only the parent holds, which becomes ready when the parent is
    gone, whichever way it went (``kill -9`` included); for a fork-server worker the parent is the
    process that asked for it, not the fork server. Waiting on it costs nothing while the parent lives.
    Exiting with :func:`os._exit` stops the run under way at once: its result has nowhere to go.
    """
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:  # not started by multiprocessing: nothing to watch
        return

    def wait_then_exit(sentinel: int) -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(EXIT_PARENT_GONE)

    threading.Thread(target=wait_then_exit, args=(parent.sentinel,), name="cogov-watch-parent", daemon=True).start()


def interrupt(executor: Executor) -> None:
    """Stop an executor's work now, after an interruption (Ctrl-C, SIGTERM) or a failure of the caller.

    Queued work is cancelled; a local pool's workers are terminated, so that the caller need not wait
    for runs whose results it will not record (a chunk can take minutes). The pool cannot be used
    afterwards. Dask: cancelling the futures is all (a cluster given by address is not ours to stop;
    a LocalCluster is closed with the executor).
    """
    if isinstance(executor, ProcessPoolExecutor):
        if hasattr(executor, "terminate_workers"):  # Python 3.14
            executor.terminate_workers()
            return
        processes = list((getattr(executor, "_processes", None) or {}).values())  # no public accessor in 3.12
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=10)


class SerialExecutor(Executor):
    """Runs each task at submit time in this process (debugging, tests, one-core machines)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn`` now; its result or exception is in the returned (already finished) future."""
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - delivered to the caller through the future
            future.set_exception(exc)
        return future


@contextmanager
def open_executor(backend: str = "local", workers: int | None = None, scheduler: str | None = None) -> Iterator[Executor]:
    """An executor for the backend, shut down (and its cluster closed) on exit."""
    workers = workers or default_workers()
    if backend == "serial":
        yield SerialExecutor()
    elif backend == "local":
        with process_pool(workers) as pool:
            try:
                yield pool
            except BaseException:
                interrupt(pool)  # the caller failed or was interrupted: do not wait for runs nobody will record
                raise
    elif backend == "dask":
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise RuntimeError("the dask backend needs the extra: pip install 'cogov[dask]'") from exc
        import dask

        if scheduler:
            with Client(scheduler) as client:
                yield _with_worker_count(client.get_executor(), _cluster_threads(client))
        else:
            # Dask's worker profiler samples every task's stack every 10 ms: ~5 % of run time for nothing here.
            with dask.config.set({"distributed.worker.profile.enabled": False}), \
                    LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                    Client(cluster) as client:
                yield _with_worker_count(client.get_executor(), workers)
    else:
        raise ValueError(f"unknown backend {backend!r}; choose from {', '.join(BACKENDS)}")


def worker_count(executor: Executor, default: int) -> int:
    """How many tasks the executor runs at once, where it knows (a Dask cluster does), else ``default``."""
    return int(getattr(executor, "cogov_workers", 0) or default)


def _with_worker_count(executor: Executor, count: int) -> Executor:
    executor.cogov_workers = count  # type: ignore[attr-defined]
    return executor


def _cluster_threads(client: Any) -> int:
    workers = client.scheduler_info().get("workers", {})
    return sum(int(w.get("nthreads", 1)) for w in workers.values()) or 1
