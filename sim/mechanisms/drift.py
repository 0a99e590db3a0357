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

from cogov.sim.config import SatisfactionParams
from cogov.sim.households import Households
from cogov.sim.issues import IssueTable


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
        table = self.issues
        households = self.households
        sat = self.params
        rows = table.open_rows[day - table.created[table.open_rows] > sat.drag_after_days]
        if len(rows):
            weight = np.bincount(table.household[rows], weights=table.severity[rows], minlength=households.size)
            collective = rows[table.collective[rows]]
            shared = np.bincount(table.compound[collective], weights=table.severity[collective], minlength=self.n_compounds)
            households.satisfaction -= sat.open_issue_drag * (weight + sat.collective_drag_share * shared[households.compound])
        expected = np.clip(sat.intercept + sat.performance * households.expectation, 0.0, 1.0)
        reference = sat.disposition_weight * households.baseline_satisfaction + (1.0 - sat.disposition_weight) * expected
        households.satisfaction += sat.recovery_rate * (reference - households.satisfaction)
        np.clip(households.satisfaction, 0.0, 1.0, out=households.satisfaction)
