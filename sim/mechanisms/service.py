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
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ServiceParams
from cogov.sim.handlers import Handlers, serve_queues
from cogov.sim.households import StackedHouseholds, alone, joined, spread
from cogov.sim.issues import IssueTable, Level, StackedIssues, State
from cogov.sim.mechanisms.dispatch import Dispatcher
from cogov.sim.mechanisms.evaluation import Evaluation, evaluate_batch, experience_batch, judge_batch


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
        """Spend today's hours; close and evaluate the finished issues (:func:`serve_batch`, this community alone)."""
        serve_batch([self], alone(self.evaluation.households), self.issues.alone, day)


def serve_batch(services: Sequence[Service], households: StackedHouseholds, issues: StackedIssues, day: int) -> None:
    """:meth:`Service.step` of every community of a batch in one pass over its stacked issues: every handler's queue
    served (handlers numbered across the batch), each community's fixes drawn from its own stream, the rejected
    failed fixes redone (each community's dispatcher routes its own), the others closed and judged."""
    rows, position = issues.open_rows()
    queued = issues.state[rows] == State.QUEUED
    rows, position = rows[queued], position[queued]
    alone_ = len(services) == 1
    counts = [len(s.handlers) for s in services]
    first = np.concatenate(([0], np.cumsum(counts)))
    capacity = joined([s.handlers.capacity for s in services])
    handler = issues.handler[rows] + (0 if alone_ else first[position])
    finished, left, used = serve_queues(handler, issues.queued[rows], rows, issues.work_left[rows], capacity,
                                        None if alone_ else position)
    issues.work_left[rows] = left
    for k, service in enumerate(services):
        service.handlers.hours_used += used[first[k]:first[k + 1]]
    if len(finished) == 0:
        return
    at = position[np.isin(rows, finished, assume_unique=True)] if not alone_ else position[: len(finished)]
    quality = joined([s.handlers.quality for s in services])[issues.handler[finished] + (0 if alone_ else first[at])]
    n_finished = np.bincount(at, minlength=len(services)).tolist()
    draws = np.concatenate([s.rng.random((2, n)) for s, n in zip(services, n_finished, strict=True) if n], axis=1)
    fixed = draws[0] < quality  # fix, rework: drawn for every finished issue
    params = [s.params for s in services]
    redo = (~fixed & (draws[1] < spread([p.rework_probability for p in params], at))
            & (issues.reworks[finished] < spread([p.max_reworks for p in params], at)))
    _redo(services, households, issues, finished[redo], at[redo], day)
    closing, fixed_closing = finished[~redo], fixed[~redo]
    issues.state[closing] = np.where(fixed_closing, State.RESOLVED, State.UNRESOLVED)
    issues.closed[closing] = day
    evaluate_batch([s.evaluation for s in services], households, issues, closing, at[~redo], fixed_closing, day)


def _redo(services: Sequence[Service], households: StackedHouseholds, issues: StackedIssues, rows: NDArray[np.int64],
          position: NDArray[np.int64], day: int) -> None:
    """Rejected failed fixes: judged as failed episodes, then queued one level up (redone)."""
    if len(rows) == 0:
        return
    evaluations = [s.evaluation for s in services]
    failed = np.zeros(len(rows), dtype=bool)
    experience_batch(evaluations, households, issues, rows, position,
                     judge_batch(evaluations, issues, rows, position, failed, day))
    issues.reworks[rows] += 1
    issues.work_left[rows] = issues.effort[rows]
    newly = issues.escalations[rows] == 0
    issues.escalations[rows] += 1
    level = np.minimum(issues.level[rows].astype(np.int64) + 1, Level.STREET)
    segment = issues.capacity if len(services) > 1 else 0
    bounds = np.searchsorted(position, np.arange(len(services) + 1))
    for k, service in enumerate(services):
        a, b = bounds[k], bounds[k + 1]
        if a == b:
            continue
        service.counters["escalated"] += int(newly[a:b].sum())
        service.counters["reworked"] += int(b - a)
        service.dispatcher.dispatch(rows[a:b] - k * segment, day, level[a:b])
