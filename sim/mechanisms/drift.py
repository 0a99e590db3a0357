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

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import SatisfactionParams
from cogov.sim.fast import clip
from cogov.sim.households import Households, StackedHouseholds, alone
from cogov.sim.issues import Issues, IssueTable
from cogov.sim.stacking import per_row

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
        """Open issues drag satisfaction down; it recovers towards the baseline; kept within [0, 1]
        (:func:`drift_batch` of this community alone)."""
        drift_batch([self], alone(self.households), self.issues.alone, day)

    def drag(self, day: int) -> None:
        """Open issues older than ``drag_after_days`` lower their households' satisfaction (collective ones, a little,
        the whole compound's)."""
        drag_batch([self], alone(self.households), self.issues.alone, day)


def drift_batch(drifts: Sequence[SatisfactionDrift], households: StackedHouseholds, issues: Issues, day: int) -> None:
    """:meth:`SatisfactionDrift.step` of every community of a batch in one pass over its stacked tables."""
    drag_batch(drifts, households, issues, day)
    sat = per_row([d.params for d in drifts], households.position)
    recover(households, sat.intercept, sat.performance, sat.disposition_weight, sat.recovery_rate)


def drag_batch(drifts: Sequence[SatisfactionDrift], households: StackedHouseholds, issues: Issues, day: int) -> None:
    """:meth:`SatisfactionDrift.drag` of every community of a batch: one weight per household from its open issues
    (numbered across the batch, so that each household's weight sums its own issues in its community's order, as
    alone). A community without such issues loses exactly nothing (satisfaction minus 0)."""
    rows = issues.open()
    index = rows.rows
    sat = per_row([d.params for d in drifts], rows.position)
    old = rows[day - issues.created[index] > sat.drag_after_days]
    if len(old) == 0:
        return
    index = old.rows
    household = issues.household[index] + old.shifted(households.offsets)
    weight = np.bincount(household, weights=issues.severity[index], minlength=len(households.position))
    collective = old[issues.collective[index]]
    first = households.offsets_of("compound", lambda: [d.n_compounds for d in drifts])
    shared = np.bincount(issues.compound[collective.rows] + collective.shifted(first),
                         weights=issues.severity[collective.rows], minlength=int(first[-1]))
    compound, _ = households.across("compound", lambda: [d.n_compounds for d in drifts])
    drag = per_row([d.params for d in drifts], households.position)
    households.satisfaction -= drag.open_issue_drag * (weight + drag.collective_drag_share * shared[compound])


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
