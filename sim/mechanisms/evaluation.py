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
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from cogov.sim.behaviour import adapt_expectation, asymmetric_update, episode_satisfaction, perceived_performance
from cogov.sim.config import ScenarioConfig
from cogov.sim.households import Households, StackedHouseholds, alone
from cogov.sim.issues import DISPUTE, Issues, IssueTable, Level
from cogov.sim.organisations import SocialOrganisations
from cogov.sim.organisations.social import social_cases
from cogov.sim.stacking import Rows, per_row, spread


def occurrence_rank(keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """For each element, how many earlier elements share its key (0 for a key's first occurrence)."""
    if len(keys) < 2:  # one episode (the common case) or none: nothing earlier
        return np.zeros(len(keys), dtype=np.int64)
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
        return judge_batch([self], self.issues.alone, Rows(rows), fixed, day)

    def evaluate(self, rows: NDArray[np.int64], fixed: NDArray[np.bool_], day: int, abandoned: bool = False) -> None:
        """The residents of closed issues ``rows`` judge them (``fixed``: whether each was fixed)."""
        evaluate_batch([self], alone(self.households), self.issues.alone, Rows(rows), fixed, day, abandoned, among=[0])

    def experience(self, rows: NDArray[np.int64], performance: NDArray[np.float64]) -> None:
        """The residents of ``rows`` live through episodes of the given performance: satisfaction, expectation
        and trust move, and the day's judgements are kept as results."""
        experience_batch([self], alone(self.households), self.issues.alone, Rows(rows), performance)


def judge_batch(evaluations: Sequence[Evaluation], issues: Issues, rows: Rows, fixed: NDArray[np.bool_],
                day: int) -> NDArray[np.float64]:
    """:meth:`Evaluation.judge` of stacked ``rows`` of a batch."""
    days = (day - issues.found[rows.rows]).astype(float)
    sat = per_row([e.satisfaction for e in evaluations], rows.position)
    return perceived_performance(fixed.astype(float), days, sat.outcome_weight, sat.timeliness_days)


def evaluate_batch(evaluations: Sequence[Evaluation], households: StackedHouseholds, issues: Issues,
                   rows: Rows, fixed: NDArray[np.bool_], day: int, abandoned: bool = False,
                   among: Sequence[int] | None = None) -> None:
    """:meth:`Evaluation.evaluate` for closed stacked ``rows`` of a batch: one pass for the judgements, their effects
    and every community's counts (each then added to its counters), and the social organisations' cases found in one
    lookup (each community with some records its own). The counts of each community
    of ``among`` are counted even if it closed nothing (as a community's own call with no rows counts zeros:
    its counters then hold the names), by default those of the communities with rows."""
    index, position = rows.rows, rows.position
    n = len(evaluations)
    days = (day - issues.found[index]).astype(float)
    performance = np.zeros(len(index)) if abandoned else judge_batch(evaluations, issues, rows, fixed, day)
    issues.evaluation[index] = performance
    handler = issues.handler[index]
    # Each community's counts in one pass: exact integers, and sums of days, which are whole numbers (a float sum of
    # whole numbers is exact in any order, so a bincount's sum is the community's own ``sum()`` bit for bit).
    where = np.zeros(len(index), dtype=np.intp) if position is None else position
    on_time = days <= spread([e.time_limit_days for e in evaluations], position)
    tallies = [np.bincount(where[mask], minlength=n).tolist() for mask in (
        fixed, fixed & (issues.category[index] == DISPUTE), ~fixed, on_time, fixed & (issues.level[index] == Level.GRID))]
    resolve_days = np.bincount(where[fixed], weights=days[fixed], minlength=n).tolist()
    # the cases social organisations finished, in community order: each community records its own piece
    case, organisation = social_cases([e.social for e in evaluations], handler, position)
    case_bounds = np.searchsorted(where[case], np.arange(n + 1)).tolist()
    case_performance = performance[case]
    resolved, disputes, unresolved, timely, in_grid = tallies
    for k, _ in rows.segments(n, among):
        counters = evaluations[k].counters  # the names in the order (and with the types) of a community's own call
        counters["resolved"] += resolved[k]
        counters["disputes_resolved"] += disputes[k]
        counters["unresolved"] += unresolved[k]
        counters["resolve_days"] += resolve_days[k]
        if not abandoned:
            counters["on_time"] += timely[k]
        counters["resolved_in_grid"] += in_grid[k]
        a, b = case_bounds[k], case_bounds[k + 1]
        if a < b:  # only communities whose social organisations finished cases today have any to record
            evaluations[k].social.record(organisation[a:b], case_performance[a:b])
    experience_batch(evaluations, households, issues, rows, performance)


def experience_batch(evaluations: Sequence[Evaluation], households: StackedHouseholds, issues: Issues,
                     rows: Rows, performance: NDArray[np.float64]) -> None:
    """:meth:`Evaluation.experience` for stacked ``rows`` of a batch, in one pass; each community keeps its own
    judgements of the day (its own rows)."""
    own = rows.rows - rows.shifted(_segment_starts(len(evaluations), issues.capacity))  # each community's own rows
    for k, mine in rows.segments(len(evaluations)):
        evaluation = evaluations[k]
        evaluation._today_rows.append(own[mine])
        evaluation._today_performance.append(performance[mine])
    h = households
    # A household closing several issues the same day is updated once per issue, in order: the k-th
    # issue of every household in the k-th pass.
    household = issues.household[rows.rows] + rows.shifted(households.offsets)
    rank = occurrence_rank(household)
    passes = int(rank.max()) + 1 if len(rank) else 0
    for k in range(passes):
        now = np.flatnonzero(rank == k) if passes > 1 else slice(None)
        hh, p, where = household[now], performance[now], rows[now].position
        sat = per_row([e.satisfaction for e in evaluations], where)
        trust = per_row([e.trust for e in evaluations], where)
        episode = episode_satisfaction(p, h.expectation[hh], sat.intercept, sat.performance, sat.disconfirmation)
        h.expectation[hh] = adapt_expectation(h.expectation[hh], p, sat.expectation_rate)
        h.satisfaction[hh] += sat.update_rate * (episode - h.satisfaction[hh])
        h.trust[hh] = asymmetric_update(h.trust[hh], p, trust.up_rate, trust.down_rate)
    _word_of_mouth(evaluations, households, Rows(household, rows.position), performance)


def _segment_starts(communities: int, capacity: int) -> NDArray[np.int64]:
    """Where each community's segment of a batch's stacked issues starts (:class:`~cogov.sim.issues.StackedIssues`:
    ``capacity`` rows each)."""
    return np.arange(communities, dtype=np.int64) * capacity


def _word_of_mouth(evaluations: Sequence[Evaluation], h: StackedHouseholds, owners: Rows,
                   performance: NDArray[np.float64]) -> None:
    """The other households of each building with episodes today update towards the building's mean episode,
    with ``word_of_mouth`` of their own rates (``owners``: stacked households; communities without word of mouth
    left out)."""
    if len(evaluations) == 1:
        if evaluations[0].satisfaction.word_of_mouth <= 0:
            return
    else:
        heard = np.array([e.satisfaction.word_of_mouth > 0 for e in evaluations])
        if not heard.all():
            keep = heard[owners.position]
            owners, performance = owners[keep], performance[keep]
    if len(owners) == 0:
        return
    building, n_buildings = h.across("building", lambda: [e.n_buildings for e in evaluations])
    buildings = building[owners.rows]
    count = np.bincount(buildings, minlength=n_buildings)
    mean = np.bincount(buildings, weights=performance, minlength=n_buildings) / np.maximum(count, 1)
    hearing = (count > 0)[building]  # a gather of flags: cheaper than comparing gathered counts
    hearing[owners.rows] = False  # their own episode has moved them already
    who = np.flatnonzero(hearing)
    p, where = mean[building[who]], (h.position[who] if len(evaluations) > 1 else None)
    sat = per_row([e.satisfaction for e in evaluations], where)
    trust = per_row([e.trust for e in evaluations], where)
    share = sat.word_of_mouth
    episode = episode_satisfaction(p, h.expectation[who], sat.intercept, sat.performance, sat.disconfirmation)
    h.expectation[who] += share * sat.expectation_rate * (p - h.expectation[who])
    h.satisfaction[who] += share * sat.update_rate * (episode - h.satisfaction[who])
    h.trust[who] = asymmetric_update(h.trust[who], p, share * trust.up_rate, share * trust.down_rate)
