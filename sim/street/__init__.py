"""A street (街道) of several communities under one street office and the district departments.

:mod:`~cogov.sim.street.config` is the ``[street]`` file format, :mod:`~cogov.sim.street.load` reads it,
:mod:`~cogov.sim.street.departments` and :mod:`~cogov.sim.street.funds` are the street's mechanisms,
:mod:`~cogov.sim.street.model` steps the communities, :mod:`~cogov.sim.street.outcomes` measures them. The names
below are imported on first use, so that reading a street file does not load the model.
"""

from importlib import import_module
from typing import Any

_WHERE = {
    "LoadedStreet": "cogov.sim.street.load", "builtin_street_names": "cogov.sim.street.load",
    "is_street_file": "cogov.sim.street.load", "load_street": "cogov.sim.street.load",
    "street_from_data": "cogov.sim.street.load", "StreetModel": "cogov.sim.street.model",
    "community_seed": "cogov.sim.street.model",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'cogov.sim.street' has no attribute {name!r}")


__all__ = ["LoadedStreet", "StreetModel", "builtin_street_names", "community_seed", "is_street_file", "load_street",
           "street_from_data"]
