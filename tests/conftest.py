"""Shared fixtures."""

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


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
