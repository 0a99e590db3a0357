"""Who gains (issue 14): group differences equal a direct paired computation; the gap between the groups best and
worst off in the baseline narrows or widens as computed replicate by replicate; the report shows it in both
languages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cogov.analysis.equity import DIMENSIONS, equity_table, gap_direction


def _runs(n: int = 12, seed: int = 3) -> pd.DataFrame:
    """Two scenarios on paired replicates: b raises three-no compounds' satisfaction by 0.04 and commercial ones' by
    0.01 (the gap between them narrows), and leaves the age groups as they are."""
    rng = np.random.default_rng(seed)
    base = {"satisfaction_commercial": rng.normal(0.65, 0.01, n), "satisfaction_three_no": rng.normal(0.55, 0.01, n),
            "satisfaction_age_young": rng.normal(0.60, 0.01, n), "satisfaction_age_elderly": rng.normal(0.62, 0.01, n)}
    other = {"satisfaction_commercial": base["satisfaction_commercial"] + 0.01 + rng.normal(0, 0.002, n),
             "satisfaction_three_no": base["satisfaction_three_no"] + 0.04 + rng.normal(0, 0.002, n),
             "satisfaction_age_young": base["satisfaction_age_young"] + rng.normal(0, 0.002, n),
             "satisfaction_age_elderly": base["satisfaction_age_elderly"] + rng.normal(0, 0.002, n)}
    rows = {"replicate": np.r_[np.arange(n), np.arange(n)], "status": "ok", "param:scenario": ["a"] * n + ["b"] * n}
    return pd.DataFrame(rows | {k: np.r_[base[k], other[k]] for k in base}), base, other


def test_group_differences_equal_a_direct_paired_computation():
    runs, base, other = _runs()
    table = equity_table(runs, "a")
    row = table[(table["kind"] == "group") & (table["outcome"] == "satisfaction_three_no") & (table["scenario"] == "b")]
    row = row.iloc[0]
    diff = other["satisfaction_three_no"] - base["satisfaction_three_no"]
    low, high = stats.t.interval(0.95, len(diff) - 1, loc=diff.mean(), scale=stats.sem(diff))
    assert row["difference"] == pytest.approx(diff.mean())
    assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((low, high))
    assert row["dimension"] == "compound_type" and row["practical"] == "meaningful"
    assert set(table["dimension"]) == {"compound_type", "age"}  # tenure and membership absent from these runs


def test_the_gap_between_best_and_worst_off_is_compared_pair_by_pair():
    runs, base, other = _runs()
    table = equity_table(runs, "a")
    gap = table[(table["kind"] == "gap") & (table["dimension"] == "compound_type")].iloc[0]
    assert (gap["best"], gap["worst"]) == ("satisfaction_commercial", "satisfaction_three_no")
    change = (other["satisfaction_commercial"] - other["satisfaction_three_no"]) - (
        base["satisfaction_commercial"] - base["satisfaction_three_no"])
    assert gap["difference"] == pytest.approx(change.mean()) and gap["difference"] == pytest.approx(-0.03, abs=0.005)
    assert gap_direction(gap) == "narrows"
    age = table[(table["kind"] == "gap") & (table["dimension"] == "age")].iloc[0]
    assert gap_direction(age) == "unchanged"


def test_every_dimension_is_made_of_declared_group_outcomes():
    from cogov.sim.outcomes.registry import outcome

    for outcomes in DIMENSIONS.values():
        assert len(outcomes) >= 2
        for name in outcomes:
            assert outcome(name).kind == "score"
