"""cogov.sim — the agent-based model of party-building-led community co-governance.

Typical use::

    from cogov.sim import CommunityModel, load_scenario
    model = CommunityModel(load_scenario("default").config, rng=42)
    model.run_for(model.days)
    print(model.summary())
"""

from cogov.sim.config import ScenarioConfig
from cogov.sim.model import CommunityModel
from cogov.sim.scenario import LoadedScenario, ScenarioError, load_scenario

__all__ = ["CommunityModel", "LoadedScenario", "ScenarioConfig", "ScenarioError", "load_scenario"]
