"""Service: handlers work through their queues; finished issues are closed and evaluated.

Each handler spends today's hours on its queue in first-come-first-served order
(:func:`cogov.sim.handlers.serve_queues`). Finished work fixes the issue with the handler's quality
(lower for property matters in compounds without a property company: no maintenance staff or fund,
seeds 004/3, 004/8); the resident then evaluates the episode.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ServiceParams
from cogov.sim.handlers import Handlers, serve_queues
from cogov.sim.issues import IS_PROPERTY_CATEGORY, IssueTable, State
from cogov.sim.mechanisms.evaluation import Evaluation


class Service:
    """Queues are served with finite hours; finished issues are fixed or not."""

    def __init__(self, params: ServiceParams, issues: IssueTable, handlers: Handlers,
                 company_handler_by_compound: NDArray[np.int64], rng: np.random.Generator, evaluation: Evaluation):
        self.params = params
        self.issues = issues
        self.handlers = handlers
        self.company_handler_by_compound = company_handler_by_compound
        self.rng = rng
        self.evaluation = evaluation

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
        unserviced = IS_PROPERTY_CATEGORY[table.category[finished]] & (
            self.company_handler_by_compound[table.compound[finished]] < 0)
        quality = np.where(unserviced, quality * self.params.no_property_quality_factor, quality)
        fixed = self.rng.random(len(finished)) < quality
        table.state[finished] = np.where(fixed, State.RESOLVED, State.UNRESOLVED)
        table.closed[finished] = day
        self.evaluation.evaluate(finished, fixed, day)
