"""cogov.sim — the agent-based model of party-building-led community co-governance.

Typical use::

    from cogov.sim import CommunityModel, load_scenario
    model = CommunityModel(load_scenario("default").config, rng=42)
    model.run_for(model.days)
    print(model.summary())

The names below are imported on first use, so that importing a light part of the package (the scenario format, the
labels) does not load the model and Mesa.
"""

from importlib import import_module
from typing import Any

_WHERE = {
    "CommunityModel": "cogov.sim.model",
    "CommunityBatch": "cogov.sim.batch",
    "ScenarioConfig": "cogov.sim.config",
    "LoadedScenario": "cogov.sim.scenario",
    "ScenarioError": "cogov.sim.scenario",
    "load_scenario": "cogov.sim.scenario",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'cogov.sim' has no attribute {name!r}")


__all__ = ["CommunityBatch", "CommunityModel", "LoadedScenario", "ScenarioConfig", "ScenarioError", "load_scenario"]
