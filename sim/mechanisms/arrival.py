"""Arrival: new issues (grievances and needs) arise at each household's rate (seed 000's list of matters).

The total number a day is Poisson; each new issue is placed on a household in proportion to its
rate (higher in old and no-property compounds), given a category, a severity (Beta) and the work it
will take (lognormal around the category's median, longer for graver issues). Property, parking and
environment issues are collective with probability ``issues.collective_share``: they then need the
owners' and the company's agreement before anyone can work on them.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from cogov.sim.behaviour import beta_with_mean
from cogov.sim.config import CATEGORIES, Issues
from cogov.sim.households import Households
from cogov.sim.issues import DISPUTE, IS_PROPERTY_CATEGORY, IssueTable

DAYS_PER_YEAR = 365.0


class Arrival:
    """Issues arise each day; owns each household's arrival rate and the category mix."""

    def __init__(self, params: Issues, households: Households, issues: IssueTable, counters: Counter[str],
                 rng: np.random.Generator):
        self.households = households
        self.issues = issues
        self.counters = counters
        self.rng = rng
        self.configure(params)

    def configure(self, params: Issues) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.params = params
        households = self.households
        rate = params.rate_per_household_year / DAYS_PER_YEAR * np.asarray(params.rate_by_compound_type.as_tuple())[households.compound_type]
        self.cumulative_rate = np.cumsum(rate)
        self.total_rate = float(self.cumulative_rate[-1])
        weights = np.asarray(params.category_weights.as_tuple())
        self.category_probabilities = weights / weights.sum()
        self.effort_median = np.asarray(params.effort_hours.as_tuple())

    def step(self, day: int) -> None:
        """New issues arise today (Poisson in total, placed by rate)."""
        rng, params, households = self.rng, self.params, self.households
        count = rng.poisson(self.total_rate)
        if count == 0:
            return
        household = np.searchsorted(self.cumulative_rate, rng.random(count) * self.total_rate, side="right")
        household = np.minimum(household, households.size - 1)
        category = rng.choice(len(CATEGORIES), size=count, p=self.category_probabilities)
        collective = IS_PROPERTY_CATEGORY[category] & (rng.random(count) < params.collective_share)
        severity = beta_with_mean(rng, params.severity_mean, params.severity_concentration, count)
        rows = self.issues.add(day, household, households.compound[household], households.grid[household], category,
                               severity, collective, households.community[household])
        effort = self.effort_median[category] * (params.effort_severity_base + severity) * rng.lognormal(0.0, params.effort_sigma, count)
        self.issues.effort[rows] = effort
        self.issues.work_left[rows] = effort
        self.counters["arisen"] += count
        self.counters["disputes_arisen"] += int(np.count_nonzero(category == DISPUTE))
