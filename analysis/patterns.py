"""Pattern-oriented validation: what the model must reproduce, and the statistical check of each.

A :class:`Pattern` says which outcome should move which way, in which setting, and on what evidence
(Grimm et al. 2005, pattern-oriented modelling). Two kinds:

* *paired* — a ``change`` (a lever, an arrangement) applied to a ``setting`` should move ``metric``
  up or down. Both arms run on the same seeds; per-process random streams make them share the
  community and the arising issues (common random numbers), so the paired difference isolates the
  change.
* *one-sample* — in the ``setting`` itself, ``metric`` (a contrast such as 'satisfaction in
  no-property compounds minus with-property compounds') should be above or below zero.

A paired pattern may also compare two scenarios (``versus``: the changed arm is another scenario, e.g. a
pathology scenario against the default), and it may expect *no* effect (``direction`` = ``ABSENT``):
that is how a loop pattern shows that switching its link off removes the effect.

Rule for a pass (no hard-coded result values): a one-sided t-test at ``ALPHA`` = 0.01 over the
replicates (paired t-test for paired patterns), or, for ``MECHANICAL`` patterns where the change
moves the metric by construction, every replicate's difference having the expected sign. An expected
absence passes when the effect's 95 % interval lies within ± the metric's smallest meaningful
difference (the outcome registry's; an equivalence test, Schuirmann 1987). Every result reports the
mean effect with a 95 % t-interval.

The settings are scaled-down communities in which one mechanism is visible; each says why.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from cogov.analysis.stats import CONFIDENCE, mean_test, t_interval
from cogov.experiments.runner import RunTask, plan_tasks, run_tasks
from cogov.experiments.seeds import replicate_seed
from cogov.experiments.street_target import StreetTarget
from cogov.experiments.targets import SCENARIO_PARAMETER, Target, scenario_target
from cogov.sim.config import COMPOUND_TYPES
from cogov.sim.outcomes.registry import smallest_difference
from cogov.sim.scenario import load_scenario
from cogov.sim.street.load import is_street_file

ALPHA = 0.01
UP, DOWN, ABSENT = +1, -1, 0
STOCHASTIC, MECHANICAL = "t-test", "sign"
DEFAULT_REPLICATES = 8

# ------------------------------------------------------------------------------------ settings
#: The default community at full size for a year: where the pathologies should show unprompted.
DEFAULT: dict[str, Any] = {}
DEFAULT_DAYS = 365

#: A scaled-down community under pressure: 400 households (a fifth of the default) with staff and
#: funds scaled to its size (8 -> 2 staff, 200k -> 40k CNY), half the department hours, and a high
#: issue rate (6 per household-year), so that every queue binds. Only then do capacity, routing and
#: deadline levers show in waiting times, escalation and where issues are resolved.
STRESSED: dict[str, Any] = {
    "community.households": 400,
    "community.community_staff": 2,
    "levers.funding.annual_cny": 40_000.0,
    "service.street_hours_per_day": 3.0,
    "issues.rate_per_household_year": 6.0,
}
STRESSED_DAYS = 90
#: Funds doubled (Beijing's 2020 step, seed 004/1, scaled): enough money for its split to matter.
DOUBLED_FUNDS: dict[str, Any] = {"levers.funding.annual_cny": 80_000.0}
STRESSED_FUNDED: dict[str, Any] = {**STRESSED, **DOUBLED_FUNDS}
#: Most reports made through 12345 (80 %, default 25 %), so that the hotline deadline governs most cases.
HOTLINE_HEAVY: dict[str, Any] = {**STRESSED, "levers.hotline.share_of_reports": 0.8}
#: 'Small matters stay in the grid' off: the community's deadline is the first an issue can miss.
COMMUNITY_FIRST: dict[str, Any] = {**STRESSED, "levers.grid.grid_first": False}

#: Many collective issues (60 % of property, parking and environment issues; default 15 %) in
#: small compounds (100 households), 120 days so that issues can pass ``stalemate_days`` (60).
COLLECTIVE: dict[str, Any] = {
    "community.households": 400,
    "community.households_per_compound": 100,
    "issues.rate_per_household_year": 5.0,
    "issues.collective_share": 0.6,
}
COLLECTIVE_DAYS = 120
#: ... where every compound has an owners' committee (default 7 %, seed 004/8) ...
WITH_COMMITTEES: dict[str, Any] = {**COLLECTIVE, **{f"community.owners_committee.{t}": 1.0 for t in COMPOUND_TYPES}}
#: ... or none does (owners meet only at 90-day assemblies) ...
WITHOUT_COMMITTEES: dict[str, Any] = {**COLLECTIVE, **{f"community.owners_committee.{t}": 0.0 for t in COMPOUND_TYPES}}
#: ... or half of them do (1,000 households, 10 compounds), so both kinds can be compared in one run.
HALF_COMMITTEES: dict[str, Any] = {
    **COLLECTIVE, "community.households": 1000,
    **{f"community.owners_committee.{t}": 0.5 for t in COMPOUND_TYPES},
}

#: Volunteering does not depend on issues: a large population (1,500 households) for precise
#: shares, few issues (0.5 per household-year) to keep runs cheap, 60 days (two 30-day windows).
VOLUNTEERS: dict[str, Any] = {"community.households": 1500, "issues.rate_per_household_year": 0.5}
VOLUNTEER_DAYS = 60
POINTS: dict[str, Any] = {**VOLUNTEERS, "levers.volunteer_incentives.points_per_hour": 10.0}

#: A property company in every compound (default 47 %, seed 004/8); reviews every 30 days.
PROPERTY: dict[str, Any] = {
    "community.households": 600,
    "issues.rate_per_household_year": 4.0,
    **{f"community.property_management.{t}": 1.0 for t in COMPOUND_TYPES},
}
PROPERTY_DAYS = 90
#: Red property acts through quarterly accountability reviews and mediated talks: a year.
RED_PROPERTY_DAYS = 365
RATING: dict[str, Any] = {"levers.property_rating.enabled": True, "levers.property_rating.review_interval_days": 30}

#: A people's mediation committee of five-olds teams in the grids where they live (default settings).
MEDIATION: dict[str, Any] = {"levers.mediation.enabled": True}
#: A lawyer gives the mediation committee half a day a week (法律顾问坐班; with MEDIATION).
MEDIATION_LAWYER: dict[str, Any] = {"levers.mediation.lawyer_hours_per_week": 4.0}

#: Residents' self-management committees in compounds without a property company (default settings) ...
SELF_MANAGEMENT: dict[str, Any] = {"levers.self_management.enabled": True}
NO_COMPANIES: dict[str, Any] = {f"community.property_management.{t}": 0.0 for t in COMPOUND_TYPES}
#: ... in a community no company serves (600 households, a year) ...
NO_PROPERTY: dict[str, Any] = {**NO_COMPANIES, "community.households": 600}
#: ... or in the collective-issues setting without companies or owners' committees, where their talks show.
NO_PROPERTY_COLLECTIVE: dict[str, Any] = {**WITHOUT_COMMITTEES, **NO_COMPANIES}
#: Party branches organise owners' committees where there are none (default rate).
COMMITTEE_FORMATION: dict[str, Any] = {"levers.committee_formation.enabled": True}
#: Party members' volunteer teams in every grid (default settings).
TEAMS: dict[str, Any] = {"levers.volunteer_teams.enabled": True}
#: Every post a publicist's (政策法规宣传员) / a guide's (党建工作指导员) instead of a supervisor's (with POSTS).
PUBLICIST_POSTS: dict[str, Any] = {"levers.posts.kinds.supervisor": 0.0, "levers.posts.kinds.publicist": 1.0}
GUIDE_POSTS: dict[str, Any] = {"levers.posts.kinds.supervisor": 0.0, "levers.posts.kinds.guide": 1.0}
#: In-service members have the five ones, paired with a household in difficulty, reviewed quarterly (defaults).
FIVE_ONES: dict[str, Any] = {"levers.five_ones.enabled": True}
#: Party members claim posts when their branch asks (default settings).
POSTS: dict[str, Any] = {"levers.posts.enabled": True}
#: Activities twice a month at the community centre and at the venues engaged units lend (default settings).
ACTIVITIES: dict[str, Any] = {"levers.activities.enabled": True}
#: Projects answering the community's listed needs with co-building units' people and venues (default settings).
NEEDS: dict[str, Any] = {"levers.needs_projects.enabled": True}
#: Monthly proactive care visits to every vulnerable household (default settings).
CARE: dict[str, Any] = {"levers.proactive_care.enabled": True}
#: The community's app as a reporting channel (default adoption: the young most).
APP: dict[str, Any] = {"levers.digital_platform.enabled": True}
#: With the app, neighbouring grids claim matters on the platform (派单/接单; with APP).
CLAIMING: dict[str, Any] = {"levers.digital_platform.task_claiming": True}
#: Contracts of social organisations renewed by a yearly third-party evaluation (default threshold) ...
SOCIAL_CONTRACTS: dict[str, Any] = {"levers.social_contracts.enabled": True}
#: ... and two venture-philanthropy projects a year (seed 004/10's 2023 target), incubating organisations up to 12.
VENTURE: dict[str, Any] = {"levers.venture_philanthropy.projects_per_year": 2}
#: ... the purchase shared out in proportion to the evaluation (seed 004/10: results a reference for future purchase);
WEIGHTED_PURCHASE: dict[str, Any] = {"levers.social_contracts.share_by_evaluation": 1.0}
#: ... incubated organisations growing towards a mature size while evaluated well (004/10's 2021 -> 2023 plan);
VENTURE_GROWTH: dict[str, Any] = {"levers.venture_philanthropy.growth": True}
#: ... owners' committees serving terms, re-elected or lapsing (换届; default settings).
ELECTIONS: dict[str, Any] = {"levers.committee_formation.elections": True}
#: ... in the default community where every compound starts with a committee, so that terms end within the run.
ALL_COMMITTEES_FORMING: dict[str, Any] = {**COMMITTEE_FORMATION,
                                          **{f"community.owners_committee.{t}": 1.0 for t in COMPOUND_TYPES}}
#: Work units still looking after their old compounds, in a community of work-unit compounds without companies.
WORK_UNITS: dict[str, Any] = {"levers.work_unit_management.enabled": True}
WORK_UNIT_COMPOUNDS: dict[str, Any] = {**NO_PROPERTY, **{f"community.compound_mix.{t}": float(t == "work_unit")
                                                          for t in COMPOUND_TYPES}}
#: The party-led fallback property company (托底) where nobody else serves (default settings).
FALLBACK: dict[str, Any] = {"levers.fallback_property.enabled": True}
#: Public money matched to the fees owners pay companies that cannot run normally (default settings) ...
FEE_LEVERAGE: dict[str, Any] = {"levers.fee_leverage.enabled": True}
#: ... where a company serves every compound and many owners pay nothing whatever the service (payment floor 0.3,
#: default 0.5), so that every company collects below the reference rate (as in scenarios/fee_leverage.toml).
UNPAID_FEES: dict[str, Any] = {**PROPERTY, "service.fee_collection_floor": 0.3}

#: Co-building contributions accrue daily whatever the issues: a small community and 30 days.
CO_BUILDING: dict[str, Any] = {"community.households": 400}
CO_BUILDING_DAYS = 30


# ------------------------------------------------------------------------------------ patterns
@dataclass(frozen=True)
class Pattern:
    """An expected regularity: ``change`` (or nothing) should move ``metric`` in ``direction``."""

    name: str
    group: str  # 'lever', 'loop', 'pathology', 'years' or 'street'
    expected: str  # in words, for the table
    evidence: str
    setting: dict[str, Any]
    days: int
    metric: str
    direction: int
    change: dict[str, Any] | None = None
    rule: str = STOCHASTIC
    fast: bool = True  # part of the CI subset
    scenario: str = "default"
    versus: str | None = None  # the changed arm is this other scenario (with the same setting)

    @property
    def paired(self) -> bool:
        """True when two arms (setting, setting + change; or scenario, versus) are compared."""
        return self.change is not None or self.versus is not None


@dataclass(frozen=True)
class PatternResult:
    """Outcome of checking one pattern over replicates."""

    pattern: Pattern
    replicates: int
    baseline_mean: float
    mean: float  # of the metric (one-sample) or of the changed arm (paired)
    effect: float  # mean paired difference (paired) or mean of the metric (one-sample)
    ci_low: float
    ci_high: float
    p_value: float
    passed: bool
    values: tuple[float, ...] = field(repr=False, default=())

    def describe(self) -> str:
        """One line: what was expected, what was seen."""
        word = {UP: "up", DOWN: "down", ABSENT: "unchanged"}[self.pattern.direction]
        under = f" in {self.pattern.versus}" if self.pattern.versus else f" under {self.pattern.change}"
        what = f"{self.pattern.metric} {word}" + (under if self.pattern.paired else " (vs 0)")
        return (f"{self.pattern.name}: expected {what}; effect {self.effect:.4g} "
                f"[{self.ci_low:.4g}, {self.ci_high:.4g}] over {self.replicates} replicates, p = {self.p_value:.3g}"
                f" -> {'pass' if self.passed else 'FAIL'}")


def judge(pattern: Pattern, values: np.ndarray, baseline: np.ndarray | None = None) -> PatternResult:
    """Apply the pattern's rule to replicate values (and baseline values when paired)."""
    values = np.asarray(values, dtype=float)
    diff = values - baseline if baseline is not None else values
    finite = bool(np.isfinite(diff).all()) and len(diff) > 1
    _, low, high = t_interval(diff, CONFIDENCE)
    if pattern.direction == ABSENT:
        p = mean_test(diff) if finite else float("nan")
        margin = smallest_difference(pattern.metric)
        passed = finite and (bool(np.all(diff == 0)) or (-margin < low and high < margin))
    else:
        p = mean_test(diff, "greater" if pattern.direction == UP else "less") if finite else float("nan")
        if pattern.rule == MECHANICAL:
            passed = finite and bool((np.sign(diff) == pattern.direction).all())
        else:
            passed = finite and p < ALPHA
    return PatternResult(
        pattern=pattern, replicates=len(diff),
        baseline_mean=float(np.mean(baseline)) if baseline is not None else float("nan"),
        mean=float(np.mean(values)), effect=float(np.mean(diff)), ci_low=low, ci_high=high,
        p_value=p, passed=passed, values=tuple(diff.tolist()),
    )


