"""What produced an output: scenario, seed, versions, code commit — recorded with every result.

:func:`run_key` names one run by what determines its numbers (model version, every parameter, seed),
so a stored run is reused only when rerunning it would give the same numbers.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from cogov.sim.config import ScenarioConfig
from cogov.sim.scenario import LoadedScenario, scenario_digest
from cogov.sim.version import MODEL_VERSION


def model_version() -> str:
    """The model version of this code (:data:`cogov.sim.version.MODEL_VERSION`).

    Read through this module at call time, so that a test can simulate a version bump by
    monkeypatching ``cogov.sim.provenance.MODEL_VERSION`` and every run key, manifest and provenance
    record follows.
    """
    return MODEL_VERSION


def run_key(config: ScenarioConfig, seed: int) -> str:
    """The key of one run: SHA-256 (hex) of the canonical JSON of {model version, scenario digest, seed}.

    Two runs with the same key give the same numbers: the scenario digest covers every parameter of
    the fully resolved scenario (``simulation.days`` included, ``meta`` and ``extends`` excluded) and
    the model version changes with any change of code that alters a number. A run stored under one key
    is therefore never reused for a run with another (a new model version, a changed parameter).
    """
    return run_keys(config, [seed])[0]


def run_keys(config: ScenarioConfig, seeds: Sequence[int]) -> list[str]:
    """:func:`run_key` of one scenario with each of ``seeds`` (the scenario's digest computed once)."""
    version, digest = model_version(), scenario_digest(config)
    return [_key({"model_version": version, "scenario_digest": digest, "seed": int(seed)}) for seed in seeds]


def _key(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


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


def provenance(config: ScenarioConfig, seed: int | None, loaded: LoadedScenario | None = None,
               interventions: Sequence[Any] | None = None) -> dict[str, Any]:
    """A record of everything needed to reproduce a run: ``config`` is the scenario the run was built with
    (``CommunityModel.initial_config``); its digest covers the interventions it schedules. ``interventions``: the
    changes made during the run (:class:`~cogov.sim.interventions.InterventionEvent`, or their mappings), recorded
    under ``interventions`` when given."""
    record = {
        "scenario_name": config.meta.name,
        "scenario_source": loaded.source if loaded else None,
        "scenario_chain": list(loaded.chain) if loaded else [],
        "scenario_digest": scenario_digest(config),
        "seed": seed,
        "days": config.simulation.days,
        "model_version": model_version(),
        "cogov_version": package_version("cogov"),
        "mesa_version": package_version("mesa"),
        "numpy_version": package_version("numpy"),
        "python_version": platform.python_version(),
        "git_commit": git_commit(),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if interventions is not None:
        record["interventions"] = [e.as_dict() if hasattr(e, "as_dict") else dict(e) for e in interventions]
    return record
