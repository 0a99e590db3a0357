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

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cogov.sim.behaviour import logistic, motivation_after_session, reward_salience
from cogov.sim.config import ScenarioConfig
from cogov.sim.households import IN_SERVICE, NEVER, Households, StackedHouseholds, alone
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.five_ones import FiveOnes
from cogov.sim.mechanisms.party_building import PartyBuilding, asks_batch
from cogov.sim.mechanisms.posts import Posts
from cogov.sim.mechanisms.teams import VolunteerTeams
from cogov.sim.stacking import joined, lookup, per_row, small_table, spread

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
        self.time_cost = small_table(self.choice.time_cost.as_tuple())
        self.age_cost = small_table(self.choice.volunteer_age_cost)

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
        stack = alone(self.households)
        return _BatchIndex.of([self], stack).neighbours_recent_share(stack, day, self.motive.influence_window_days)

    def step(self, day: int) -> NDArray[np.float64]:
        """Let today's volunteers serve, update motivation, and return volunteer hours by grid (:func:`volunteer_day`
        with this community alone)."""
        return volunteer_day([self], alone(self.households), day)[0]

    @property
    def arranged(self) -> bool:
        """Whether an arrangement besides the branch's asks shapes today's choice (teams, the five ones, posts)."""
        return ((self.teams is not None and self.teams.enabled) or (self.five_ones is not None and self.five_ones.enabled)
                or (self.posts is not None and self.posts.enabled))

    def choices(self, day: int, asked: NDArray[np.bool_] | None = None
                ) -> tuple[NDArray[np.bool_], NDArray[np.bool_] | None, NDArray[np.float64] | None]:
        """What the community's other arrangements make of today's choice for each eligible household, in the order
        they draw: asked (by the branch or steward, unless ``asked`` says already; by a team on its service day; by the
        branch's five-ones review; by a post's guide), kept in view (a team; the review; None: nobody) and a post's
        commitment (None without posts)."""
        eligible = self.eligible
        if asked is None:
            asked = self.asks(eligible)
        in_view = None
        if self.teams is not None and self.teams.enabled:  # joined when asked; called on service days; kept in view
            self.teams.join(eligible, asked)
            asked = asked | self.teams.called(eligible, day)
            in_view = self.teams.in_view(eligible)
        if self.five_ones is not None and self.five_ones.enabled:  # behind on the five ones: asked, kept in view
            followed_up = self.five_ones.review(eligible, day)
            asked = asked | followed_up
            in_view = followed_up if in_view is None else in_view | followed_up
        if self.posts is not None and self.posts.enabled:
            self.posts.claim(eligible, asked, day)  # posts are claimed when the branch (or a team) asks
            asked = asked | self.posts.guided(eligible, day)  # a guide who served yesterday asks their building
            return asked, in_view, self.posts.commitment(eligible)  # a post is a duty one is seen to hold
        return asked, in_view, None

    def record(self, served: NDArray[np.int64]) -> None:
        """Today's sessions of this community (its own rows): the five ones' actions to do, and the points paid."""
        if self.five_ones is not None and self.five_ones.enabled:
            self.five_ones.record_sessions(served)
        reward_per_hour = self.incentives.points_per_hour * self.incentives.cny_per_point
        paid = self.choice.session_hours * reward_per_hour * len(served)
        self.reward_paid += paid
        self.ledger.record("volunteer_points", paid)