@cache
def _target(scenario: str) -> Target:
    """The target that runs the built-in (or file) scenario or street ``scenario``, loaded once."""
    if is_street_file(scenario):
        return StreetTarget.of([scenario], Path("."), None)
    return scenario_target(scenario, load_scenario(scenario).config)


class PatternRunner:
    """Runs patterns over replicates, caching each run by its run key so that shared arms run once.

    Replicate *r* of every arm runs with ``replicate_seed(master_seed, r)``
    (:mod:`cogov.experiments.seeds`), the seed rule of sweeps and comparisons; the runs go through
    :func:`cogov.experiments.runner.run_tasks`, serially or on ``executor`` (with ``workers`` runs
    at once). A run that fails stops the validation with an error naming it: a pattern judged on
    fewer replicates than it says would be misleading.
    """

    def __init__(self, replicates: int = DEFAULT_REPLICATES, executor: Executor | None = None,
                 workers: int = 1, master_seed: int = 0):
        self.replicates = replicates
        self.master_seed = master_seed
        self.seeds: tuple[int, ...] = tuple(replicate_seed(master_seed, r) for r in range(replicates))
        self.executor = executor
        self.workers = workers
        self._cache: dict[str, dict[str, float]] = {}

    def _arm(self, scenario: str, overrides: dict[str, Any], days: int) -> dict[str, Any]:
        """The design point of an arm: the scenario by name, its overrides and the horizon."""
        return {SCENARIO_PARAMETER: scenario, **overrides, "simulation.days": days}

    def _run(self, scenario: str, points: Sequence[dict[str, Any]]) -> list[list[dict[str, float]]]:
        """Outcomes of every point (one list per point, one entry per replicate), running only uncached keys."""
        target = _target(scenario)
        tasks = plan_tasks(target, points, self.replicates, self.master_seed)
        missing: list[RunTask] = []
        planned: set[str] = set()
        for task in tasks:  # two points with one key (e.g. a change that changes nothing) run once
            if task.run_key not in self._cache and task.run_key not in planned:
                missing.append(task)
                planned.add(task.run_key)
        with warnings.catch_warnings():  # forking beside numpy's idle threads warns on 3.12+; harmless here
            warnings.simplefilter("ignore", DeprecationWarning)
            outputs = run_tasks(target, missing, executor=self.executor, workers=self.workers)
        for task, output in zip(missing, outputs, strict=True):
            self._cache[task.run_key] = output.summary
        return [[self._cache[t.run_key] for t in tasks if t.point_id == p] for p in range(len(points))]

    def outcomes(self, scenario: str, overrides: dict[str, Any], days: int) -> list[dict[str, float]]:
        """Measured outcomes of ``scenario`` + ``overrides`` over ``days``, one per replicate (in replicate order)."""
        return self._run(scenario, [self._arm(scenario, overrides, days)])[0]

    def evaluate(self, pattern: Pattern) -> PatternResult:
        """Run (or reuse) the pattern's arms and judge it."""
        if pattern.versus is not None:  # two scenarios, each with the setting, on the same seeds
            arms = [np.array([r[pattern.metric] for r in self.outcomes(name, pattern.setting, pattern.days)])
                    for name in (pattern.scenario, pattern.versus)]
            return judge(pattern, arms[1], arms[0])
        points = [self._arm(pattern.scenario, pattern.setting, pattern.days)]
        if pattern.paired:  # both arms submitted together, so that a pool runs them side by side
            points.append(self._arm(pattern.scenario, {**pattern.setting, **pattern.change}, pattern.days))
        arms = [np.array([r[pattern.metric] for r in arm]) for arm in self._run(pattern.scenario, points)]
        if not pattern.paired:
            return judge(pattern, arms[0])
        return judge(pattern, arms[1], arms[0])

    def evaluate_all(self, patterns: Iterable[Pattern]) -> list[PatternResult]:
        """Evaluate several patterns in order."""
        return [self.evaluate(p) for p in patterns]


