"""The "five ones" (五个一): the minimum prescribed actions of in-service party members registered in the
community, paired with a household in difficulty and followed up by their branch (seed 001).

Seed 001 answers 'report but don't serve' (只报到少服务) with simple prescribed actions, fitted to members' own
circumstances: serve once as a grid volunteer, take part in one community activity, make one reasonable suggestion,
help solve one difficult problem, help one household in difficulty (当一次网格志愿者、参加一次社区活动、提出一条合理建议、
帮助解决一个难题、帮助一户困难群众), with in-service members paired with households in difficulty (双结对).

With ``levers.five_ones.enabled`` each in-service member has the five as a yearly checklist. What changes:

- **Who is paired with whom (set-up, on the grid).** Each in-service member is paired with a vulnerable household
  (:mod:`cogov.sim.mechanisms.care` draws who is vulnerable, in every run) of their own building if there is one,
  else of their own grid, else with none (stream ``five_ones``).
- **What a session does.** Each day a member serves (:mod:`cogov.sim.mechanisms.volunteering`), they do the first
  action of the list not yet done this year. Serving, the activity and the difficult problem are sessions of
  service, whose hours go to the grid as any volunteer's. The suggestion raises one unreported issue of the
  member's building, if there is one (who knows: channel MEMBER_DUTY); the visit finds the paired household's
  unreported issues with ``visit_detection`` and is a meeting (ties and trust, L15), and it counts as a visit to a
  vulnerable household.
- **Who is followed up.** Every ``review_interval_days`` the branch reviews the checklists: a member who has done
  fewer of the five than the share of the year gone by asks for is asked to serve that day (the ``asked`` term of
  the volunteering logit, L2) and kept in view until the next review (their motivation does not decay for want of
  follow-up). Behavioural forms: the binary logit of volunteering with being asked; contributions decline without
  monitoring (Fischbacher et al. 2001), so the review is the monitoring; the list is reset each year.

Outcomes: the share of in-service members who have done all five this year; counts of prescribed suggestions and
visits. The branch's review is organisational life and costs no public money (nothing is recorded in the ledger).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ScenarioConfig
from cogov.sim.fast import share
from cogov.sim.households import IN_SERVICE, Households, take_part
from cogov.sim.issues import Channel, IssueTable, State
from cogov.sim.mechanisms.agreement import Agreement
from cogov.sim.mechanisms.discovery import noticed, record_found
from cogov.sim.mechanisms.dispatch import Dispatcher

ACTIONS: tuple[str, ...] = ("grid_volunteer", "community_activity", "suggestion", "difficult_problem", "paired_household")
"""The five ones, in the order seed 001 lists them (and a member does them)."""
SUGGESTION = ACTIONS.index("suggestion")
PAIRED_VISIT = ACTIONS.index("paired_household")
DAYS_PER_YEAR = 365
NO_PAIR = -1


def pair_members(households: Households, vulnerable: NDArray[np.bool_], rng: np.random.Generator) -> NDArray[np.int64]:
    """Each in-service member's paired household: a vulnerable household of their own building, else of their
    grid (at random among them), else :data:`NO_PAIR`; :data:`NO_PAIR` for everybody else."""
    pair = np.full(households.size, NO_PAIR, dtype=np.int64)
    vulnerable_rows = np.flatnonzero(vulnerable)
    for member in np.flatnonzero(households.member_type == IN_SERVICE):
        candidates = vulnerable_rows[vulnerable_rows != member]
        near = candidates[households.building[candidates] == households.building[member]]
        if len(near) == 0:
            near = candidates[households.grid[candidates] == households.grid[member]]
        if len(near):
            pair[member] = near[rng.integers(len(near))]
    return pair


class FiveOnes:
    """Each in-service member's checklist of the year, their paired household, and the branch's reviews."""

    def __init__(self, config: ScenarioConfig, households: Households, vulnerable: NDArray[np.bool_],
                 last_visit: NDArray[np.int64], issues: IssueTable, counters: Counter[str], rng: np.random.Generator,
                 dispatcher: Dispatcher, agreement: Agreement):
        self.households = households
        self.last_visit = last_visit  # the vulnerable households' last visit (care's), which a paired visit updates
        self.issues = issues
        self.counters = counters
        self.rng = rng
        self.dispatcher = dispatcher
        self.agreement = agreement
        self.vulnerable = vulnerable
        self.enabled = False
        self.in_service = households.member_type == IN_SERVICE
        self.done = np.zeros(households.size, dtype=np.int64)
        """How many of the five each household's member has done this year."""
        self.pair = np.full(households.size, NO_PAIR)
        """Each in-service member's paired household (:data:`NO_PAIR` where none); paired when the five ones start."""
        self.paired = False
        self.year = 0
        self.acting = np.empty(0, dtype=np.int64)  # members who served today, and what they do next
        self.configure(config)

    def configure(self, config: ScenarioConfig) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run). When the five
        ones start (at build, or switched on mid-run) members are paired, once; switched off, the checklists end."""
        self.params = config.levers.five_ones
        self.links = config.links
        if self.params.enabled and not self.paired:
            self.pair = pair_members(self.households, self.vulnerable, self.rng)
            self.paired = True
        if self.enabled and not self.params.enabled:
            self.done[:] = 0
            self.acting = np.empty(0, dtype=np.int64)
        self.enabled = self.params.enabled

    def _new_year(self, day: int) -> None:
        year = (day - 1) // DAYS_PER_YEAR
        if year != self.year:
            self.year = year
            self.done[:] = 0

    def review(self, eligible: NDArray[np.int64], day: int) -> NDArray[np.bool_]:
        """On a review day, which of ``eligible`` are in-service members behind on their checklist: they are asked
        today and kept in view (``monitored_until``) until the next review. No one on other days."""
        asked = np.zeros(len(eligible), dtype=bool)
        if not self.enabled:
            return asked
        self._new_year(day)
        interval = self.params.review_interval_days
        if day % interval:
            return asked
        expected = len(ACTIONS) * (((day - 1) % DAYS_PER_YEAR) + 1) / DAYS_PER_YEAR
        asked = self.in_service[eligible] & (self.done[eligible] < np.floor(expected))
        behind = eligible[asked]
        self.households.monitored_until[behind] = np.maximum(self.households.monitored_until[behind], day + interval)
        self.counters["five_ones_followed_up"] += len(behind)
        return asked

    def record_sessions(self, served: NDArray[np.int64]) -> None:
        """The members among today's volunteers who still have an action of the five to do."""
        if not self.enabled:
            return
        served = served[self.in_service[served] & (self.done[served] < len(ACTIONS))]
        self.acting = served

    def step(self, day: int) -> None:
        """Today's volunteers do their next action of the five: a suggestion raises an issue of their building, a
        visit finds what their paired household has not reported and is a meeting."""
        if not self.enabled or len(self.acting) == 0:
            return
        members, self.acting = self.acting, np.empty(0, dtype=np.int64)
        action = self.done[members]
        self.done[members] += 1
        self.counters["five_ones_actions"] += len(members)
        self._suggest(members[action == SUGGESTION], day)
        self._visit(members[action == PAIRED_VISIT], day)

    def _suggest(self, members: NDArray[np.int64], day: int) -> None:
        """Each member raises one unreported issue of their own building, drawn at random, if there is one."""
        if len(members) == 0:
            return
        table, h = self.issues, self.households
        latent = table.open_in(State.LATENT)
        building = h.building[table.household[latent]]
        raised: list[int] = []
        for member in members.tolist():
            mine = latent[(building == h.building[member]) & ~np.isin(latent, raised)]
            if len(mine):
                raised.append(int(mine[self.rng.integers(len(mine))]))
        if raised:
            rows = np.asarray(raised, dtype=np.int64)
            self.counters["five_ones_suggestions"] += len(rows)
            record_found(table, rows, Channel.MEMBER_DUTY, day, self.counters, self.agreement, self.dispatcher)

    def _visit(self, members: NDArray[np.int64], day: int) -> None:
        """Members visit their paired households: a meeting (L15), counted as a visit; unreported issues found."""
        pairs = self.pair[members]
        pairs = np.unique(pairs[pairs != NO_PAIR])
        if len(pairs) == 0:
            return
        self.counters["five_ones_visits"] += len(pairs)
        self.last_visit[pairs] = day
        take_part(self.households, pairs, self.links.participation_to_ties, self.links.participation_to_trust)
        visited = np.zeros(self.households.size, dtype=bool)
        visited[pairs] = True
        found = noticed(self.issues, visited, self.params.visit_detection, self.rng)
        if len(found):
            record_found(self.issues, found, Channel.MEMBER_DUTY, day, self.counters, self.agreement, self.dispatcher)

    def completed_share(self) -> float:
        """Share of in-service members who have done all five this year (NaN if there are none)."""
        if not self.in_service.any():
            return float("nan")
        return share(self.done[self.in_service] >= len(ACTIONS))
