"""Where runs execute, behind one interface: :class:`concurrent.futures.Executor`.

``serial`` runs in this process; ``local`` uses a process pool on this machine (no services);
``dask`` uses a Dask cluster — a new ``LocalCluster`` or an existing scheduler (``--scheduler
tcp://host:8786``, e.g. one started by dask-jobqueue on SLURM; see docs/cluster.md). Dask is an
optional extra (``pip install 'cogov[dask]'``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from typing import Any

from experiments.replicates import default_workers, process_pool

BACKENDS = ("serial", "local", "dask")


class SerialExecutor(Executor):
    """Runs each task at submit time in this process (debugging, tests, one-core machines)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
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
            yield pool
    elif backend == "dask":
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise RuntimeError("the dask backend needs the extra: pip install 'cogov[dask]'") from exc
        if scheduler:
            with Client(scheduler) as client:
                yield client.get_executor()
        else:
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                    Client(cluster) as client:
                yield client.get_executor()
    else:
        raise ValueError(f"unknown backend {backend!r}; choose from {', '.join(BACKENDS)}")