def volunteer_day(communities: Sequence[Volunteering], stack: StackedHouseholds, day: int) -> list[NDArray[np.float64]]:
    """One day of volunteering in every community of a batch, over its stacked households: each community's
    choices (:meth:`Volunteering.choices`) and draws from its own streams, then one pass over every eligible
    household. Returns each community's volunteer hours by grid.

    Each parameter is one number when the communities share it, else one per row (:func:`spread`); every formula is
    elementwise, so a community's numbers are those it gets on its own, bit for bit.
    """
    index = _BatchIndex.of(communities, stack)
    eligible, where = index.eligible, index.where
    h = stack
    incentives = per_row([c.incentives for c in communities], where)
    choice = per_row([c.choice for c in communities], where)
    links = per_row([c.links for c in communities], where)
    motive = per_row([c.motive for c in communities], where)
    salience_of = [reward_salience(c.incentives.points_per_hour * c.incentives.cny_per_point,
                                   c.motive.reward_reference_cny) for c in communities]
    salience = spread(salience_of, where)
    members = h.member_type[eligible]
    in_service = members == IN_SERVICE
    ranking, employer = incentives.public_ranking, incentives.employer_feedback
    feedback = np.where(in_service, ranking | employer, ranking)
    feedback = feedback | (h.monitored_until[eligible] >= day)  # followed up by their branch
    neighbours = index.neighbours_recent_share(h, day, motive.influence_window_days)
    asked, in_view, commitments = _choices(communities, h, index, day)
    if in_view is not None:
        feedback = feedback | in_view
    minimum = incentives.min_hours_per_year
    behind = (minimum > 0) & (members > 0) & (h.hours[eligible] < minimum * (day + 1) / DAYS_PER_YEAR)
    utility = (
        choice.volunteer_intercept
        + choice.volunteer_motivation * h.motivation[eligible]
        + choice.volunteer_reward * salience
        + choice.volunteer_image * ranking
        + choice.volunteer_social * neighbours
        + links.asked_to_volunteer * asked
        + links.trust_to_volunteer * (h.trust[eligible] - 0.5)
        - index.time_cost(communities, members)
        - index.age_cost(communities, h.age_group[eligible])
        + choice.volunteer_employer_feedback * (employer & in_service)
        + choice.volunteer_min_hours * behind
    )
    if commitments is not None:  # a post is a duty one is seen to hold
        utility = utility + commitments
    draws = joined([c.rng.random(n) for c, n in zip(communities, index.counts, strict=True)])
    serve = draws < logistic(utility)
    served = eligible[serve]
    at = where[serve]  # each session's community
    session = per_row([c.choice for c in communities], at).session_hours
    h.hours[served] += session
    h.points[served] += session * per_row([c.incentives for c in communities], at).points_per_hour
    h.last_served[served] = day
    if len(communities) == 1:
        communities[0].record(served)
    else:
        bounds = np.searchsorted(at, np.arange(len(communities) + 1))
        for k, community in enumerate(communities):
            community.record(served[bounds[k]:bounds[k + 1]] - stack.offsets[k])
    # Taking part builds ties and trust (L15); ties fade back to the stranger society without it.
    h.ties += per_row([c.ties for c in communities], stack.position).decay_rate * (h.initial_ties - h.ties)
    taking_part = per_row([c.links for c in communities], at)
    h.ties[served] += taking_part.participation_to_ties * (1.0 - h.ties[served])
    h.trust[served] += taking_part.participation_to_trust * (1.0 - h.trust[served])
    learning = per_row([c.motive for c in communities], at)
    h.motivation[served] = motivation_after_session(
        h.motivation[served], feedback[serve].astype(float), spread(salience_of, at),
        learning.learning_rate, learning.feedback_boost, learning.crowding_out,
    )
    unmonitored = (members > 0) & ~feedback
    drop = eligible[unmonitored]
    decay = per_row([c.motive for c in communities], where[unmonitored]).unmonitored_decay
    h.motivation[drop] = np.maximum(0.0, h.motivation[drop] - decay)
    conditional = h.cooperator[eligible] == CONDITIONAL
    rows = eligible[conditional]
    following = per_row([c.motive for c in communities], where[conditional])
    target = np.minimum(1.0, neighbours[conditional] / following.reciprocity_share)
    h.motivation[rows] += following.conformity * (target - h.motivation[rows])
    sessions = np.bincount(index.grid[serve], minlength=index.grid_offsets[-1])
    return [sessions[index.grid_offsets[k]:index.grid_offsets[k + 1]] * c.choice.session_hours
            for k, c in enumerate(communities)]


