"""The Mesa agents of the community.

Households (and party members among them) are :class:`~mesa.discrete_space.CellAgent` s living in
building cells; their state is a row of :class:`cogov.sim.population.Population`, read through
properties, so the model can update all of them in one vectorised pass. Organisations are few
and act through their own methods, scheduled by the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent
from mesa.discrete_space import Cell, CellAgent, FixedAgent

from cogov.sim.config import AGE_GROUPS, COMPOUND_TYPES, COOPERATOR_TYPES, MEMBER_TYPES

if TYPE_CHECKING:
    from cogov.sim.model import CommunityModel


class Household(CellAgent):
    """A resident household (居民); a view on row ``index`` of the model's population arrays."""

    def __init__(self, model: CommunityModel, cell: Cell, index: int):
        super().__init__(model)
        self.cell = cell
        self.index = index

    @property
    def satisfaction(self) -> float:
        """Overall satisfaction with community governance, 0-1."""
        return float(self.model.population.satisfaction[self.index])

    @property
    def trust(self) -> float:
        """Trust in the community party organisation, 0-1."""
        return float(self.model.population.trust[self.index])

    @property
    def motivation(self) -> float:
        """Intrinsic motivation to contribute, 0-1."""
        return float(self.model.population.motivation[self.index])

    @property
    def age_group(self) -> str:
        """``young``, ``middle`` or ``elderly``."""
        return AGE_GROUPS[self.model.population.age_group[self.index]]

    @property
    def owner(self) -> bool:
        """Owner-occupier (else tenant)."""
        return bool(self.model.population.owner[self.index])

    @property
    def ties(self) -> float:
        """Strength of neighbourly ties, 0-1."""
        return float(self.model.population.ties[self.index])

    @property
    def cooperator_type(self) -> str:
        """``conditional``, ``free_rider`` or ``altruist``."""
        return COOPERATOR_TYPES[self.model.population.cooperator[self.index]]

    @property
    def compound_type(self) -> str:
        """Type of the compound the household lives in."""
        return COMPOUND_TYPES[self.model.population.compound_type[self.index]]

    @property
    def volunteer_hours(self) -> float:
        """Hours volunteered so far in this run."""
        return float(self.model.population.hours[self.index])

    @property
    def open_issues(self) -> int:
        """Issues of this household not yet closed."""
        table = self.model.issues
        return int(np.count_nonzero(table.household[table.open_rows] == self.index))


class PartyMember(Household):
    """A household with a party member (党员): membership type and roles."""

    @property
    def member_type(self) -> str:
        """``in_service`` (在职), ``retired`` (离退休) or ``mobile`` (流动)."""
        return MEMBER_TYPES[self.model.population.member_type[self.index]]

    @property
    def roles(self) -> tuple[str, ...]:
        """Roles held: grid branch secretary, building steward, volunteer."""
        pop = self.model.population
        roles = []
        if pop.secretary[self.index]:
            roles.append("grid_branch_secretary")
        if pop.steward[self.index]:
            roles.append("building_steward")
        if pop.last_served[self.index] >= 0:
            roles.append("volunteer")
        return tuple(roles)


class GridWorker(CellAgent):
    """A full-time grid worker (网格员), the second '1' of '1+1+N' (seeds 000, 001)."""

    def __init__(self, model: CommunityModel, cell: Cell, grid_id: int):
        super().__init__(model)
        self.cell = cell
        self.grid_id = grid_id


