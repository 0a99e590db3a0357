"""Evaluation (评单): residents judge closed issues; satisfaction by expectation-disconfirmation, trust
asymmetrically (Oliver 1980; Van Ryzin 2004; Kampen et al. 2006; Slovic 1993).

The resident perceives the episode's performance from its outcome (fixed or not; a deliberated
collective outcome is better accepted) and its timeliness; satisfaction with the episode follows
from performance and its disconfirmation of expectations, and moves overall satisfaction; expectations
adapt; trust in the party organisation moves towards the experience, faster when it disappoints.
An abandoned issue delivered nothing: no outcome, no timeliness, no acceptance, and it does not count
as closed on time. Social organisations keep the judgements of their cases.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from numpy.typing import NDArray

from cogov.sim.behaviour import adapt_expectation, asymmetric_update, episode_satisfaction, perceived_performance
from cogov.sim.config import ScenarioConfig
from cogov.sim.households import Households
from cogov.sim.issues import IssueTable, Level
from cogov.sim.organisations import SocialOrganisations


def occurrence_rank(keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """For each element, how many earlier elements share its key (0 for a key's first occurrence)."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1]))
    position = np.arange(len(keys))
    rank_sorted = position - np.maximum.accumulate(np.where(starts, position, 0))
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = rank_sorted
    return rank


class Evaluation:
    """Residents judge closed issues; updates their satisfaction, expectation and trust."""

    def __init__(self, config: ScenarioConfig, households: Households, issues: IssueTable, counters: Counter[str],
                 social: SocialOrganisations):
        self.satisfaction = config.behaviour.satisfaction
        self.trust = config.behaviour.trust
        self.council = config.levers.deliberation_council
        self.time_limit_days = config.issues.time_limit_days
        self.households = households
        self.issues = issues
        self.counters = counters
        self.social = social

    def evaluate(self, rows: NDArray[np.int64], fixed: NDArray[np.bool_], day: int, abandoned: bool = False) -> None:
        """The residents of closed issues ``rows`` judge them (``fixed``: whether each was fixed)."""
        table = self.issues
        households = self.households
        sat = self.satisfaction
        counters = self.counters
        days = (day - table.found[rows]).astype(float)
        deliberated = table.collective[rows] & self.council.enabled & (not abandoned)
        outcome = np.minimum(1.0, fixed + deliberated * self.council.acceptance_bonus)
        if abandoned:
            performance = np.zeros(len(rows))
        else:
            performance = perceived_performance(outcome, days, sat.outcome_weight, sat.timeliness_days)
        table.evaluation[rows] = performance

        counters["resolved"] += int(fixed.sum())
        counters["unresolved"] += int((~fixed).sum())
        counters["resolve_days"] += float(days[fixed].sum())
        if not abandoned:
            counters["on_time"] += int((days <= self.time_limit_days).sum())
        counters["resolved_in_grid"] += int((fixed & (table.level[rows] == Level.GRID)).sum())
        self.social.record_cases(table.handler[rows], performance)

        # A household closing several issues the same day is updated once per issue, in order: the k-th
        # issue of every household in the k-th pass.
        household = table.household[rows]
        rank = occurrence_rank(household)
        passes = int(rank.max()) + 1 if len(rank) else 0
        for k in range(passes):
            now = np.flatnonzero(rank == k) if passes > 1 else slice(None)
            hh = household[now]
            p = performance[now]
            episode = episode_satisfaction(p, households.expectation[hh], sat.intercept, sat.performance, sat.disconfirmation)
            households.expectation[hh] = adapt_expectation(households.expectation[hh], p, sat.expectation_rate)
            households.satisfaction[hh] += sat.update_rate * (episode - households.satisfaction[hh])
            households.trust[hh] = asymmetric_update(households.trust[hh], p, self.trust.up_rate, self.trust.down_rate)
