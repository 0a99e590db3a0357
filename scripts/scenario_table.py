"""Every built-in scenario's main outcomes with 95 % intervals over replicates (the library at a glance).

    python scripts/scenario_table.py --replicates 10 --out scenario_table.csv

Replicate *r* of every scenario runs on ``replicate_seed(master_seed, r)`` (common random numbers), through
the one run path (:func:`cogov.experiments.runner.run_tasks`). The CSV has one row per (scenario, outcome)
with the mean, the 95 % t-interval, the replicates and the model version; the table on screen shows
"mean [low, high]".
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from cogov.analysis.stats import t_interval
from cogov.experiments.backends import default_workers, process_pool
from cogov.experiments.runner import plan_tasks, run_tasks
from cogov.experiments.targets import SCENARIO_PARAMETER, CogovTarget
from cogov.sim.scenario import builtin_names, load_scenario, scenario_digest
from cogov.sim.version import MODEL_VERSION

OUTCOMES = ("resolution_rate", "satisfaction_mean", "trust_mean", "volunteer_share", "inservice_serving_share",
            "stalemates", "mean_days_to_resolve", "backlog")


def table(replicates: int, master_seed: int, workers: int, days: int | None = None) -> pd.DataFrame:
    """One row per (scenario, outcome): mean and 95 % interval over ``replicates``."""
    names = builtin_names()
    configs = [(name, load_scenario(name).config) for name in names]
    default = dict(configs)["default"]
    target = CogovTarget(base=default, base_digest=scenario_digest(default), alternatives=tuple(configs))
    points = [{SCENARIO_PARAMETER: name, **({"simulation.days": days} if days else {})} for name in names]
    tasks = plan_tasks(target, points, replicates, master_seed)
    with process_pool(workers) as executor:
        outputs = run_tasks(target, tasks, executor=executor, workers=workers)
    rows = []
    for p, name in enumerate(names):
        runs = [o.summary for t, o in zip(tasks, outputs, strict=True) if t.point_id == p]
        for outcome in OUTCOMES:
            mean, low, high = t_interval([r[outcome] for r in runs])
            rows.append({"scenario": name, "outcome": outcome, "mean": mean, "ci_low": low, "ci_high": high,
                         "replicates": len(runs), "model_version": MODEL_VERSION})
    return pd.DataFrame(rows)


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0, help="master seed")
    parser.add_argument("--days", type=int, help="horizon override")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--out", type=Path, help="CSV file")
    args = parser.parse_args()
    frame = table(args.replicates, args.seed, args.workers, args.days)
    if args.out:
        frame.to_csv(args.out, index=False)
    wide = frame.assign(cell=[f"{m:.3f} [{lo:.3f}, {hi:.3f}]" for m, lo, hi in
                              zip(frame["mean"], frame["ci_low"], frame["ci_high"], strict=True)])
    print(wide.pivot(index="scenario", columns="outcome", values="cell")[list(OUTCOMES)].to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
