"""The Mesa agents of the community.

Households (and party members among them) are :class:`~mesa.discrete_space.CellAgent` s living in
building cells; their state is a row of the households table (:class:`cogov.sim.households.Households`),
read through properties, so the model can update all of them in one vectorised pass. The
organisations' agents live with their tables and behaviour in :mod:`cogov.sim.organisations`, and are
re-exported here so that every agent class can be imported from one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import Cell, CellAgent

from cogov.sim.config import AGE_GROUPS, COMPOUND_TYPES, COOPERATOR_TYPES, MEMBER_TYPES
from cogov.sim.organisations import (
    CoBuildingUnit,
    CommunityPartyOrganisation,
    GridWorker,
    OwnersCommittee,
    PropertyCompany,
    SocialOrganisation,
    StreetOffice,
)

if TYPE_CHECKING:
    from cogov.sim.model import CommunityModel


class Household(CellAgent):
    """A resident household (居民); a view on row ``index`` of the households table."""

    def __init__(self, model: CommunityModel, cell: Cell, index: int):
        super().__init__(model)
        self.cell = cell
        self.index = index

    @property
    def satisfaction(self) -> float:
        """Overall satisfaction with community governance, 0-1."""
        return float(self.model.households.satisfaction[self.index])

    @property
    def trust(self) -> float:
        """Trust in the community party organisation, 0-1."""
        return float(self.model.households.trust[self.index])

    @property
    def motivation(self) -> float:
        """Intrinsic motivation to contribute, 0-1."""
        return float(self.model.households.motivation[self.index])

    @property
    def age_group(self) -> str:
        """``young``, ``middle`` or ``elderly``."""
        return AGE_GROUPS[self.model.households.age_group[self.index]]

    @property
    def owner(self) -> bool:
        """Owner-occupier (else tenant)."""
        return bool(self.model.households.owner[self.index])

    @property
    def ties(self) -> float:
        """Strength of neighbourly ties, 0-1."""
        return float(self.model.households.ties[self.index])

    @property
    def cooperator_type(self) -> str:
        """``conditional``, ``free_rider`` or ``altruist``."""
        return COOPERATOR_TYPES[self.model.households.cooperator[self.index]]

    @property
    def compound_type(self) -> str:
        """Type of the compound the household lives in."""
        return COMPOUND_TYPES[self.model.households.compound_type[self.index]]

    @property
    def volunteer_hours(self) -> float:
        """Hours volunteered so far in this run."""
        return float(self.model.households.hours[self.index])

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
        return MEMBER_TYPES[self.model.households.member_type[self.index]]

    @property
    def roles(self) -> tuple[str, ...]:
        """Roles held: grid branch secretary, building steward, volunteer."""
        pop = self.model.households
        roles = []
        if pop.secretary[self.index]:
            roles.append("grid_branch_secretary")
        if pop.steward[self.index]:
            roles.append("building_steward")
        if pop.last_served[self.index] >= 0:
            roles.append("volunteer")
        return tuple(roles)


__all__ = [
    "CoBuildingUnit", "CommunityPartyOrganisation", "GridWorker", "Household", "OwnersCommittee", "PartyMember",
    "PropertyCompany", "SocialOrganisation", "StreetOffice",
]
