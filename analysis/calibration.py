"""Calibration: the default community against the figures the source documents give.

Each :class:`Target` is a number from a seed document and the model quantity that corresponds to
it, computed over many generated communities (replicates). Two roles are kept apart:

- an **input** figure set a parameter (named in :attr:`Target.sets`): matching it checks that the
  generator does what the parameter says, and it is no longer evidence about the model;
- a **check** is a figure no parameter was set from: the model's number is reported as it comes out,
  untuned, and a mismatch is a finding (docs/ODD.md §1.1).

Initial quantities are read from the generated community, emergent ones from a run. A check that needs
an arrangement switched on (the mediators' disputes need a mediation committee) runs with its
:attr:`Target.setting` on top of the scenario. Every correspondence that needs an assumption (persons per
household, posts claimed ≈ members serving) says so.

The replicates are ordinary runs (:func:`cogov.experiments.runner.run_tasks`, seeds
``replicate_seed(master_seed, r)``), and every quantity is read from a run's flat outputs: the
initial ones from the ``community_*`` descriptors of the generated community, the emergent ones
from the final metrics.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cogov.analysis.stats import CONFIDENCE, t_interval
from cogov.experiments.runner import plan_tasks, run_tasks
from cogov.experiments.targets import SCENARIO_PARAMETER, scenario_target
from cogov.sim.config import ScenarioConfig
from cogov.sim.scenario import apply_overrides, load_scenario

Outputs = Mapping[str, float]
"""One run's flat outputs (:func:`cogov.experiments.targets.simulate`), with ``days``, the run's horizon."""

PERSONS_PER_HOUSEHOLD = 2.8
"""Mean urban household size (assumption; China's 2020 census: 2.62 nationally, higher in cities' family compounds)."""


@dataclass(frozen=True)
class Target:
    """A source figure and how to read the corresponding model quantity.

    ``sets``: the parameter (key path) whose default was set from the figure, which makes it an
    *input*; ``None`` makes it a *check*. ``setting``: overrides the runs of this target need on top of
    the scenario (an arrangement switched on).
    """

    quantity: str
    source_value: float
    source: str
    kind: str  # 'initial' (from the generated community) or 'emergent' (from a run)
    read: Callable[[Outputs], float]  # the model quantity, from one run's flat outputs
    tolerance: float  # absolute: a match if |model mean - source| <= tolerance
    note: str = ""
    sets: str | None = None
    setting: Mapping[str, Any] = field(default_factory=dict)

    @property
    def role(self) -> str:
        """'input' (a parameter was set from the figure) or 'check' (reported untuned)."""
        return "input" if self.sets is not None else "check"


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


JURONG_HOUSEHOLDS_PER_COMMUNITY = 16_000 / 0.06 / PERSONS_PER_HOUSEHOLD / 27
"""About 3,500: Jurong's 16,000 registered volunteers are 6 % of its urban residents (seed 004/3), spread over its 27
communities at :data:`PERSONS_PER_HOUSEHOLD` (an assumption, stated where it is used)."""
DAYS_PER_YEAR = 365.0
MEDIATION_ON: dict[str, Any] = {"levers.mediation.enabled": True}
POSTS_ON: dict[str, Any] = {"levers.posts.enabled": True}
TEAMS_ON: dict[str, Any] = {"levers.volunteer_teams.enabled": True}


def _per_year(count: float, outputs: Outputs) -> float:
    """``count`` over the run, per year of the run."""
    return count * DAYS_PER_YEAR / outputs["days"]


def _per_1000_households_a_year(count: float, outputs: Outputs) -> float:
    """``count`` over the run, per 1,000 households of the generated community and per year of the run."""
    return _per_year(count, outputs) / outputs["community_households"] * 1000


TARGETS: tuple[Target, ...] = (
    Target("compounds with property management", 4772 / 10213, "seed 004/8 (Beijing)", "initial",
           lambda o: o["community_property_management_share"], 0.05, sets="community.property_management"),
    Target("compounds with an owners' committee", 742 / 10213, "seed 004/8 (Beijing)", "initial",
           lambda o: o["community_owners_committee_share"], 0.03,
           "Jurong reports 89 of 271 = 32.8 % (seed 004/3): see scenarios/new_commercial.toml",
           sets="community.owners_committee"),
    Target("compounds with a party organisation", 1 - 61 / 271, "seed 004/3 (Jurong)", "initial",
           lambda o: o["community_party_branch_share"], 0.05, sets="community.party_branch"),
    Target("property companies with a party organisation", 1056 / 3463, "seed 004/8 (Beijing)", "initial",
           lambda o: o["community_property_party_organisation_share"],  # NaN where a community has no company
           0.10, "few companies per community, so the spread is wide", sets="community.property_party_organisation"),
    Target("party members over 55 (model: retired)", (91 + 265) / 940, "seed 003 (Zongyang, n = 940)", "initial",
           lambda o: o["community_retired_member_share"], 0.05, "retired members stand for the over-55s",
           sets="population.party_member_types"),
    Target("registered volunteers / residents", 0.06, "seed 004/3 (6 %, target 8 %)", "initial",
           lambda o: _per_resident(o["community_eligible_volunteers"], o), 0.015,
           f"party members and registered households count one volunteer each; {PERSONS_PER_HOUSEHOLD} persons per household",
           sets="population.registered_volunteer_share"),
    Target("social organisations per community", 6.0, "seed 004/3 (Jurong: fewer than 7)", "initial",
           lambda o: o["community_social_organisations"], 1.0, "seed 004/10's 2023 target is 12",
           sets="community.social_organisations"),
    Target("in-service members serving (30-day window)", 1200 / 4000, "seed 004/3 (Jurong: 1,200 posts claimed by 4,000+ members)",
           "emergent", lambda o: o["inservice_serving_share"], 0.10,
           "loose proxy: posts claimed stands for members actually serving"),
    Target("households volunteering (30-day window)", 0.06, "seed 004/3 (6 % registered)",
           "emergent", lambda o: o["volunteer_share"], 0.03,
           "active volunteers compared with the registered share: an upper bound"),
    Target("disputes mediated per 1,000 households a year", 600 / 27 / JURONG_HOUSEHOLDS_PER_COMMUNITY * 1000,
           "seed 004/3 (Jurong: 600+ disputes handled by the five olds in 27 communities)", "emergent",
           lambda o: _per_1000_households_a_year(o["disputes_mediated"], o), 3.0,
           f"run with a mediation committee (levers.mediation.enabled); Jurong's communities taken as about "
           f"{JURONG_HOUSEHOLDS_PER_COMMUNITY:,.0f} households (16,000 volunteers = 6 % of residents, "
           f"{PERSONS_PER_HOUSEHOLD} persons per household); the model's disputes are every neighbour dispute that "
           "arises (issues.category_weights.dispute), the source counts cases the committees handled",
           setting=MEDIATION_ON),
    Target("in-service members holding a post", 1200 / 4000, "seed 004/3 (Jurong: 1,200 posts claimed by 4,000+ "
           "in-service members)", "emergent", lambda o: o["posts_held_share"], 0.10,
           "run with posts (levers.posts.enabled); the model's share at the end of the run, the source's posts claimed "
           "over an unstated period", setting=POSTS_ON),
    Target("suggestions per in-service member a year", 800 / 4000, "seed 004/3 (Jurong: 800 suggestions from 4,000+ "
           "in-service members)", "emergent",
           lambda o: _per_year(o.get("count_suggestions", 0.0), o) / o["community_in_service_members"], 0.1,
           "run with posts; the model counts every unreported issue a post-holder raised (retired members' too), the "
           "source's period is not stated (taken as a year)", setting=POSTS_ON),
    Target("party members in volunteer teams", 193 / 940, "seed 003 (Zongyang: 193 members in 16 teams; 940 members)",
           "emergent", lambda o: o["team_member_share"], 0.1,
           "run with volunteer teams (levers.volunteer_teams.enabled); the model's share at the end of the run; the "
           "source's teams are in 14 of its communities", setting=TEAMS_ON),
)
"""The figures compared. The seed 001 figure of 14 posts per 10,000 residents is not among them: it counts
street-office posts, not community workers (``../shared/design/seed-digest.md``), so it neither sets
``community.community_staff`` nor checks it."""


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

    Targets with a :attr:`Target.setting` are read from runs of ``config`` with that setting, on the same seeds.

    Replicate *r* runs with ``replicate_seed(master_seed, r)``, through
    :func:`cogov.experiments.runner.run_tasks` (serially, or on ``executor`` with ``workers`` runs
    at once); a run that fails stops the calibration with an error naming it.
    """
    config = config if config is not None else load_scenario("default").config
    if days is not None:
        config = apply_overrides(config, {"simulation.days": days})
    target = scenario_target(config.meta.name, config)
    settings = list(dict.fromkeys(tuple(sorted(t.setting.items())) for t in targets))  # distinct, in order
    points = [{SCENARIO_PARAMETER: config.meta.name, **dict(setting)} for setting in settings]
    tasks = plan_tasks(target, points, replicates, master_seed)
    horizon = {"days": float(config.simulation.days)}
    summaries = [output.summary | horizon for output in run_tasks(target, tasks, executor=executor, workers=workers)]
    outputs = {setting: [s for task, s in zip(tasks, summaries, strict=True) if task.point_id == p]
               for p, setting in enumerate(settings)}
    rows = []
    for t in targets:
        readings = np.asarray([t.read(o) for o in outputs[tuple(sorted(t.setting.items()))]], dtype=float)
        mean, low, high, spread_low, spread_high = _summarise(readings)
        rows.append(CalibrationRow(t, mean, low, high, spread_low, spread_high, replicates))
    return rows
