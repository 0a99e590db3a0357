"""Co-building units (共建单位: agencies, schools, hospitals, firms near the community; seeds 002, 003,
004/2, 004/3) and what they give.

A unit could give some staff hours a week and some money a year; its commitment (0-1) is the share
of that it gives. The mix of people and money, and how useful its people's hours are, depend on the
arrangements: officials on the big party committee bring people rather than money, and resources
matched to listed needs are used better (the three lists; see :mod:`cogov.sim.mechanisms.resources`).
Its state is a row of :class:`CoBuildingUnits`; :class:`CoBuildingUnit` is the Mesa agent viewing it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cogov.sim.organisations.table import RowAgent, Table

KINDS: tuple[str, ...] = ("agency", "school", "hospital", "firm")
DAYS_PER_WEEK = 7.0
DAYS_PER_YEAR = 365.0


def sequential_sum(values: NDArray[np.float64]) -> float:
    """Sum in order, one addition after another (as a loop would; ``np.sum`` adds pairwise)."""
    return float(np.cumsum(values)[-1]) if len(values) else 0.0


class CoBuildingUnits(Table):
    """The co-building units table; row ``i`` is unit ``i``. Also keeps what the units gave so far."""

    columns = ("community", "kind", "building", "staff_hours_per_week", "money_cny_per_year", "venue", "commitment")

    def __init__(self) -> None:
        self.community = np.empty(0, dtype=np.int64)
        self.kind = np.empty(0, dtype=np.int64)  # index into KINDS
        self.building = np.empty(0, dtype=np.int64)
        self.staff_hours_per_week = np.empty(0)
        self.money_cny_per_year = np.empty(0)
        self.venue = np.empty(0, dtype=bool)
        self.commitment = np.empty(0)
        self.hours_given = 0.0  # useful people-hours given so far
        self.money_given = 0.0  # CNY given so far

    def add(self, kind: str, building: int, staff_hours_per_week: float, money_cny_per_year: float, venue: bool,
            commitment: float, community: int = 0) -> int:
        """Register a unit (at build) and return its row."""
        return self._append(community=community, kind=KINDS.index(kind), building=building,
                            staff_hours_per_week=staff_hours_per_week, money_cny_per_year=money_cny_per_year,
                            venue=venue, commitment=commitment)

    def contributions(self, people_share: float, efficiency: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Each unit's useful people-hours and money (CNY) a day ('money or things, not people', seed 004/3)."""
        hours = self.staff_hours_per_week / DAYS_PER_WEEK * self.commitment * people_share * efficiency
        money = self.money_cny_per_year / DAYS_PER_YEAR * self.commitment * (1.0 - people_share)
        return hours, money

    def give_today(self, people_share: float, efficiency: float) -> tuple[float, float]:
        """All units' useful people-hours and money today, added to what they gave so far."""
        hours, money = self.contributions(people_share, efficiency)
        total_hours, total_money = sequential_sum(hours), sequential_sum(money)
        self.hours_given += total_hours
        self.money_given += total_money
        return total_hours, total_money


class CoBuildingUnit(RowAgent):
    """A co-building unit (共建单位) near the community: a view on its row of the table."""

    table: CoBuildingUnits

    @property
    def kind(self) -> str:
        """``agency``, ``school``, ``hospital`` or ``firm``."""
        return KINDS[int(self.table.kind[self.row])]

    @property
    def staff_hours_per_week(self) -> float:
        """Staff hours a week it could give."""
        return float(self.table.staff_hours_per_week[self.row])

    @property
    def money_cny_per_year(self) -> float:
        """Money a year it could give (CNY)."""
        return float(self.table.money_cny_per_year[self.row])

    @property
    def venue(self) -> bool:
        """Whether it has a venue to lend."""
        return bool(self.table.venue[self.row])

    @property
    def commitment(self) -> float:
        """Share of what it could give that it gives, 0-1."""
        return float(self.table.commitment[self.row])

    def daily_contribution(self, people_share: float, efficiency: float) -> tuple[float, float]:
        """Useful people-hours and money (CNY) it gives a day under the given arrangements."""
        hours, money = self.table.contributions(people_share, efficiency)
        return float(hours[self.row]), float(money[self.row])
