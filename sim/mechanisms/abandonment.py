"""Abandonment: residents give up on found issues still waiting (queues with abandonment, Erlang A;
Brown et al. 2005).

Each day a waiting issue (queued or awaiting agreement) is abandoned with probability
1 / ``behaviour.grievance.patience_days`` (constant hazard): it is closed unresolved and the resident
judges the episode as delivering nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from cogov.sim.config import GrievanceParams
from cogov.sim.households import StackedHouseholds, alone
from cogov.sim.issues import Issues, IssueTable, State
from cogov.sim.mechanisms.evaluation import Evaluation, evaluate_batch
from cogov.sim.stacking import joined, spread


class Abandonment:
    """Residents give up waiting at a constant hazard."""

    def __init__(self, params: GrievanceParams, issues: IssueTable, counters: Counter[str], rng: np.random.Generator,
                 evaluation: Evaluation):
        self.params = params
        self.issues = issues
        self.counters = counters
        self.rng = rng
        self.evaluation = evaluation

    def configure(self, params: GrievanceParams) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.params = params

    def step(self, day: int) -> None:
        """Waiting issues are abandoned at hazard 1 / patience; the residents evaluate them."""
        abandon_batch([self], alone(self.evaluation.households), self.issues.alone, day)


def abandon_batch(mechanisms: Sequence[Abandonment], households: StackedHouseholds, issues: Issues,
                  day: int) -> None:
    """:meth:`Abandonment.step` of every community of a batch in one pass over its stacked issues (each community
    draws from its own stream, as many numbers as it has issues waiting)."""
    rows = issues.open()
    states = issues.state[rows.rows]
    rows = rows[(states == State.QUEUED) | (states == State.AGREEMENT)]
    if len(rows) == 0:
        return
    draws = joined([m.rng.random(n) for m, n in zip(mechanisms, rows.counts(len(mechanisms)), strict=True) if n])
    rows = rows[draws < spread([1.0 / m.params.patience_days for m in mechanisms], rows.position)]  # hazard
    if len(rows) == 0:
        return
    index = rows.rows
    issues.state[index] = State.UNRESOLVED
    issues.closed[index] = day
    issues.abandoned[index] = True
    for mechanism, n in zip(mechanisms, rows.counts(len(mechanisms)), strict=True):
        if n:  # a community that lost none counts nothing (as alone)
            mechanism.counters["abandoned"] += n
    evaluate_batch([m.evaluation for m in mechanisms], households, issues, rows, np.zeros(len(rows), dtype=bool), day,
                   abandoned=True)
