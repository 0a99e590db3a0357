"""Evaluation (评单): residents judge closed issues; satisfaction by expectation-disconfirmation, trust
asymmetrically (Oliver 1980; Van Ryzin 2004; Kampen et al. 2006; Slovic 1993).

The resident perceives the episode's performance from its outcome (fixed or not) and its timeliness;
satisfaction with the episode follows from performance and its disconfirmation of expectations, and
moves overall satisfaction; expectations adapt; trust in the party organisation moves towards the
experience, faster when it disappoints. An abandoned issue delivered nothing: no outcome, no
timeliness, and it does not count as closed on time. A failed fix the resident rejects (重办,
:mod:`cogov.sim.mechanisms.service`) is judged as a failed episode and the issue goes on. Social
organisations keep the judgements of their cases; the party organisations read the day's judgements as
their results (:meth:`Evaluation.take_today`). Word of mouth: the other households of the building hear of
each episode and update their satisfaction, expectation and trust a little towards it
(``behaviour.satisfaction.word_of_mouth`` of the effect of their own; Zeithaml et al. 1993; hyperlocal,
O'Brien 2018).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from numpy.typing import NDArray

from cogov.sim.behaviour import adapt_expectation, asymmetric_update, episode_satisfaction, perceived_performance
from cogov.sim.config import ScenarioConfig
from cogov.sim.households import Households
from cogov.sim.issues import DISPUTE, IssueTable, Level
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
                 social: SocialOrganisations, n_buildings: int):
        self.configure(config)
        self.households = households
        self.issues = issues
        self.counters = counters
        self.social = social
        self.n_buildings = n_buildings
        self._today_rows: list[NDArray[np.int64]] = []
        self._today_performance: list[NDArray[np.float64]] = []

    def configure(self, config: ScenarioConfig) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.satisfaction = config.behaviour.satisfaction
        self.trust = config.behaviour.trust
        self.time_limit_days = config.issues.time_limit_days

    def take_today(self) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """The issues judged since the last call and their perceived performance (then forgotten)."""
        if not self._today_rows:
            return np.empty(0, dtype=np.int64), np.empty(0)
        rows, performance = np.concatenate(self._today_rows), np.concatenate(self._today_performance)
        self._today_rows.clear()
        self._today_performance.clear()
        return rows, performance

    def judge(self, rows: NDArray[np.int64], fixed: NDArray[np.bool_], day: int) -> NDArray[np.float64]:
        """Perceived performance of the episodes ending today for ``rows`` (outcome and timeliness)."""
        days = (day - self.issues.found[rows]).astype(float)
        sat = self.satisfaction
        return perceived_performance(fixed.astype(float), days, sat.outcome_weight, sat.timeliness_days)

    def evaluate(self, rows: NDArray[np.int64], fixed: NDArray[np.bool_], day: int, abandoned: bool = False) -> None:
        """The residents of closed issues ``rows`` judge them (``fixed``: whether each was fixed)."""
        table = self.issues
        counters = self.counters
        days = (day - table.found[rows]).astype(float)
        performance = np.zeros(len(rows)) if abandoned else self.judge(rows, fixed, day)
        table.evaluation[rows] = performance

        counters["resolved"] += int(fixed.sum())
        counters["disputes_resolved"] += int((fixed & (table.category[rows] == DISPUTE)).sum())
        counters["unresolved"] += int((~fixed).sum())
        counters["resolve_days"] += float(days[fixed].sum())
        if not abandoned:
            counters["on_time"] += int((days <= self.time_limit_days).sum())
        counters["resolved_in_grid"] += int((fixed & (table.level[rows] == Level.GRID)).sum())
        self.social.record_cases(table.handler[rows], performance)
        self.experience(rows, performance)

    def experience(self, rows: NDArray[np.int64], performance: NDArray[np.float64]) -> None:
        """The residents of ``rows`` live through episodes of the given performance: satisfaction, expectation
        and trust move, and the day's judgements are kept as results."""
        table = self.issues
        households = self.households
        sat = self.satisfaction
        self._today_rows.append(rows)
        self._today_performance.append(performance)

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
        self._word_of_mouth(household, performance)

    def _word_of_mouth(self, owners: NDArray[np.int64], performance: NDArray[np.float64]) -> None:
        """The other households of each building with episodes today update towards the building's mean episode,
        with ``word_of_mouth`` of their own rates."""
        share = self.satisfaction.word_of_mouth
        if share <= 0 or len(owners) == 0:
            return
        h, sat, trust = self.households, self.satisfaction, self.trust
        buildings = h.building[owners]
        count = np.bincount(buildings, minlength=self.n_buildings)
        mean = np.bincount(buildings, weights=performance, minlength=self.n_buildings) / np.maximum(count, 1)
        hearing = count[h.building] > 0
        hearing[owners] = False  # their own episode has moved them already
        who = np.flatnonzero(hearing)
        p = mean[h.building[who]]
        episode = episode_satisfaction(p, h.expectation[who], sat.intercept, sat.performance, sat.disconfirmation)
        h.expectation[who] += share * sat.expectation_rate * (p - h.expectation[who])
        h.satisfaction[who] += share * sat.update_rate * (episode - h.satisfaction[who])
        h.trust[who] = asymmetric_update(h.trust[who], p, share * trust.up_rate, share * trust.down_rate)
