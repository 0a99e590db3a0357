"""A street (街道) of several communities under one street office and the district departments.

:mod:`~cogov.sim.street.config` is the ``[street]`` file format, :mod:`~cogov.sim.street.load` reads it,
:mod:`~cogov.sim.street.departments` and :mod:`~cogov.sim.street.funds` are the street's mechanisms,
:mod:`~cogov.sim.street.model` steps the communities, :mod:`~cogov.sim.street.outcomes` measures them.
"""

from cogov.sim.street.load import LoadedStreet, builtin_street_names, is_street_file, load_street, street_from_data
from cogov.sim.street.model import StreetModel, community_seed

__all__ = ["LoadedStreet", "StreetModel", "builtin_street_names", "community_seed", "is_street_file", "load_street",
           "street_from_data"]
