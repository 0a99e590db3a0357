"""Shared fixtures."""

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # a hook of pytest-xdist: unknown without it
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``: as many test processes as cogov itself would use (``COGOV_WORKERS``, else the cores this process
    may run on), not psutil's count of the machine's cores, which a container limited to two of them still sees
    whole. ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still decides when set (None hands over to pytest-xdist)."""
    import os

    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    from cogov.experiments.backends import default_workers

    return default_workers()


@pytest.fixture
def data_dir() -> Path:
    """Folder of test scenario files."""
    return DATA


@pytest.fixture(scope="session")
def pattern_runner():
    """One pattern runner for the session, on a process pool, so shared arms run once."""
    from cogov.analysis.patterns import PatternRunner
    from cogov.experiments.backends import default_workers, process_pool

    workers = min(4, default_workers())
    with process_pool(workers) as executor:
        yield PatternRunner(replicates=8, executor=executor, workers=workers)
