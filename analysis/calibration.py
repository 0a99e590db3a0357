"""Calibration: the default community against the figures the source documents give.

Each :class:`Target` is a number from a seed document and the model quantity that corresponds to
it, computed over many generated communities (replicates). Inputs (set by a parameter) and emergent
quantities (produced by running the model) are marked as such; every correspondence that needs an
assumption (persons per household, posts claimed ≈ members serving) says so.

The replicates are ordinary runs (:func:`cogov.experiments.runner.run_tasks`, seeds
``replicate_seed(master_seed, r)``), and every quantity is read from a run's flat outputs: the
initial ones from the ``community_*`` descriptors of the generated community, the emergent ones
from the final metrics.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from cogov.analysis.stats import CONFIDENCE, t_interval
from cogov.experiments.runner import plan_tasks, run_tasks
from cogov.experiments.targets import SCENARIO_PARAMETER, scenario_target
from cogov.sim.config import ScenarioConfig
from cogov.sim.scenario import apply_overrides, load_scenario

Outputs = Mapping[str, float]
"""One run's flat outputs (:func:`cogov.experiments.targets.simulate`)."""

PERSONS_PER_HOUSEHOLD = 2.8
"""Mean urban household size (assumption; China's 2020 census: 2.62 nationally, higher in cities' family compounds)."""


@dataclass(frozen=True)
class Target:
    """A source figure and how to read the corresponding model quantity."""

    quantity: str
    source_value: float
    source: str
    kind: str  # 'initial' (from the generated community) or 'emergent' (from a run)
    read: Callable[[Outputs], float]  # the model quantity, from one run's flat outputs
    tolerance: float  # absolute: a match if |model mean - source| <= tolerance
    note: str = ""


@dataclass(frozen=True)
class CalibrationRow:
    """Model against source for one target."""

    target: Target
    mean: float
    ci_low: float
    ci_high: float
    spread_low: float  # 2.5th percentile across communities
    spread_high: float  # 97.5th percentile across communities
    replicates: int

    @property
    def matches(self) -> bool:
        """Within the target's tolerance of the source value."""
        return abs(self.mean - self.target.source_value) <= self.target.tolerance


def _per_resident(count: float, outputs: Outputs) -> float:
    """``count`` per resident of the generated community, at :data:`PERSONS_PER_HOUSEHOLD`."""
    return count / (outputs["community_households"] * PERSONS_PER_HOUSEHOLD)


TARGETS: tuple[Target, ...] = (
    Target("compounds with property management", 4772 / 10213, "seed 004/8 (Beijing)", "initial",
           lambda o: o["community_property_management_share"], 0.05),
    Target("compounds with an owners' committee", 742 / 10213, "seed 004/8 (Beijing)", "initial",
           lambda o: o["community_owners_committee_share"], 0.03,
           "Jurong reports 89 of 271 = 32.8 % (seed 004/3): see scenarios/new_commercial.toml"),
    Target("compounds with a party organisation", 1 - 61 / 271, "seed 004/3 (Jurong)", "initial",
           lambda o: o["community_party_branch_share"], 0.05),
    Target("property companies with a party organisation", 1056 / 3463, "seed 004/8 (Beijing)", "initial",
           lambda o: o["community_property_party_organisation_share"],  # NaN where a community has no company
           0.10, "few companies per community, so the spread is wide"),
    Target("party members over 55 (model: retired)", (91 + 265) / 940, "seed 003 (Zongyang, n = 940)", "initial",
           lambda o: o["community_retired_member_share"], 0.05, "retired members stand for the over-55s"),
    Target("registered volunteers / residents", 0.06, "seed 004/3 (6 %, target 8 %)", "initial",
           lambda o: _per_resident(o["community_eligible_volunteers"], o), 0.015,
           f"party members and registered households count one volunteer each; {PERSONS_PER_HOUSEHOLD} persons per household"),
    Target("community workers per 10,000 residents", 14.0, "seed 001 (Yuexiu)", "initial",
           lambda o: _per_resident(o["community_community_staff"], o) * 10_000, 2.0,
           f"{PERSONS_PER_HOUSEHOLD} persons per household"),
    Target("social organisations per community", 6.0, "seed 004/3 (Jurong: fewer than 7)", "initial",
           lambda o: o["community_social_organisations"], 1.0, "an input; seed 004/10's 2023 target is 12"),
    Target("in-service members serving (30-day window)", 1200 / 4000, "seed 004/3 (Jurong: 1,200 posts claimed by 4,000+ members)",
           "emergent", lambda o: o["inservice_serving_share"], 0.10,
           "loose proxy: posts claimed stands for members actually serving"),
    Target("households volunteering (30-day window)", 0.06, "seed 004/3 (6 % registered)",
           "emergent", lambda o: o["volunteer_share"], 0.03,
           "active volunteers compared with the registered share: an upper bound"),
)


def _summarise(values: np.ndarray) -> tuple[float, float, float, float, float]:
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return (float("nan"),) * 5
    mean, ci_low, ci_high = t_interval(values, CONFIDENCE)
    low, high = np.percentile(values, [2.5, 97.5])
    return mean, ci_low, ci_high, float(low), float(high)


def calibrate(config: ScenarioConfig | None = None, replicates: int = 20, days: int | None = None,
              targets: Sequence[Target] = TARGETS, master_seed: int = 0, executor: Executor | None = None,
              workers: int = 1) -> list[CalibrationRow]:
    """Run ``replicates`` communities of ``config`` (default: the default scenario) and compare with the sources.

    Replicate *r* runs with ``replicate_seed(master_seed, r)``, through
    :func:`cogov.experiments.runner.run_tasks` (serially, or on ``executor`` with ``workers`` runs
    at once); a run that fails stops the calibration with an error naming it.
    """
    config = config if config is not None else load_scenario("default").config
    if days is not None:
        config = apply_overrides(config, {"simulation.days": days})
    target = scenario_target(config.meta.name, config)
    tasks = plan_tasks(target, [{SCENARIO_PARAMETER: config.meta.name}], replicates, master_seed)
    outputs = [output.summary for output in run_tasks(target, tasks, executor=executor, workers=workers)]
    rows = []
    for t in targets:
        readings = np.asarray([t.read(o) for o in outputs], dtype=float)
        mean, low, high, spread_low, spread_high = _summarise(readings)
        rows.append(CalibrationRow(t, mean, low, high, spread_low, spread_high, replicates))
    return rows
