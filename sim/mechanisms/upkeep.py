"""Upkeep: in a compound nobody keeps, a fixed property matter comes back (三无小区 '无人管', 脏乱差; seeds 004/3,
004/8).

A compound is *kept* when somebody serves it day to day: its property company, its residents' self-management
committee (自管会, 准物业), the party-led fallback company (托底) or its former work unit
(``property_service_by_compound`` ≥ 0). In a compound nobody keeps, a property matter (maintenance, environment,
parking) is still fixed — by grid workers, or repaired on the community's repairs fund — but nobody is on site to keep
it fixed: the rubbish is cleared once, the pipe patched once. So a fixed property matter there recurs with
``service.unkept_recurrence``: the same matter arises again for the same household, with the same severity and work,
after a delay drawn with mean ``service.unkept_recurrence_days`` (geometric). When it comes back, the household lives
it as the earlier fix having failed: the earlier issue is judged again as a failed episode (satisfaction, expectation
and trust move, and the party organisations read it among the day's results), as a rejected fix is
(:mod:`cogov.sim.mechanisms.service`). The recurrence is a new issue: it must be found, dispatched and fixed again,
and it is judged in its turn.

This replaces model version 2's assumed multiplier on the fix probability of such matters
(``service.no_property_quality_factor`` = 0.7): the difference between compound types now comes from whether anybody
keeps the compound, a condition the arrangements for compounds without a company change. Behavioural form: decay of
a fix without maintenance, a constant hazard (as residents' patience, §7.8); setting the recurrence to 0 switches the
mechanism off. Draws come from the ``upkeep`` stream only for today's fixes in compounds nobody keeps.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ServiceParams
from cogov.sim.issues import IS_PROPERTY_CATEGORY, IssueTable, State
from cogov.sim.mechanisms.evaluation import Evaluation


class Upkeep:
    """Fixed property matters of compounds nobody keeps, waiting to come back; owns the pending recurrences."""

    def __init__(self, params: ServiceParams, issues: IssueTable, property_service_by_compound: NDArray[np.int64],
                 counters: Counter[str], rng: np.random.Generator, evaluation: Evaluation):
        self.configure(params)
        self.issues = issues
        self.property_service_by_compound = property_service_by_compound
        """Who serves each compound's property matters (-1: nobody keeps it); read as it is each day."""
        self.counters = counters
        self.rng = rng
        self.evaluation = evaluation
        self.due = np.empty(0, dtype=np.int64)
        """Day each pending recurrence arises."""
        self.source = np.empty(0, dtype=np.int64)
        """The fixed issue each pending recurrence repeats."""

    def configure(self, params: ServiceParams) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.recurrence = params.unkept_recurrence
        self.mean_days = params.unkept_recurrence_days

    def step(self, day: int) -> None:
        """Today's fixes in compounds nobody keeps may come back later; the recurrences due today arise."""
        self._schedule(day)
        self._arise(day)

    def _schedule(self, day: int) -> None:
        if self.recurrence <= 0:
            return
        table = self.issues
        rows = table.open_rows[table.closed[table.open_rows] == day]  # closed today, not yet pruned
        rows = rows[(table.state[rows] == State.RESOLVED) & IS_PROPERTY_CATEGORY[table.category[rows]]]
        rows = rows[self.property_service_by_compound[table.compound[rows]] < 0]
        if len(rows) == 0:
            return
        back = rows[self.rng.random(len(rows)) < self.recurrence]
        if len(back) == 0:
            return
        delay = self.rng.geometric(1.0 / max(self.mean_days, 1.0), size=len(back))
        self.due = np.concatenate((self.due, day + delay))
        self.source = np.concatenate((self.source, back))

    def _arise(self, day: int) -> None:
        if len(self.due) == 0:
            return
        now = self.due <= day
        if not now.any():
            return
        source, self.source, self.due = self.source[now], self.source[~now], self.due[~now]
        table = self.issues
        rows = table.add(day, table.household[source], table.compound[source], table.grid[source],
                         table.category[source], table.severity[source], table.collective[source],
                         table.community[source])
        table.effort[rows] = table.effort[source]
        table.repeats[rows] = source
        table.work_left[rows] = table.effort[source]
        self.counters["arisen"] += len(rows)
        self.counters["recurred_unkept"] += len(rows)
        # the matter is back: the earlier fix is lived as a failed one
        failed = self.evaluation.judge(source, np.zeros(len(source), dtype=bool), day)
        self.evaluation.experience(source, failed)
