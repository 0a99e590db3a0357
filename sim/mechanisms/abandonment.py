"""Abandonment: residents give up on found issues still waiting (queues with abandonment, Erlang A;
Brown et al. 2005).

Each day a waiting issue (queued or awaiting agreement) is abandoned with probability
1 / ``behaviour.grievance.patience_days`` (constant hazard): it is closed unresolved and the resident
judges the episode as delivering nothing.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from cogov.sim.config import GrievanceParams
from cogov.sim.issues import IssueTable, State
from cogov.sim.mechanisms.evaluation import Evaluation


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
        table = self.issues
        rows = table.waiting()
        if len(rows) == 0:
            return
        hazard = 1.0 / self.params.patience_days
        gone = rows[self.rng.random(len(rows)) < hazard]
        if len(gone) == 0:
            return
        table.state[gone] = State.UNRESOLVED
        table.closed[gone] = day
        table.abandoned[gone] = True
        self.counters["abandoned"] += len(gone)
        self.evaluation.evaluate(gone, np.zeros(len(gone), dtype=bool), day, abandoned=True)
