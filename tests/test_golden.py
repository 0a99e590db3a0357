"""The model's numbers are frozen: every golden case reproduces its snapshot bit for bit.

A restructuring must leave these identical. A commit meant to change the numbers bumps
``MODEL_VERSION``, regenerates the snapshots (``python scripts/make_golden.py``) and says what
changed and why, with a before/after table, in a commit of its own.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from golden_cases import cases, golden_dir, produce

from cogov.sim.version import MODEL_VERSION

VERSION = MODEL_VERSION
CASES = cases(VERSION) if (golden_dir(VERSION) / "cases.json").is_file() else []


def test_the_current_model_version_has_snapshots():
    assert CASES, (f"no golden snapshots for model version {VERSION}: after bumping MODEL_VERSION, run "
                   "python scripts/make_golden.py and commit the new folder with a before/after table")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_reproduces_its_snapshot_bit_for_bit(case):
    folder = golden_dir(VERSION)
    series, summary = produce(case)
    expected_series = pd.read_parquet(folder / f"{case['name']}.series.parquet")
    # Daily outcomes added since the snapshot are not compared (as for the summary below): only those it has.
    missing = sorted(set(expected_series.columns) - set(series.columns))
    assert not missing, f"{case['name']}: daily outcomes of the snapshot no longer produced: {missing}"
    pd.testing.assert_frame_equal(series[expected_series.columns], expected_series, check_exact=True,
                                  check_dtype=False)
    expected = json.loads((folder / f"{case['name']}.summary.json").read_text(encoding="utf-8"))
    for key, value in expected.items():
        # Compared as canonical JSON, so that NaN equals NaN and every float is compared exactly. Outputs
        # added since the snapshot (new keys of a record) are not compared: only numbers that existed.
        assert _json(_as_in(summary[key], value)) == _json(value), f"{case['name']}: {key} differs from the snapshot"


def _as_in(value, snapshot):
    """``value`` restricted to the keys the snapshot has (recursively)."""
    if isinstance(value, dict) and isinstance(snapshot, dict):
        return {k: _as_in(value[k], snapshot[k]) if k in value else "<missing>" for k in snapshot}
    return value


def _json(value) -> str:
    return json.dumps(value, sort_keys=True)
