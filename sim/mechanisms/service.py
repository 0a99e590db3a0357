"""Service: handlers work through their queues; finished issues are closed and evaluated.

Each handler spends today's hours on its queue in first-come-first-served order
(:func:`cogov.sim.handlers.serve_queues`). Finished work fixes the issue with the handler's quality (in a compound
nobody keeps, a fixed property matter may come back later: :mod:`cogov.sim.mechanisms.upkeep`). A fixed issue is
closed and judged. A failed fix is judged as a failed episode and,
with probability ``service.rework_probability`` and at most ``service.max_reworks`` times, the resident
rejects the closure (群众评单, seed 000; 12345's return visits, 不满意重办, seed 001) and the issue is
redone one level up, where the fix is likelier; otherwise it is closed unresolved.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ServiceParams
from cogov.sim.handlers import Handlers, serve_queues
from cogov.sim.issues import IssueTable, Level, State
from cogov.sim.mechanisms.dispatch import Dispatcher
from cogov.sim.mechanisms.evaluation import Evaluation


class Service:
    """Queues are served with finite hours; finished issues are fixed or not."""

    def __init__(self, params: ServiceParams, issues: IssueTable, handlers: Handlers, rng: np.random.Generator,
                 evaluation: Evaluation, dispatcher: Dispatcher, counters: Counter[str]):
        self.params = params
        self.issues = issues
        self.handlers = handlers
        self.rng = rng
        self.evaluation = evaluation
        self.dispatcher = dispatcher
        self.counters = counters

    def configure(self, params: ServiceParams) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.params = params

    def step(self, day: int) -> None:
        """Spend today's hours; close and evaluate the finished issues."""
        table = self.issues
        handlers = self.handlers
        rows = table.open_in(State.QUEUED)
        finished, left, used = serve_queues(table.handler[rows], table.queued[rows], rows, table.work_left[rows],
                                            handlers.capacity)
        table.work_left[rows] = left
        handlers.hours_used += used
        if len(finished) == 0:
            return
        quality = handlers.quality[table.handler[finished]]
        draws = self.rng.random((2, len(finished)))  # fix, rework: drawn for every finished issue
        fixed = draws[0] < quality
        redo = ~fixed & (draws[1] < self.params.rework_probability) & (table.reworks[finished] < self.params.max_reworks)
        self._redo(finished[redo], day)
        closing = finished[~redo]
        table.state[closing] = np.where(fixed[~redo], State.RESOLVED, State.UNRESOLVED)
        table.closed[closing] = day
        self.evaluation.evaluate(closing, fixed[~redo], day)

    def _redo(self, rows: NDArray[np.int64], day: int) -> None:
        """Rejected failed fixes: judged as failed episodes, then queued one level up (redone)."""
        if len(rows) == 0:
            return
        table = self.issues
        self.evaluation.experience(rows, self.evaluation.judge(rows, np.zeros(len(rows), dtype=bool), day))
        table.reworks[rows] += 1
        table.work_left[rows] = table.effort[rows]
        newly = table.escalations[rows] == 0
        self.counters["escalated"] += int(newly.sum())
        self.counters["reworked"] += len(rows)
        table.escalations[rows] += 1
        level = table.level[rows].astype(np.int64)
        self.dispatcher.dispatch(rows, day, np.minimum(level + 1, Level.STREET))
