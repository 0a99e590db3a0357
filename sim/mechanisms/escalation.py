"""Escalation: the ladder grid → community → street, and residents' complaints to the 12345 hotline
(seeds 001, 002, 004/4; Epstein 2002).

An issue queued past its level's deadline (``levers.escalation``) moves one level up. A resident
whose grievance (hardship growing with waiting, discounted by trust) exceeds their threshold calls
12345; a hotline case not closed within ``levers.hotline.deadline_days`` goes to the street and its
departments — or, for a collective issue still waiting for the owners' and the company's agreement,
the street takes up the dispute and mediates its talks (:mod:`cogov.sim.mechanisms.agreement`):
departments can broker but cannot decide for the owners. The ladder and the hotline are this
mechanism's levers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from cogov.sim.behaviour import grievance
from cogov.sim.config import ScenarioConfig
from cogov.sim.households import NEVER, Households, StackedHouseholds, alone
from cogov.sim.issues import Issues, IssueTable, Level, State
from cogov.sim.mechanisms.dispatch import Dispatcher, dispatch_batch
from cogov.sim.stacking import Rows, lookup, per_row, small_table


class Escalation:
    """Overdue issues climb the ladder; aggrieved residents call 12345. Owns the deadlines per level."""

    def __init__(self, config: ScenarioConfig, households: Households, issues: IssueTable, counters: Counter[str],
                 dispatcher: Dispatcher):
        self.households = households
        self.issues = issues
        self.counters = counters
        self.dispatcher = dispatcher
        self.configure(config)

    def configure(self, config: ScenarioConfig) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.hotline = config.levers.hotline
        self.params = config.behaviour.grievance
        ladder = config.levers.escalation
        self.level_deadline = small_table((ladder.grid_days, ladder.community_days))
        """Days an issue may wait at grid and at community level before it moves up."""

    def step(self, day: int) -> None:
        """Escalate overdue issues one level; overdue hotline cases go to the street."""
        escalate_batch([self], alone(self.households), self.issues.alone, day)

    def call_hotline(self, rows: np.ndarray, day: int) -> None:
        """Residents whose grievance exceeds their threshold call 12345 (Epstein 2002, adapted)."""
        _call_hotline([self], alone(self.households), self.issues.alone, Rows(rows), day)


def escalate_batch(escalations: Sequence[Escalation], households: StackedHouseholds, issues: Issues,
                   day: int) -> None:
    """:meth:`Escalation.step` of every community of a batch in one pass over its stacked issues."""
    rows = issues.open()
    states = issues.state[rows.rows]
    rows = rows[(states == State.QUEUED) | (states == State.AGREEMENT)]
    if len(rows) == 0:
        return
    hotline = per_row([e.hotline for e in escalations], rows.position)
    calling = [k for k, e in enumerate(escalations) if e.hotline.enabled]
    if calling:
        _call_hotline(escalations, households, issues, rows, day, calling)
    index = rows.rows
    level = issues.level[index].astype(np.int64)
    state = issues.state[index]
    queued = state == State.QUEUED
    deadline = lookup([e.level_deadline for e in escalations], rows.position, np.minimum(level, 1))
    overdue = queued & (level < Level.STREET) & (day - issues.queued[index] > deadline)
    since = issues.hotline_since[index]
    hotline_overdue = (
        hotline.enabled & (since != NEVER) & (level < Level.STREET) & (day - since > hotline.deadline_days)
    )
    in_talks = state == State.AGREEMENT
    issues.street_mediated[index[hotline_overdue & in_talks]] = True
    up = overdue | (hotline_overdue & ~in_talks)
    if not up.any():
        return
    moved = rows[up]
    target = np.where(hotline_overdue[up] & ~in_talks[up], Level.STREET, level[up] + 1)
    newly = issues.escalations[moved.rows] == 0
    for k, mine in moved.segments(len(escalations)):
        escalations[k].counters["escalated"] += int(newly[mine].sum())
    issues.escalations[moved.rows] += 1
    dispatch_batch([e.dispatcher for e in escalations], issues, moved, day, target)


def _call_hotline(escalations: Sequence[Escalation], households: StackedHouseholds, issues: Issues, rows: Rows,
                  day: int, calling: Sequence[int] = (0,)) -> None:
    """Residents of the ``calling`` communities (with the hotline) whose grievance exceeds their threshold call 12345
    (Epstein 2002, adapted)."""
    if len(escalations) > 1 and len(calling) < len(escalations):
        rows = rows[np.isin(rows.position, calling)]
    candidates = rows[issues.hotline_since[rows.rows] == NEVER]
    waiting = candidates.counts(len(escalations))
    among = [k for k in calling if waiting[k]]  # the communities whose residents may call today (as alone)
    if not among:
        return
    index = candidates.rows
    params = per_row([e.params for e in escalations], candidates.position)
    felt = grievance(
        issues.severity[index], day - issues.found[index],
        households.trust[issues.household[index] + candidates.shifted(households.offsets)], params.hardship_days,
    )
    calls = candidates[felt - params.risk_aversion * params.complaint_cost > params.grievance_threshold]
    issues.hotline_since[calls.rows] = day
    counts = calls.counts(len(escalations))
    for k in among:
        escalations[k].counters["hotline_calls"] += counts[k]
