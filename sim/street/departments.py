"""District departments serving the street's communities: how many hours they give, and where they go.

Each department answers for some categories of matters once they reach the street level (the ladder or an overdue
12345 call, :mod:`cogov.sim.mechanisms.escalation`). Of its hours it gives the street's matters a share set by the
street's weight in its appraisal (:meth:`~cogov.sim.street.config.Appraisal.street_share`; Yuexiu 3 % → 25 %, seed
001; multitask agency, Holmström & Milgrom 1991). Where those hours go is what the whistle changes:

- **routine** (no whistle, 条块分割): each community's outpost share of the department, in proportion to its
  households, works that community's waiting matters of the department's categories; hours a community does not
  need today go back to line work, however long the queue next door;
- **the whistle** (吹哨报到, 哨源 = 12345; seeds 004/1, 004/4, 004/8): the street calls the departments to the
  matters that came through 12345, wherever they wait; the department's street hours go to whistled work first,
  pooled across the street, then the rest to routine shares.

Posts sunk to the street office (下沉编制, seed 001) are the street's own hours; it sends them where street-level work
is still waiting after the departments, in proportion to it.

Hours are set at the start of each day from the queues as they stand (a day's lag: the report follows the call).
A community's street-level queue is served first come, first served with the sum of the hours sent to it (the
community model has one street-level queue; departments are not separate queues within it).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import CATEGORIES
from cogov.sim.street.config import Street


def proportional_fill(hours: NDArray[np.float64], demand: NDArray[np.float64]) -> NDArray[np.float64]:
    """Share ``hours`` (one per column) over the rows of ``demand`` in proportion to it, never beyond it.

    ``demand`` is (communities × departments); the result has its shape. Where a column's demand is below its hours,
    every row gets its demand in full.
    """
    total = demand.sum(axis=0)
    scale = np.divide(hours, total, out=np.zeros_like(total, dtype=float), where=total > 0)
    return demand * np.minimum(1.0, scale)


class Departments:
    """The departments of one street: their street hours, and their daily split over the communities.

    Args:
        street: the ``[street]`` table.
        households: households of each community (the routine shares).
    """

    def __init__(self, street: Street, households: NDArray[np.int64]):
        self.names: tuple[str, ...] = tuple(d.name for d in street.departments)
        self.street_share = street.appraisal.street_share()
        self.street_hours = np.array([d.hours_per_day for d in street.departments]) * self.street_share
        """Hours a day each department gives the street's matters."""
        self.department_of_category = np.empty(len(CATEGORIES), dtype=np.int64)
        for d, department in enumerate(street.departments):
            for category in department.categories:
                self.department_of_category[CATEGORIES.index(category)] = d
        households = np.asarray(households, dtype=float)
        self.routine_share = households / households.sum()
        """Each community's outpost share of every department's street hours."""
        self.whistle = street.whistle.enabled
        self.sunk_hours = street.sunk_staff.hours_on_matters()
        self.sent = np.zeros((len(households), len(self.names)))
        """Hours each department sent to each community today (communities × departments)."""
        self.called = np.zeros((len(households), len(self.names)))
        """The part of :attr:`sent` that went to whistled matters."""
        self.sunk_sent = np.zeros(len(households))
        """Sunk street-office hours sent to each community today."""

    def allocate(self, demand: NDArray[np.float64], whistled: NDArray[np.float64]) -> NDArray[np.float64]:
        """Today's street-level hours of each community.

        Args:
            demand: waiting street-level work (hours) of each community in each department's categories.
            whistled: the part of ``demand`` that came through 12345 (the whistle's source).
        """
        if self.whistle:
            called = proportional_fill(self.street_hours, whistled)
            left = self.street_hours - called.sum(axis=0)
        else:
            called = np.zeros_like(demand)
            left = self.street_hours
        still = demand - called
        routine = np.minimum(self.routine_share[:, None] * left[None, :], still)
        self.called = called
        self.sent = called + routine
        waiting = (still - routine).sum(axis=1)
        self.sunk_sent = proportional_fill(np.array([self.sunk_hours]), waiting[:, None])[:, 0]
        return self.sent.sum(axis=1) + self.sunk_sent
