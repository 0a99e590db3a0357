"""Proactive care for vulnerable households (关爱探访, 六必访; from 'waiting for service' to 'active service', 由坐等服务向主动
服务; seeds 000, 001, 004/3, 004/4, 004/10).

Vulnerable households (elderly living alone or in empty nests, disabled, low-income) are drawn at set-up by age
group (``population.vulnerable_share``) from their own random stream, so the rest of the community is the same
whatever the shares. With ``levers.proactive_care.enabled`` each is visited every ``visit_interval_days`` (in phase
by household, so visits spread over the days). A visit

- finds each open issue of the household that nobody has found with probability ``detection`` (who knows: a care
  visit asks, where a patrol looks), which is then dispatched as any found issue (channel CARE_VISIT);
- is a meeting: the household gains ties and trust as at any meeting it takes part in (L15,
  :func:`cogov.sim.households.take_part`);
- costs ``hours_per_visit`` of purchased social-work hours (``costs.social_org_cny_per_hour``), public money in the
  ledger (``care_visits``); the hours are bought for the programme and do not come out of any handler's queue.

Outcomes: the share of vulnerable households visited in the last 30 days (reach) and their mean satisfaction.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ScenarioConfig
from cogov.sim.fast import mean, share
from cogov.sim.households import NEVER, Households, take_part
from cogov.sim.issues import Channel, IssueTable
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.agreement import Agreement
from cogov.sim.mechanisms.discovery import noticed, record_found
from cogov.sim.mechanisms.dispatch import Dispatcher

LEDGER_ITEM = "care_visits"
REACH_DAYS = 30
"""Window of 'visited recently' in the reach outcome (an observation, not behaviour)."""


class ProactiveCare:
    """Who is vulnerable, when each was last visited, and what today's visits find."""

    def __init__(self, config: ScenarioConfig, households: Households, issues: IssueTable, counters: Counter[str],
                 rng: np.random.Generator, dispatcher: Dispatcher, agreement: Agreement, ledger: Ledger):
        self.configure(config)
        self.households = households
        self.issues = issues
        self.counters = counters
        self.rng = rng
        self.dispatcher = dispatcher
        self.agreement = agreement
        self.ledger = ledger
        share = np.asarray(config.population.vulnerable_share.as_tuple())[households.age_group]
        self.vulnerable: NDArray[np.bool_] = rng.random(households.size) < share
        """Vulnerable households (drawn whatever the lever, so that their outcomes can be compared)."""
        self.last_visit = np.full(households.size, NEVER, dtype=np.int64)

    def configure(self, config: ScenarioConfig) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.params = config.levers.proactive_care
        self.ever_enabled: bool = getattr(self, "ever_enabled", False) or self.params.enabled
        """Whether the lever has been on at any time of the run (until then, nobody has been reached)."""
        self.links = config.links
        self.cost_per_visit = self.params.hours_per_visit * config.costs.social_org_cny_per_hour

    def due(self, day: int) -> NDArray[np.int64]:
        """Vulnerable households whose visit falls today."""
        interval = self.params.visit_interval_days
        return np.flatnonzero(self.vulnerable & (np.arange(self.households.size) % interval == day % interval))

    def step(self, day: int) -> None:
        """Today's visits: open issues found, the visited meet someone, the hours paid for."""
        if not self.params.enabled:
            return
        visited = self.due(day)
        if len(visited) == 0:
            return
        self.last_visit[visited] = day
        self.counters["care_visits"] += len(visited)
        self.ledger.record(LEDGER_ITEM, len(visited) * self.cost_per_visit)
        take_part(self.households, visited, self.links.participation_to_ties, self.links.participation_to_trust)
        was_visited = np.zeros(self.households.size, dtype=bool)
        was_visited[visited] = True
        found = noticed(self.issues, was_visited, self.params.detection, self.rng)
        if len(found) == 0:
            return
        self.counters["found_by_care_visits"] += len(found)
        record_found(self.issues, found, Channel.CARE_VISIT, day, self.counters, self.agreement, self.dispatcher)

    def reach(self, day: int) -> float:
        """Share of vulnerable households visited in the last :data:`REACH_DAYS` days (NaN if none is vulnerable)."""
        if not self.vulnerable.any():
            return float("nan")
        return share(day - self.last_visit[self.vulnerable] < REACH_DAYS)

    def satisfaction(self) -> float:
        """Mean satisfaction of vulnerable households today (NaN if none is vulnerable)."""
        return mean(self.households.satisfaction[self.vulnerable]) if self.vulnerable.any() else float("nan")
