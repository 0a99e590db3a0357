"""Outcome measures: the daily metrics the DataCollector records and the end-of-run summary.

Definitions (all cumulative from day 0 unless stated):

- ``resolution_rate``: issues resolved (fixed) / issues arisen.
- ``mean_days_to_resolve``: mean days from found to closed, over resolved issues.
- ``on_time_share``: closed issues closed by a handler within ``issues.time_limit_days`` of being
  found / all closed issues (abandoned ones count as closed, never as on time).
- ``resolved_in_grid_share``: resolved issues closed at grid level (grid, property company or
  social organisation) / resolved issues ('small matters do not leave the grid').
- ``escalation_rate``: found issues escalated at least once / found issues.
- ``backlog``: issues found and still open today; ``latent``: open issues nobody has found.
- ``satisfaction_mean``, ``satisfaction_p10``, ``trust_mean``: over households, today.
- ``volunteer_share``: households who volunteered in the last 30 days, today.
- ``volunteer_hours``: hours volunteered so far.
- ``inservice_serving_share``: in-service party members who served in the last 30 days, today.
- ``stalemates``: collective issues that waited ``stalemate_days`` without agreement.
- ``cost_per_resolved``: public money spent (funds, salaries, points rewards) / resolved issues.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.config import AGE_GROUPS, COMPOUND_TYPES
from sim.issues import State
from sim.population import IN_SERVICE
from sim.volunteering import RECENT_DAYS

if TYPE_CHECKING:
    from sim.model import CommunityModel

DAILY_METRICS: tuple[str, ...] = (
    "day",
    "issues_arisen",
    "resolved",
    "resolution_rate",
    "mean_days_to_resolve",
    "on_time_share",
    "resolved_in_grid_share",
    "escalation_rate",
    "backlog",
    "latent",
    "satisfaction_mean",
    "satisfaction_p10",
    "trust_mean",
    "volunteer_share",
    "volunteer_hours",
    "inservice_serving_share",
    "stalemates",
    "cost_total",
    "cost_per_resolved",
)
"""Columns of the daily series, in order."""


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator else float("nan")


def daily_metrics(model: CommunityModel, day: int) -> dict[str, float]:
    """Compute today's metrics from the model state (cheap: counters plus one pass over households)."""
    c = model.counters
    pop = model.population
    table = model.issues
    open_states = np.bincount(table.state[table.open_rows], minlength=len(State))
    recent = (day - pop.last_served) < RECENT_DAYS
    in_service = pop.member_type == IN_SERVICE
    closed = c["resolved"] + c["unresolved"]
    cost = model.public_cost + model.reward_paid
    return {
        "day": day,
        "issues_arisen": c["arisen"],
        "resolved": c["resolved"],
        "resolution_rate": _ratio(c["resolved"], c["arisen"]),
        "mean_days_to_resolve": _ratio(c["resolve_days"], c["resolved"]),
        "on_time_share": _ratio(c["on_time"], closed),
        "resolved_in_grid_share": _ratio(c["resolved_in_grid"], c["resolved"]),
        "escalation_rate": _ratio(c["escalated"], c["found"]),
        "backlog": int(open_states[State.AGREEMENT] + open_states[State.QUEUED]),
        "latent": int(open_states[State.LATENT]),
        "satisfaction_mean": float(pop.satisfaction.mean()),
        "satisfaction_p10": float(np.percentile(pop.satisfaction, 10)),
        "trust_mean": float(pop.trust.mean()),
        "volunteer_share": float(recent.mean()),
        "volunteer_hours": float(pop.hours.sum()),
        "inservice_serving_share": _ratio(np.count_nonzero(recent & in_service), np.count_nonzero(in_service)),
        "stalemates": c["stalemates"],
        "cost_total": cost,
        "cost_per_resolved": _ratio(cost, c["resolved"]),
    }


def _group_means(values: np.ndarray, groups: np.ndarray, names: tuple[str, ...]) -> dict[str, float]:
    sums = np.bincount(groups, weights=values, minlength=len(names))
    counts = np.bincount(groups, minlength=len(names))
    return {name: (float(s / n) if n else float("nan")) for name, s, n in zip(names, sums, counts, strict=True)}


def summarise(model: CommunityModel) -> dict[str, Any]:
    """End-of-run summary: final metrics, counts, and satisfaction by compound type and resident group."""
    pop = model.population
    metrics = dict(model.metrics)
    by_type = _group_means(pop.satisfaction, pop.compound_type, COMPOUND_TYPES)
    present = [v for v in by_type.values() if not np.isnan(v)]
    by_grid = _group_means(pop.satisfaction, pop.grid, tuple(str(g) for g in range(model.n_grids)))
    group = {f"age_{k}": v for k, v in _group_means(pop.satisfaction, pop.age_group, AGE_GROUPS).items()}
    group |= {"owner": float(pop.satisfaction[pop.owner].mean()) if pop.owner.any() else float("nan"),
              "tenant": float(pop.satisfaction[~pop.owner].mean()) if (~pop.owner).any() else float("nan"),
              "party_member": float(pop.satisfaction[pop.is_member].mean()) if pop.is_member.any() else float("nan"),
              "non_member": float(pop.satisfaction[~pop.is_member].mean()) if (~pop.is_member).any() else float("nan")}
    counts = {k: (int(v) if float(v).is_integer() else float(v)) for k, v in model.counters.items()}
    states = model.issues.count_by_state()
    return {
        "metrics": metrics,
        "satisfaction_by_compound_type": by_type,
        "satisfaction_by_group": group,
        "equity": {
            "compound_type_gap": (max(present) - min(present)) if present else float("nan"),
            "grid_sd": float(np.nanstd(list(by_grid.values()))),
        },
        "counts": counts | {f"state_{s.name.lower()}": int(states[s]) for s in State},
        "community": model.describe_community(),
    }
