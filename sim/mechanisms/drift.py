"""Satisfaction drift: open issues weigh on their households; memories fade back to the baseline.

An open issue older than ``behaviour.satisfaction.drag_after_days`` lowers its household's
satisfaction each day in proportion to its severity; a collective one lowers every household of the
compound a little (a broken lift, parking chaos affect all). Each day satisfaction also drifts a little
towards the level it settles at as memories of particular episodes fade: a mix of the household's own
disposition (its initial level) and the satisfaction of an episode that would exactly meet its
expectation, a + b·E. Expectations carry what experience — one's own and the neighbours' (word of mouth,
:mod:`cogov.sim.mechanisms.evaluation`) — taught, so a community's satisfaction follows its performance
over the years instead of returning to where it started.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import SatisfactionParams
from cogov.sim.fast import clip
from cogov.sim.households import Households, StackedHouseholds
from cogov.sim.issues import IssueTable

Param = float | NDArray[np.float64]
"""A parameter: one value, or one per household row of a batch."""


class SatisfactionDrift:
    """The daily pull of open issues and of fading memory on satisfaction."""

    def __init__(self, params: SatisfactionParams, households: Households, issues: IssueTable, n_compounds: int):
        self.params = params
        self.households = households
        self.issues = issues
        self.n_compounds = n_compounds

    def configure(self, params: SatisfactionParams) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.params = params

    def step(self, day: int) -> None:
        """Open issues drag satisfaction down; it recovers towards the baseline; kept within [0, 1]."""
        self.drag(day)
        sat = self.params
        recover(self.households, sat.intercept, sat.performance, sat.disposition_weight, sat.recovery_rate)

    def drag(self, day: int) -> None:
        """Open issues older than ``drag_after_days`` lower their households' satisfaction (collective ones, a little,
        the whole compound's)."""
        table = self.issues
        households = self.households
        sat = self.params
        rows = table.open_rows[day - table.created[table.open_rows] > sat.drag_after_days]
        if len(rows):
            weight = np.bincount(table.household[rows], weights=table.severity[rows], minlength=households.size)
            collective = rows[table.collective[rows]]
            shared = np.bincount(table.compound[collective], weights=table.severity[collective], minlength=self.n_compounds)
            households.satisfaction -= sat.open_issue_drag * (weight + sat.collective_drag_share * shared[households.compound])


def recover(households: Households | StackedHouseholds, intercept: Param, performance: Param,
            disposition_weight: Param, recovery_rate: Param) -> None:
    """Satisfaction moves ``recovery_rate`` of the way to where it settles as memories fade (a mix, by
    ``disposition_weight``, of the household's baseline and the satisfaction that meets its expectation), kept
    within [0, 1]. Parameters are scalars, or one value per row of a batch's stacked table (elementwise, so a
    community's rows come out the same either way)."""
    expected = clip(intercept + performance * households.expectation, 0.0, 1.0)
    reference = disposition_weight * households.baseline_satisfaction + (1.0 - disposition_weight) * expected
    households.satisfaction += recovery_rate * (reference - households.satisfaction)
    clip(households.satisfaction, 0.0, 1.0, out=households.satisfaction)
