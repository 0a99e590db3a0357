"""Honest scenario comparison: means with confidence intervals, paired differences, effect sizes.

Scenarios run on the same replicate seeds (common random numbers, ``cogov.experiments.seeds``), so
replicate *r* of every scenario shares the community and the arising issues; differences are paired
by replicate. For each outcome and scenario the table gives the mean with a 95 % t-interval; for
each non-baseline scenario, the mean paired difference from the baseline with its 95 % t-interval,
the paired t-test p-value, two standardised effect sizes (``d``: difference over the pooled
standard deviation of the two arms, Cohen's d; ``dz``: difference over the standard deviation of the
paired differences), and whether the difference is distinguishable from noise (its interval
excludes 0).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cogov.experiments.runner import SweepReport, current_runs, run_sweep
from cogov.experiments.spec import Experiment, validate_experiment

CONFIDENCE = 0.95
SCENARIO_COLUMN = "param:scenario"
KEY_OUTCOMES: tuple[str, ...] = (
    "resolution_rate", "mean_days_to_resolve", "on_time_share", "resolved_in_grid_share", "escalation_rate",
    "backlog", "stalemates", "satisfaction_mean", "satisfaction_p10", "trust_mean", "volunteer_share",
    "inservice_serving_share", "cost_per_resolved",
)
"""Outcomes compared by default (all in ``cogov.sim.outcomes``)."""


def _t_half_width(values: np.ndarray) -> float:
    n = len(values)
    if n < 2:
        return float("nan")
    return float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * values.std(ddof=1) / math.sqrt(n))


def compare_runs(runs: pd.DataFrame, baseline: str, by: str = SCENARIO_COLUMN,
                 outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """The comparison table from run rows (one per run, with ``replicate`` and the ``by`` column).

    Runs are paired by replicate; a replicate missing (or failed) in either arm is left out of that
    pair. Returns one row per (outcome, scenario), the baseline first.
    """
    runs = runs[runs["status"] == "ok"] if "status" in runs.columns else runs
    groups = [str(g) for g in pd.unique(runs[by].astype(str))]
    if baseline not in groups:
        raise KeyError(f"baseline {baseline!r} not among {', '.join(groups)}")
    order = [baseline] + [g for g in groups if g != baseline]
    outcomes = [o for o in (outcomes or KEY_OUTCOMES) if o in runs.columns]
    keyed = runs.assign(_group=runs[by].astype(str))
    rows = []
    for outcome in outcomes:
        wide = keyed.pivot_table(index="replicate", columns="_group", values=outcome, aggfunc="mean")
        base = wide[baseline]
        for group in order:
            arm = wide[group].dropna().to_numpy(dtype=float)
            row: dict[str, Any] = {"outcome": outcome, "scenario": group, "baseline": group == baseline,
                                   "replicates": len(arm), "mean": float(arm.mean()) if len(arm) else float("nan")}
            half = _t_half_width(arm)
            row |= {"ci_low": row["mean"] - half, "ci_high": row["mean"] + half}
            if group != baseline:
                row |= _paired(base, wide[group])
            rows.append(row)
    return pd.DataFrame(rows)


def _paired(base: pd.Series, other: pd.Series) -> dict[str, float | bool | int]:
    both = pd.concat([base, other], axis=1).dropna().to_numpy(dtype=float)
    diff = both[:, 1] - both[:, 0]
    n = len(diff)
    mean = float(diff.mean()) if n else float("nan")
    half = _t_half_width(diff)
    sd_diff = float(diff.std(ddof=1)) if n > 1 else float("nan")
    pooled = math.sqrt((both[:, 0].var(ddof=1) + both[:, 1].var(ddof=1)) / 2) if n > 1 else float("nan")
    if n > 1 and sd_diff > 0:
        p = float(stats.ttest_rel(both[:, 1], both[:, 0]).pvalue)
    else:
        p = 0.0 if n > 1 and mean != 0 else 1.0
    return {
        "pairs": n, "difference": mean, "diff_ci_low": mean - half, "diff_ci_high": mean + half,
        "p_value": p,
        "cohens_d": mean / pooled if pooled and pooled > 0 else float("nan"),
        "dz": mean / sd_diff if sd_diff and sd_diff > 0 else float("nan"),
        "distinguishable": bool(np.isfinite(half) and (mean - half > 0 or mean + half < 0)),
    }


def replicates_needed(table: pd.DataFrame, outcome: str, precision: float) -> int:
    """Replicates for every paired difference of ``outcome`` to have a 95 % half-width ≤ ``precision``.

    Uses the observed SD of the differences: n = (t·sd/precision)², iterated because t depends on n.
    """
    rows = table[(table["outcome"] == outcome) & ~table["baseline"]]
    if rows.empty:
        raise KeyError(f"no comparison rows for outcome {outcome!r}")
    needed = 2
    for _, row in rows.iterrows():
        half = (row["diff_ci_high"] - row["diff_ci_low"]) / 2
        n = int(row["pairs"])
        if not np.isfinite(half) or n < 2:
            continue
        sd = half / stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * math.sqrt(n)
        needed = max(needed, _smallest_n(sd, precision))
    return needed


def _smallest_n(sd: float, precision: float) -> int:
    """Smallest n ≥ 2 with t(n−1)·sd/√n ≤ precision (the half-width falls as n grows)."""
    def ok(n: int) -> bool:
        return stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * sd / math.sqrt(n) <= precision

    n = max(2, math.ceil((stats.norm.ppf(0.5 + CONFIDENCE / 2) * sd / precision) ** 2))  # the normal bound is too small
    while not ok(n):
        n += 1
    while n > 2 and ok(n - 1):
        n -= 1
    return n


def comparison_experiment(scenarios: Sequence[str], replicates: int, days: int | None = None,
                          master_seed: int = 0, name: str = "comparison", base_dir: Path = Path(".")) -> Experiment:
    """An experiment whose only parameter is the scenario: each scenario on the same replicate seeds."""
    data: dict[str, Any] = {
        "experiment": {"name": name, "design": "full_factorial", "replicates": replicates, "master_seed": master_seed},
        "parameters": {"scenario": {"values": list(scenarios)}},
        "outputs": {"series": True},  # daily series for the report's figures over time (small: days × runs rows)
    }
    if days is not None:
        data["experiment"]["days"] = days
    return validate_experiment(data, source="compare", base_dir=base_dir)


@dataclass(frozen=True)
class Comparison:
    """A finished comparison: the table and how it was obtained."""

    table: pd.DataFrame
    baseline: str
    replicates: int
    directory: Path
    reports: tuple[SweepReport, ...]
    precision_met: bool | None


def compare_scenarios(scenarios: Sequence[str], directory: Path, executor: Any, workers: int, replicates: int = 20,
                      days: int | None = None, master_seed: int = 0, precision: float | None = None,
                      precision_outcome: str = "satisfaction_mean", max_replicates: int = 500) -> Comparison:
    """Run (or resume) every scenario on the same seeds and compare them with the first.

    With ``precision``, replicates are added (same folder: earlier runs are kept) until every paired
    difference in ``precision_outcome`` has a 95 % half-width ≤ ``precision``, or ``max_replicates``.
    The folder is resumed by run key, and the table uses exactly the runs of the planned replicates
    recorded under their current keys (:func:`cogov.experiments.runner.current_runs`).
    """
    reports = []
    met: bool | None = None
    while True:
        experiment = comparison_experiment(scenarios, replicates, days, master_seed)
        reports.append(run_sweep(experiment, directory, executor, workers=workers))
        runs = current_runs(experiment, directory)
        table = compare_runs(runs, baseline=scenarios[0])
        if precision is None:
            break
        needed = replicates_needed(table, precision_outcome, precision)
        met = needed <= replicates
        if met or replicates >= max_replicates:
            break
        replicates = min(max_replicates, needed)
    return Comparison(table, scenarios[0], replicates, directory, tuple(reports), met)
