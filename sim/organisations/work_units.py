"""Work-unit compounds still looked after by their former work unit (单位大院, 自助式; seed 004/8).

Where a work-unit compound never brought in a property company, its former employer's logistics department (后勤)
may still keep its buildings (``levers.work_unit_management``): a handler of the compound, staffed as a property
company is (``staff_per_100_households``) and paid for by the unit, not by residents or the public (ledger payer
``work_units``). It takes the compound's property matters (repairs included: the unit keeps its own buildings), so
the compound counts as served. It does not convene talks: a unit is a party to its residents' collective issues, as a
company is. A row of :class:`WorkUnitServices` per such compound; :class:`WorkUnitService` is its Mesa agent.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import WorkUnitManagement
from cogov.sim.handlers import HandlerKind, Handlers
from cogov.sim.households import Households
from cogov.sim.issues import Level
from cogov.sim.organisations.table import RowAgent, Table

PAYER = "work_units"
"""The ledger's payer of the units' logistics staff."""
LEDGER_ITEM = "work_unit_logistics"


class WorkUnitServices(Table):
    """Work-unit compounds still looked after by their unit; row ``i`` serves compound ``compound[i]``."""

    columns = ("community", "compound", "handler", "households")

    def __init__(self) -> None:
        self.community = np.empty(0, dtype=np.int64)
        self.compound = np.empty(0, dtype=np.int64)
        self.handler = np.empty(0, dtype=np.int64)
        self.households = np.empty(0, dtype=np.int64)

    @classmethod
    def build(cls, params: WorkUnitManagement, candidates: NDArray[np.bool_], households: Households,
              handlers: Handlers, quality: float, rng: np.random.Generator, community: int = 0) -> WorkUnitServices:
        """Of the ``candidates`` (work-unit compounds no company serves), those whose unit still looks after them,
        each with probability ``share`` (one draw per compound); empty when the lever is off (nothing drawn)."""
        services = cls()
        if not params.enabled:
            return services
        n = len(candidates)
        draws = rng.random(n)
        size = np.bincount(households.compound, minlength=n)
        for c in np.flatnonzero(candidates & (draws < params.share) & (size > 0)):
            handler = handlers.add(HandlerKind.WORK_UNIT, Level.GRID, quality, community)
            services._append(community=community, compound=int(c), handler=handler, households=int(size[c]))
        return services

    def hours_today(self, params: WorkUnitManagement, work_hours_per_day: float) -> NDArray[np.float64]:
        """The logistics staff's hours today."""
        return self.households * params.staff_per_100_households / 100.0 * work_hours_per_day

    def cost_today(self, params: WorkUnitManagement, work_hours_per_day: float) -> float:
        """What the units pay their staff today (CNY)."""
        return float(self.hours_today(params, work_hours_per_day).sum() * params.cny_per_hour)


class WorkUnitService(RowAgent):
    """A work unit's logistics department looking after its former compound: a view on its row of the table."""

    table: WorkUnitServices

    @property
    def compound(self) -> int:
        """The compound it looks after."""
        return int(self.table.compound[self.row])
