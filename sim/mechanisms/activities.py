"""Activities that build ties, held where there is a venue (文体活动, 党群活动, 邻里节; seeds 002, 004/1, 004/2, 004/3,
004/4).

With ``levers.activities.enabled``, activities are held ``per_venue_per_month`` times a month at each venue: the
community's service centre (党群服务中心, at the building nearest the centre) and, in a month a co-building unit is
engaged, the venue it lends (共建单位 venues; a unit nobody asked lends nothing, so the big party committee and the
monthly asks decide how many venues there are, :mod:`cogov.sim.organisations.co_building`). Space matters: only
households in buildings within ``reach_cells`` cells of the venue on the Mesa grid can come, and each comes with the
probability of its age group (the elderly most, seed 001). Taking part is a meeting: ties and trust grow (L15,
:func:`cogov.sim.households.take_part`). Each activity costs ``cny_per_activity`` (ledger ``activities``).

Outcome: the share of households that took part in an activity in the last 30 days.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ScenarioConfig
from cogov.sim.fast import share
from cogov.sim.households import NEVER, Households, take_part
from cogov.sim.layout import Layout
from cogov.sim.ledger import Ledger
from cogov.sim.organisations import CoBuildingUnits

DAYS_PER_MONTH = 30
LEDGER_ITEM = "activities"
REACH_DAYS = 30
"""Window of 'took part recently' in the reach outcome (an observation, not behaviour)."""


def within_reach(layout: Layout, venues: NDArray[np.int64], cells: int) -> NDArray[np.bool_]:
    """For each venue (a building), which buildings lie within ``cells`` cells of it (Chebyshev distance)."""
    xy = layout.building_xy
    distance = np.abs(xy[venues][:, None, :] - xy[None, :, :]).max(axis=2)
    return distance <= cells


class Activities:
    """Where activities are held, who is within reach of each venue, and who took part when."""

    def __init__(self, config: ScenarioConfig, layout: Layout, households: Households, co_building: CoBuildingUnits,
                 centre_building: int, counters: Counter[str], rng: np.random.Generator, ledger: Ledger):
        self.layout = layout
        self.households = households
        self.co_building = co_building
        self.counters = counters
        self.rng = rng
        self.ledger = ledger
        units_with_venue = np.flatnonzero(co_building.venue)
        self.venue_unit = np.concatenate(([-1], units_with_venue))
        """The co-building unit lending each venue (-1: the community's own centre, always open)."""
        self.venue_building = np.concatenate(([centre_building], co_building.building[units_with_venue])).astype(np.int64)
        self.configure(config)
        self.last_activity = np.full(households.size, NEVER, dtype=np.int64)

    def configure(self, config: ScenarioConfig) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.params = config.levers.activities
        self.ever_enabled: bool = getattr(self, "ever_enabled", False) or self.params.enabled
        """Whether the lever has been on at any time of the run (until then, nobody has been reached)."""
        self.links = config.links
        self.enabled = self.params.enabled
        self.reach = within_reach(self.layout, self.venue_building, self.params.reach_cells)
        """Venues × buildings: who can come to each venue's activities."""
        self.attendance = np.asarray(self.params.attendance.as_tuple())[self.households.age_group]

    def open_venues(self) -> NDArray[np.bool_]:
        """Venues open this month: the centre always, a unit's venue in a month the unit is engaged."""
        unit = self.venue_unit
        is_open = np.ones(len(unit), dtype=bool)
        lent = unit >= 0
        is_open[lent] = self.co_building.engaged[unit[lent]]
        return is_open

    def held_today(self, day: int) -> NDArray[np.int64]:
        """Venues holding an activity today: each ``per_venue_per_month`` times in every 30 days, on days spread
        evenly over them and offset by venue."""
        n = self.params.per_venue_per_month
        days_in_cycle = np.arange(n) * DAYS_PER_MONTH // n
        venue = np.arange(len(self.venue_building))
        return np.flatnonzero(self.open_venues() & np.isin((day - venue) % DAYS_PER_MONTH, days_in_cycle))

    def step(self, day: int) -> None:
        """Today's activities: nearby households take part by age group; ties and trust grow; each is paid for."""
        if not self.enabled:
            return
        held = self.held_today(day)
        if len(held) == 0:
            return
        h = self.households
        invited = self.reach[held].any(axis=0)[h.building]  # households within reach of a venue active today
        came = invited & (self.rng.random(h.size) < self.attendance)  # one draw per household on an activity day
        who = np.flatnonzero(came)
        self.last_activity[who] = day
        take_part(h, who, self.links.participation_to_ties, self.links.participation_to_trust)
        self.counters["activities"] += len(held)
        self.counters["activity_attendances"] += len(who)
        self.ledger.record(LEDGER_ITEM, len(held) * self.params.cny_per_activity)

    def reach_share(self, day: int) -> float:
        """Share of households that took part in an activity in the last :data:`REACH_DAYS` days."""
        return share(day - self.last_activity < REACH_DAYS)
