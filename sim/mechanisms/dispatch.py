"""Dispatch and routing: an issue goes into the queue of the handler responsible at its level (下单 / 接单).

At grid level, property matters go to the compound's property company; without one, repairs go to
the community (repairs fund) and other property matters to the grid. Care, disputes and (where no
company serves) environment go to a specialist social organisation if one can take them soon enough.
Everything else goes to the grid when 'small matters stay in the grid' is on (``levers.grid.grid_first``,
seeds 001, 002), else to the community. Escalated issues go to the community or the street.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cogov.sim.handlers import Handlers
from cogov.sim.issues import IS_PROPERTY_CATEGORY, MAINTENANCE, IssueTable, Level, State
from cogov.sim.mechanisms.resources import Handling


class Dispatcher:
    """Places issues in handlers' queues; owns the routing rules."""

    def __init__(self, issues: IssueTable, handlers: Handlers, handling: Handling,
                 company_handler_by_compound: NDArray[np.int64], specialists: dict[int, NDArray[np.int64]],
                 grid_first: bool, specialist_max_wait_days: float):
        self.issues = issues
        self.handlers = handlers
        self.handling = handling
        self.company_handler_by_compound = company_handler_by_compound
        """Handler id of each compound's property company, -1 where it has none."""
        self.specialists = {cat: orgs for cat, orgs in specialists.items() if len(orgs)}
        self.grid_first = grid_first
        self.specialist_max_wait_days = specialist_max_wait_days

    def dispatch(self, rows: NDArray[np.int64], day: int, level: int | NDArray[np.int64]) -> None:
        """Queue ``rows`` at the handler responsible at ``level`` (one level for all, or one per row)."""
        if len(rows) == 0:
            return
        table = self.issues
        if np.ndim(level) == 0:
            if level == Level.GRID:
                handler = self.route_in_grid(rows)
            else:
                target = self.handling.street_handler if level == Level.STREET else self.handling.community_handler
                handler = np.full(len(rows), target)
        else:
            handler = np.where(level == Level.STREET, self.handling.street_handler, self.handling.community_handler)
            at_grid = level == Level.GRID
            if at_grid.any():
                handler[at_grid] = self.route_in_grid(rows[at_grid])
        table.handler[rows] = handler
        table.level[rows] = self.handlers.level[handler]
        table.state[rows] = State.QUEUED
        table.queued[rows] = day

    def route_in_grid(self, rows: NDArray[np.int64]) -> NDArray[np.int64]:
        """First handler of newly found (or newly agreed) issues."""
        table = self.issues
        handling = self.handling
        category = table.category[rows]
        company = self.company_handler_by_compound[table.compound[rows]]
        if self.grid_first:
            handler = handling.grid_handlers[table.grid[rows]]
        else:
            handler = np.full(len(rows), handling.community_handler)
        is_property = IS_PROPERTY_CATEGORY[category]
        served = is_property & (company >= 0)
        handler[served] = company[served]
        no_company = is_property & (company < 0)
        handler[no_company & (category == MAINTENANCE)] = handling.community_handler
        other = no_company & (category != MAINTENANCE)
        handler[other] = handling.grid_handlers[table.grid[rows[other]]]
        if self.specialists:
            wait = self.expected_wait()
            for cat, orgs in self.specialists.items():
                wants = (category == cat) & ~served
                if wants.any():
                    best = orgs[np.argmin(wait[orgs])]
                    if wait[best] <= self.specialist_max_wait_days:
                        handler[wants] = best
        return handler

    def expected_wait(self) -> NDArray[np.float64]:
        """Days of queued work per handler at today's capacity (what a dispatcher sees)."""
        table = self.issues
        queued = table.open_in(State.QUEUED)
        work = np.bincount(table.handler[queued], weights=table.work_left[queued], minlength=len(self.handlers))
        return work / np.maximum(self.handlers.capacity, 1e-9)
