"""How the street shares its community funds among its communities (seed 003; seed 004/1).

Zongyang (seed 003): running funds set by household thresholds, and only 12 of 24 communities received the county
subsidy; Beijing (seed 004/1) appraises communities by residents' satisfaction (以居民满意度为主要衡量标准). The rules:

- ``own``: each community keeps its scenario's ``levers.funding.annual_cny`` (no street funds);
- ``equal``: the same to each;
- ``households``: in proportion to households;
- ``need``: in proportion to households weighted by the expected elderly and unkept households (what the street
  knows from its statistics: the scenario's age mix, compound mix and property-management coverage);
- ``listed``: in proportion to each community's ``funds_share`` (uneven, as in the documents);
- ``tiers``: a fixed sum by the community's households (seed 003: at least 20k a year below 2,500 households, 30k
  from 2,500), times its ``funds_share`` (0: it gets nothing, as half of Zongyang's communities);
- ``performance``: ``1 − award_share`` equally, and ``award_share`` as yearly awards (以奖代补) shared equally by the
  best-appraised ``award_fraction`` of communities, appraised by their residents' mean satisfaction at the year's
  end; the first year's awards are shared equally (nobody has been appraised yet).

Each community spends its funds by its own scenario's split (``levers.funding.split``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import COMPOUND_TYPES, ScenarioConfig
from cogov.sim.street.config import StreetFunds

ELDERLY = "elderly"


def expected_need(config: ScenarioConfig, funds: StreetFunds) -> float:
    """A community's need as the street's statistics show it: households × (1 + elderly weight × elderly share +
    unkept weight × share of households in compounds no property company keeps)."""
    community = config.community
    mix = np.asarray(community.compound_mix.as_tuple())
    kept = np.asarray(community.property_management.as_tuple())
    assert len(mix) == len(COMPOUND_TYPES)
    unkept = float((mix * (1.0 - kept)).sum())
    elderly = float(getattr(config.population.age_mix, ELDERLY))
    return community.households * (1.0 + funds.need_weight_elderly * elderly + funds.need_weight_unkept * unkept)


def initial_allocation(funds: StreetFunds, configs: Sequence[ScenarioConfig],
                       listed_shares: Sequence[float]) -> NDArray[np.float64] | None:
    """Each community's funds for the first year under the street's rule; None under ``own``."""
    rule = funds.allocation
    if rule == "own":
        return None
    n = len(configs)
    if rule in ("equal", "performance"):
        weights = np.ones(n)
    elif rule == "households":
        weights = np.array([c.community.households for c in configs], dtype=float)
    elif rule == "need":
        weights = np.array([expected_need(c, funds) for c in configs])
    elif rule == "listed":
        weights = np.asarray(listed_shares, dtype=float)
    elif rule == "tiers":  # fixed sums, not shares of annual_cny
        return np.array([funds.tier_amount(c.community.households) * share
                         for c, share in zip(configs, listed_shares, strict=True)])
    else:  # pragma: no cover - the config's Literal lists every rule
        raise ValueError(f"unknown allocation rule {rule!r}")
    total = weights.sum()
    if total <= 0:  # every listed share 0: nobody gets anything
        return np.zeros(n)
    return funds.annual_cny * weights / total


def performance_allocation(funds: StreetFunds, appraisal: NDArray[np.float64]) -> NDArray[np.float64]:
    """Next year's funds under ``performance``: the base equally, awards to the best-appraised communities.

    Ties at the award line share the awards of the places they tie for (no community's rank depends on its position
    in the file).
    """
    n = len(appraisal)
    base = funds.annual_cny * (1.0 - funds.award_share) / n
    winners = max(1, math.floor(funds.award_fraction * n + 1e-9))
    order = np.sort(appraisal)[::-1]
    line = order[winners - 1]
    above = appraisal > line
    at = appraisal == line
    places_at_line = winners - int(above.sum())
    award = funds.annual_cny * funds.award_share / winners
    return base + award * (above + at * places_at_line / int(at.sum()))
