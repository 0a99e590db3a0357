"""The people's mediation committee (人民调解委员会) and its five-olds teams, one per grid (seeds 004/2, 004/3, 004/4).

The committee's mediators are "five olds" (五老: retired cadres, veterans, experts, teachers and model workers):
elderly residents, retired party members first. They mediate where they live: each grid with at least one
mediator has a team, a handler whose queue takes the grid's neighbour disputes and whose hours are its members'
(``levers.mediation.hours_per_mediator_per_week``). Disputes that turn on a point of law go to the committee's
lawyer where it has one (``lawyer_hours_per_week``): a handler of its own for the whole community, whose hours
are the lawyer's. Its state is a row per team of :class:`MediationTeams`;
:class:`MediationTeam` is the Mesa agent viewing it. Which disputes it takes and what a settled dispute does are
the mechanism's (:mod:`cogov.sim.mechanisms.mediation`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import Mediation
from cogov.sim.handlers import HandlerKind, Handlers
from cogov.sim.households import ELDERLY, RETIRED, Households
from cogov.sim.issues import Level
from cogov.sim.organisations.table import RowAgent, Table

DAYS_PER_WEEK = 7.0
NO_TEAM = -1


def choose_mediators(households: Households, per_100_households: float, rng: np.random.Generator) -> NDArray[np.int64]:
    """The households whose elderly member mediates: retired party members first, then other elderly
    households, in random order within each; as many as ``per_100_households`` asks, at most every elderly one."""
    wanted = round(households.size * per_100_households / 100.0)
    elderly = np.flatnonzero(households.age_group == ELDERLY)
    order = rng.permutation(len(elderly))  # drawn whatever the count, so that the teams share their draws
    candidates = elderly[order]
    retired_member = households.member_type[candidates] == RETIRED
    ranked = np.concatenate((candidates[retired_member], candidates[~retired_member]))
    return np.sort(ranked[:wanted])


class MediationTeams(Table):
    """The mediation teams table; row ``i`` is the team of grid ``grid[i]``, with ``handler[i]`` its queue.

    ``mediators`` lists every mediator's household; ``team_of_grid`` gives each grid's handler id
    (:data:`NO_TEAM` where no mediator lives); ``lawyer`` is the committee's lawyer's handler id (:data:`NO_TEAM`
    without one).
    """

    columns = ("community", "grid", "handler", "members")

    def __init__(self, n_grids: int) -> None:
        self.community = np.empty(0, dtype=np.int64)
        self.grid = np.empty(0, dtype=np.int64)
        self.handler = np.empty(0, dtype=np.int64)
        self.members = np.empty(0, dtype=np.int64)
        self.mediators = np.empty(0, dtype=np.int64)
        self.team_of_grid = np.full(n_grids, NO_TEAM, dtype=np.int64)
        self.lawyer = NO_TEAM

    @classmethod
    def build(cls, params: Mediation, households: Households, n_grids: int, handlers: Handlers,
              rng: np.random.Generator, community: int = 0) -> MediationTeams:
        """The committee of a community: its mediators chosen, a team (and handler) in every grid where one
        lives, each team's daily hours set. Empty when the lever is off."""
        teams = cls(n_grids)
        if not params.enabled:
            return teams
        teams.mediators = choose_mediators(households, params.mediators_per_100_households, rng)
        members = np.bincount(households.grid[teams.mediators], minlength=n_grids)
        for grid in np.flatnonzero(members):
            handler = handlers.add(HandlerKind.MEDIATION, Level.GRID, params.success_probability, community)
            handlers.capacity[handler] = members[grid] * params.hours_per_mediator_per_week / DAYS_PER_WEEK
            teams._append(community=community, grid=int(grid), handler=handler, members=int(members[grid]))
            teams.team_of_grid[grid] = handler
        if params.lawyer_hours_per_week > 0:
            teams.lawyer = handlers.add(HandlerKind.MEDIATION, Level.GRID, params.success_probability, community)
            handlers.capacity[teams.lawyer] = params.lawyer_hours_per_week / DAYS_PER_WEEK
        return teams

    def is_team(self, handlers: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Whether each handler id is a mediation team's or the committee's lawyer's."""
        return np.isin(handlers, self.handler) | ((handlers == self.lawyer) & (self.lawyer != NO_TEAM))


class MediationTeam(RowAgent):
    """A grid's five-olds mediation team (调解小组): a view on its row of the table."""

    table: MediationTeams

    @property
    def grid(self) -> int:
        """The grid whose disputes it mediates."""
        return int(self.table.grid[self.row])

    @property
    def handler(self) -> int:
        """Its handler id (its queue of disputes)."""
        return int(self.table.handler[self.row])

    @property
    def members(self) -> int:
        """Mediators living in the grid."""
        return int(self.table.members[self.row])