def lever(name: str, expected: str, evidence: str, setting: dict[str, Any], days: int, change: dict[str, Any],
          metric: str, direction: int, rule: str = STOCHASTIC, fast: bool = True) -> Pattern:
    """A lever-direction pattern (paired); ``fast=False``: too small for the CI subset's 8 replicates, checked by
    ``cogov validate-model`` at 20."""
    return Pattern(name, "lever", expected, evidence, setting, days, metric, direction, change, rule, fast)


LEVER_PATTERNS: tuple[Pattern, ...] = (
    # funding (seeds 004/1, 004/3)
    lever("funding_days_down", "more funds: issues resolved sooner", "seed 004/1", STRESSED, STRESSED_DAYS,
          DOUBLED_FUNDS, "mean_days_to_resolve", DOWN),
    lever("funding_escalation_down", "more funds: fewer escalations", "seed 004/1", STRESSED, STRESSED_DAYS,
          DOUBLED_FUNDS, "escalation_rate", DOWN, fast=False),
    lever("funding_cost_up", "more funds: higher public cost", "seed 004/1", STRESSED, STRESSED_DAYS,
          DOUBLED_FUNDS, "cost_total", UP, MECHANICAL),
    lever("split_grid_stipends_latent_down", "funds to grid stipends: fewer unfound issues", "seeds 001, 004/3",
          STRESSED_FUNDED, STRESSED_DAYS, {"levers.funding.split.grid_staff": 0.55, "levers.funding.split.social_org": 0.05},
          "mean_latent", DOWN),
    lever("split_grid_stipends_days_down", "funds to grid stipends: issues resolved sooner", "seeds 001, 004/3",
          STRESSED_FUNDED, STRESSED_DAYS, {"levers.funding.split.grid_staff": 0.55, "levers.funding.split.social_org": 0.05},
          "mean_days_to_resolve", DOWN, fast=False),
    lever("split_co_building_hours_up", "co-building matching money: more unit hours", "seed 004/3",
          CO_BUILDING, CO_BUILDING_DAYS, {"levers.funding.split.co_building": 0.25, "levers.funding.split.social_org": 0.15},
          "co_building_hours_total", UP, MECHANICAL),
    # cross-appointment (seeds 000, 002, 004/7, 004/8)
    lever("party_owners_committee_stalemates_down", "party members on owners' committees: fewer stalemates",
          "seeds 000, 004/8", WITH_COMMITTEES, COLLECTIVE_DAYS, {"levers.cross_appointment.party_owners_committee": True},
          "stalemates", DOWN),
    lever("red_property_quality_up", "red property: better companies (accountability reviews)", "seeds 004/7, 004/8",
          PROPERTY, RED_PROPERTY_DAYS, {"levers.cross_appointment.party_property": True}, "company_quality", UP),
    lever("red_property_resolution_up", "red property: more issues resolved", "seeds 004/7, 004/8", PROPERTY,
          RED_PROPERTY_DAYS, {"levers.cross_appointment.party_property": True}, "resolution_rate", UP, fast=False),
    lever("big_party_committee_hours_up", "big party committee: units give more people", "seeds 002, 004/7",
          CO_BUILDING, CO_BUILDING_DAYS, {"levers.cross_appointment.big_party_committee": True},
          "co_building_hours_total", UP, MECHANICAL),
    # forums for collective issues
    lever("three_party_linkage_stalemates_down", "three-party linkage: fewer stalemates", "seeds 004/3, 004/7",
          WITH_COMMITTEES, COLLECTIVE_DAYS, {"levers.three_party_linkage.enabled": True}, "stalemates", DOWN),
    lever("deliberation_stalemates_down", "deliberation councils: fewer stalemates", "seeds 001, 002, 004/4",
          WITHOUT_COMMITTEES, COLLECTIVE_DAYS, {"levers.deliberation_council.enabled": True}, "stalemates", DOWN,
          fast=False),  # v3: -5.4 [-12.3, +1.5] at 8, noise-limited (collective matters come back in unkept compounds)
    lever("deliberation_satisfaction_up", "deliberation councils: higher satisfaction", "seeds 001, 002, 004/4",
          WITHOUT_COMMITTEES, COLLECTIVE_DAYS, {"levers.deliberation_council.enabled": True}, "satisfaction_mean", UP,
          fast=False),  # v3: +0.0038 (p = 0.012) at 8, +0.0034 [+0.0009, +0.0058] (p = 0.0046) at 20
    lever("lists_matching_hours_up", "three lists: more useful co-building hours", "seed 002", CO_BUILDING,
          CO_BUILDING_DAYS, {"levers.lists_matching.enabled": True}, "co_building_hours_total", UP, MECHANICAL),
    # volunteer incentives (seeds 001, 002, 003, 004/7)
    lever("points_volunteering_up", "points: more volunteering", "seeds 001, 002", VOLUNTEERS, VOLUNTEER_DAYS,
          {"levers.volunteer_incentives.points_per_hour": 10.0}, "volunteer_share", UP),
    lever("ranking_volunteering_up", "public ranking: more volunteering", "seed 004/7", VOLUNTEERS, VOLUNTEER_DAYS,
          {"levers.volunteer_incentives.public_ranking": True}, "volunteer_share", UP),
    lever("employer_feedback_inservice_up", "employer feedback: more in-service members serve", "seed 003",
          VOLUNTEERS, VOLUNTEER_DAYS, {"levers.volunteer_incentives.employer_feedback": True},
          "inservice_serving_share", UP),
    lever("min_hours_inservice_up", "minimum hours: more in-service members serve", "seeds 001, 003", VOLUNTEERS,
          VOLUNTEER_DAYS, {"levers.volunteer_incentives.min_hours_per_year": 12.0}, "inservice_serving_share", UP),
    lever("crowding_out_motivation_down", "rewards crowd out motivation (at strength 0.5)",
          "Deci et al. 1999; Frey & Goette 1999", {**POINTS, "behaviour.motivation.crowding_out": 0.0}, VOLUNTEER_DAYS,
          {"behaviour.motivation.crowding_out": 0.5}, "volunteer_motivation", DOWN),
    # grid staffing '1+1+N' (seeds 000, 001, 002)
    lever("full_time_days_down", "second grid worker: issues resolved sooner", "seeds 000, 001", STRESSED,
          STRESSED_DAYS, {"levers.grid.full_time_workers": 2}, "mean_days_to_resolve", DOWN),
    lever("full_time_latent_down", "second grid worker: fewer unfound issues", "seeds 000, 001", STRESSED,
          STRESSED_DAYS, {"levers.grid.full_time_workers": 2}, "mean_latent", DOWN),
    lever("full_time_cost_up", "second grid worker: higher cost", "seeds 000, 001", STRESSED, STRESSED_DAYS,
          {"levers.grid.full_time_workers": 2}, "cost_total", UP, MECHANICAL),
    lever("part_time_escalation_down", "more part-timers: fewer escalations", "seeds 000, 001", STRESSED,
          STRESSED_DAYS, {"levers.grid.part_time_workers": 6}, "escalation_rate", DOWN, fast=False),
    lever("grid_first_off_in_grid_down", "without 'small matters stay in the grid': fewer resolved in grid",
          "seeds 001, 002", STRESSED, STRESSED_DAYS, {"levers.grid.grid_first": False}, "resolved_in_grid_share", DOWN,
          fast=False),  # v3: -0.065 [-0.118, -0.012] (p = 0.012) at 8, -0.079 [-0.105, -0.053] at 20
    # hotline and ladder (seeds 001, 002, 004/4)
    lever("hotline_off_latent_up", "no hotline: more unfound issues", "seeds 001, 004/4", WITHOUT_COMMITTEES,
          COLLECTIVE_DAYS, {"levers.hotline.enabled": False}, "mean_latent", UP),
    lever("hotline_off_stalemates_up", "no hotline: more stalemates", "seeds 001, 004/4", WITHOUT_COMMITTEES,
          COLLECTIVE_DAYS, {"levers.hotline.enabled": False}, "stalemates", UP, fast=False),
    lever("hotline_deadline_escalation_up", "shorter hotline deadline: more escalations", "seed 001", HOTLINE_HEAVY,
          STRESSED_DAYS, {"levers.hotline.deadline_days": 2}, "escalation_rate", UP),
    lever("grid_deadline_escalation_up", "shorter grid deadline: more escalations", "seeds 001, 002", STRESSED,
          STRESSED_DAYS, {"levers.escalation.grid_days": 2}, "escalation_rate", UP),
    lever("community_deadline_escalation_up", "shorter community deadline: more escalations", "seeds 001, 002",
          COMMUNITY_FIRST, STRESSED_DAYS, {"levers.escalation.community_days": 4}, "escalation_rate", UP),
    lever("whistle_escalated_wait_down", "whistle: escalated issues handled sooner", "seeds 000, 004/4", STRESSED,
          STRESSED_DAYS, {"levers.whistle.enabled": True}, "escalated_wait_days", DOWN),
    # burden (seeds 002, 003, 004/3, 004/4)
    lever("burden_lower_days_down", "lower burden: issues resolved sooner", "seeds 003, 004/3", STRESSED,
          STRESSED_DAYS, {"levers.burden.admin_share": 0.2}, "mean_days_to_resolve", DOWN),
    lever("access_list_days_down", "access list: issues resolved sooner", "seeds 003, 004/4", STRESSED,
          STRESSED_DAYS, {"levers.burden.access_list": True}, "mean_days_to_resolve", DOWN),
    # property rating (seeds 000, 004/8)
    lever("rating_quality_up", "star rating: better companies", "seeds 000, 004/8", PROPERTY, PROPERTY_DAYS, RATING,
          "company_quality", UP),
    # population composition
    lever("more_members_volunteering_up", "more party members: more volunteering", "seeds 003, 004/3", VOLUNTEERS,
          VOLUNTEER_DAYS, {"population.party_member_share": 0.14}, "volunteer_share", UP),
    lever("more_retired_volunteering_up", "more retired members: more volunteering", "seeds 001, 003", VOLUNTEERS,
          VOLUNTEER_DAYS, {"population.party_member_types.in_service": 0.2, "population.party_member_types.retired": 0.7},
          "volunteer_share", UP),
    lever("more_registered_volunteering_up", "more registered volunteers: more volunteering", "seed 004/3",
          VOLUNTEERS, VOLUNTEER_DAYS, {"population.registered_volunteer_share": 0.21}, "volunteer_share", UP),
    lever("younger_latent_up", "younger households: more unfound issues", "Kontokosta & Hong 2021", STRESSED,
          STRESSED_DAYS, {"population.age_mix.young": 0.8, "population.age_mix.middle": 0.1,
                          "population.age_mix.elderly": 0.1}, "mean_latent", UP),
    # party building (seeds 002, 004/3, 004/4)
    lever("training_strengthens_branches", "secretary training: stronger branches", "seeds 002, 004/4", DEFAULT,
          DEFAULT_DAYS, {"levers.party_building.training_days_per_year": 4.0}, "branch_strength", UP),
    lever("rewards_strengthen_branches", "rewards to well-run branches: stronger branches", "seed 004/3", DEFAULT,
          DEFAULT_DAYS, {"levers.party_building.performance_reward_cny": 20_000.0,
                         "levers.party_building.reward_threshold": 0.6}, "branch_strength", UP),
    # people's mediation by the five olds (seeds 004/2, 004/3, 004/4)
    lever("mediation_disputes_resolved_up", "mediation committee: more disputes resolved (mediators' hours where "
          "grid workers have none to spare)", "seeds 004/3, 004/4", STRESSED, STRESSED_DAYS, MEDIATION,
          "dispute_resolution_rate", UP, fast=False),  # +0.085 [+0.006, +0.164] at 8: noise-limited
    lever("mediation_escalation_down", "mediation committee: fewer issues escalated (矛盾不上交)", "seeds 004/3, 004/4",
          DEFAULT, DEFAULT_DAYS, MEDIATION, "escalation_rate", DOWN),
    lever("mediation_ties_up", "mediation committee: stronger ties (the parties meet with a neighbour, L15)",
          "seeds 004/3, 004/4", DEFAULT, DEFAULT_DAYS, MEDIATION, "ties_mean", UP),
    lever("mediation_cost_up", "mediation committee: higher public cost (a subsidy per case)", "seed 004/3",
          DEFAULT, DEFAULT_DAYS, MEDIATION, "cost_total", UP, MECHANICAL),
    lever("mediation_lawyer_mediated_up", "a lawyer on the mediation committee: more disputes mediated (the ones that "
          "turn on a point of law, which the five olds refer)", "seed 004/4", {**DEFAULT, **MEDIATION}, DEFAULT_DAYS,
          MEDIATION_LAWYER, "disputes_mediated", UP),
    lever("mediation_lawyer_disputes_resolved_up", "a lawyer on the mediation committee: more disputes resolved where "
          "grid workers have no hours to spare", "seed 004/4", {**STRESSED, **MEDIATION}, STRESSED_DAYS,
          MEDIATION_LAWYER, "dispute_resolution_rate", UP, fast=False),
    lever("mediation_lawyer_cost_up", "a lawyer on the mediation committee: higher public cost (the lawyer's hours)",
          "seed 004/4", {**DEFAULT, **MEDIATION}, DEFAULT_DAYS, MEDIATION_LAWYER, "cost_total", UP, MECHANICAL),
    # self-management of compounds without a property company (seeds 004/1, 004/3, 004/8)
    lever("self_management_stalemates_down", "self-management committees: fewer stalemates (residents' talks "
          "convened)", "seeds 004/3, 004/8", NO_PROPERTY_COLLECTIVE, COLLECTIVE_DAYS, SELF_MANAGEMENT, "stalemates",
          DOWN, fast=False),
    lever("self_management_satisfaction_up", "self-management committees: higher satisfaction (their caretakers keep "
          "the compound, so fixes do not come back)", "seeds 004/1, 004/3, 004/8", NO_PROPERTY, DEFAULT_DAYS,
          SELF_MANAGEMENT, "satisfaction_mean", UP),
    lever("self_management_satisfaction_through_upkeep", "...and none when unkept fixes do not come back "
          "(service.unkept_recurrence = 0): caretakers' hours replace grid workers' hours",
          "seeds 004/3, 004/8", {**NO_PROPERTY, "service.unkept_recurrence": 0.0}, DEFAULT_DAYS,
          SELF_MANAGEMENT, "satisfaction_mean", ABSENT, fast=False),
    # work-unit compounds still looked after by their former unit (seed 004/8)
    lever("work_units_satisfaction_up", "work units looking after their old compounds: higher satisfaction (the "
          "unit keeps the compound, so fixes do not come back)", "seed 004/8",
          WORK_UNIT_COMPOUNDS, DEFAULT_DAYS, WORK_UNITS, "satisfaction_mean", UP, fast=False),
    lever("work_units_satisfaction_through_upkeep", "...and none when unkept fixes do not come back: the unit's staff "
          "replace the grid's and the repairs fund's hours", "seed 004/8",
          {**WORK_UNIT_COMPOUNDS, "service.unkept_recurrence": 0.0}, DEFAULT_DAYS, WORK_UNITS,
          "satisfaction_mean", ABSENT, fast=False),
    # upkeep: in a compound nobody keeps, a fixed property matter comes back (model version 3; seeds 004/3, 004/8)
    lever("upkeep_off_satisfaction_up", "fixes that do not come back where nobody keeps the compound (service."
          "unkept_recurrence = 0): higher satisfaction in compounds without a company", "seeds 004/3, 004/8",
          NO_PROPERTY, DEFAULT_DAYS, {"service.unkept_recurrence": 0.0}, "satisfaction_mean", UP),
    lever("upkeep_off_fewer_issues", "fixes that do not come back: fewer issues arise", "seeds 004/3, 004/8",
          NO_PROPERTY, DEFAULT_DAYS, {"service.unkept_recurrence": 0.0}, "issues_arisen", DOWN, MECHANICAL),
    # the party-led fallback property service (seed 004/3)
    lever("fallback_resolution_up", "fallback property company: more issues resolved where no company served",
          "seed 004/3", NO_PROPERTY, DEFAULT_DAYS, FALLBACK, "resolution_rate", UP),
    lever("fallback_satisfaction_up", "fallback property company: higher satisfaction where no company served",
          "seed 004/3", NO_PROPERTY, DEFAULT_DAYS, FALLBACK, "satisfaction_mean", UP),
    lever("fallback_cost_up", "fallback property company: higher public cost (its subsidy)", "seed 004/3",
          NO_PROPERTY, DEFAULT_DAYS, FALLBACK, "cost_total", UP, MECHANICAL),
    # fee leverage: a subsidy matched to fees, for companies that cannot run normally (Yanqing, seed 004/8)
    lever("fee_leverage_quality_up", "fee leverage: better companies (重新激活物业服务: the match finances quality as "
          "fees do)", "seed 004/8", UNPAID_FEES, RED_PROPERTY_DAYS, FEE_LEVERAGE, "company_quality", UP),
    lever("fee_leverage_collection_up", "fee leverage: owners pay more (撬动居民缴费: better service, more satisfied "
          "owners, more fees)", "seed 004/8", UNPAID_FEES, RED_PROPERTY_DAYS, FEE_LEVERAGE, "fee_collection_rate",
          UP),
    lever("fee_leverage_resolution_up", "fee leverage: more issues resolved (companies' hours and quality)",
          "seed 004/8", UNPAID_FEES, RED_PROPERTY_DAYS, FEE_LEVERAGE, "resolution_rate", UP),
    lever("fee_leverage_cost_up", "fee leverage: higher public cost (the match)", "seed 004/8", UNPAID_FEES,
          RED_PROPERTY_DAYS, FEE_LEVERAGE, "cost_total", UP, MECHANICAL),
    # a digital reporting channel (seeds 000, 001, 004/4)
    lever("app_latent_down", "the community's app: fewer unfound issues (easier reporting from phones)",
          "seeds 001, 004/4", STRESSED, STRESSED_DAYS, APP, "mean_latent", DOWN),
    lever("app_latent_down_default", "...also in the default community over a year", "seeds 001, 004/4", DEFAULT,
          DEFAULT_DAYS, APP, "mean_latent", DOWN),
    lever("app_cost_up", "the community's app: higher public cost (its running cost)", "seed 000", STRESSED,
          STRESSED_DAYS, APP, "cost_total", UP, MECHANICAL),
    lever("task_claiming_days_down", "task claiming on the platform: issues resolved sooner (a neighbouring grid with "
          "time claims the matter)", "seeds 002, 004/4, 004/10", {**STRESSED, **APP}, STRESSED_DAYS, CLAIMING,
          "mean_days_to_resolve", DOWN),
    lever("task_claiming_default_days_down", "...also in the default community over a year", "seeds 002, 004/4",
          {**DEFAULT, **APP}, DEFAULT_DAYS, CLAIMING, "mean_days_to_resolve", DOWN, fast=False),
    # proactive care for vulnerable households (seeds 000, 004/3, 004/4)
    lever("care_reaches_vulnerable", "proactive care: vulnerable households visited (by construction)",
          "seeds 004/3, 004/4", DEFAULT, DEFAULT_DAYS, CARE, "vulnerable_reached_share", UP, MECHANICAL),
    lever("care_finds_issues", "proactive care: fewer unfound issues (visits ask what was not reported)",
          "seeds 004/3, 004/4", STRESSED, STRESSED_DAYS, CARE, "mean_latent", DOWN,
          fast=False),  # v3: -1.15 [-2.33, +0.03] at 8, -0.91 [-1.63, -0.18] (p = 0.0085) at 20
    lever("care_builds_trust", "proactive care: more trust (the visited meet someone, L15)", "seeds 000, 004/4",
          DEFAULT, DEFAULT_DAYS, CARE, "trust_mean", UP),
    lever("care_satisfaction_vulnerable_up", "proactive care: vulnerable households more satisfied",
          "seeds 000, 004/4, 004/10", DEFAULT, DEFAULT_DAYS, CARE, "satisfaction_vulnerable", UP),
    lever("teams_inservice_up", "party members' volunteer teams: more in-service members serve (service days, "
          "follow-up; a year, as members join)", "seeds 002, 003", VOLUNTEERS, DEFAULT_DAYS, TEAMS,
          "inservice_serving_share", UP),
    lever("teams_keep_motivation", "volunteer teams keep members in view: motivation does not decay for want of "
          "follow-up", "seeds 001, 003", VOLUNTEERS, DEFAULT_DAYS, TEAMS, "volunteer_motivation", UP),
    lever("five_ones_inservice_up", "the five ones: more in-service members serve (the branch asks whoever is behind "
          "and keeps them in view; a year, as reviews are quarterly)", "seed 001", VOLUNTEERS, DEFAULT_DAYS, FIVE_ONES,
          "inservice_serving_share", UP, fast=False),
    lever("five_ones_latent_down", "the five ones: fewer issues nobody has reported (suggestions, visits to paired "
          "households)", "seed 001", DEFAULT, DEFAULT_DAYS, FIVE_ONES, "mean_latent", DOWN, fast=False),
    lever("five_ones_vulnerable_satisfaction_up", "the five ones: households in difficulty more satisfied (paired "
          "visits find what they did not report)", "seed 001", DEFAULT, DEFAULT_DAYS, FIVE_ONES,
          "satisfaction_vulnerable", UP, fast=False),
    lever("posts_publicists_latent_down", "publicists' posts (政策法规宣传员): fewer unfound issues (their buildings know "
          "where and how to report)", "seed 004", DEFAULT, DEFAULT_DAYS, {**POSTS, **PUBLICIST_POSTS}, "mean_latent",
          DOWN, fast=False),
    lever("posts_guides_inservice_up", "guides' posts (党建工作指导员) instead of supervisors': more in-service members "
          "serve (a guide who served asks their building's members)", "seed 004", {**VOLUNTEERS, **POSTS},
          VOLUNTEER_DAYS, GUIDE_POSTS, "inservice_serving_share", UP, fast=False),
    lever("posts_inservice_up", "posts claimed by party members: more in-service members serve", "seeds 001, 004/3",
          VOLUNTEERS, VOLUNTEER_DAYS, POSTS, "inservice_serving_share", UP),
    lever("posts_held_with_teeth", "posts with employer feedback (双报告): more posts still held after a year ('report "
          "but don't serve' where registration has no teeth; the lapse rule makes this partly by construction)",
          "seeds 001, 002, 003", {**POSTS, "issues.rate_per_household_year": 0.5}, DEFAULT_DAYS,
          {"levers.volunteer_incentives.employer_feedback": True}, "posts_held_share", UP),
    lever("posts_latent_down", "posts: fewer unfound issues (post-holders raise what they notice)", "seed 004/3",
          STRESSED, STRESSED_DAYS, POSTS, "mean_latent", DOWN, fast=False),  # -2.5 [-4.8, -0.3] at 8: noise-limited
    lever("activities_build_ties", "activities at venues: stronger ties (neighbours meet, L15)", "seeds 004/3, 004/4",
          DEFAULT, DEFAULT_DAYS, ACTIVITIES, "ties_mean", UP),
    lever("lent_venues_reach_more", "with the big party committee, units lend their venues every month: more "
          "households at activities", "seeds 002, 004/2, 004/3", ACTIVITIES, DEFAULT_DAYS,
          {"levers.cross_appointment.big_party_committee": True}, "activity_reach_share", UP),
    lever("activities_cost_up", "activities: higher public cost", "seed 004/1", DEFAULT, DEFAULT_DAYS, ACTIVITIES,
          "cost_total", UP, MECHANICAL),
    lever("lists_exchanged_more_needs_met", "needs, resources and projects lists exchanged (三单制): more listed needs "
          "met by units", "seeds 000, 002", NEEDS, DEFAULT_DAYS, {"levers.lists_matching.enabled": True}, "needs_met",
          UP, fast=False),  # one year's list of four needs: noisy at 8 replicates
    lever("big_party_committee_more_needs_met", "big party committee: units asked every month, more listed needs met",
          "seeds 002, 004/7", NEEDS, DEFAULT_DAYS, {"levers.cross_appointment.big_party_committee": True}, "needs_met",
          UP, fast=False),
    # not the sign rule: in some communities no listed need finds an engaged unit of its kind, and nothing is spent
    lever("residents_order_more_needs_met", "residents order (居民点单): needs collected from residents, more households "
          "have a need met (the list follows what they voiced and projects go where the voices are; partly by "
          "construction)", "seed 000", NEEDS, DEFAULT_DAYS, {"levers.needs_projects.residents_order": True},
          "needs_met", UP, fast=False),
    lever("needs_projects_cost_up", "projects answering listed needs: higher public cost (matching money)", "seed 002",
          DEFAULT, DEFAULT_DAYS, NEEDS, "cost_total", UP, fast=False),
    lever("care_cost_up", "proactive care: higher public cost (visits bought as social-work hours)", "seed 004/1",
          DEFAULT, DEFAULT_DAYS, CARE, "cost_total", UP, MECHANICAL),
)

