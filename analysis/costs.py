"""What a change costs, what the money buys: public cost, its breakdown, and cost-effectiveness with intervals.

For each scenario against the baseline, on the paired replicates of a comparison:

- the **public cost** (``cost_total``, a street's ``street_cost_total``: every public item of the cost ledger, :data:`cogov.sim.ledger.ITEMS`) in each
  arm and the paired difference with its 95 % t-interval;
- the **breakdown** of that difference by ledger item (``spent_<item>``), public money and other payers' apart
  (co-building units, former work units, residents), and the community staff hours the convened meetings take
  (``meeting_staff_hours``: their salaries only move within the ledger, their cost is hours not worked on issues);
- **cost-effectiveness**: the extra public cost per additional resolved issue and per satisfaction point (0.01 on the
  0–1 scale, one point out of 100), as the ratio of the paired mean differences, with a 95 % percentile bootstrap
  interval over replicate pairs (:func:`scipy.stats.bootstrap`, paired, a fixed seed). A ratio is given only where
  the effect's own interval excludes zero: a cost per unit of an effect that may be nil is not a number to act on.
  Where the change costs more and achieves less, or costs less and achieves more, the ratio is not a price and the
  kind (``dominated``, ``dominant``) is said instead.

What the ledger does not count is said with the section (:data:`NOT_COUNTED`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import DegenerateDataWarning, bootstrap

from cogov.analysis.compare import SCENARIO_COLUMN
from cogov.analysis.stats import PairedDifference, paired_difference
from cogov.sim.ledger import ITEMS, payer_of

COSTS = ("cost_total", "street_cost_total")
"""The public cost of a community run, else of a street run (its communities' and its sunk posts')."""
EFFECTS: dict[str, float] = {"resolved": 1.0, "satisfaction_mean": 0.01}
"""Cost-effectiveness denominators: additional resolved issues (per issue), satisfaction (per point, 0.01)."""
MEETING_HOURS = "meeting_staff_hours"
"""Community staff hours the convened meetings took (model version 4): said beside the cost, since their salary value
only moves within the ledger (``meeting_staff_time``), and their price is paid in hours not worked on issues."""
MIN_PAIRS = 3
"""Fewest replicate pairs for a bootstrap interval of a cost-effectiveness ratio."""
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20261130
"""Fixed, so that a report is the same every time it is written from the same runs."""

NOT_COUNTED: dict[str, str] = {
    "en": "Not counted: the time of volunteers and party members (a compound branch's secretary chairing an owners' "
          "committee, residents at councils), companies' and co-building units' staff time at meetings, the district "
          "departments' and the street's hours (existing staff, sent one way or another), owners' property fees "
          "(outside self-management committees), and one-off investment (buildings, venues, hardware). The community "
          "staff's hours in the meetings arrangements convene (accountability reviews, ratings, joint meetings, "
          "councils, the big party committee) are counted as 'staff time in meetings': not new money but the share of "
          "salaries those meetings take, hours the model takes from issue handling.",
    "zh": "未计入：志愿者和党员的时间（小区支部书记兼任业委会主任、居民参加议事会）、物业企业和共建单位人员参会的时间、区职能"
          "部门和街道的工时（现有人员，只是派往不同地方）、业主缴纳的物业费（自管会之外）、一次性投入（房屋、场地、硬件）。"
          "社区工作者参加各项机制召集的会议（问责评议、星级评定、联席会议、议事会、大党委会议）的工时计为“会议占用的人员"
          "工时”：不是新增资金，而是这些会议占用的工资份额，模型从处理问题的工时中扣除。",
}
"""What the public cost leaves out, said wherever it is reported."""


@dataclass(frozen=True)
class CostEffect:
    """Extra public cost per unit of one effect: ``ratio`` [``low``, ``high``], or why there is none (``kind``)."""

    effect: str
    per: float  # the unit of the effect (1 issue, 0.01 satisfaction)
    ratio: float
    low: float
    high: float
    kind: str  # "ratio", "dominant", "dominated", "no_effect"


def _pairs(runs: pd.DataFrame, by: str, baseline: str, scenario: str, column: str) -> tuple[np.ndarray, np.ndarray]:
    keyed = runs.assign(_group=runs[by].astype(str))
    wide = keyed.pivot_table(index="replicate", columns="_group", values=column, aggfunc="mean")
    both = wide[[baseline, scenario]].dropna()
    return both[baseline].to_numpy(), both[scenario].to_numpy()


def _mean_difference(runs: pd.DataFrame, by: str, baseline: str, scenario: str, column: str) -> float:
    """The mean paired difference of ``column`` (0 where the runs do not have it)."""
    if column not in runs.columns:
        return 0.0
    a, b = _pairs(runs, by, baseline, scenario, column)
    return float(np.mean(b - a)) if len(a) else 0.0


def cost_effect(d_cost: np.ndarray, d_effect: np.ndarray, effect: str, per: float) -> CostEffect:
    """Extra cost per ``per`` of ``effect`` from paired differences (one per replicate pair)."""
    effect_difference: PairedDifference = paired_difference(np.zeros_like(d_effect), d_effect)
    mean_cost, mean_effect = float(np.mean(d_cost)), float(np.mean(d_effect))
    if not effect_difference.distinguishable:
        return CostEffect(effect, per, math.nan, math.nan, math.nan, "no_effect")
    if (mean_cost > 0) != (mean_effect > 0):  # pays more for less, or less for more: not a price
        kind = "dominated" if mean_cost > 0 else "dominant"
        return CostEffect(effect, per, math.nan, math.nan, math.nan, kind)
    ratio = mean_cost / mean_effect * per
    if len(d_cost) < MIN_PAIRS:
        return CostEffect(effect, per, ratio, math.nan, math.nan, "ratio")
    with warnings.catch_warnings():  # constant differences make a degenerate (but correct) interval
        warnings.simplefilter("ignore", DegenerateDataWarning)
        result = bootstrap((d_cost, d_effect), lambda c, e: np.mean(c) / np.mean(e) * per, paired=True,
                           vectorized=False, n_resamples=BOOTSTRAP_RESAMPLES, method="percentile",
                           rng=np.random.default_rng(BOOTSTRAP_SEED))
    low, high = result.confidence_interval
    return CostEffect(effect, per, ratio, float(low), float(high), "ratio")


def cost_table(runs: pd.DataFrame, baseline: str, by: str = SCENARIO_COLUMN) -> dict[str, dict[str, object]]:
    """Per scenario other than ``baseline``: the public cost in both arms and its paired difference (``cost``), the
    ledger items whose spending differs (``items``: item, payer, baseline mean, difference), and cost-effectiveness
    (``effects``: :class:`CostEffect` per :data:`EFFECTS`). Empty when the runs have no cost (a test target)."""
    runs = runs[runs["status"] == "ok"] if "status" in runs.columns else runs
    cost_column = next((c for c in COSTS if c in runs.columns), None)
    if cost_column is None:
        return {}
    out: dict[str, dict[str, object]] = {}
    for scenario in [s for s in pd.unique(runs[by].astype(str)) if s != baseline]:
        base_cost, cost = _pairs(runs, by, baseline, scenario, cost_column)
        d_cost = cost - base_cost
        items = []
        for item in ITEMS:
            column = f"spent_{item}"
            if column not in runs.columns:
                continue
            a, b = _pairs(runs, by, baseline, scenario, column)
            if np.allclose(a, b) and not a.any():
                continue
            items.append({"item": item, "payer": payer_of(item), "baseline": float(np.mean(a)),
                          "difference": float(np.mean(b - a))})
        effects = []
        for effect, per in EFFECTS.items():
            if effect in runs.columns:
                a, b = _pairs(runs, by, baseline, scenario, effect)
                effects.append(cost_effect(d_cost, b - a, effect, per))
        out[scenario] = {"baseline_cost": float(np.mean(base_cost)), "cost": float(np.mean(cost)),
                         "difference": paired_difference(base_cost, cost), "items": items, "effects": effects,
                         "meeting_hours": _mean_difference(runs, by, baseline, scenario, MEETING_HOURS)}
    return out
