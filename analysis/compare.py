"""Honest scenario comparison: means with confidence intervals, paired differences, effect sizes.

Scenarios run on the same replicate seeds (common random numbers, ``cogov.experiments.seeds``), so
replicate *r* of every scenario shares the community and the arising issues; differences are paired
by replicate. For each outcome and scenario the table gives the mean with a 95 % t-interval; for
each non-baseline scenario, the mean paired difference from the baseline with its 95 % t-interval,
the paired t-test p-value, two standardised effect sizes (``d``: difference over the pooled
standard deviation of the two arms, Cohen's d; ``dz``: difference over the standard deviation of the
paired differences; both are large under common random numbers even for tiny differences, so the
verdicts do not use them), the practical size (the difference against the outcome's smallest meaningful
difference from the outcome registry: ``meaningful``, ``uncertain`` or ``below``), and whether the difference
is distinguishable from noise. Several outcomes are compared at once, so a difference is called
distinguishable when its Holm-adjusted p-value (``p_holm``, over the outcomes compared for that scenario,
``outcomes_compared``) is below 0.05; its interval is the unadjusted 95 % interval
(``distinguishable_unadjusted``: that interval excludes 0). The statistics are those of
:mod:`cogov.analysis.stats`, shared with the figures and reports; the outcomes compared by default are the
registry's key outcomes (:func:`cogov.sim.outcomes.registry.compared_by_default`: with a street's gaps across
communities in a comparison of streets).
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

from cogov.analysis.stats import CONFIDENCE, holm, paired_difference, practical_size, t_interval, t_quantile
from cogov.experiments.lock import folder_lock
from cogov.experiments.runner import SweepReport, current_runs, run_sweep
from cogov.experiments.spec import Experiment, validate_experiment
from cogov.sim.outcomes import registry

SCENARIO_COLUMN = "param:scenario"
FAMILY_ALPHA = 1.0 - CONFIDENCE
"""Family-wise error rate of the verdicts over the outcomes compared for one scenario (Holm)."""


def match_baseline(baseline: Any, values: Sequence[str]) -> str | None:
    """The value among ``values`` (as text) that ``baseline`` names: the same text, the same text but for case
    (``true`` and ``True``), or the same number (``1`` and ``1.0``, ``0.30`` and ``0.3``); None if none does."""
    text = str(baseline)
    if text in values:
        return text
    folded = [v for v in values if v.casefold() == text.casefold()]  # true for True (TOML's and Python's booleans)
    if len(folded) == 1:
        return folded[0]
    try:
        number = float(text)
    except ValueError:
        return None
    for value in values:
        try:
            if float(value) == number:
                return value
        except ValueError:
            continue
    return None


def compare_runs(runs: pd.DataFrame, baseline: str, by: str = SCENARIO_COLUMN,
                 outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """The comparison table from run rows (one per run, with ``replicate`` and the ``by`` column).

    ``outcomes``: the outcomes to compare, each declared in the outcome registry
    (:class:`~cogov.sim.outcomes.registry.UndeclaredOutcome` otherwise); by default its key outcomes, except those
    with the same value in every run (e.g. an arrangement's outcome when no scenario switches it on). Those the runs
    do not have (e.g. a test function's runs) are left out.

    Runs are paired by replicate; a replicate missing (or failed) in either arm is left out of that
    pair. Returns one row per (outcome, scenario), the baseline first. With fewer than two pairs the
    paired interval, the p-value and the effect sizes are undefined (NaN) and the difference is not
    distinguishable. A difference is distinguishable when its Holm-adjusted p-value over the outcomes
    compared for its scenario is below :data:`FAMILY_ALPHA`.
    """
    outcomes_given = bool(outcomes)
    requested = list(outcomes) if outcomes else list(registry.compared_by_default())
    for name in requested:  # a misspelt outcome must not vanish from the table unnoticed
        registry.outcome(name)
    runs = runs[runs["status"] == "ok"] if "status" in runs.columns else runs
    groups = [str(g) for g in pd.unique(runs[by].astype(str))]
    matched = match_baseline(baseline, groups)  # a numeric baseline is matched by value (1 and 1.0, 0.30 and 0.3)
    if matched is None:
        raise KeyError(f"baseline {baseline!r} not among {', '.join(groups)}")
    baseline = matched
    order = [baseline] + [g for g in groups if g != baseline]
    outcomes = [o for o in requested if o in runs.columns]
    if not outcomes_given:  # by default, leave out key outcomes that no run moves (an arrangement switched off)
        outcomes = [o for o in outcomes if runs[o].nunique(dropna=True) > 1]
    keyed = runs.assign(_group=runs[by].astype(str))
    rows = []
    for outcome in outcomes:
        wide = keyed.pivot_table(index="replicate", columns="_group", values=outcome, aggfunc="mean")
        base = wide[baseline]
        for group in order:
            arm = wide[group].dropna().to_numpy(dtype=float)
            mean, low, high = t_interval(arm)
            row: dict[str, Any] = {"outcome": outcome, "scenario": group, "baseline": group == baseline,
                                   "replicates": len(arm), "mean": mean, "ci_low": low, "ci_high": high}
            if group != baseline:
                row |= _paired(base, wide[group])
                row |= _practical(outcome, row)
            rows.append(row)
    return _holm_verdicts(pd.DataFrame(rows))


def _practical(outcome: str, row: dict[str, Any]) -> dict[str, float | str]:
    """The difference against the outcome's smallest meaningful difference (from the registry)."""
    smallest = registry.smallest_difference(outcome)
    return {"smallest_difference": smallest,
            "practical": practical_size(row["difference"], row["diff_ci_low"], row["diff_ci_high"], smallest)}


def _holm_verdicts(table: pd.DataFrame) -> pd.DataFrame:
    """Holm's adjustment over the outcomes compared for each scenario; the verdict uses the adjusted p."""
    if table.empty or "p_value" not in table.columns:
        return table
    table = table.copy()
    others = ~table["baseline"].astype(bool)
    table["p_holm"] = np.nan
    table["outcomes_compared"] = 0
    for _, rows in table[others].groupby("scenario", sort=False):
        # an outcome the same in every pair is not a test: it stays out of the family (and is not distinguishable)
        tested = rows[~((rows["difference"] == 0) & (rows["diff_ci_low"] == 0) & (rows["diff_ci_high"] == 0))]
        table.loc[tested.index, "p_holm"] = holm(tested["p_value"].to_numpy(dtype=float))
        table.loc[rows.index, "outcomes_compared"] = int(np.isfinite(tested["p_value"].to_numpy(dtype=float)).sum())
    table["distinguishable_unadjusted"] = table["distinguishable"]
    adjusted = table["p_holm"].to_numpy(dtype=float)
    table.loc[others, "distinguishable"] = (np.nan_to_num(adjusted, nan=1.0) < FAMILY_ALPHA)[others.to_numpy()] & \
        table.loc[others, "distinguishable_unadjusted"].astype(bool).to_numpy()
    return table


def _paired(base: pd.Series, other: pd.Series) -> dict[str, float | bool | int]:
    """The paired columns of one (outcome, scenario) row: :func:`cogov.analysis.stats.paired_difference`
    over the replicates both arms have (aligned by replicate index, as the pivot left them)."""
    both = pd.concat([base, other], axis=1)
    result = paired_difference(both.iloc[:, 0].to_numpy(dtype=float), both.iloc[:, 1].to_numpy(dtype=float))
    return {
        "pairs": result.pairs, "difference": result.difference, "diff_ci_low": result.ci_low,
        "diff_ci_high": result.ci_high, "p_value": result.p_value, "cohens_d": result.cohens_d, "dz": result.dz,
        "distinguishable": result.distinguishable,
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
        sd = half / t_quantile(n) * math.sqrt(n)
        needed = max(needed, _smallest_n(sd, precision))
    return needed


def _smallest_n(sd: float, precision: float) -> int:
    """Smallest n ≥ 2 with t(n−1)·sd/√n ≤ precision (the half-width falls as n grows)."""
    def ok(n: int) -> bool:
        return t_quantile(n) * sd / math.sqrt(n) <= precision

    ratio = stats.norm.ppf(0.5 + CONFIDENCE / 2) * sd / precision
    if not ratio < 1e6:  # more than 10^12 replicates (or a precision of 0): far beyond any cap, say so as a number
        return 10**12
    n = max(2, math.ceil(ratio**2))  # the normal bound is too small
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
                      precision_outcome: str = "satisfaction_mean", max_replicates: int = 500,
                      outcomes: Sequence[str] | None = None) -> Comparison:
    """Run (or resume) every scenario on the same seeds and compare them with the first.

    With ``precision``, replicates are added (same folder: earlier runs are kept) until every paired
    difference in ``precision_outcome`` has a 95 % half-width ≤ ``precision``, or ``max_replicates``.
    The folder is resumed by run key, and the table uses exactly the runs of the planned replicates
    recorded under their current keys (:func:`cogov.experiments.runner.current_runs`).

    The folder's lock is held from the first run to the last table (no other writer can slip in
    between two rounds of replicates). An interrupted sweep (Ctrl-C, SIGTERM) raises
    KeyboardInterrupt: a table of the runs that happened to finish would look like a result.
    ``outcomes``: those to compare (declared in the outcome registry), by default its key outcomes.
    """
    if precision is not None:
        if not (math.isfinite(precision) and precision > 0):  # a negative one is never reached: the loop would not end
            raise ValueError(f"precision must be a finite number > 0 (got {precision})")
        registry.outcome(precision_outcome)  # a misspelt outcome stops here, not after every run
    for name in outcomes or ():
        registry.outcome(name)  # likewise
    with folder_lock(directory):
        return _compare_scenarios(scenarios, directory, executor, workers, replicates, days, master_seed, precision,
                                  precision_outcome, max_replicates, outcomes)


def _compare_scenarios(scenarios: Sequence[str], directory: Path, executor: Any, workers: int, replicates: int,
                       days: int | None, master_seed: int, precision: float | None, precision_outcome: str,
                       max_replicates: int, outcomes: Sequence[str] | None = None) -> Comparison:
    reports = []
    met: bool | None = None
    while True:
        experiment = comparison_experiment(scenarios, replicates, days, master_seed)
        reports.append(run_sweep(experiment, directory, executor, workers=workers))
        if reports[-1].interrupted:
            raise KeyboardInterrupt
        runs = current_runs(experiment, directory)
        table = compare_runs(runs, baseline=scenarios[0], outcomes=outcomes)
        if precision is None:
            break
        needed = replicates_needed(table, precision_outcome, precision)
        met = needed <= replicates
        if met or replicates >= max_replicates:
            break
        replicates = min(max_replicates, needed)
    return Comparison(table, scenarios[0], replicates, directory, tuple(reports), met)