# ------------------------------------------------------------------------------------ the loops
#: Branches weak or strong everywhere (grid and compound), for the mobilisation loop.
WEAK_BRANCHES: dict[str, Any] = {"party.initial_strength.grid": 0.2, "party.initial_strength.compound": 0.2}
STRONG_BRANCHES: dict[str, Any] = {"party.initial_strength.grid": 0.8, "party.initial_strength.compound": 0.8}
#: Residents who distrust, or trust, the party organisation at the start.
DISTRUSTING: dict[str, Any] = {"behaviour.trust.initial_mean": 0.3}
TRUSTING: dict[str, Any] = {"behaviour.trust.initial_mean": 0.75}
NO_ASKS_OR_LIFE: dict[str, Any] = {"links.asked_to_volunteer": 0.0, "party.attendance.in_service": 0.0,
                                   "party.attendance.retired": 0.0, "party.attendance.mobile": 0.0}
#: Volunteering over four months, so that ties and trust built by taking part show.
VOLUNTEER_MONTHS = 120
#: Companies everywhere and owners who start less or more satisfied, for the fee loop (a year).
DISSATISFIED_OWNERS: dict[str, Any] = {**PROPERTY, "behaviour.satisfaction.initial_mean": 0.35,
                                       "behaviour.satisfaction.initial_expectation": 0.35}