class PropertyCompany(FixedAgent):
    """A property service company (物业服务企业) serving one compound (seeds 000, 004/3, 004/8)."""

    def __init__(self, model: CommunityModel, cell: Cell, compound: int, handler: int, staff: float,
                 quality: float, party_organisation: bool):
        super().__init__(model)
        self.cell = cell
        self.compound = compound
        self.handler = handler
        self.staff = staff
        self.party_organisation = party_organisation
        self.stars = 3
        self.strikes = 0
        self.replacements = 0
        self.collection_rate = 1.0
        self.model.handlers.quality[handler] = quality

    @property
    def quality(self) -> float:
        """Probability that its finished work fixes the issue."""
        return float(self.model.handlers.quality[self.handler])

    @quality.setter
    def quality(self, value: float) -> None:
        self.model.handlers.quality[self.handler] = float(np.clip(value, 0.0, 1.0))

    def review(self, score: float) -> None:
        """Receive a star rating from the community; respond, and be replaced after repeated strikes."""
        rating = self.model.config.levers.property_rating
        self.stars = int(np.clip(1 + np.floor(score * rating.star_scale), 1, 5))
        if self.stars <= rating.replace_below_stars:
            self.strikes += 1
        else:
            self.strikes = 0
        if self.strikes >= rating.strikes_to_replace:
            low, high = self.model.config.service.property_quality_range
            self.quality = self.model.streams.replacement.uniform(low, high) + self.model.red_property_bonus
            self.stars, self.strikes = 3, 0
            self.replacements += 1
        elif self.stars < 5:
            self.quality = self.quality + rating.improvement_per_review * (5 - self.stars) / 4


class OwnersCommittee(FixedAgent):
    """An owners' committee (业主委员会) of one compound (seeds 000, 004/3, 004/8)."""

    def __init__(self, model: CommunityModel, cell: Cell, compound: int, activeness: float):
        super().__init__(model)
        self.cell = cell
        self.compound = compound
        self.activeness = activeness


class SocialOrganisation(FixedAgent):
    """A social organisation (社会组织) delivering services it is funded for (seeds 001, 004/9, 004/10)."""

    def __init__(self, model: CommunityModel, cell: Cell, handler: int, specialties: tuple[str, ...]):
        super().__init__(model)
        self.cell = cell
        self.handler = handler
        self.specialties = specialties
        self.cases = 0
        self.evaluation_sum = 0.0

    @property
    def evaluation(self) -> float:
        """Mean perceived performance of its finished cases (third-party evaluation); NaN if none."""
        return self.evaluation_sum / self.cases if self.cases else float("nan")


class CoBuildingUnit(FixedAgent):
    """A co-building unit (共建单位): agency, school, hospital or firm near the community (seeds 002, 003, 004/2)."""

    def __init__(self, model: CommunityModel, cell: Cell, kind: str, staff_hours_per_week: float,
                 money_cny_per_year: float, venue: bool, commitment: float):
        super().__init__(model)
        self.cell = cell
        self.kind = kind
        self.staff_hours_per_week = staff_hours_per_week
        self.money_cny_per_year = money_cny_per_year
        self.venue = venue
        self.commitment = commitment

    def daily_contribution(self, people_share: float, efficiency: float) -> tuple[float, float]:
        """Useful people-hours and money (CNY) given today ('money or things, not people', seed 004/3)."""
        hours = self.staff_hours_per_week / 7.0 * self.commitment * people_share * efficiency
        money = self.money_cny_per_year / 365.0 * self.commitment * (1.0 - people_share)
        return hours, money


class CommunityPartyOrganisation(FixedAgent):
    """The community party organisation (社区党组织, '大党委' when enlarged): the coordinating core."""

    def __init__(self, model: CommunityModel, cell: Cell, staff: int, handler: int):
        super().__init__(model)
        self.cell = cell
        self.staff = staff
        self.handler = handler

    def review_property_companies(self) -> None:
        """Rate every property company by its residents' satisfaction (star rating, seed 000)."""
        pop = self.model.population
        for company in self.model.agents_by_type.get(PropertyCompany, []):
            residents = pop.compound == company.compound
            company.review(float(pop.satisfaction[residents].mean()) if residents.any() else 0.5)


class StreetOffice(Agent):
    """The street office (街道) and the district departments behind it: the top of the ladder."""

    def __init__(self, model: CommunityModel, handler: int):
        super().__init__(model)
        self.handler = handler
