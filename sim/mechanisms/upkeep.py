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
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ServiceParams
from cogov.sim.households import StackedHouseholds, alone
from cogov.sim.issues import IS_PROPERTY_CATEGORY, Issues, IssueTable, State
from cogov.sim.mechanisms.evaluation import Evaluation, experience_batch, judge_batch
from cogov.sim.stacking import Rows, joined


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
        """Today's fixes in compounds nobody keeps may come back later; the recurrences due today arise
        (:func:`upkeep_batch`, this community alone)."""
        upkeep_batch([self], alone(self.evaluation.households), self.issues.alone, day)

    def schedule(self, rows: NDArray[np.int64], day: int) -> None:
        """Today's fixes ``rows`` (this community's own rows, fixed property matters of compounds nobody keeps) may
        come back: each with ``recurrence``, after a geometric delay; drawn from this community's stream."""
        back = rows[self.rng.random(len(rows)) < self.recurrence]
        if len(back) == 0:
            return
        delay = self.rng.geometric(1.0 / max(self.mean_days, 1.0), size=len(back))
        self.due = np.concatenate((self.due, day + delay))
        self.source = np.concatenate((self.source, back))

    def due_today(self, day: int) -> NDArray[np.int64]:
        """The fixed issues (own rows) whose recurrences arise today, no longer pending (in the order scheduled)."""
        due = self.due
        if len(due) == 0:
            return due
        now = due <= day
        if not now.any():
            return due[:0]
        source, self.source, self.due = self.source[now], self.source[~now], due[~now]
        return source


_NONE = np.empty(0, dtype=np.int64)


def upkeep_batch(upkeeps: Sequence[Upkeep], households: StackedHouseholds, issues: Issues, day: int) -> None:
    """:meth:`Upkeep.step` of every community of a batch: today's fixes found in one pass over the stacked issues
    (each community draws their recurrences from its own stream), then the recurrences due today arise in one pass
    and their households live the earlier fixes as failed (one judgement for the batch)."""
    _schedule_batch(upkeeps, issues, day)
    _arise_batch(upkeeps, households, issues, day)


def _schedule_batch(upkeeps: Sequence[Upkeep], issues: Issues, day: int) -> None:
    """Fixed property matters closed today in compounds nobody keeps, of communities with a recurrence, scheduled
    to come back (:meth:`Upkeep.schedule`; communities without such fixes draw nothing, as alone)."""
    if all(upkeep.recurrence <= 0 for upkeep in upkeeps):
        return
    rows = issues.open()
    rows = rows[issues.closed[rows.rows] == day]  # closed today, not yet pruned
    index = rows.rows
    rows = rows[(issues.state[index] == State.RESOLVED) & IS_PROPERTY_CATEGORY[issues.category[index]]]
    if len(rows) == 0:
        return
    compound = issues.compound[rows.rows]
    if rows.position is None:
        service = upkeeps[0].property_service_by_compound[compound]
    else:  # each community's own table, as it is today (compounds numbered across the batch)
        tables = [upkeep.property_service_by_compound for upkeep in upkeeps]
        first = np.concatenate(([0], np.cumsum([len(table) for table in tables])[:-1]))
        service = joined(tables)[compound + first[rows.position]]
    rows = rows[service < 0]
    for k, mine in rows.segments(len(upkeeps)):
        if upkeeps[k].recurrence > 0:
            upkeeps[k].schedule(issues.own(rows, k, mine), day)


def _arise_batch(upkeeps: Sequence[Upkeep], households: StackedHouseholds, issues: Issues, day: int) -> None:
    """The recurrences due today arise as new issues (the same household, matter, severity and work as the fix
    they repeat; one pass over the stacked issues), and the fixes they repeat are judged as failed episodes."""
    n = len(upkeeps)
    if n == 1:
        due = [upkeeps[0].due_today(day)]
    else:  # which communities have recurrences due, in one comparison: only those take theirs out
        pending = [len(upkeep.due) for upkeep in upkeeps]
        if not any(pending):
            return
        now = joined([upkeep.due for upkeep in upkeeps]) <= day
        arising = np.bincount(np.repeat(np.arange(n), pending)[now], minlength=n).tolist()
        due = [upkeep.due_today(day) if arising[k] else _NONE for k, upkeep in enumerate(upkeeps)]
    counts = [len(source) for source in due]
    if not any(counts):
        return
    position = None if n == 1 else np.repeat(np.arange(n), counts)
    own = joined([source for source in due if len(source)])  # each community's own rows of the repeated fixes
    source = own if position is None else own + position * issues.capacity
    effort = issues.effort[source]
    new = issues.add_batch(day, counts, issues.household[source], issues.compound[source], issues.grid[source],
                           issues.category[source], issues.severity[source], issues.collective[source],
                           issues.community[source])
    # adding may have grown the stacked table: its rows are numbered anew (a community's own rows stay)
    issues.effort[new.rows] = effort
    issues.repeats[new.rows] = own
    issues.work_left[new.rows] = effort
    for upkeep, count in zip(upkeeps, counts, strict=True):
        if count:
            upkeep.counters["arisen"] += count
            upkeep.counters["recurred_unkept"] += count
    # the matter is back: the earlier fix is lived as a failed one
    repeated = Rows(own if position is None else own + position * issues.capacity, position)
    evaluations = [upkeep.evaluation for upkeep in upkeeps]
    failed = judge_batch(evaluations, issues, repeated, np.zeros(len(own), dtype=bool), day)
    experience_batch(evaluations, households, issues, repeated, failed)