SATISFIED_OWNERS: dict[str, Any] = {"behaviour.satisfaction.initial_mean": 0.75,
                                    "behaviour.satisfaction.initial_expectation": 0.75}
NO_BRANCHES: dict[str, Any] = {f"community.party_branch.{t}": 0.0 for t in COMPOUND_TYPES}
ALL_BRANCHES: dict[str, Any] = {f"community.party_branch.{t}": 1.0 for t in COMPOUND_TYPES}
#: Collective issues in compounds that all have a company and a committee, for the companies' party organisations.
COMPANIES_AND_COMMITTEES: dict[str, Any] = {**WITH_COMMITTEES, **NO_BRANCHES, "community.households": 1000,
                                            **{f"community.property_management.{t}": 1.0 for t in COMPOUND_TYPES}}
OVERLOADED: dict[str, Any] = {"levers.burden.admin_share": 0.8}


def loop(name: str, expected: str, evidence: str, setting: dict[str, Any], days: int, change: dict[str, Any],
         metric: str, direction: int, fast: bool = True) -> Pattern:
    """A feedback-loop pattern: the link's effect runs through its state (or is absent with the link off)."""
    return Pattern(name, "loop", expected, evidence, setting, days, metric, direction, change, fast=fast)


LOOP_PATTERNS: tuple[Pattern, ...] = (
    # L2: branches ask members to serve, and follow them up at organisational life
    loop("strong_branches_mobilise", "stronger branches: more in-service members serve (a year: follow-up at "
         "organisational life works over months)", "seeds 001, 004/3, 004/4", {**VOLUNTEERS, **WEAK_BRANCHES},
         DEFAULT_DAYS, STRONG_BRANCHES, "inservice_serving_share", UP, fast=False),  # +0.014 [-0.002, 0.031] at 8
    loop("strong_branches_mobilise_only_by_asking", "...but not without asks and organisational life",
         "seeds 001, 004/3", {**VOLUNTEERS, **WEAK_BRANCHES, **NO_ASKS_OR_LIFE}, DEFAULT_DAYS, STRONG_BRANCHES,
         "inservice_serving_share", ABSENT),
    loop("asks_raise_volunteering", "being asked (L2): switched off, fewer volunteer", "Musick & Wilson 2008",
         VOLUNTEERS, VOLUNTEER_DAYS, {"links.asked_to_volunteer": 0.0}, "volunteer_share", DOWN),
    # L13: trust -> volunteering
    loop("trust_raises_volunteering", "more trust (L13): more volunteering", "seed 004/3",
         {**VOLUNTEERS, **DISTRUSTING}, VOLUNTEER_DAYS, TRUSTING, "volunteer_share", UP),
    loop("trust_raises_volunteering_only_through_l13", "...and not with the link off", "seed 004/3",
         {**VOLUNTEERS, **DISTRUSTING, "links.trust_to_volunteer": 0.0}, VOLUNTEER_DAYS, TRUSTING,
         "volunteer_share", ABSENT),
    # L14: trust -> cooperation on collective issues; without it, trust works through 12345 the other way (L10)
    loop("trust_eases_agreement", "more trust (L14): fewer stalemates", "seeds 004/2, 004/7",
         {**WITH_COMMITTEES, **DISTRUSTING}, COLLECTIVE_DAYS, TRUSTING, "stalemates", DOWN, fast=False),  # -5.5 [-11.2, 0.2] at 8
    # L15: taking part -> ties and trust
    loop("participation_builds_ties", "points (more taking part): stronger ties (L15)", "seeds 003, 004/3",
         VOLUNTEERS, VOLUNTEER_MONTHS, {"levers.volunteer_incentives.points_per_hour": 10.0}, "ties_mean", UP),
    loop("participation_builds_ties_only_through_l15", "...and not with the link off", "seeds 003, 004/3",
         {**VOLUNTEERS, "links.participation_to_ties": 0.0}, VOLUNTEER_MONTHS,
         {"levers.volunteer_incentives.points_per_hour": 10.0}, "ties_mean", ABSENT),
    loop("participation_builds_trust", "points (more taking part): more trust (L15)", "seed 004/2",
         VOLUNTEERS, VOLUNTEER_MONTHS, {"levers.volunteer_incentives.points_per_hour": 10.0}, "trust_mean", UP),
    loop("participation_builds_trust_only_through_l15", "...and not with the link off", "seed 004/2",
         {**VOLUNTEERS, "links.participation_to_trust": 0.0}, VOLUNTEER_MONTHS,
         {"levers.volunteer_incentives.points_per_hour": 10.0}, "trust_mean", ABSENT),
    # L16: results -> strength; L20: overload -> weaker organisations
    loop("results_sustain_strength", "results (L16): switched off, branches weaken", "seed 004/3", DEFAULT,
         DEFAULT_DAYS, {"links.results_to_strength": 0.0}, "branch_strength", DOWN),
    loop("overload_weakens_branches", "heavier burden (L20): weaker branches", "seeds 004/2, 004/3", DEFAULT,
         DEFAULT_DAYS, OVERLOADED, "branch_strength", DOWN),
    loop("overload_weakens_branches_only_through_links", "...and not with L16 and L20 off", "seeds 004/2, 004/3",
         {"links.results_to_strength": 0.0, "links.overload_to_strength": 0.0}, DEFAULT_DAYS, OVERLOADED,
         "branch_strength", ABSENT),
    # L11: satisfaction -> fees -> company quality
    loop("satisfied_owners_better_companies", "more satisfied owners pay more fees (L11): better companies",
         "seed 004/8", DISSATISFIED_OWNERS, RED_PROPERTY_DAYS, SATISFIED_OWNERS, "company_quality", UP),
    loop("satisfied_owners_better_companies_only_through_l11", "...and not with the link off", "seed 004/8",
         {**DISSATISFIED_OWNERS, "links.fees_to_quality": 0.0}, RED_PROPERTY_DAYS, SATISFIED_OWNERS,
         "company_quality", ABSENT),
    # compound branches and companies' party organisations
    loop("compound_branches_find_issues", "compound branches everywhere: fewer unfound issues (visits; grid workers "
         "not patrolling, so that the visits show)", "seeds 004/3, 004/4",
         {**STRESSED, **NO_BRANCHES, "levers.grid.patrol_share": 0.0}, STRESSED_DAYS, ALL_BRANCHES, "mean_latent", DOWN),
    loop("compound_branches_ease_agreement", "compound branches everywhere: fewer stalemates (convening, mediation)",
         "seeds 000, 004/3", {**WITH_COMMITTEES, **NO_BRANCHES}, COLLECTIVE_DAYS, ALL_BRANCHES, "stalemates", DOWN),
    loop("company_party_organisations_ease_agreement", "party organisations in all companies: fewer stalemates",
         "seed 004/8", {**COMPANIES_AND_COMMITTEES, "community.property_party_organisation": 0.0}, COLLECTIVE_DAYS,
         {"community.property_party_organisation": 1.0}, "stalemates", DOWN),
    # 评单: rejected failed fixes are redone
    loop("rework_raises_resolution", "residents reject failed fixes (重办): more resolved", "seeds 000, 001",
         {"service.rework_probability": 0.0}, DEFAULT_DAYS, {"service.rework_probability": 0.8}, "resolution_rate", UP),
)

