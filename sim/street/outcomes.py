"""A street's outcomes: its communities' outcomes, their household-weighted street means, and inequality across
communities (gap and spread), plus what the street level did (department hours, whistled hours, funds).

Inequality across communities is what a street's levers are about (funds shared by need or by performance, the
whistle pooling departments): for each outcome of :data:`COMPARED` the summary gives the street mean (weighted by
households: a resident's-eye average), the lowest and highest community, the gap between them and their standard
deviation. :func:`community_outcomes` flattens each community's own key outcomes and funds for a run's record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from cogov.sim.outcomes.registry import FUNDS_YEAR, PER_COMMUNITY, STREET_TOTALS, community_column
from cogov.sim.outcomes.registry import STREET_COMPARED as COMPARED

DAYS_PER_YEAR = 365.0

if TYPE_CHECKING:
    from cogov.sim.street.model import StreetModel

STREET_DAILY: tuple[str, ...] = (
    "day",
    "satisfaction_mean",
    "satisfaction_mean_gap",
    "resolution_rate",
    "resolution_rate_gap",
    "backlog",
    "street_backlog",
    "department_hours_sent",
    "whistled_hours_sent",
    "sunk_hours_sent",
)
"""The street's daily metrics (the DataCollector's reporters)."""


def _spread(model: StreetModel, name: str) -> dict[str, float]:
    return inequality(np.array([c.metrics[name] for c in model.communities], dtype=float), model.households)


def street_daily(model: StreetModel) -> dict[str, float]:
    """Today's street metrics."""
    departments = model.departments
    whistled = 0.0
    if departments is not None and departments.whistle:
        whistled = float(departments.called.sum())
    street_backlog = len(model.street_level_rows())
    satisfaction, resolution = _spread(model, "satisfaction_mean"), _spread(model, "resolution_rate")
    return {
        "day": model.steps,
        "satisfaction_mean": satisfaction["mean"],
        "satisfaction_mean_gap": satisfaction["gap"],
        "resolution_rate": resolution["mean"],
        "resolution_rate_gap": resolution["gap"],
        "backlog": float(sum(c.metrics["backlog"] for c in model.communities)),
        "street_backlog": float(street_backlog),
        "department_hours_sent": float(departments.sent.sum()) if departments is not None else 0.0,
        "whistled_hours_sent": whistled,
        "sunk_hours_sent": float(departments.sunk_sent.sum()) if departments is not None else 0.0,
    }


def daily_spread(model: StreetModel, metric: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every community's daily ``metric`` so far, shape (communities, days so far + 1), and per day the street's mean
    (weighted by households) and the gap (highest community minus lowest), as :func:`inequality` computes them
    (a community where the metric is undefined that day, NaN, left out; NaN where it is undefined in all).

    Any daily community outcome, not only those :data:`STREET_DAILY` records: ``cogov animate`` charts the street's
    mean and gap of the metric it is asked for."""
    values = np.array([c.datacollector.model_vars[metric] for c in model.communities], dtype=float)
    ok = np.isfinite(values)
    weights = np.where(ok, model.households[:, None].astype(float), 0.0)
    total = weights.sum(axis=0)
    defined = ok.any(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(defined, (np.where(ok, values, 0.0) * weights).sum(axis=0) / total, np.nan)
    gap = np.where(defined, np.where(ok, values, -np.inf).max(axis=0) - np.where(ok, values, np.inf).min(axis=0),
                   np.nan)
    return values, mean, gap


def inequality(values: np.ndarray, households: np.ndarray) -> dict[str, float]:
    """Street mean (household-weighted), lowest, highest, gap and standard deviation of one outcome across
    communities (communities where it is undefined, NaN, left out)."""
    ok = ~np.isnan(values)
    if not ok.any():
        return dict.fromkeys(("mean", "min", "max", "gap", "sd"), float("nan"))
    v = values[ok]
    return {"mean": float(np.average(v, weights=households[ok])), "min": float(v.min()), "max": float(v.max()),
            "gap": float(v.max() - v.min()), "sd": float(v.std())}


def street_summary(model: StreetModel) -> dict[str, Any]:
    """End-of-run street summary (see the module docstring)."""
    per_community = {name: c.summary() for name, c in zip(model.names, model.communities, strict=True)}
    compared = {name: inequality(np.array([s["metrics"][name] for s in per_community.values()], dtype=float),
                                 model.households) for name in COMPARED}
    series = model.series()
    totals = {k: float(series[k].sum()) for k in STREET_TOTALS if k in series.columns}
    sunk = model.config.street.sunk_staff
    totals["street_cost_total"] = (sum(float(c.metrics["cost_total"]) for c in model.communities)
                                   + sunk.posts * sunk.cny_per_year * model.steps / DAYS_PER_YEAR)
    departments = model.departments
    return {
        "street": {
            "communities": len(model.communities),
            "households": int(model.households.sum()),
            "shared": model.config.street.shared,
            "department_street_share": departments.street_share if departments is not None else float("nan"),
            **totals,
            "funds_allocation": model.config.street.funds.allocation,
        },
        "inequality": compared,
        "funds_by_year": [dict(zip(model.names, year, strict=True)) for year in model.funds_history],
        "communities": {name: {"metrics": s["metrics"], "community": s["community"]}
                        for name, s in per_community.items()},
    }



def funds_by_year(model: StreetModel) -> list[list[float]]:
    """Each community's funds (CNY a year) for each year of the run that began, one row per year: what the street
    allotted, or under ``own`` each community's own funds as its scenario set them (one year: they do not change)."""
    if model.funds_history:
        return [list(year) for year in model.funds_history]
    return [[float(c.initial_config.levers.funding.annual_cny) for c in model.communities]]


def community_outcomes(model: StreetModel, summary: dict[str, Any]) -> dict[str, float]:
    """Each community's outcomes of :data:`~cogov.sim.outcomes.registry.PER_COMMUNITY` and its funds for each year
    of the run, as flat run outputs named by position (``c1_satisfaction_mean``, ``c1_funds_year1``: see
    :func:`~cogov.sim.outcomes.registry.community_column`). ``summary`` is the run's :func:`street_summary`."""
    flat: dict[str, float] = {}
    for k, name in enumerate(model.names, start=1):
        metrics = summary["communities"][name]["metrics"]
        flat |= {community_column(k, outcome): float(metrics[outcome]) for outcome in PER_COMMUNITY}
    for year, amounts in enumerate(funds_by_year(model), start=1):
        flat |= {community_column(k, f"{FUNDS_YEAR}{year}"): float(cny) for k, cny in enumerate(amounts, start=1)}
    return flat
