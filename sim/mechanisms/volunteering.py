"""Volunteering: daily choices to serve, and the motivation dynamics behind them.

Who may volunteer: party members and registered volunteers. Each day each of them chooses by a
binary logit on intrinsic motivation, reward salience (points), visibility (public ranking), social
influence (share of building neighbours who volunteered recently), time cost by membership type,
employer feedback (in-service members) and a minimum-hours duty
(``../shared/design/behaviour-building-blocks.md``). Sessions feed back on motivation: tangible
rewards crowd it out, feedback crowds it in; party members' motivation decays without monitoring
('report but don't serve', seeds 001, 003); conditional cooperators follow their neighbours
(Fischbacher et al. 2001). The points system and duties of ``levers.volunteer_incentives`` are this
mechanism's levers.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cogov.sim.behaviour import logistic, motivation_after_session, reward_salience
from cogov.sim.config import ScenarioConfig
from cogov.sim.households import IN_SERVICE, Households

CONDITIONAL = 0
DAYS_PER_YEAR = 365.0


class Volunteering:
    """Today's volunteers serve; motivation learns. Owns who may volunteer and the rewards paid."""

    def __init__(self, config: ScenarioConfig, households: Households, n_buildings: int, n_grids: int,
                 rng: np.random.Generator):
        self.households = households
        self.incentives = config.levers.volunteer_incentives
        self.choice = config.behaviour.participation
        self.motive = config.behaviour.motivation
        self.rng = rng
        self.n_grids = n_grids
        self.eligible: NDArray[np.int64] = households.eligible
        """Rows of the households who may volunteer: party members and registered volunteers."""
        self.households_by_building = np.maximum(1, np.bincount(households.building, minlength=n_buildings)).astype(float)
        self.time_cost = np.asarray(self.choice.time_cost.as_tuple())
        self.reward_paid = 0.0
        """Points redeemed so far (CNY, public money)."""

    def neighbours_recent_share(self, day: int) -> NDArray[np.float64]:
        """For each eligible household: share of the *other* households of its building who volunteered in the
        influence window (one's own sessions are not social influence)."""
        households, eligible = self.households, self.eligible
        recent = day - households.last_served[eligible] < self.motive.influence_window_days
        counts = np.bincount(households.building[eligible[recent]], minlength=len(self.households_by_building))
        building = households.building[eligible]
        others = np.maximum(1.0, self.households_by_building[building] - 1.0)
        return (counts[building] - recent) / others

    def step(self, day: int) -> NDArray[np.float64]:
        """Let today's volunteers serve, update motivation, and return volunteer hours by grid."""
        households, eligible = self.households, self.eligible
        incentives, choice, motive = self.incentives, self.choice, self.motive

        reward_per_hour = incentives.points_per_hour * incentives.cny_per_point
        salience = reward_salience(reward_per_hour, motive.reward_reference_cny)
        members = households.member_type[eligible]
        in_service = members == IN_SERVICE
        feedback = np.where(in_service, incentives.public_ranking or incentives.employer_feedback, incentives.public_ranking)
        neighbours = self.neighbours_recent_share(day)
        behind = (incentives.min_hours_per_year > 0) & (members > 0) & (
            households.hours[eligible] < incentives.min_hours_per_year * (day + 1) / DAYS_PER_YEAR
        )
        utility = (
            choice.volunteer_intercept
            + choice.volunteer_motivation * households.motivation[eligible]
            + choice.volunteer_reward * salience
            + choice.volunteer_image * incentives.public_ranking
            + choice.volunteer_social * neighbours
            - self.time_cost[members]
            + choice.volunteer_employer_feedback * (incentives.employer_feedback & in_service)
            + choice.volunteer_min_hours * behind
        )
        serve = self.rng.random(len(eligible)) < logistic(utility)
        served = eligible[serve]
        households.hours[served] += choice.session_hours
        households.points[served] += choice.session_hours * incentives.points_per_hour
        households.last_served[served] = day
        self.reward_paid += choice.session_hours * reward_per_hour * len(served)
        households.motivation[served] = motivation_after_session(
            households.motivation[served], feedback[serve].astype(float), salience,
            motive.learning_rate, motive.feedback_boost, motive.crowding_out,
        )

        unmonitored = (members > 0) & ~feedback
        drop = eligible[unmonitored]
        households.motivation[drop] = np.maximum(0.0, households.motivation[drop] - motive.unmonitored_decay)
        conditional = eligible[households.cooperator[eligible] == CONDITIONAL]
        target = np.minimum(1.0, neighbours[households.cooperator[eligible] == CONDITIONAL] / motive.reciprocity_share)
        households.motivation[conditional] += motive.conformity * (target - households.motivation[conditional])

        return np.bincount(households.grid[served], minlength=self.n_grids) * choice.session_hours
