"""The organisations of the community: each a table of its state, its behaviour, and a Mesa agent viewing a row.

- :mod:`.property`: property companies, fees, quality and the star rating lever;
- :mod:`.owners_committees`: owners' committees and their activeness;
- :mod:`.social`: social organisations, their specialties, hours and case records;
- :mod:`.co_building`: co-building units and what they give;
- :mod:`.party`: party organisations (the community's, grid and compound branches, companies') and their strength;
- :mod:`.public`: grid workers, the community party organisation and the street office.
"""

from cogov.sim.organisations.co_building import CoBuildingUnit, CoBuildingUnits
from cogov.sim.organisations.owners_committees import OwnersCommittee, OwnersCommittees
from cogov.sim.organisations.party import Branches, PartyBranch
from cogov.sim.organisations.property import PropertyCompanies, PropertyCompany
from cogov.sim.organisations.public import CommunityPartyOrganisation, GridWorker, StreetOffice
from cogov.sim.organisations.social import SocialOrganisation, SocialOrganisations

__all__ = [
    "Branches",
    "CoBuildingUnit",
    "CoBuildingUnits",
    "CommunityPartyOrganisation",
    "GridWorker",
    "OwnersCommittee",
    "OwnersCommittees",
    "PartyBranch",
    "PropertyCompanies",
    "PropertyCompany",
    "SocialOrganisation",
    "SocialOrganisations",
    "StreetOffice",
]
