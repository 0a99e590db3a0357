"""Calibration: the default community against the figures the source documents give.

Each :class:`Target` is a number from a seed document and the model quantity that corresponds to
it, computed over many generated communities (seeds). Inputs (set by a parameter) and emergent
quantities (produced by running the model) are marked as such; every correspondence that needs an
assumption (persons per household, posts claimed ≈ members serving) says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from cogov.experiments.replicates import replicate_seeds
from cogov.sim.config import ScenarioConfig
from cogov.sim.model import CommunityModel
from cogov.sim.households import RETIRED
from cogov.sim.scenario import apply_overrides, load_scenario

PERSONS_PER_HOUSEHOLD = 2.8
"""Mean urban household size (assumption; China's 2020 census: 2.62 nationally, higher in cities' family compounds)."""
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Target:
    """A source figure and how to read the corresponding model quantity."""

    quantity: str
    source_value: float
    source: str
    kind: str  # 'initial' (from the generated community) or 'emergent' (from a run)
    read: Callable[[CommunityModel], float]
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


def _members(model: CommunityModel) -> np.ndarray:
    return model.households.member_type[model.households.is_member]


TARGETS: tuple[Target, ...] = (
    Target("compounds with property management", 4772 / 10213, "seed 004/8 (Beijing)", "initial",
           lambda m: float(m.layout.has_property.mean()), 0.05),
    Target("compounds with an owners' committee", 742 / 10213, "seed 004/8 (Beijing)", "initial",
           lambda m: float(m.layout.has_owners_committee.mean()), 0.03,
           "Jurong reports 89 of 271 = 32.8 % (seed 004/3): see scenarios/new_commercial.toml"),
    Target("compounds with a party organisation", 1 - 61 / 271, "seed 004/3 (Jurong)", "initial",
           lambda m: float(m.layout.has_party_branch.mean()), 0.05),
    Target("property companies with a party organisation", 1056 / 3463, "seed 004/8 (Beijing)", "initial",
           lambda m: float(np.mean(m.companies.has_party_organisation)) if len(m.companies) else float("nan"),
           0.10, "few companies per community, so the spread is wide"),
    Target("party members over 55 (model: retired)", (91 + 265) / 940, "seed 003 (Zongyang, n = 940)", "initial",
           lambda m: float(np.mean(_members(m) == RETIRED)), 0.05, "retired members stand for the over-55s"),
    Target("registered volunteers / residents", 0.06, "seed 004/3 (6 %, target 8 %)", "initial",
           lambda m: len(m.volunteering.eligible) / (m.households.size * PERSONS_PER_HOUSEHOLD), 0.015,
           f"party members and registered households count one volunteer each; {PERSONS_PER_HOUSEHOLD} persons per household"),
    Target("community workers per 10,000 residents", 14.0, "seed 001 (Yuexiu)", "initial",
           lambda m: m.config.community.community_staff / (m.households.size * PERSONS_PER_HOUSEHOLD) * 10_000, 2.0,
           f"{PERSONS_PER_HOUSEHOLD} persons per household"),
    Target("social organisations per community", 6.0, "seed 004/3 (Jurong: fewer than 7)", "initial",
           lambda m: float(len(m.social_organisations)), 1.0, "an input; seed 004/10's 2023 target is 12"),
    Target("in-service members serving (30-day window)", 1200 / 4000, "seed 004/3 (Jurong: 1,200 posts claimed by 4,000+ members)",
           "emergent", lambda m: float(m.metrics["inservice_serving_share"]), 0.10,
           "loose proxy: posts claimed stands for members actually serving"),
    Target("households volunteering (30-day window)", 0.06, "seed 004/3 (6 % registered)",
           "emergent", lambda m: float(m.metrics["volunteer_share"]), 0.03,
           "active volunteers compared with the registered share: an upper bound"),
)


def _summarise(values: np.ndarray) -> tuple[float, float, float, float, float]:
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return (float("nan"),) * 5
    mean = float(values.mean())
    if len(values) > 1:
        half = stats.t.ppf(0.5 + CONFIDENCE / 2, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    else:
        half = float("nan")
    low, high = np.percentile(values, [2.5, 97.5])
    return mean, mean - half, mean + half, float(low), float(high)


def calibrate(config: ScenarioConfig | None = None, replicates: int = 20, days: int | None = None,
              targets: Sequence[Target] = TARGETS) -> list[CalibrationRow]:
    """Build (and, for emergent targets, run) ``replicates`` communities and compare with the sources."""
    config = config if config is not None else load_scenario("default").config
    if days is not None:
        config = apply_overrides(config, {"simulation.days": days})
    needs_run = any(t.kind == "emergent" for t in targets)
    readings: dict[str, list[float]] = {t.quantity: [] for t in targets}
    for seed in replicate_seeds(replicates):
        model = CommunityModel(config, rng=seed)
        for target in targets:
            if target.kind == "initial":
                readings[target.quantity].append(target.read(model))
        if needs_run:
            model.run()
            for target in targets:
                if target.kind == "emergent":
                    readings[target.quantity].append(target.read(model))
    rows = []
    for target in targets:
        mean, low, high, spread_low, spread_high = _summarise(np.asarray(readings[target.quantity], dtype=float))
        rows.append(CalibrationRow(target, mean, low, high, spread_low, spread_high, replicates))
    return rows
