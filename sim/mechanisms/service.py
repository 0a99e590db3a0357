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

from cogov.sim.config import ServiceParams
from cogov.sim.handlers import Handlers, serve_queues
from cogov.sim.households import StackedHouseholds, alone
from cogov.sim.issues import Issues, IssueTable, Level, State
from cogov.sim.mechanisms.dispatch import Dispatcher, dispatch_batch
from cogov.sim.mechanisms.evaluation import Evaluation, evaluate_batch, experience_batch, judge_batch
from cogov.sim.stacking import Rows, joined, offsets, per_row


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


def serve_batch(services: Sequence[Service], households: StackedHouseholds, issues: Issues, day: int) -> None:
    """:meth:`Service.step` of every community of a batch in one pass over its stacked issues: every handler's queue
    served (handlers numbered across the batch), each community's fixes drawn from its own stream, the rejected
    failed fixes redone (each community's dispatcher routes its own), the others closed and judged."""
    rows = issues.open()
    rows = rows[issues.state[rows.rows] == State.QUEUED]
    index = rows.rows
    if rows.position is None:  # a community on its own: its handlers' own numbers
        first, handler = None, issues.handler[index]
    else:  # handlers numbered across the batch
        first = offsets([len(s.handlers) for s in services])
        handler = issues.handler[index] + first[rows.position]
    capacity = joined([s.handlers.capacity for s in services])
    done, left, used = serve_queues(handler, issues.queued[index], index, issues.work_left[index], capacity,
                                    rows.position, finished_mask=True)
    issues.work_left[index] = left
    if first is None:
        services[0].handlers.hours_used += used
    else:
        bounds = first.tolist()
        for k, service in enumerate(services):
            service.handlers.hours_used += used[bounds[k]:bounds[k + 1]]
    finished = rows[done]
    if len(finished) == 0:
        return
    quality = joined([s.handlers.quality for s in services])[handler[done]]
    counts = finished.counts(len(services))
    draws = joined([s.rng.random((2, n)) for s, n in zip(services, counts, strict=True) if n],
                   axis=1)  # fix, rework: drawn for every finished issue
    fixed = draws[0] < quality
    params = per_row([s.params for s in services], finished.position)
    redo = (~fixed & (draws[1] < params.rework_probability)
            & (issues.reworks[finished.rows] < params.max_reworks))
    _redo(services, households, issues, finished[redo], day)
    closing, fixed_closing = finished[~redo], fixed[~redo]
    issues.state[closing.rows] = np.where(fixed_closing, State.RESOLVED, State.UNRESOLVED)
    issues.closed[closing.rows] = day
    served = [k for k, n in enumerate(counts) if n]  # closing some, or only redoing
    evaluate_batch([s.evaluation for s in services], households, issues, closing, fixed_closing, day, among=served)


def _redo(services: Sequence[Service], households: StackedHouseholds, issues: Issues, rows: Rows,
          day: int) -> None:
    """Rejected failed fixes: judged as failed episodes, then queued one level up (redone)."""
    if len(rows) == 0:
        return
    evaluations = [s.evaluation for s in services]
    experience_batch(evaluations, households, issues, rows,
                     judge_batch(evaluations, issues, rows, np.zeros(len(rows), dtype=bool), day))
    index = rows.rows
    issues.reworks[index] += 1
    issues.work_left[index] = issues.effort[index]
    newly = issues.escalations[index] == 0
    issues.escalations[index] += 1
    level = np.minimum(issues.level[index].astype(np.int64) + 1, Level.STREET)
    n = len(services)
    where = np.zeros(len(index), dtype=np.intp) if rows.position is None else rows.position
    escalated = np.bincount(where[newly], minlength=n).tolist()
    reworked = np.bincount(where, minlength=n).tolist()
    for k in np.flatnonzero(reworked).tolist():  # the communities redoing some
        counters = services[k].counters
        counters["escalated"] += escalated[k]
        counters["reworked"] += reworked[k]
    dispatch_batch([s.dispatcher for s in services], issues, rows, day, level)