# ------------------------------------------------------------------------------------ years
YEARS_DAYS = 3 * 365


def years(name: str, expected: str, evidence: str, setting: dict[str, Any], metric: str, direction: int,
          change: dict[str, Any] | None = None, rule: str = STOCHASTIC) -> Pattern:
    """A multi-year pattern (three years; not in the CI subset)."""
    return Pattern(name, "years", expected, evidence, setting, YEARS_DAYS, metric, direction, change, rule, fast=False)


YEAR_PATTERNS: tuple[Pattern, ...] = (
    years("training_matures_branches", "with yearly training, branches grow stronger over three years",
          "seeds 002, 004/4", {"levers.party_building.training_days_per_year": 4.0}, "branch_strength_change", UP),
    years("overload_decays_branches", "under heavy burden, branches weaken over three years (软弱涣散)",
          "seeds 004/1, 004/3", OVERLOADED, "branch_strength_change", DOWN),
    years("weak_branches_service_fades", "with weak branches, in-service members' service fades over three years",
          "seeds 001, 003", WEAK_BRANCHES, "inservice_serving_decline", UP),
    years("trust_follows_performance", "over three years, a lightly burdened community ends with more trust than an "
          "overloaded one", "seeds 004/2, 004/3", OVERLOADED, "trust_mean", UP, {"levers.burden.admin_share": 0.2}),
    # owners' committees formed by party-led organising (seed 004/3: 40 -> 89 in Jurong)
    years("committees_form_over_years", "with party-led organising, more compounds have an owners' committee after "
          "three years", "seed 004/3", DEFAULT, "owners_committee_share", UP, COMMITTEE_FORMATION),
    years("strong_branches_form_committees", "...more of them where branches are strong (党建引领)", "seed 004/3",
          {**COMMITTEE_FORMATION, **WEAK_BRANCHES}, "owners_committee_share", UP, STRONG_BRANCHES),
    years("formed_committees_ease_agreement", "...and fewer stalemates where collective issues are many and no "
          "compound had a committee", "seeds 004/3, 004/8", WITHOUT_COMMITTEES, "stalemates", DOWN,
          COMMITTEE_FORMATION),
    # social organisations that live by their results (L18; seeds 004/1, 004/3, 004/10)
    years("contracts_raise_social_quality", "contracts renewed by third-party evaluation: better social organisations "
          "after three years (L18)", "seeds 004/1, 004/10", DEFAULT, "social_org_quality", UP, SOCIAL_CONTRACTS),
    years("contracts_resolution_up", "...and more issues resolved", "seeds 004/1, 004/10", DEFAULT, "resolution_rate",
          UP, SOCIAL_CONTRACTS),
    years("venture_incubates_organisations", "venture philanthropy: more social organisations after three years",
          "seeds 004/3, 004/10", DEFAULT, "social_org_count", UP, VENTURE, MECHANICAL),
    years("venture_resolution_up", "...and more issues resolved", "seeds 004/3, 004/10", DEFAULT, "resolution_rate",
          UP, VENTURE),
    years("venture_cost_up", "...at a public cost", "seed 004/10", DEFAULT, "cost_total", UP, VENTURE, MECHANICAL),
    years("weighted_purchase_resolution_up", "contracts reviewed by evaluation: sharing the purchase by evaluation "
          "resolves more than equal shares over three years", "seeds 004/1, 004/10", SOCIAL_CONTRACTS,
          "resolution_rate", UP, WEIGHTED_PURCHASE),
    years("venture_growth_resolution_up", "venture philanthropy: incubated organisations that grow resolve more than "
          "ones that stay small, over three years", "seeds 004/3, 004/10", VENTURE, "resolution_rate", UP,
          VENTURE_GROWTH),
    years("venture_growth_cost_up", "...at a public cost (their staff)", "seed 004/10", VENTURE, "cost_total", UP,
          VENTURE_GROWTH, MECHANICAL),
    years("committee_lapses_lower_share", "with party-led organising, committees that must be re-elected at a term's "
          "end leave fewer compounds with one after three years than committees that never lapse", "seeds 004/3, "
          "004/8", COMMITTEE_FORMATION, "owners_committee_share", DOWN, ELECTIONS),
    years("committee_lapses_where_committees_are", "...and so where every compound starts with one (terms end within "
          "the three years)", "seeds 004/3, 004/8", ALL_COMMITTEES_FORMING, "owners_committee_share", DOWN, ELECTIONS),
)