def _choices(communities: Sequence[Volunteering], h: StackedHouseholds, index: _BatchIndex, day: int
             ) -> tuple[NDArray[np.bool_], NDArray[np.bool_] | None, NDArray[np.float64] | None]:
    """Every eligible household's choice as the communities' arrangements shape it (:meth:`Volunteering.choices`):
    asked, kept in view (None: nobody anywhere) and a post's commitment (None: no posts anywhere). The branches' and
    stewards' asks are drawn in one pass when every community's asks are its party organisations'
    (:func:`~cogov.sim.mechanisms.party_building.asks_batch`; each draws from its own stream first, as alone); the
    other arrangements then act community by community, only where one is on."""
    parties = [getattr(c.asks, "__self__", None) for c in communities]  # the party organisations asking, if they are
    asked = None
    if all(isinstance(party, PartyBuilding) for party in parties):
        asked = asks_batch(parties, h, index.eligible, index.counts, None if len(communities) == 1 else index.where)
        if not any(c.arranged for c in communities):
            return asked, None, None
    own = [None] * len(communities) if asked is None else np.split(asked, np.cumsum(index.counts)[:-1])
    chosen = [c.choices(day, mine) for c, mine in zip(communities, own, strict=True)]
    in_view = commitment = None
    if any(v is not None for _, v, _ in chosen):
        in_view = joined([np.zeros(n, dtype=bool) if v is None else v
                          for (_, v, _), n in zip(chosen, index.counts, strict=True)])
    if any(c is not None for _, _, c in chosen):
        commitment = joined([np.zeros(n) if c is None else c for (_, _, c), n in zip(chosen, index.counts, strict=True)])
    return joined([a for a, _, _ in chosen]), in_view, commitment


class _BatchIndex:
    """What volunteering derives once from a stack: the eligible households as stacked rows, their community, and
    buildings and grids numbered across the batch (cached on the stack)."""

    def __init__(self, communities: Sequence[Volunteering], stack: StackedHouseholds):
        offsets = stack.offsets
        self.counts = [len(c.eligible) for c in communities]
        self.eligible = joined([c.eligible + offsets[k] for k, c in enumerate(communities)])
        self.where = np.repeat(np.arange(len(communities)), self.counts)
        self.building, self.n_buildings = stack.across("building", lambda: [len(c.households_by_building) for c in communities])
        self.households_by_building = joined([c.households_by_building for c in communities])
        grid, _ = stack.across("grid", lambda: [c.n_grids for c in communities])
        self.grid = grid[self.eligible]
        self.grid_offsets = np.concatenate(([0], np.cumsum([c.n_grids for c in communities])))

    @classmethod
    def of(cls, communities: Sequence[Volunteering], stack: StackedHouseholds) -> _BatchIndex:
        index = stack.cache.get("volunteering")
        if index is None:
            index = stack.cache["volunteering"] = cls(communities, stack)
        return index

    def neighbours_recent_share(self, h: StackedHouseholds, day: int, window: Any) -> NDArray[np.float64]:
        """:meth:`Volunteering.neighbours_recent_share` of every eligible household of the batch."""
        eligible = self.eligible
        recent = day - h.last_served[eligible] < window
        building = self.building[eligible]
        counts = np.bincount(building[recent], minlength=self.n_buildings)
        others = np.maximum(1.0, self.households_by_building[building] - 1.0)
        return (counts[building] - recent) / others

    def time_cost(self, communities: Sequence[Volunteering], members: NDArray[np.int8]) -> NDArray[np.float64]:
        """Each eligible household's time cost of serving, by membership type, from its community's table."""
        return lookup([c.time_cost for c in communities], self.where, members)

    def age_cost(self, communities: Sequence[Volunteering], age_group: NDArray[np.int8]) -> NDArray[np.float64]:
        """Each eligible household's cost of serving by age group, from its community's table."""
        return lookup([c.age_cost for c in communities], self.where, age_group)
