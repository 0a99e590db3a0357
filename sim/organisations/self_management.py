"""Residents' self-management committees of compounds without a property company (自管会, 管委会, 准物业; seeds
004/1, 004/3, 004/8).

Where no company serves a compound, its residents may elect a committee (``levers.self_management``): it asks
every household for a set fee (收取确定的费用, seed 004/3) and hires caretakers and cleaners with what it collects
(准物业, "quasi-property management", seed 004/8), so that property matters there are somebody's job; and it
convenes the residents' talks on their collective issues, which they settle among themselves since there is no
company to bargain with (:mod:`cogov.sim.mechanisms.agreement`).

A committee is a row of :class:`SelfManagementCommittees` with a handler (its caretakers' queue);
:class:`SelfManagementCommittee` is the Mesa agent viewing it. What residents pay follows their satisfaction, as
owners' fees do for companies (L11's form: a payment floor plus the satisfied share), so that a committee that
serves well is paid for and one that does not loses its hours.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import SelfManagement
from cogov.sim.handlers import HandlerKind, Handlers
from cogov.sim.households import Households
from cogov.sim.issues import Level
from cogov.sim.organisations.table import RowAgent, Table

MONTHS_PER_YEAR = 12.0
DAYS_PER_YEAR = 365.0
PAYER = "residents"
"""The ledger's payer of committees' fees: residents' own money, not public money."""
LEDGER_ITEM = "self_management_fees"


class SelfManagementCommittees(Table):
    """The self-management committees table; row ``i`` is the committee of compound ``compound[i]``."""

    columns = ("community", "compound", "handler", "households", "activeness", "collection_rate")

    def __init__(self) -> None:
        self.community = np.empty(0, dtype=np.int64)
        self.compound = np.empty(0, dtype=np.int64)
        self.handler = np.empty(0, dtype=np.int64)
        self.households = np.empty(0, dtype=np.int64)
        self.activeness = np.empty(0)
        self.collection_rate = np.empty(0)

    @classmethod
    def build(cls, params: SelfManagement, without_company: NDArray[np.bool_], households: Households,
              handlers: Handlers, quality: float, activeness_range: tuple[float, float], rng: np.random.Generator,
              community: int = 0) -> SelfManagementCommittees:
        """Committees of a community: each compound no company serves has one with probability ``coverage``; its
        caretakers fix as often as ``quality`` says; how active it is is drawn as for owners' committees. Empty when
        the lever is off (and nothing is drawn)."""
        committees = cls()
        if not params.enabled:
            return committees
        n = len(without_company)
        draws, activeness = rng.random(n), rng.uniform(*activeness_range, n)  # one of each per compound
        size = np.bincount(households.compound, minlength=n)
        for c in np.flatnonzero(without_company & (draws < params.coverage) & (size > 0)):
            handler = handlers.add(HandlerKind.SELF_MANAGEMENT, Level.GRID, quality, community)
            committees._append(community=community, compound=int(c), handler=handler, households=int(size[c]),
                               activeness=float(activeness[c]), collection_rate=1.0)
        return committees

    def activeness_by_compound(self, n_compounds: int) -> NDArray[np.float64]:
        """Each compound's committee activeness, 0 where it has none."""
        activeness = np.zeros(n_compounds)
        activeness[self.compound] = self.activeness
        return activeness

    def collect_fees(self, households: Households, n_compounds: int, floor: float) -> None:
        """Every household of the compound pays in proportion to its residents' mean satisfaction, above ``floor``
        (the share that pays whatever the service)."""
        satisfaction = np.bincount(households.compound, weights=households.satisfaction, minlength=n_compounds)
        count = np.maximum(1, np.bincount(households.compound, minlength=n_compounds))
        self.collection_rate = floor + (1.0 - floor) * satisfaction[self.compound] / count[self.compound]

    def fees_per_day(self, params: SelfManagement) -> NDArray[np.float64]:
        """CNY each committee collects a day at its collection rate."""
        return self.households * params.fee_cny_per_household_month * MONTHS_PER_YEAR / DAYS_PER_YEAR * self.collection_rate

    def hours_today(self, params: SelfManagement) -> NDArray[np.float64]:
        """Caretakers' hours the fees pay for today."""
        return self.fees_per_day(params) / params.caretaker_cny_per_hour


class SelfManagementCommittee(RowAgent):
    """A compound's residents' self-management committee (自管会): a view on its row of the table."""

    table: SelfManagementCommittees

    @property
    def compound(self) -> int:
        """The compound it manages."""
        return int(self.table.compound[self.row])

    @property
    def activeness(self) -> float:
        """How active it is, 0-1 (sets how often it convenes residents' talks)."""
        return float(self.table.activeness[self.row])

    @property
    def collection_rate(self) -> float:
        """Share of the set fee residents pay."""
        return float(self.table.collection_rate[self.row])
