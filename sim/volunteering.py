"""Daily volunteering choices and the motivation dynamics behind them.

Who may volunteer: party members and registered volunteers. Each day each of them chooses by a
binary logit on intrinsic motivation, reward salience, visibility (public ranking), social
influence (share of building neighbours who volunteered in the last 30 days), time cost by
membership type, employer feedback (in-service members) and a minimum-hours duty
(``../shared/design/behaviour-building-blocks.md``). Sessions feed back on motivation: tangible
rewards crowd it out, feedback crowds it in; party members' motivation decays without
monitoring ('report but don't serve', seeds 001, 003); conditional cooperators follow their
neighbours (Fischbacher et al. 2001).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cogov.sim.behaviour import logistic, motivation_after_session, reward_salience
from cogov.sim.population import IN_SERVICE

if TYPE_CHECKING:
    from cogov.sim.model import CommunityModel

RECENT_DAYS = 30
"""Window for 'volunteered recently' (volunteer_share, inservice_serving_share, social influence)."""
CONDITIONAL = 0


def neighbours_recent_share(model: CommunityModel, day: int) -> np.ndarray:
    """For each eligible household: share of the *other* households of its building who volunteered
    in the last ``RECENT_DAYS`` days (one's own sessions are not social influence)."""
    pop = model.population
    eligible = model.eligible
    recent = day - pop.last_served[eligible] < model.config.behaviour.motivation.influence_window_days
    counts = np.bincount(pop.building[eligible[recent]], minlength=len(model.households_by_building))
    building = pop.building[eligible]
    others = np.maximum(1.0, model.households_by_building[building] - 1.0)
    return (counts[building] - recent) / others


def volunteer_day(model: CommunityModel, day: int) -> np.ndarray:
    """Let today's volunteers serve; update motivation; return volunteer hours by grid."""
    pop = model.population
    config = model.config
    incentives = config.levers.volunteer_incentives
    choice = config.behaviour.participation
    motive = config.behaviour.motivation
    eligible = model.eligible

    reward_per_hour = incentives.points_per_hour * incentives.cny_per_point
    salience = reward_salience(reward_per_hour, motive.reward_reference_cny)
    members = pop.member_type[eligible]
    in_service = members == IN_SERVICE
    feedback = np.where(in_service, incentives.public_ranking or incentives.employer_feedback, incentives.public_ranking)
    neighbours = neighbours_recent_share(model, day)
    behind = (incentives.min_hours_per_year > 0) & (members > 0) & (
        pop.hours[eligible] < incentives.min_hours_per_year * (day + 1) / 365.0
    )
    utility = (
        choice.volunteer_intercept
        + choice.volunteer_motivation * pop.motivation[eligible]
        + choice.volunteer_reward * salience
        + choice.volunteer_image * incentives.public_ranking
        + choice.volunteer_social * neighbours
        - model.volunteer_time_cost[members]
        + choice.volunteer_employer_feedback * (incentives.employer_feedback & in_service)
        + choice.volunteer_min_hours * behind
    )
    serve = model.streams.volunteer.random(len(eligible)) < logistic(utility)
    served = eligible[serve]
    pop.hours[served] += choice.session_hours
    pop.points[served] += choice.session_hours * incentives.points_per_hour
    pop.last_served[served] = day
    model.reward_paid += choice.session_hours * reward_per_hour * len(served)
    pop.motivation[served] = motivation_after_session(
        pop.motivation[served], feedback[serve].astype(float), salience,
        motive.learning_rate, motive.feedback_boost, motive.crowding_out,
    )

    unmonitored = (members > 0) & ~feedback
    drop = eligible[unmonitored]
    pop.motivation[drop] = np.maximum(0.0, pop.motivation[drop] - motive.unmonitored_decay)
    conditional = eligible[pop.cooperator[eligible] == CONDITIONAL]
    target = np.minimum(1.0, neighbours[pop.cooperator[eligible] == CONDITIONAL] / motive.reciprocity_share)
    pop.motivation[conditional] += motive.conformity * (target - pop.motivation[conditional])

    return np.bincount(pop.grid[served], minlength=model.n_grids) * choice.session_hours