def pathology(name: str, expected: str, evidence: str, setting: dict[str, Any], days: int, metric: str,
              direction: int, change: dict[str, Any] | None = None, fast: bool = True, scenario: str = "default",
              versus: str | None = None) -> Pattern:
    """A pathology pattern of seed digest §4 (``versus``: a pathology scenario against ``scenario``)."""
    return Pattern(name, "pathology", expected, evidence, setting, days, metric, direction, change, fast=fast,
                   scenario=scenario, versus=versus)


PATHOLOGY_PATTERNS: tuple[Pattern, ...] = (
    pathology("report_without_service", "registered in-service members whose branches do not follow them up "
              "serve less than in the default", "seeds 001, 003", DEFAULT, DEFAULT_DAYS, "inservice_serving_share",
              DOWN, versus="pathology_report_without_service"),
    pathology("report_without_service_fades", "...and their service fades over the year", "seeds 001, 003", DEFAULT,
              DEFAULT_DAYS, "inservice_serving_decline", UP, scenario="pathology_report_without_service"),
    pathology("money_not_people", "co-building units give mostly money, not people (by construction: the people "
              "share of an unposted request is an input)", "seeds 001, 003, 004/3", DEFAULT, DEFAULT_DAYS,
              "co_building_money_share", UP),
    pathology("money_not_people_disengaged", "units nobody engages drift away: lower commitment than in the default",
              "seeds 003, 004/3", DEFAULT, DEFAULT_DAYS, "co_building_commitment", DOWN,
              versus="pathology_money_not_people"),
    pathology("stalemate_scenario", "companies and committees with no party broker stall more often than the default",
              "seed 004/3", DEFAULT, DEFAULT_DAYS, "stalemate_share", UP, versus="pathology_stalemate", fast=False),
    pathology("admin_overload_scenario_slows", "the overload scenario resolves issues later than the default",
              "seeds 003, 004/3, 004/4", DEFAULT, DEFAULT_DAYS, "mean_days_to_resolve", UP,
              versus="pathology_admin_overload"),
    pathology("admin_overload_scenario_weakens", "...and its branches weaken", "seeds 004/2, 004/3", DEFAULT,
              DEFAULT_DAYS, "branch_strength", DOWN, versus="pathology_admin_overload"),
    pathology("uneven_funding_scenario_slows", "the underfunded scenario resolves issues later than the default",
              "seeds 003, 004/4", DEFAULT, DEFAULT_DAYS, "mean_days_to_resolve", UP,
              versus="pathology_uneven_funding"),
    pathology("stalemate_without_committee", "collective issues stall more where no owners' committee exists",
              "seed 004/3", HALF_COMMITTEES, 2 * COLLECTIVE_DAYS, "stalemate_share_no_committee_minus_committee", UP),
    pathology("admin_overload_slows_service", "heavier administrative burden: issues resolved later",
              "seeds 003, 004/3, 004/4", DEFAULT, DEFAULT_DAYS, "mean_days_to_resolve", UP,
              {"levers.burden.admin_share": 0.8}),
    pathology("admin_overload_lowers_satisfaction", "heavier administrative burden: lower satisfaction",
              "seeds 003, 004/3, 004/4", DEFAULT, DEFAULT_DAYS, "satisfaction_mean", DOWN,
              {"levers.burden.admin_share": 0.8}),
    pathology("poor_funding_slows_service", "a poor county's funds (20k CNY): issues resolved later",
              "seeds 003, 004/4", DEFAULT, DEFAULT_DAYS, "mean_days_to_resolve", UP,
              {"levers.funding.annual_cny": 20_000.0}),
    pathology("participation_skewed_elderly", "the elderly volunteer more than the young", "seeds 001, 004/3",
              DEFAULT, DEFAULT_DAYS, "volunteer_rate_elderly_minus_young", UP),
    pathology("no_property_compounds_worst", "households in compounds without property management are less satisfied",
              "seeds 004/3, 004/8", DEFAULT, DEFAULT_DAYS, "satisfaction_no_property_minus_property", DOWN),
)



