"""Who gains: a comparison's differences by compound type and resident group, and whether gaps widen or narrow.

A scenario that raises mean satisfaction can raise it mostly where it is already high. For each dimension — compound
type, age group, tenure, party membership — the equity table gives each group's paired difference from the baseline
(as :func:`cogov.analysis.compare.compare_runs` does for any outcome: 95 % interval, practical size against the
smallest meaningful difference, Holm-adjusted verdict over the groups of the dimension) and the change of the
dimension's **gap**: the satisfaction of the group best off in the baseline minus that of the group worst off,
computed replicate by replicate in each arm and compared pair by pair. A gap change below zero means the gap narrows.
Groups with no household in the community (NaN in every run) are left out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cogov.analysis.compare import SCENARIO_COLUMN, compare_runs
from cogov.analysis.stats import paired_difference, practical_size
from cogov.sim.config import AGE_GROUPS, COMPOUND_TYPES
from cogov.sim.outcomes.registry import RESIDENT_GROUPS, smallest_difference

DIMENSIONS: dict[str, tuple[str, ...]] = {
    "compound_type": tuple(f"satisfaction_{t}" for t in COMPOUND_TYPES),
    "age": tuple(f"satisfaction_age_{g}" for g in AGE_GROUPS),
    "tenure": tuple(f"satisfaction_{g}" for g in ("owner", "tenant") if g in RESIDENT_GROUPS),
    "membership": tuple(f"satisfaction_{g}" for g in ("party_member", "non_member") if g in RESIDENT_GROUPS),
}
"""The groups compared along each dimension: the group satisfaction outcomes of the outcome registry."""


def _present(runs: pd.DataFrame, outcomes: tuple[str, ...]) -> list[str]:
    """The dimension's outcomes the runs have for at least one run (a group with households)."""
    return [o for o in outcomes if o in runs.columns and runs[o].notna().any()]


def equity_table(runs: pd.DataFrame, baseline: str, by: str = SCENARIO_COLUMN) -> pd.DataFrame:
    """Group rows (``kind`` = ``group``): the comparison table's columns for each group outcome, with ``dimension``;
    gap rows (``kind`` = ``gap``): for each dimension and scenario, the gap between the groups best and worst off in
    the baseline (``best``, ``worst``), its baseline mean, and its paired change with interval and practical size."""
    runs = runs[runs["status"] == "ok"] if "status" in runs.columns else runs
    frames: list[pd.DataFrame] = []
    gaps: list[dict[str, Any]] = []
    keyed = runs.assign(_group=runs[by].astype(str))
    for dimension, outcomes in DIMENSIONS.items():
        present = _present(runs, outcomes)
        if len(present) < 2:
            continue
        table = compare_runs(runs, baseline, by, outcomes=present)
        frames.append(table.assign(dimension=dimension, kind="group"))
        base_means = table[table["baseline"]].set_index("outcome")["mean"].dropna()
        if len(base_means) < 2:
            continue
        best, worst = str(base_means.idxmax()), str(base_means.idxmin())
        wide = {o: keyed.pivot_table(index="replicate", columns="_group", values=o, aggfunc="mean") for o in (best, worst)}
        base_gap = (wide[best][baseline] - wide[worst][baseline])
        for scenario in [g for g in pd.unique(keyed["_group"]) if g != baseline]:
            gap = wide[best][scenario] - wide[worst][scenario]
            both = pd.concat([base_gap, gap], axis=1).dropna()
            result = paired_difference(both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy())
            smallest = smallest_difference(best)
            gaps.append({"kind": "gap", "dimension": dimension, "scenario": scenario, "best": best, "worst": worst,
                         "baseline_gap": float(base_gap.mean()), "difference": result.difference,
                         "diff_ci_low": result.ci_low, "diff_ci_high": result.ci_high, "p_value": result.p_value,
                         "pairs": result.pairs, "distinguishable": result.distinguishable,
                         "smallest_difference": smallest,
                         "practical": practical_size(result.difference, result.ci_low, result.ci_high, smallest)})
    parts = [*frames, pd.DataFrame(gaps)] if gaps else frames
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def gap_direction(row: Any) -> str:
    """``narrows``, ``widens`` or ``unchanged`` (not distinguishable from noise) for a gap row."""
    if not bool(row["distinguishable"]) or not np.isfinite(float(row["difference"])):
        return "unchanged"
    return "narrows" if float(row["difference"]) < 0 else "widens"
