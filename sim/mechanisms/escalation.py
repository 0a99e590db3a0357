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

import numpy as np

from cogov.sim.behaviour import grievance
from cogov.sim.config import ScenarioConfig
from cogov.sim.households import NEVER, Households
from cogov.sim.issues import IssueTable, Level, State
from cogov.sim.mechanisms.dispatch import Dispatcher


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
        self.level_deadline = np.array([ladder.grid_days, ladder.community_days])
        """Days an issue may wait at grid and at community level before it moves up."""

    def step(self, day: int) -> None:
        """Escalate overdue issues one level; overdue hotline cases go to the street."""
        table = self.issues
        rows = table.waiting()
        if len(rows) == 0:
            return
        hotline = self.hotline
        if hotline.enabled:
            self.call_hotline(rows, day)
        level = table.level[rows].astype(np.int64)
        queued = table.state[rows] == State.QUEUED
        overdue = queued & (level < Level.STREET) & (day - table.queued[rows] > self.level_deadline[np.minimum(level, 1)])
        hotline_overdue = (
            hotline.enabled & (table.hotline_since[rows] != NEVER) & (level < Level.STREET)
            & (day - table.hotline_since[rows] > hotline.deadline_days)
        )
        in_talks = table.state[rows] == State.AGREEMENT
        table.street_mediated[rows[hotline_overdue & in_talks]] = True
        up = overdue | (hotline_overdue & ~in_talks)
        if not up.any():
            return
        moved = rows[up]
        target = np.where(hotline_overdue[up] & ~in_talks[up], Level.STREET, level[up] + 1)
        newly = table.escalations[moved] == 0
        self.counters["escalated"] += int(newly.sum())
        table.escalations[moved] += 1
        self.dispatcher.dispatch(moved, day, target)

    def call_hotline(self, rows: np.ndarray, day: int) -> None:
        """Residents whose grievance exceeds their threshold call 12345 (Epstein 2002, adapted)."""
        table = self.issues
        params = self.params
        candidates = rows[table.hotline_since[rows] == NEVER]
        if len(candidates) == 0:
            return
        felt = grievance(
            table.severity[candidates], day - table.found[candidates],
            self.households.trust[table.household[candidates]], params.hardship_days,
        )
        calls = candidates[felt - params.risk_aversion * params.complaint_cost > params.grievance_threshold]
        table.hotline_since[calls] = day
        self.counters["hotline_calls"] += len(calls)
