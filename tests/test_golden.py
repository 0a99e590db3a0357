"""The model's numbers are frozen: every golden case reproduces its snapshot bit for bit.

A restructuring must leave these identical. A commit meant to change the numbers bumps
``MODEL_VERSION``, regenerates the snapshots (``python scripts/make_golden.py``) and says what
changed and why, with a before/after table, in a commit of its own.
"""

from __future__ import annotations

import pytest
from golden_cases import assert_matches_snapshot, cases, golden_dir, produce

from cogov.sim.version import MODEL_VERSION

VERSION = MODEL_VERSION
CASES = cases(VERSION) if (golden_dir(VERSION) / "cases.json").is_file() else []


def test_the_current_model_version_has_snapshots():
    assert CASES, (f"no golden snapshots for model version {VERSION}: after bumping MODEL_VERSION, run "
                   "python scripts/make_golden.py and commit the new folder with a before/after table")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_reproduces_its_snapshot_bit_for_bit(case):
    series, summary = produce(case)
    assert_matches_snapshot(case["name"], series, summary, VERSION)
