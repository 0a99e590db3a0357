"""What produced an output: scenario, seed, versions, code commit — recorded with every result."""

from __future__ import annotations

import platform
import subprocess
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from cogov.sim.config import ScenarioConfig
from cogov.sim.scenario import LoadedScenario, scenario_digest
from cogov.sim.version import MODEL_VERSION


def package_version(name: str) -> str:
    """Installed version of a distribution, or ``unknown``."""
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def git_commit(directory: Path | None = None) -> str | None:
    """Commit of the source tree this code runs from (with ``-dirty`` if modified), if it is a git checkout."""
    where = directory or Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(where), "describe", "--always", "--dirty", "--abbrev=12"],
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit or None


def provenance(config: ScenarioConfig, seed: int | None, loaded: LoadedScenario | None = None) -> dict[str, Any]:
    """A record of everything needed to reproduce a run."""
    return {
        "scenario_name": config.meta.name,
        "scenario_source": loaded.source if loaded else None,
        "scenario_chain": list(loaded.chain) if loaded else [],
        "scenario_digest": scenario_digest(config),
        "seed": seed,
        "days": config.simulation.days,
        "model_version": MODEL_VERSION,
        "cogov_version": package_version("cogov"),
        "mesa_version": package_version("mesa"),
        "numpy_version": package_version("numpy"),
        "python_version": platform.python_version(),
        "git_commit": git_commit(),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }
