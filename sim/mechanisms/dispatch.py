"""Dispatch and routing: an issue goes into the queue of the handler responsible at its level (下单 / 接单).

At grid level, property matters go to whoever serves the compound: its property company, or its
residents' self-management committee (whose caretakers clean and keep order; repairs still go to the
community's repairs fund); where nobody does, repairs go to the community (repairs fund) and other
property matters to the grid. Care, disputes and (where no
company serves) environment go to a specialist social organisation if one can take them soon enough;
where a mediation committee works, a neighbour dispute goes first to its grid's five-olds team, if the team
can take it soon enough, and one that turns on a point of law to the committee's lawyer instead, if it has one
(:mod:`cogov.sim.mechanisms.mediation`).
Everything else goes to the grid when 'small matters stay in the grid' is on (``levers.grid.grid_first``,
seeds 001, 002), else to the community; with the platform's task claiming, a matter for a grid goes to the nearby
grid that would reach it soonest (:mod:`cogov.sim.mechanisms.digital`). Escalated issues go to the community or the street.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from operator import is_

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import CATEGORIES
from cogov.sim.handlers import HandlerKind, Handlers
from cogov.sim.issues import DISPUTE, IS_PROPERTY_CATEGORY, MAINTENANCE, Issues, IssueTable, Level, State
from cogov.sim.mechanisms.resources import Handling
from cogov.sim.stacking import Rows, joined, offsets, spread

N_CATEGORIES = len(CATEGORIES)


class Dispatcher:
    """Places issues in handlers' queues; owns the routing rules."""

    def __init__(self, issues: IssueTable, handlers: Handlers, handling: Handling,
                 property_service_by_compound: NDArray[np.int64], specialists: dict[int, NDArray[np.int64]],
                 grid_first: bool, specialist_max_wait_days: float,
                 mediation_team_of_grid: NDArray[np.int64] | None = None, mediation_max_wait_days: float = 0.0,
                 mediation_lawyer: int = -1, claimers: NDArray[np.int64] | None = None,
                 counters: Counter[str] | None = None):
        self.issues = issues
        self.handlers = handlers
        self.handling = handling
        self.property_service_by_compound = property_service_by_compound
        """Handler id of whoever gives each compound its property service: its property company, or its residents'
        self-management committee; -1 where nobody does."""
        self.set_specialists(specialists)
        self.configure(grid_first, specialist_max_wait_days, mediation_max_wait_days, claimers)
        self.set_mediation(mediation_team_of_grid, mediation_lawyer)
        self.counters = counters if counters is not None else Counter()

    def configure(self, grid_first: bool, specialist_max_wait_days: float, mediation_max_wait_days: float,
                  claimers: NDArray[np.int64] | None) -> None:
        """The routing rules the levers set (at build, and again when an intervention changes them mid-run)."""
        self.grid_first = grid_first
        self.specialist_max_wait_days = specialist_max_wait_days
        self.mediation_max_wait_days = mediation_max_wait_days
        self.claimers = claimers
        """With the platform's task claiming: each grid's row of grids that may claim its matters (itself first);
        None without it."""

    def set_mediation(self, team_of_grid: NDArray[np.int64] | None, lawyer: int) -> None:
        """The mediation committee's teams and lawyer (at build, or set up or dissolved mid-run)."""
        teams = team_of_grid
        self.mediation_team_of_grid = teams if teams is not None and (teams >= 0).any() else None
        """Handler id of each grid's mediation team (-1 where none); None without any team."""
        self.mediation_lawyer = lawyer
        """Handler id of the mediation committee's lawyer (-1 where none)."""

    def set_specialists(self, specialists: dict[int, NDArray[np.int64]]) -> None:
        """The specialist organisations of each category, as they are now (an organisation was incubated)."""
        self.specialists = {cat: orgs for cat, orgs in specialists.items() if len(orgs)}

    def dispatch(self, rows: NDArray[np.int64], day: int, level: int | NDArray[np.int64]) -> None:
        """Queue ``rows`` at the handler responsible at ``level`` (one level for all, or one per row)."""
        if len(rows):
            dispatch_batch([self], self.issues.alone, Rows(rows), day, level)

    def route_in_grid(self, rows: NDArray[np.int64]) -> NDArray[np.int64]:
        """First handler of newly found (or newly agreed) issues."""
        return route_batch([self], self.issues.alone, Rows(rows))

    def adjust(self, rows: NDArray[np.int64], category: NDArray[np.int8], served: NDArray[np.bool_],
               handler: NDArray[np.int64]) -> None:
        """This community's own routes over the common ones (``handler``, changed in place): a specialist social
        organisation that can take the matter soon enough, a mediation team or the lawyer, task claiming."""
        if self.specialists:
            _to_specialists([self], self.issues.alone, Rows(rows), category, served, handler)
        self.adjust_further(rows, category, handler)

    def adjust_further(self, rows: NDArray[np.int64], category: NDArray[np.int8], handler: NDArray[np.int64]) -> None:
        """The routes after the specialists': a mediation team or the lawyer, task claiming."""
        if self.mediation_team_of_grid is not None or self.mediation_lawyer >= 0:
            self._to_mediation(rows, category, handler)
        if self.claimers is not None:
            self._claimed(rows, handler)

    @property
    def adjusts(self) -> bool:
        """Whether this community has routes of its own (specialists, mediation, task claiming)."""
        return bool(self.specialists) or self.adjusts_further

    @property
    def adjusts_further(self) -> bool:
        """Whether this community has routes of its own after the specialists' (mediation, task claiming)."""
        return self.mediation_team_of_grid is not None or self.mediation_lawyer >= 0 or self.claimers is not None

    def _claimed(self, rows: NDArray[np.int64], handler: NDArray[np.int64]) -> None:
        """Task claiming on the platform: a matter routed to its own grid goes to the grid, among it and its nearest
        ones, with the shortest expected wait (its own first among equals; matters routed in one call see the same
        waits)."""
        grid = self.issues.grid[rows]
        own = self.handling.grid_handlers[grid]
        to_grid = np.flatnonzero(handler == own)
        if len(to_grid) == 0:
            return
        candidates = self.handling.grid_handlers[self.claimers[grid[to_grid]]]  # rows × (1 + neighbours)
        wait = self.expected_wait()[candidates]
        wait[:, 1:][self.handlers.capacity[candidates[:, 1:]] <= 0] = np.inf  # a neighbour without hours cannot claim
        best = candidates[np.arange(len(to_grid)), np.argmin(wait, axis=1)]
        self.counters["claimed_by_neighbours"] += int(np.count_nonzero(best != own[to_grid]))
        handler[to_grid] = best

    def _to_mediation(self, rows: NDArray[np.int64], category: NDArray[np.int8], handler: NDArray[np.int64]) -> None:
        """Neighbour disputes go to their grid's mediation team, where there is one whose queue is short enough;
        those that turn on a point of law go to the committee's lawyer instead (the five olds refer them), where
        there is one whose queue is short enough, and otherwise the usual way."""
        disputes = np.flatnonzero(category == DISPUTE)
        if len(disputes) == 0:
            return
        teams = self.mediation_team_of_grid
        team = np.full(len(disputes), -1) if teams is None else teams[self.issues.grid[rows[disputes]]]
        legal = self.issues.legal[rows[disputes]]
        team[legal] = self.mediation_lawyer
        wait = self.expected_wait()
        safe = np.maximum(team, 0)
        takes = (team >= 0) & (self.handlers.capacity[safe] > 0) & (wait[safe] <= self.mediation_max_wait_days)
        handler[disputes[takes]] = team[takes]

    def expected_wait(self) -> NDArray[np.float64]:
        """Days of queued work per handler at today's capacity (what a dispatcher sees)."""
        return expected_waits([self], self.issues.alone)


def dispatch_batch(dispatchers: Sequence[Dispatcher], issues: Issues, rows: Rows, day: int,
                   level: int | NDArray[np.int64]) -> None:
    """:meth:`Dispatcher.dispatch` for stacked ``rows`` of a batch (``level``: one for all, or one per row): each
    issue queued at its community's handler (handler ids are each community's own)."""
    if len(rows) == 0:
        return
    index = rows.rows
    handling = [d.handling for d in dispatchers]
    if not isinstance(level, np.ndarray):
        if level == Level.GRID:
            handler = route_batch(dispatchers, issues, rows)
        else:
            handler = np.full(len(index), 0, dtype=np.int64) + spread(
                [h.street_handler if level == Level.STREET else h.community_handler for h in handling], rows.position)
    else:
        handler = np.where(level == Level.STREET, spread([h.street_handler for h in handling], rows.position),
                           spread([h.community_handler for h in handling], rows.position))
        at_grid = level == Level.GRID
        if at_grid.any():
            handler[at_grid] = route_batch(dispatchers, issues, rows[at_grid])
    issues.handler[index] = handler
    if rows.position is None:
        issues.level[index] = dispatchers[0].handlers.level[handler]
    else:
        first = offsets([len(d.handlers) for d in dispatchers])
        issues.level[index] = joined([d.handlers.level for d in dispatchers])[handler + first[rows.position]]
    issues.state[index] = State.QUEUED
    issues.queued[index] = day