def street(name: str, expected: str, evidence: str, days: int, metric: str, direction: int,
           change: dict[str, Any] | None = None, scenario: str = "five_communities", versus: str | None = None,
           rule: str = STOCHASTIC, fast: bool = True) -> Pattern:
    """A street pattern (:mod:`cogov.sim.street`): a street lever (``change``) on the street ``scenario``, or another
    street file (``versus``), should move a street outcome (a street mean, or a gap across communities)."""
    return Pattern(name, "street", expected, evidence, {}, days, metric, direction, change, rule, fast, scenario,
                   versus)


#: Half a year of the built-in street of five communities (five_communities.toml): long enough for street-level
#: queues to fill and for satisfaction to follow them; a street run costs five community runs.
STREET_DAYS = 180
#: Three years: performance awards follow each year's appraisal, so their effect needs several years.
STREET_AWARD_DAYS = 1095

STREET_PATTERNS: tuple[Pattern, ...] = (
    street("street_appraisal_hours_up", "the street weighs 25 % in department appraisal: departments send more "
           "hours to the street's matters", "seed 001 (Yuexiu 3 % -> 25 %); Holmstrom & Milgrom 1991", STREET_DAYS,
           "department_hours_sent", UP, {"street.appraisal.street_weight": 0.25}),
    street("street_appraisal_days_down", "the street weighs 25 % in department appraisal: matters resolved sooner",
           "seed 001 (Yuexiu 3 % -> 25 %)", STREET_DAYS, "mean_days_to_resolve", DOWN,
           {"street.appraisal.street_weight": 0.25}),
    street("street_whistle_gap_down", "the whistle on 12345 calls: departments go where calls wait, so the gap in "
           "time to resolve between communities narrows", "seeds 004/1, 004/4, 004/8 (吹哨报到, 哨源)", STREET_DAYS,
           "mean_days_to_resolve_gap", DOWN, {"street.whistle.enabled": True}),
    street("street_sunk_staff_on_time_up", "posts sunk to the street office: more matters closed on time",
           "seed 001 (275 posts sunk to streets)", STREET_DAYS, "on_time_share", UP, {"street.sunk_staff.posts": 15}),
    street("street_funds_need_gap_down", "funds shared by need instead of equally: the satisfaction gap between "
           "communities narrows", "seed 003 (Zongyang: old communities short of money)", STREET_DAYS,
           "satisfaction_mean_gap", DOWN, scenario="five_communities_funds_equal",
           versus="five_communities_funds_need", fast=False),
    street("street_funds_uneven_gap_up", "funds for three communities of five (Zongyang: 12 of 24 subsidised): the "
           "satisfaction gap between communities widens", "seed 003", STREET_DAYS, "satisfaction_mean_gap", UP,
           scenario="five_communities_funds_equal", versus="five_communities_funds_uneven"),
    street("street_funds_performance_gap_up", "yearly awards to the best-appraised community: over three years the "
           "satisfaction gap widens (the best are funded to stay best)", "seed 004/1 (appraisal by satisfaction); "
           "Merton 1968 (cumulative advantage)", STREET_AWARD_DAYS, "satisfaction_mean_gap", UP,
           scenario="five_communities_funds_equal", versus="five_communities_funds_performance", fast=False),
)
"""Patterns of a street of communities (issue 13): its levers and its allocation rules."""

ALL_PATTERNS: tuple[Pattern, ...] = (LEVER_PATTERNS + LOOP_PATTERNS + PATHOLOGY_PATTERNS + YEAR_PATTERNS
                                     + STREET_PATTERNS)

PATTERNS_REPRODUCED = 124
"""How many of :data:`ALL_PATTERNS` ``cogov validate-model --replicates 20`` reproduces (master seed 0, the model version
of ``sim/version.py``); the others are listed with their reasons in ``tests/known_patterns.py`` (a test checks that the
two add up) and discussed in docs/ODD.md §1.1 and §9.2. Reports quote it."""


def select(patterns: Sequence[Pattern], names: Sequence[str] | None = None, fast_only: bool = False) -> list[Pattern]:
    """Patterns by name (all if ``names`` is empty), optionally only the CI subset; unknown names are an error."""
    known = {p.name: p for p in patterns}
    if names:
        unknown = [n for n in names if n not in known]
        if unknown:
            raise KeyError(f"unknown pattern(s) {', '.join(unknown)}; known: {', '.join(known)}")
        chosen = [known[n] for n in names]
    else:
        chosen = list(patterns)
    return [p for p in chosen if p.fast] if fast_only else chosen
