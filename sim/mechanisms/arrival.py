"""Arrival: new issues (grievances and needs) arise at each household's rate (seed 000's list of matters).

The total number a day is Poisson; each new issue is placed on a household in proportion to its
rate (higher in old and no-property compounds), given a category, a severity (Beta) and the work it
will take (lognormal around the category's median, longer for graver issues). Property, parking and
environment issues are collective with probability ``issues.collective_share``: they then need the
owners' and the company's agreement before anyone can work on them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from cogov.sim.behaviour import beta_shape
from cogov.sim.config import Issues as IssueParams
from cogov.sim.households import Households, StackedHouseholds, alone
from cogov.sim.issues import DISPUTE, IS_PROPERTY_CATEGORY, Issues, IssueTable
from cogov.sim.stacking import joined, lookup, per_row, small_table

DAYS_PER_YEAR = 365.0


class Arrival:
    """Issues arise each day; owns each household's arrival rate and the category mix."""

    def __init__(self, params: IssueParams, households: Households, issues: IssueTable, counters: Counter[str],
                 rng: np.random.Generator):
        self.households = households
        self.issues = issues
        self.counters = counters
        self.rng = rng
        self.configure(params)

    def configure(self, params: IssueParams) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.params = params
        households = self.households
        rate = params.rate_per_household_year / DAYS_PER_YEAR * np.asarray(params.rate_by_compound_type.as_tuple())[households.compound_type]
        self.cumulative_rate = np.cumsum(rate)
        self.total_rate = float(self.cumulative_rate[-1])
        weights = np.asarray(params.category_weights.as_tuple())
        self.category_probabilities = weights / weights.sum()
        self.category_cdf = self.category_probabilities.cumsum()
        self.category_cdf /= self.category_cdf[-1]
        """What ``rng.choice(categories, p=category_probabilities)`` searches its uniform draws in (numpy's
        ``Generator.choice`` with ``p``: the cumulative sum over its last value); drawn here as that choice draws."""
        self.severity_shape = beta_shape(params.severity_mean, params.severity_concentration)
        """The Beta shape of the severity (``beta_with_mean``'s, made once)."""
        self.effort_median = small_table(params.effort_hours.as_tuple())

    def step(self, day: int) -> None:
        """New issues arise today (Poisson in total, placed by rate): :func:`arrive_batch`, this community alone."""
        arrive_batch([self], alone(self.households), self.issues.alone, day)

    def draw(self) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Today's random numbers, in the order they are drawn: how many issues arise, then for each its household,
        category, severity, whether it is collective and the spread of its work. Returns the count, the households
        (rows of this community's table), the categories, the uniforms deciding collectiveness, the severities and
        the work's lognormal factors; the arrays are empty when none arises."""
        rng = self.rng
        count = int(rng.poisson(self.total_rate))
        if count == 0:
            return 0, *(_NONE,) * 5
        # where, which category, whether collective: three draws of ``count`` uniforms in a row, made as one (the
        # same numbers); the category as rng.choice(p=category_probabilities) picks it from its uniforms
        uniform = rng.random((3, count))
        household = self.cumulative_rate.searchsorted(uniform[0] * self.total_rate, side="right")
        household = np.minimum(household, self.households.size - 1)
        category = self.category_cdf.searchsorted(uniform[1], side="right")
        severity = rng.beta(*self.severity_shape, size=count)
        spread = rng.lognormal(0.0, self.params.effort_sigma, count)
        return count, household, category, uniform[2], severity, spread


_NONE = np.empty(0)


def arrive_batch(arrivals: Sequence[Arrival], households: StackedHouseholds, issues: Issues, day: int) -> None:
    """:meth:`Arrival.step` of every community of a batch: each community draws today's issues from its own stream
    (:meth:`Arrival.draw`, the numbers and order of its own step), then every new issue is classified, added (one
    pass over the stacked issues) and given its work."""
    drawn = [arrival.draw() for arrival in arrivals]
    counts = [d[0] for d in drawn]
    if not any(counts):
        return
    n = len(arrivals)
    position = None if n == 1 else np.repeat(np.arange(n), counts)
    household = joined([d[1] for d in drawn if d[0]])
    category = joined([d[2] for d in drawn if d[0]])
    params = per_row([a.params for a in arrivals], position)
    collective = IS_PROPERTY_CATEGORY[category] & (joined([d[3] for d in drawn if d[0]]) < params.collective_share)
    severity = joined([d[4] for d in drawn if d[0]])
    hh = household if position is None else household + households.offsets[position]
    new = issues.add_batch(day, counts, household, households.compound[hh], households.grid[hh], category, severity,
                           collective, households.community[hh])
    effort = (lookup([a.effort_median for a in arrivals], position, category)
              * (params.effort_severity_base + severity) * joined([d[5] for d in drawn if d[0]]))
    issues.effort[new.rows] = effort
    issues.work_left[new.rows] = effort
    disputes = category == DISPUTE
    disputed = [int(np.count_nonzero(disputes))] if position is None else np.bincount(
        position[disputes], minlength=n).tolist()
    for arrival, count, dispute in zip(arrivals, counts, disputed, strict=True):
        if count:  # a community where nothing arose counts nothing (as alone)
            arrival.counters["arisen"] += count
            arrival.counters["disputes_arisen"] += dispute
