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
from cogov.sim.households import StackedHouseholds, alone, joined, spread
from cogov.sim.issues import IssueTable, StackedIssues, State
from cogov.sim.mechanisms.evaluation import Evaluation, evaluate_batch


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


def abandon_batch(mechanisms: Sequence[Abandonment], households: StackedHouseholds, issues: StackedIssues,
                  day: int) -> None:
    """:meth:`Abandonment.step` of every community of a batch in one pass over its stacked issues (each community
    draws from its own stream, as many numbers as it has issues waiting)."""
    rows, position = issues.open_rows()
    states = issues.state[rows]
    waiting = (states == State.QUEUED) | (states == State.AGREEMENT)
    rows, position = rows[waiting], position[waiting]
    if len(rows) == 0:
        return
    counts = np.bincount(position, minlength=len(mechanisms))
    draws = joined([m.rng.random(n) for m, n in zip(mechanisms, counts.tolist(), strict=True) if n])
    gone = draws < spread([1.0 / m.params.patience_days for m in mechanisms], position)
    rows, position = rows[gone], position[gone]
    if len(rows) == 0:
        return
    issues.state[rows] = State.UNRESOLVED
    issues.closed[rows] = day
    issues.abandoned[rows] = True
    for mechanism, n in zip(mechanisms, np.bincount(position, minlength=len(mechanisms)).tolist(), strict=True):
        mechanism.counters["abandoned"] += n
    evaluate_batch([m.evaluation for m in mechanisms], households, issues, rows, position,
                   np.zeros(len(rows), dtype=bool), day, abandoned=True)
