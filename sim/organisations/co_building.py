"""Co-building units (共建单位: agencies, schools, hospitals, firms near the community; seeds 002, 003,
004/2, 004/3) and what they give.

A unit could give some staff hours a week and some money a year; its commitment (0-1) is the share
of that it gives, in the months it is engaged. Whether it is engaged depends on being asked: the
community party organisation asks each unit once a month with a probability equal to its strength (every
month when the unit's official sits on the big party committee, 大党委); an asked unit engages and its
commitment grows (reciprocity), a unit nobody asks drifts away (份外事, seed 003)
(:meth:`CoBuildingUnits.month`). What it gives follows from what it is asked for: people for a post —
a listed need matching its kind (three lists, 三单制, seed 002) or the post its official holds on the big
party committee — and money or things otherwise ('给钱给物', seed 004/3); people posted to a defined need
are used fully, others at the unmatched efficiency.
Its state is a row of :class:`CoBuildingUnits`; :class:`CoBuildingUnit` is the Mesa agent viewing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import CO_BUILDING_KINDS, CoBuildingParams, ListsMatching
from cogov.sim.organisations.table import RowAgent, Table
from cogov.sim.stacking import joined, offsets

KINDS: tuple[str, ...] = CO_BUILDING_KINDS
DAYS_PER_WEEK = 7.0
DAYS_PER_YEAR = 365.0


def sequential_sum(values: NDArray[np.float64]) -> float:
    """Sum in order, one addition after another (as a loop would; ``np.sum`` adds pairwise)."""
    return float(np.cumsum(values)[-1]) if len(values) else 0.0


class CoBuildingUnits(Table):
    """The co-building units table; row ``i`` is unit ``i``. Also keeps what the units gave so far."""

    columns = ("community", "kind", "building", "staff_hours_per_week", "money_cny_per_year", "venue", "commitment",
               "engaged")

    def __init__(self) -> None:
        self.community = np.empty(0, dtype=np.int64)
        self.kind = np.empty(0, dtype=np.int64)  # index into KINDS
        self.building = np.empty(0, dtype=np.int64)
        self.staff_hours_per_week = np.empty(0)
        self.money_cny_per_year = np.empty(0)
        self.venue = np.empty(0, dtype=bool)
        self.commitment = np.empty(0)
        self.engaged = np.empty(0, dtype=bool)  # asked in its last month: it gives this month
        self.post_share = np.empty(0)  # share of its contribution it gives as people (for posts)
        self.efficiency = np.empty(0)  # useful share of its people's hours
        self.hours_given = 0.0  # useful people-hours given so far
        self.money_given = 0.0  # CNY given so far

    def add(self, kind: str, building: int, staff_hours_per_week: float, money_cny_per_year: float, venue: bool,
            commitment: float, community: int = 0, engaged: bool = True) -> int:
        """Register a unit (at build) and return its row."""
        return self._append(community=community, kind=KINDS.index(kind), building=building,
                            staff_hours_per_week=staff_hours_per_week, money_cny_per_year=money_cny_per_year,
                            venue=venue, commitment=commitment, engaged=engaged)

    def set_posts(self, params: CoBuildingParams, lists: ListsMatching, bound: bool) -> None:
        """What each unit is asked for, from the arrangements: the chance its request names a post (a listed need
        matching its kind, or its official's post on the big party committee); its people share and efficiency."""
        listed = np.asarray(params.listed_need_match.as_tuple())[self.kind] * lists.enabled
        official = params.official_post_share * bound
        post = 1.0 - (1.0 - listed) * (1.0 - official)
        self.post_share = 1.0 - (1.0 - params.people_share) * (1.0 - post)
        defined = post / np.maximum(self.post_share, 1e-12)  # of its people, the share posted to a defined need
        self.efficiency = defined * lists.matched_efficiency + (1.0 - defined) * lists.unmatched_efficiency

    def month(self, due: NDArray[np.bool_], asked: NDArray[np.bool_], params: CoBuildingParams) -> None:
        """The monthly turn of the ``due`` units: asked ones engage and grow committed, the others drift away."""
        engage, drift = due & asked, due & ~asked
        self.commitment[engage] += params.engagement_gain * (1.0 - self.commitment[engage])
        self.commitment[drift] *= 1.0 - params.neglect_loss
        self.engaged[due] = asked[due]
    def contributions(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Each unit's useful people-hours and money (CNY) a day, 0 in a month it is not engaged."""
        return _contributions(self.commitment, self.engaged, self.staff_hours_per_week, self.money_cny_per_year,
                              self.post_share, self.efficiency)

    def give_today(self) -> tuple[float, float]:
        """All units' useful people-hours and money today, added to what they gave so far."""
        hours, money = give_today_batch([self])
        return hours[0], money[0]


def _contributions(commitment: Any, engaged: Any, staff_hours_per_week: Any, money_cny_per_year: Any, post_share: Any,
                   efficiency: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    given = commitment * engaged
    hours = staff_hours_per_week / DAYS_PER_WEEK * given * post_share * efficiency
    money = money_cny_per_year / DAYS_PER_YEAR * given * (1.0 - post_share)
    return hours, money


def give_today_batch(tables: Sequence[CoBuildingUnits]) -> tuple[list[float], list[float]]:
    """:meth:`CoBuildingUnits.give_today` of the units of every community of a batch: their contributions in one
    pass over the units joined, each community's total a sum in order over its own units (as alone)."""
    columns = ("commitment", "engaged", "staff_hours_per_week", "money_cny_per_year", "post_share", "efficiency")
    hours, money = _contributions(*(joined([getattr(table, name) for table in tables]) for name in columns))
    counts = [len(table) for table in tables]
    total_hours, total_money = _sums_in_order(hours, counts), _sums_in_order(money, counts)
    for table, given, paid in zip(tables, total_hours, total_money, strict=True):
        table.hours_given += given
        table.money_given += paid
    return total_hours, total_money


def _sums_in_order(values: NDArray[np.float64], counts: Sequence[int]) -> list[float]:
    """Each community's :func:`sequential_sum` of its part of ``values`` (parts of ``counts``, one after another):
    running sums along the rows of a 2-D view when the parts are of one size (a running sum adds in order, row by
    row), else part by part."""
    if len(set(counts)) == 1:
        n = counts[0]
        return values.reshape(len(counts), n).cumsum(axis=1)[:, -1].tolist() if n else [0.0] * len(counts)
    bounds = offsets(counts).tolist()
    return [sequential_sum(values[a:b]) for a, b in pairwise(bounds)]


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

    @property
    def engaged(self) -> bool:
        """Whether it was asked in its last month (and so gives this month)."""
        return bool(self.table.engaged[self.row])

    def daily_contribution(self) -> tuple[float, float]:
        """Useful people-hours and money (CNY) it gives a day now."""
        hours, money = self.table.contributions()
        return float(hours[self.row]), float(money[self.row])
