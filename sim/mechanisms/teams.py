"""Party members' volunteer teams (党员志愿服务队; seeds 002, 003, 004/2).

With ``levers.volunteer_teams.enabled`` each grid has a team. A party member whom their branch asks (the asks of
:mod:`cogov.sim.mechanisms.volunteering`, L2) and who is not in the team joins it with ``join_probability``. A team
does two things for its members:

- **service days**: every ``service_day_interval_days`` (on its grid's own day) each member is asked to serve, as a
  branch's ask does (the ``links.asked_to_volunteer`` term of the volunteering logit);
- **being in view**: a member is followed up by the team, so their motivation does not decay for want of follow-up
  and their sessions are acknowledged (the crowding-in of feedback), as organisational life does.

Outcome: the share of party members in a team (seed 003: 193 in 14 communities; about a fifth of Zongyang's 940
members, a calibration check).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ScenarioConfig
from cogov.sim.fast import share
from cogov.sim.households import Households


class VolunteerTeams:
    """Who is in their grid's team, and which teams hold their service day today."""

    def __init__(self, config: ScenarioConfig, households: Households, counters: Counter[str],
                 rng: np.random.Generator):
        self.households = households
        self.counters = counters
        self.rng = rng
        self.enabled = False
        self.member = np.zeros(households.size, dtype=bool)
        """Households whose party member is in their grid's team."""
        self.configure(config)

    def configure(self, config: ScenarioConfig) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run). Teams
        switched off disband: nobody is in one any more."""
        self.params = config.levers.volunteer_teams
        if self.enabled and not self.params.enabled:
            self.member[:] = False
        self.enabled = self.params.enabled

    def join(self, eligible: NDArray[np.int64], asked: NDArray[np.bool_]) -> None:
        """Members asked today who are not in the team join it with ``join_probability`` (one draw per asked member)."""
        if not self.enabled:
            return
        h = self.households
        candidates = eligible[asked & (h.member_type[eligible] > 0)]
        candidates = candidates[~self.member[candidates]]
        joined = candidates[self.rng.random(len(candidates)) < self.params.join_probability]
        self.member[joined] = True
        self.counters["team_members_joined"] += len(joined)

    def called(self, eligible: NDArray[np.int64], day: int) -> NDArray[np.bool_]:
        """Which of ``eligible`` are team members whose team holds its service day today (each grid on its own day)."""
        if not self.enabled:
            return np.zeros(len(eligible), dtype=bool)
        interval = self.params.service_day_interval_days
        grid = self.households.grid[eligible]
        return self.member[eligible] & (grid % interval == day % interval)

    def in_view(self, eligible: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Which of ``eligible`` are followed up by a team (its members)."""
        return self.member[eligible] if self.enabled else np.zeros(len(eligible), dtype=bool)

    def member_share(self) -> float:
        """Share of party members in a team (NaN if there are none)."""
        members = self.households.member_type > 0
        return share(self.member[members]) if members.any() else float("nan")
