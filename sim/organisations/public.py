"""The public side: grid workers, the community party organisation and the street office.

Their capacities are rows of the handlers table (set each day by
:mod:`cogov.sim.mechanisms.resources`); these Mesa agents are where a Mesa user finds them, and the
community party organisation carries the scheduled behaviour of its own: the star rating of property
companies (:meth:`CommunityPartyOrganisation.review_property_companies`) and, under red property, the
companies' accountability reviews (:meth:`CommunityPartyOrganisation.hold_accountability_reviews`). Its
organisational strength is row 0 of the party organisations table (:mod:`cogov.sim.organisations.party`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent
from mesa.discrete_space import Cell, CellAgent, FixedAgent
from numpy.typing import NDArray

from cogov.sim.config import ScenarioConfig
from cogov.sim.households import Households
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.meeting_time import MeetingTime
from cogov.sim.organisations.party import COMPANY, Branches
from cogov.sim.organisations.property import PropertyCompanies

if TYPE_CHECKING:
    from mesa import Model


class GridWorker(CellAgent):
    """A full-time grid worker (网格员), the second '1' of '1+1+N' (seeds 000, 001)."""

    def __init__(self, model: Model, cell: Cell, grid_id: int):
        super().__init__(model)
        self.cell = cell
        self.grid_id = grid_id


class CommunityPartyOrganisation(FixedAgent):
    """The community party organisation (社区党组织, '大党委' when enlarged): the coordinating core."""

    def __init__(self, model: Model, cell: Cell, staff: int, handler: int, config: ScenarioConfig,
                 households: Households, companies: PropertyCompanies, branches: Branches, rng: np.random.Generator,
                 meeting_time: MeetingTime | None = None):
        super().__init__(model)
        self.cell = cell
        self.staff = staff
        self.handler = handler
        self._config = config
        self._households = households
        self._companies = companies
        self._branches = branches
        self._rng = rng
        self._meeting_time = meeting_time if meeting_time is not None else MeetingTime(0.0, 0.0, Ledger())

    def configure(self, config: ScenarioConfig) -> None:
        """The scenario's parameters as they are now (after an intervention mid-run): its reviews read them."""
        self._config = config

    @property
    def strength(self) -> float:
        """Organisational strength (组织力), 0-1: the share of its functions it performs."""
        return float(self._branches.strength[0])

    def _score(self, compound: int) -> float:
        households = self._households
        residents = households.compound == compound
        return float(households.satisfaction[residents].mean()) if residents.any() else 0.5

    def review_property_companies(self) -> None:
        """Rate every market property company by its residents' mean satisfaction (star rating, seeds 000, 004/8);
        the party-led fallback companies answer at accountability reviews instead, and are never replaced."""
        companies = self._companies
        for row in np.flatnonzero(~companies.fallback).tolist():
            companies.review(row, self._score(int(companies.compound[row])), self._config.levers.property_rating,
                             self._rng, self._config.service.property_quality_range, self.model.steps)
        self._meeting_time.held("rating_reviews", int(np.count_nonzero(~companies.fallback)))

    def hold_accountability_reviews(self, rows: NDArray[np.int64] | None = None,
                                    rng: np.random.Generator | None = None) -> None:
        """Red property: each company's cross-appointed manager reports to the two committees, as often as the
        company's party organisation is strong (one draw per company, whether or not it has one). ``rows``: these
        companies only (default: the market companies; the party-led fallback companies are reviewed with their own
        ``rng``, so that switching them on leaves the market companies' draws as they were)."""
        companies = self._companies
        rows = np.flatnonzero(~companies.fallback) if rows is None else np.asarray(rows, dtype=np.int64)
        strength = self._branches.strength_by_unit(COMPANY, len(companies))[rows]
        draws = (rng if rng is not None else self._rng).random(len(rows))
        held = rows[draws < strength]
        for row in held.tolist():
            companies.account(row, self._score(int(companies.compound[row])), self._config.levers.property_rating,
                              self.model.steps)
        self._meeting_time.held("accountability_reviews", len(held))  # the two committees hear each report


class StreetOffice(Agent):
    """The street office (街道) and the district departments behind it: the top of the ladder."""

    def __init__(self, model: Model, handler: int):
        super().__init__(model)
        self.handler = handler