def route_batch(dispatchers: Sequence[Dispatcher], issues: Issues, rows: Rows) -> NDArray[np.int64]:
    """:meth:`Dispatcher.route_in_grid` for stacked ``rows`` of a batch: the common routes in one pass (each
    community's compounds, grids and handlers looked up in its own tables), then each community's own
    (:meth:`Dispatcher.adjust`)."""
    index, where = rows.rows, rows.position
    category = issues.category[index]
    alone_ = len(dispatchers) == 1

    def own(tables: list[NDArray[np.int64]], column: NDArray[np.int64]) -> NDArray[np.int64]:
        # each row's entry in its community's table (numbered across the batch)
        return joined(tables)[column + (0 if alone_ else offsets([len(t) for t in tables])[where])]

    company = own([d.property_service_by_compound for d in dispatchers], issues.compound[index])
    grid = issues.grid[index]
    grid_handler = own([d.handling.grid_handlers for d in dispatchers], grid)
    community = spread([d.handling.community_handler for d in dispatchers], where)
    handler = np.where(spread([d.grid_first for d in dispatchers], where), grid_handler, community)
    is_property = IS_PROPERTY_CATEGORY[category]
    served = is_property & (company >= 0)
    handler[served] = company[served]
    no_company = is_property & (company < 0)
    # Repairs need the repairs fund where no company keeps one: a self-management committee's caretakers
    # clean and keep order, the community pays for repairs (准物业, seed 004/8).
    committee = served & (own([d.handlers.kind for d in dispatchers], np.maximum(company, 0))
                          == HandlerKind.SELF_MANAGEMENT)
    to_community = (no_company | committee) & (category == MAINTENANCE)
    handler[to_community] = community if np.ndim(community) == 0 else community[to_community]
    other = no_company & (category != MAINTENANCE)
    handler[other] = grid_handler[other]
    if any(d.specialists for d in dispatchers):
        _to_specialists(dispatchers, issues, rows, category, served, handler)
    if any(d.adjusts_further for d in dispatchers):
        for k, mine in rows.segments(len(dispatchers)):
            if dispatchers[k].adjusts_further:
                dispatchers[k].adjust_further(issues.own(rows, k, mine), category[mine], handler[mine])
    return handler


def expected_waits(dispatchers: Sequence[Dispatcher], issues: Issues) -> NDArray[np.float64]:
    """:meth:`Dispatcher.expected_wait` of every community of a batch, handlers numbered across the batch (community
    after community): each handler's queued work sums its own issues in its community's order, as alone."""
    rows = issues.open()
    queued = rows[issues.state[rows.rows] == State.QUEUED]
    first = None if queued.position is None else offsets([len(d.handlers) for d in dispatchers])
    handler = issues.handler[queued.rows] + queued.shifted(first)
    capacity = joined([d.handlers.capacity for d in dispatchers])
    work = np.bincount(handler, weights=issues.work_left[queued.rows], minlength=len(capacity))
    return work / np.maximum(capacity, 1e-9)


def _to_specialists(dispatchers: Sequence[Dispatcher], issues: Issues, rows: Rows, category: NDArray[np.int8],
                    served: NDArray[np.bool_], handler: NDArray[np.int64]) -> None:
    """Matters of a specialty no company serves go to the community's specialist organisation of that specialty with
    the shortest expected wait (the first listed among equals), if it is short enough: for every community of a
    batch in one pass (``handler``, each community's own ids, changed in place)."""
    n = len(dispatchers)
    table = _SpecialistTable.of(dispatchers, issues)
    owner, mine, group = table.owner, table.organisation, table.group
    if len(mine) == 0:
        return
    first = offsets([len(d.handlers) for d in dispatchers])
    wait = expected_waits(dispatchers, issues)[mine + first[owner]]
    order = np.lexsort((table.rank, wait, group))  # by specialty of each community, then wait, then listing
    best = order[np.concatenate(([True], group[order][1:] != group[order][:-1]))]
    soon = wait[best] <= spread([d.specialist_max_wait_days for d in dispatchers], owner[best])
    route = np.full(n * N_CATEGORIES, -1, dtype=np.int64)
    route[group[best][soon]] = mine[best][soon]
    position = rows.position if rows.position is not None else 0
    chosen = route[position * N_CATEGORIES + category.astype(np.int64)]
    wants = ~served & (chosen >= 0)
    handler[wants] = chosen[wants]



class _SpecialistTable:
    """Every specialist organisation of a batch's communities, one row each (its community, specialty, handler in
    its community's numbering and place in its specialty's list), made again when a community's specialists change
    (:meth:`Dispatcher.set_specialists` makes a new dict). Kept in the issues' cache."""

    def __init__(self, dispatchers: Sequence[Dispatcher]):
        self.sources = [d.specialists for d in dispatchers]
        community: list[int] = []
        specialty: list[int] = []
        organisation: list[int] = []
        rank: list[int] = []
        for k, d in enumerate(dispatchers):
            for cat, orgs in d.specialists.items():
                community += [k] * len(orgs)
                specialty += [cat] * len(orgs)
                organisation += orgs.tolist()
                rank += range(len(orgs))
        self.owner = np.asarray(community, dtype=np.int64)
        self.organisation = np.asarray(organisation, dtype=np.int64)
        self.rank = np.asarray(rank, dtype=np.int64)
        self.group = self.owner * N_CATEGORIES + np.asarray(specialty, dtype=np.int64)
        """Each row's community and specialty, as one number."""

    @classmethod
    def of(cls, dispatchers: Sequence[Dispatcher], issues: Issues) -> _SpecialistTable:
        """The batch's table, made again when a community's specialists changed since."""
        table = issues.cache.get("specialists")
        if table is None or len(table.sources) != len(dispatchers) or not all(
                map(is_, table.sources, (d.specialists for d in dispatchers))):
            table = issues.cache["specialists"] = cls(dispatchers)
        return table
