"""Scenario discovery: which combinations of swept levers and uncertain parameters lead to an outcome region.

Over a sweep's runs (:func:`cogov.analysis.results.load_runs`), the cases of interest are those whose outcome meets a
condition such as ``resolution_rate < 0.5`` (parsed, never evaluated). PRIM (the Patient Rule Induction Method,
Friedman & Fisher 1999) peels the swept space box by box towards a region dense in those cases; its peeling
trajectory shows the trade-off between coverage (the share of all cases of interest inside the box) and density (the
share of the box's runs that are cases of interest). CART (a classification tree) gives the alternative, leaf boxes.
Both come from the EMA Workbench's analysis module (Kwakkel 2017, the ``ema-workbench`` package; optional extra
``cogov[discovery]``).

The box reported is the trajectory's densest step that keeps at least :data:`MIN_COVERAGE` of the cases of interest
(a rule stated, not a tuned choice); the whole trajectory is returned so a reader can choose another.
"""

from __future__ import annotations

import math
import operator
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cogov.sim.outcomes.registry import outcome
from cogov.sim.scenario import ScenarioError

MIN_COVERAGE = 0.5
CART_MASS_MIN = 0.05
"""The smallest share of the runs a CART leaf may hold (the workbench's default)."""
"""The reported PRIM box is the densest step of the trajectory that keeps at least this share of the cases."""
OPERATORS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
             "!=": operator.ne}
_CONDITION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|!=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")


@dataclass(frozen=True)
class Condition:
    """``outcome operator value``: which runs are the cases of interest."""

    outcome: str
    op: str
    value: float

    def __call__(self, values: pd.Series) -> np.ndarray:
        """Which of ``values`` meet the condition (an undefined value, NaN, does not)."""
        return OPERATORS[self.op](values.astype(float), self.value).to_numpy() & values.notna().to_numpy()

    def __str__(self) -> str:
        return f"{self.outcome} {self.op} {self.value:g}"


def parse_condition(text: str) -> Condition:
    """A condition such as ``resolution_rate < 0.5``; anything else is a :class:`ScenarioError` saying what is
    allowed (an outcome name, one of < <= > >= == !=, a number). The text is parsed, never evaluated."""
    match = _CONDITION.match(text)
    if match is None:
        raise ScenarioError("--where", [(f"{text!r}: give OUTCOME OPERATOR NUMBER, e.g. 'resolution_rate < 0.5' "
                                        f"(operators: {' '.join(OPERATORS)})")])
    name, op, value = match.groups()
    outcome(name)  # an undeclared outcome: UndeclaredOutcome with did-you-mean
    return Condition(name, op, float(value))


@dataclass(frozen=True)
class Discovery:
    """What PRIM and CART found: the cases of interest, the PRIM trajectory and chosen box, the CART leaves."""

    condition: Condition
    cases: int
    runs: int
    trajectory: pd.DataFrame  # per peeling step: coverage, density, mass, res_dim
    step: int  # the reported step of the trajectory
    box: pd.DataFrame  # per parameter: low, high of the box, the swept range (swept_low, swept_high), restricted
    cart: pd.DataFrame  # CART's leaf boxes with their coverage, density, mass


