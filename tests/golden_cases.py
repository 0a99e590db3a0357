"""Golden outputs: the model's numbers frozen as versioned snapshots.

``tests/data/golden/v<MODEL_VERSION>/`` holds, for every case of ``cases.json``, the daily series
(``<case>.series.parquet``) and a summary (``<case>.summary.json``: final metrics, group satisfaction,
counts, pattern measures, organisations' final state, and SHA-256 digests of every issue column and
of the households' state arrays). ``tests/test_golden.py`` reruns each case and requires the same
numbers, bit for bit. A change that is meant to change the numbers bumps the model version and
regenerates the snapshots in a commit of its own (``python scripts/make_golden.py``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cogov.sim.issues import COLUMNS
from cogov.sim.model import CommunityModel
from cogov.sim.outcomes import pattern_measures

GOLDEN = Path(__file__).parent / "data" / "golden"
HOUSEHOLD_COLUMNS = ("satisfaction", "expectation", "trust", "motivation", "hours", "points", "last_served", "ties")


def golden_dir(version: str = "1") -> Path:
    """The snapshot folder of a model version."""
    return GOLDEN / f"v{version}"


def cases(version: str = "1") -> list[dict[str, Any]]:
    """The cases of a snapshot: name, scenario, seed, days (or null) and key-path overrides."""
    return json.loads((golden_dir(version) / "cases.json").read_text(encoding="utf-8"))


def _canonical(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values)
    return values.astype(np.float64) if values.dtype.kind == "f" else values.astype(np.int64)


def digest(values: np.ndarray) -> str:
    """SHA-256 of an array's values (as float64 or int64, so a dtype change alone does not count)."""
    return hashlib.sha256(np.ascontiguousarray(_canonical(values)).tobytes()).hexdigest()


def produce(case: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Run one case; return its daily series and its summary in the snapshot's format."""
    overrides = {key.replace(".", "__"): value for key, value in case["overrides"].items()}
    model = CommunityModel(case["scenario"], rng=case["seed"], days=case["days"], **overrides)
    summary = model.run()
    summary["pattern_measures"] = pattern_measures(model)
    n = len(model.issues)
    summary["issue_columns"] = {c: digest(getattr(model.issues, c)[:n]) for c in COLUMNS}
    summary["household_columns"] = {c: digest(getattr(model.households, c)) for c in HOUSEHOLD_COLUMNS}
    summary["company_quality"] = [float(q) for q in model.companies.quality]
    summary["company_stars"] = [int(s) for s in model.companies.stars]
    summary["social_org_cases"] = [int(c) for c in model.social.cases]
    summary["social_org_evaluation_sum"] = [float(e) for e in model.social.evaluation_sum]
    summary["handler_hours_used"] = digest(model.handlers.hours_used)
    return model.series().reset_index(), json.loads(json.dumps(summary))


def assert_matches_snapshot(name: str, series: pd.DataFrame, summary: dict[str, Any], version: str) -> None:
    """Assert that a case's series and summary (:func:`produce`) equal the snapshot ``name`` of model ``version``
    bit for bit: every daily outcome and every summary entry the snapshot has (outputs added since are not
    compared: only numbers that existed)."""
    folder = golden_dir(version)
    expected_series = pd.read_parquet(folder / f"{name}.series.parquet")
    missing = sorted(set(expected_series.columns) - set(series.columns))
    assert not missing, f"{name}: daily outcomes of the snapshot no longer produced: {missing}"
    pd.testing.assert_frame_equal(series[expected_series.columns], expected_series, check_exact=True,
                                  check_dtype=False)
    expected = json.loads((folder / f"{name}.summary.json").read_text(encoding="utf-8"))
    for key, value in expected.items():
        # compared as canonical JSON, so that NaN equals NaN and every float is compared exactly
        assert _json(_as_in(summary[key], value)) == _json(value), f"{name}: {key} differs from the snapshot"


def _as_in(value: Any, snapshot: Any) -> Any:
    """``value`` restricted to the keys the snapshot has (recursively)."""
    if isinstance(value, dict) and isinstance(snapshot, dict):
        return {k: _as_in(value[k], snapshot[k]) if k in value else "<missing>" for k in snapshot}
    return value


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
