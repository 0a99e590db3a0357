"""Robust to what was assumed: does a comparison's answer survive the model's assumed coefficients?

Replicate intervals cover chance, not the coefficients the model rests on by assumption. The robustness check
reruns a comparison at a few points of a Latin hypercube (:class:`scipy.stats.qmc.LatinHypercube`, a fixed seed) over
the ranges of the parameters that rest only on assumptions (:data:`ASSUMED_RANGES`: every feedback link and the
organisational, satisfaction and rework coefficients, the ranges of the Morris screen in
``experiments/examples/morris_loops.toml``, ``docs/sensitivity.md``), every scenario at every point on the same
replicate seeds, and says for each main difference whether it keeps its sign at each point, and for several
interventions whether their ranking holds. The runs go through the runner like any comparison's
(:func:`cogov.experiments.runner.run_tasks`), and the rows are kept in the results folder (``robustness.parquet``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from cogov.analysis.stats import paired_difference
from cogov.experiments.runner import plan_tasks, run_tasks
from cogov.experiments.targets import SCENARIO_PARAMETER, Target
from cogov.sim.outcomes.registry import outcome

ASSUMED_RANGES: dict[str, tuple[float, float]] = {
    "links.asked_to_volunteer": (0.0, 2.8),
    "links.trust_to_volunteer": (0.0, 4.0),
    "links.trust_to_cooperation": (0.0, 0.6),
    "links.participation_to_ties": (0.0, 0.06),
    "links.participation_to_trust": (0.0, 0.04),
    "links.results_to_strength": (0.0, 2.0),
    "links.overload_to_strength": (0.0, 2.0),
    "links.broker_information": (0.0, 1.0),
    "links.fees_to_quality": (0.0, 2.0),
    "party.growth_rate": (0.003, 0.012),
    "party.decay_rate": (0.00135, 0.0054),
    "party.asks_per_month": (0.0, 4.0),
    "party.visits_per_member_per_month": (0.0, 4.0),
    "party.secretary_turnover_per_year": (0.0, 0.33),
    "behaviour.satisfaction.word_of_mouth": (0.0, 0.2),
    "behaviour.satisfaction.disposition_weight": (0.0, 0.6),
    "service.rework_probability": (0.0, 1.0),
    "service.staff_hours_per_meeting": (0.0, 6.0),
}
"""Parameters that rest only on assumptions, with the ranges of the Morris screen (tests/test_robustness.py checks
that the two lists agree)."""
FILE = "robustness.parquet"
SEED = 20261130
"""The hypercube's seed: the same points for every comparison, so that two reports speak of the same variations."""


def assumed_points(points: int, seed: int = SEED) -> list[dict[str, float]]:
    """``points`` settings of the assumed parameters, a Latin hypercube over :data:`ASSUMED_RANGES`."""
    names = list(ASSUMED_RANGES)
    lows, highs = (np.array([ASSUMED_RANGES[n][i] for n in names]) for i in (0, 1))
    unit = qmc.LatinHypercube(d=len(names), seed=seed).random(points)
    return [dict(zip(names, map(float, row), strict=True)) for row in qmc.scale(unit, lows, highs)]


def run_robustness(target: Target, scenarios: Sequence[str], outcomes: Sequence[str], points: int, replicates: int,
                   master_seed: int, days: int | None, executor: Any = None, workers: int = 1,
                   directory: Path | None = None) -> pd.DataFrame:
    """Run every scenario at every point of :func:`assumed_points`, ``replicates`` times on the comparison's seeds;
    one row per run: ``point``, ``scenario``, ``replicate`` and the ``outcomes``. Written to ``directory`` when given."""
    settings = assumed_points(points)
    horizon = {"simulation.days": days} if days is not None else {}
    design = [{SCENARIO_PARAMETER: s, **setting, **horizon} for setting in settings for s in scenarios]
    tasks = plan_tasks(target, design, replicates, master_seed)
    outputs = run_tasks(target, tasks, executor=executor, workers=workers)
    rows = [{"point": task.point_id // len(scenarios), "scenario": task.point[SCENARIO_PARAMETER],
             "replicate": task.replicate, **{o: output.summary.get(o, np.nan) for o in outcomes}}
            for task, output in zip(tasks, outputs, strict=True)]
    frame = pd.DataFrame(rows)
    if directory is not None:
        frame.to_parquet(directory / FILE, index=False)
    return frame


def differences_at_points(frame: pd.DataFrame, baseline: str, outcomes: Sequence[str]) -> pd.DataFrame:
    """Per point, scenario and outcome: the mean paired difference from the baseline and whether its 95 % interval
    excludes zero (``distinguishable``)."""
    rows = []
    for point, here in frame.groupby("point"):
        for name in outcomes:
            wide = here.pivot_table(index="replicate", columns="scenario", values=name, aggfunc="mean")
            for scenario in [c for c in wide.columns if c != baseline and baseline in wide.columns]:
                both = wide[[baseline, scenario]].dropna()
                result = paired_difference(both[baseline].to_numpy(), both[scenario].to_numpy())
                rows.append({"point": point, "scenario": scenario, "outcome": name, "difference": result.difference,
                             "distinguishable": result.distinguishable})
    return pd.DataFrame(rows)


def robustness_table(frame: pd.DataFrame, main: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """For each difference the main comparison calls distinguishable (``main``: :func:`compare_runs`' table): at how
    many points it keeps its sign (``kept``) and is distinguishable in the same direction (``confirmed``), of
    ``points``."""
    chosen = main[~main["baseline"].astype(bool) & main["distinguishable"].astype(bool)]
    chosen = chosen[chosen["outcome"].isin(frame.columns)]
    if chosen.empty:
        return pd.DataFrame(columns=["scenario", "outcome", "difference", "kept", "confirmed", "points"])
    at_points = differences_at_points(frame, baseline, list(dict.fromkeys(chosen["outcome"])))
    rows = []
    for row in chosen.itertuples():
        here = at_points[(at_points["scenario"] == row.scenario) & (at_points["outcome"] == row.outcome)]
        same = np.sign(here["difference"]) == np.sign(row.difference)
        rows.append({"scenario": row.scenario, "outcome": row.outcome, "difference": row.difference,
                     "kept": int(same.sum()), "confirmed": int((same & here["distinguishable"]).sum()),
                     "points": int(here["point"].nunique())})
    return pd.DataFrame(rows)


def ranking_holds(frame: pd.DataFrame, interventions: Sequence[str], outcomes: Sequence[str]) -> list[dict[str, Any]]:
    """With two or more interventions: per outcome, their order (best first, by mean over the run's points and
    replicates) and at how many points the same order holds (``held`` of ``points``)."""
    if len(interventions) < 2:
        return []
    out = []
    for name in [o for o in outcomes if o in frame.columns]:
        better = outcome(name).better or 1
        means = frame[frame["scenario"].isin(interventions)].groupby(["point", "scenario"])[name].mean().unstack()
        overall = means.mean()
        order = sorted(interventions, key=lambda k: -better * float(overall[k]))
        held = sum(all(better * (row[a] - row[b]) >= 0 for a, b in itertools.pairwise(order))
                   for _, row in means.iterrows())
        out.append({"outcome": name, "order": order, "held": int(held), "points": len(means)})
    return out