def discover(runs: pd.DataFrame, parameters: Sequence[str], condition: Condition) -> Discovery:
    """Run PRIM and CART over ``runs`` (one row per run) on the swept ``parameters`` for ``condition``."""
    try:
        with warnings.catch_warnings():  # the workbench warns about its own optional parts on import
            warnings.simplefilter("ignore")
            from ema_workbench.analysis import cart, prim
    except ImportError:
        raise ScenarioError("discover", [("scenario discovery needs the optional extra: pip install 'cogov[discovery]' "
                                         "(the EMA Workbench)")]) from None
    if condition.outcome not in runs.columns:
        raise ScenarioError("--where", [f"{condition.outcome}: not an outcome of these runs"])
    named = _inputs(runs, parameters)
    # neutral column names: the workbench drops columns named like its own (scenario, policy, model)
    x = named.set_axis([f"x{i}" for i in range(named.shape[1])], axis=1)
    y = condition(runs[condition.outcome])
    cases = int(y.sum())
    if cases == 0 or cases == len(y):
        raise ScenarioError("--where", [(f"{condition}: {cases} of {len(y)} runs meet it; discovery needs some that do "
                                        "and some that do not")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box = prim.Prim(x, y).find_box()
        trajectory = box.peeling_trajectory.reset_index(drop=True)
        step = _chosen_step(trajectory)
        limits = box.box_lims[step]
        tree = cart.CART(x, y, mass_min=max(CART_MASS_MIN, 2 / len(y)))  # at least a couple of runs a leaf
        tree.build_tree()
        leaves = tree.stats_to_dataframe().reset_index(drop=True)
    box_table = _limits_table(x, limits).set_axis(list(named.columns), axis=0)
    return Discovery(condition, cases, len(y), trajectory, step, box_table, leaves)


def _limits_table(x: pd.DataFrame, limits: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: the box's limits, the swept range and whether the box restricts it (for a category: the
    values kept, and whether some were dropped)."""
    rows = {}
    for name in x.columns:
        low, high = limits.loc[0, name], limits.loc[1, name]
        if isinstance(x[name].dtype, pd.CategoricalDtype):
            kept, every = set(low), set(x[name].cat.categories)
            rows[name] = {"low": ", ".join(map(str, sorted(kept, key=str))), "high": "",
                          "swept_low": ", ".join(map(str, sorted(every, key=str))), "swept_high": "",
                          "restricted": kept != every}
        else:
            lo, hi = float(x[name].min()), float(x[name].max())
            rows[name] = {"low": float(low), "high": float(high), "swept_low": lo, "swept_high": hi,
                          "restricted": bool(float(low) > lo or float(high) < hi)}
    return pd.DataFrame.from_dict(rows, orient="index")


def _inputs(runs: pd.DataFrame, parameters: Sequence[str]) -> pd.DataFrame:
    """The swept parameters as PRIM's inputs: numbers as floats (switches as 0/1), text as categories."""
    columns = {}
    for name in parameters:
        column = runs[name]
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            columns[name] = column.astype(float)
        else:
            columns[name] = column.astype("category")
    return pd.DataFrame(columns).reset_index(drop=True)


def _chosen_step(trajectory: pd.DataFrame) -> int:
    """The densest step keeping at least :data:`MIN_COVERAGE` of the cases (the first step if none does)."""
    keeping = trajectory[trajectory["coverage"] >= MIN_COVERAGE]
    if keeping.empty:
        return 0
    return int(keeping["density"].idxmax())


def describe(found: Discovery) -> list[str]:
    """The discovery in plain lines: the cases, the chosen box's restrictions and quality, CART's densest leaf."""
    row = found.trajectory.loc[found.step]
    lines = [(f"{found.cases} of {found.runs} runs meet {found.condition} "
             f"({found.cases / found.runs:.0%} of the swept space)")]
    restricted = found.box[found.box["restricted"]]
    if restricted.empty:
        lines.append("PRIM finds no restriction that concentrates them: the region is spread over the whole space")
    else:
        parts = [f"{name}: {_show(r['low'])}" + (f" to {_show(r['high'])}" if r["high"] != "" else "")
                 + f" (swept {_show(r['swept_low'])}" + (f" to {_show(r['swept_high'])})" if r["swept_high"] != "" else ")")
                 for name, r in restricted.iterrows()]
        lines.append("PRIM box: " + "; ".join(parts))
    lines.append(f"in the box: coverage {row['coverage']:.0%} of the cases, density {row['density']:.0%} (the share "
                 f"of its runs that are cases; {found.cases / found.runs:.0%} overall), mass {row['mass']:.0%} of "
                 f"the runs (step {found.step} of {len(found.trajectory) - 1}: the densest keeping at least "
                 f"{MIN_COVERAGE:.0%} of the cases)")
    if not found.cart.empty and "density" in found.cart.columns:
        best = found.cart.loc[found.cart["density"].idxmax()]
        lines.append(f"CART's densest leaf: density {best['density']:.0%}, coverage {best['coverage']:.0%}")
    return lines


def _show(value: Any) -> str:
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:.4g}"
    return str(value)
