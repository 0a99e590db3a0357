"""Volunteering: daily choices to serve, and the motivation dynamics behind them.

Who may volunteer: party members and registered volunteers. Each day each of them chooses by a
binary logit on intrinsic motivation, reward salience (points), visibility (public ranking), social
influence (share of building neighbours who volunteered recently), being asked today by their branch or
building steward (L2, :meth:`cogov.sim.mechanisms.party_building.PartyBuilding.asks`), trust in the party
organisation (L13), time cost by membership type and by age (the elderly take part, the young rarely),
employer feedback (in-service members), a minimum-hours duty and, for members who claimed one, a post
(:mod:`cogov.sim.mechanisms.posts`); members of a volunteer team are asked on its service days and kept in view
(:mod:`cogov.sim.mechanisms.teams`), and in-service members behind on the five ones are asked and kept in view at
their branch's review (:mod:`cogov.sim.mechanisms.five_ones`)
(``../shared/design/behaviour-building-blocks.md``). Sessions feed back on motivation: tangible
rewards crowd it out, feedback crowds it in; party members' motivation decays when nobody follows them
up — no ranking, no employer feedback and no organisational life attended recently ('report but don't
serve', seeds 001, 003); conditional cooperators follow their neighbours (Fischbacher et al. 2001).
Taking part builds the volunteer's neighbourly ties and trust (L15); ties fade back to the stranger
society without it. The points system and duties of ``levers.volunteer_incentives`` are this mechanism's
levers.

The run starts with a history: each eligible household's last session is drawn from its day-0 chance of
serving, so that 'volunteered recently' (social influence, the 30-day shares) does not start empty.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from cogov.sim.behaviour import logistic, motivation_after_session, reward_salience
from cogov.sim.config import ScenarioConfig
from cogov.sim.households import IN_SERVICE, NEVER, Households
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.five_ones import FiveOnes
from cogov.sim.mechanisms.posts import Posts
from cogov.sim.mechanisms.teams import VolunteerTeams

CONDITIONAL = 0
DAYS_PER_YEAR = 365.0


class Volunteering:
    """Today's volunteers serve; motivation learns. Owns who may volunteer and the rewards paid."""

    def __init__(self, config: ScenarioConfig, households: Households, n_buildings: int, n_grids: int,
                 rng: np.random.Generator, asks: Callable[[NDArray[np.int64]], NDArray[np.bool_]], ledger: Ledger,
                 posts: Posts | None = None, teams: VolunteerTeams | None = None, five_ones: FiveOnes | None = None):
        self.households = households
        self.asks = asks
        self.ledger = ledger
        self.configure(config)
        self.rng = rng
        self.n_grids = n_grids
        self.eligible: NDArray[np.int64] = households.eligible
        """Rows of the households who may volunteer: party members and registered volunteers."""
        self.households_by_building = np.maximum(1, np.bincount(households.building, minlength=n_buildings)).astype(float)
        self.reward_paid = 0.0
        """Points redeemed so far (CNY, public money)."""
        self.posts = posts  # members' posts: claimed when asked, a duty in the choice (levers.posts)
        self.teams = teams  # members' volunteer teams: service days and follow-up (levers.volunteer_teams)
        self.five_ones = five_ones  # in-service members' prescribed actions, reviewed by the branch (levers.five_ones)
        self._draw_history()

    def configure(self, config: ScenarioConfig) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.links = config.links
        self.ties = config.behaviour.ties
        self.incentives = config.levers.volunteer_incentives
        self.choice = config.behaviour.participation
        self.motive = config.behaviour.motivation
        self.time_cost = np.asarray(self.choice.time_cost.as_tuple())
        self.age_cost = np.asarray(self.choice.volunteer_age_cost)

    def _draw_history(self) -> None:
        """Each eligible household's last session before day 0: days back ~ geometric with its day-0 chance of
        serving (without neighbours' influence or asks, which need a history themselves); never within a year."""
        h, eligible = self.households, self.eligible
        members = h.member_type[eligible]
        utility = (self.choice.volunteer_intercept + self.choice.volunteer_motivation * h.motivation[eligible]
                   + self.links.trust_to_volunteer * (h.trust[eligible] - 0.5)
                   - self.time_cost[members] - self.age_cost[h.age_group[eligible]])
        days_back = self.rng.geometric(logistic(utility))
        h.last_served[eligible] = np.where(days_back <= DAYS_PER_YEAR, -days_back, NEVER)

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
        feedback = feedback | (households.monitored_until[eligible] >= day)  # followed up by their branch
        neighbours = self.neighbours_recent_share(day)
        asked = self.asks(eligible)
        if self.teams is not None and self.teams.enabled:  # joined when asked; called on service days; kept in view
            self.teams.join(eligible, asked)
            asked = asked | self.teams.called(eligible, day)
            feedback = feedback | self.teams.in_view(eligible)
        listed = self.five_ones is not None and self.five_ones.enabled
        if listed:  # a member behind on the five ones at the branch's review is asked and kept in view
            followed_up = self.five_ones.review(eligible, day)
            asked = asked | followed_up
            feedback = feedback | followed_up
        holding = self.posts is not None and self.posts.enabled
        if holding:
            self.posts.claim(eligible, asked, day)  # posts are claimed when the branch (or a team) asks
            asked = asked | self.posts.guided(eligible, day)  # a guide who served yesterday asks their building
        behind = (incentives.min_hours_per_year > 0) & (members > 0) & (
            households.hours[eligible] < incentives.min_hours_per_year * (day + 1) / DAYS_PER_YEAR
        )
        utility = (
            choice.volunteer_intercept
            + choice.volunteer_motivation * households.motivation[eligible]
            + choice.volunteer_reward * salience
            + choice.volunteer_image * incentives.public_ranking
            + choice.volunteer_social * neighbours
            + self.links.asked_to_volunteer * asked
            + self.links.trust_to_volunteer * (households.trust[eligible] - 0.5)
            - self.time_cost[members]
            - self.age_cost[households.age_group[eligible]]
            + choice.volunteer_employer_feedback * (incentives.employer_feedback & in_service)
            + choice.volunteer_min_hours * behind
        )
        if holding:  # a post is a duty one is seen to hold
            utility = utility + self.posts.commitment(eligible)
        serve = self.rng.random(len(eligible)) < logistic(utility)
        served = eligible[serve]
        households.hours[served] += choice.session_hours
        households.points[served] += choice.session_hours * incentives.points_per_hour
        households.last_served[served] = day
        if listed:
            self.five_ones.record_sessions(served)
        paid = choice.session_hours * reward_per_hour * len(served)
        self.reward_paid += paid
        self.ledger.record("volunteer_points", paid)
        # Taking part builds ties and trust (L15); ties fade back to the stranger society without it.
        households.ties += self.ties.decay_rate * (households.initial_ties - households.ties)
        households.ties[served] += self.links.participation_to_ties * (1.0 - households.ties[served])
        households.trust[served] += self.links.participation_to_trust * (1.0 - households.trust[served])
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
