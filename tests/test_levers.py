"""Every lever moves the outcome it should, in the documented direction.

One test family per lever group of :class:`sim.config.Levers` (plus the population composition).
Each check compares two arms of the same scenario that differ only in the lever, run on the same
seeds: the random streams are per process (:mod:`sim.streams`), so both arms of a pair share the
community and the issues that arise (common random numbers) and the paired difference isolates
the lever.

Each family runs in a *controlled setting* where its mechanism is visible: a scaled-down
community (400-1,500 households, short horizons to keep the file fast) and, where the mechanism
needs it, stressed capacities or the bodies the lever acts on. The settings are defined once
below and shared, and a module cache keyed on the resolved scenario's digest and the seed means
a baseline is run only once.

Statistical rule (no hard-coded result values anywhere):

* ``STOCHASTIC`` checks: one-sided paired t-test over ``len(SEEDS)`` = 8 replicates, p < 0.01.
* ``MECHANICAL`` checks (the lever changes the quantity by construction, e.g. money spent):
  every paired difference has the expected sign (a sign test gives p = 2**-8 = 0.004).
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pytest
from scipy import stats

from sim.config import COMPOUND_TYPES, ScenarioConfig
from sim.model import CommunityModel
from sim.scenario import apply_overrides, load_scenario, scenario_digest

SEEDS: tuple[int, ...] = tuple(range(8))
ALPHA = 0.01
UP, DOWN = +1, -1
STOCHASTIC, MECHANICAL = "t-test", "sign"

# ------------------------------------------------------------------------- controlled settings
#: A scaled-down community under pressure: 400 households (a fifth of the default) with the
#: default's community staff and funds scaled to its size (8 -> 2 staff, 200k -> 40k CNY), half the
#: default's department hours, and a high issue rate (6 per household-year, default 2.2), so that
#: every queue binds. Only then do capacity, routing and deadline levers show in waiting times,
#: escalation and where issues are resolved; in a slack community queues are empty whatever the lever.
STRESSED: dict[str, Any] = {
    "community.households": 400,
    "community.community_staff": 2,
    "levers.funding.annual_cny": 40_000.0,
    "service.street_hours_per_day": 3.0,
    "issues.rate_per_household_year": 6.0,
}
STRESSED_DAYS = 90
#: The stressed community with its funds doubled (Beijing's 2020 level, seed 004/1, scaled): enough
#: money that how it is split shows.
DOUBLED_FUNDS: dict[str, Any] = {"levers.funding.annual_cny": 80_000.0}
STRESSED_FUNDED: dict[str, Any] = {**STRESSED, **DOUBLED_FUNDS}

#: The stressed community with 'small matters stay in the grid' off: non-property issues go to the
#: community first, so the community's deadline is the first one an issue can miss.
COMMUNITY_FIRST: dict[str, Any] = {**STRESSED, "levers.grid.grid_first": False}

#: Many collective issues (60 % of property, parking and environment issues, default 15 %) in
#: small compounds (100 households, so 4 compounds with their own talks), at a rate that keeps
#: agreement queues full; 120 days so that issues can pass ``stalemate_days`` (60) unresolved.
COLLECTIVE: dict[str, Any] = {
    "community.households": 400,
    "community.households_per_compound": 100,
    "issues.rate_per_household_year": 5.0,
    "issues.collective_share": 0.6,
}
COLLECTIVE_DAYS = 120
#: ... where every compound has an owners' committee (the body cross-appointment and the
#: three-party linkage act on; by default only 7 % of compounds have one, seed 004/8) ...
WITH_COMMITTEES: dict[str, Any] = {**COLLECTIVE, **{f"community.owners_committee.{t}": 1.0 for t in COMPOUND_TYPES}}
#: ... or none does: owners only meet at assemblies every 90 days, the gap a residents'
#: deliberation council fills (seeds 001, 002, 004/7).
WITHOUT_COMMITTEES: dict[str, Any] = {**COLLECTIVE, **{f"community.owners_committee.{t}": 0.0 for t in COMPOUND_TYPES}}

#: Volunteering does not depend on issues, so: a large population (1,500 households, ~100 party
#: members, ~50 in service) for precise shares, few issues (0.5 per household-year) to keep runs
#: cheap, and 60 days (two 30-day 'volunteered recently' windows).
VOLUNTEERS: dict[str, Any] = {"community.households": 1500, "issues.rate_per_household_year": 0.5}
VOLUNTEER_DAYS = 60
POINTS: dict[str, Any] = {**VOLUNTEERS, "levers.volunteer_incentives.points_per_hour": 10.0}

#: A property company in every compound (default: 47 %, seed 004/8), so that company levers act on
#: every property issue; reviews every 30 days (default 90) so that a 90-day run sees three.
PROPERTY: dict[str, Any] = {
    "community.households": 600,
    "issues.rate_per_household_year": 4.0,
    **{f"community.property_management.{t}": 1.0 for t in COMPOUND_TYPES},
}
PROPERTY_DAYS = 90
RATING: dict[str, Any] = {"levers.property_rating.enabled": True, "levers.property_rating.review_interval_days": 30}

#: Co-building contributions accumulate day by day whatever the issues: a small default
#: community and 30 days suffice.
CO_BUILDING: dict[str, Any] = {"community.households": 400}
CO_BUILDING_DAYS = 30


# ---------------------------------------------------------------------------------- running
@cache
def _default_config() -> ScenarioConfig:
    return load_scenario("default").config


def _measure(model: CommunityModel) -> dict[str, float]:
    """Final daily metrics plus the state-based outcomes some levers act on directly."""
    out = dict(model.run()["metrics"])
    pop, table = model.population, model.issues
    n = len(table)
    escalated = table.escalations[:n] > 0
    closed = table.closed[:n]
    open_until = np.where(closed >= 0, closed, model.steps)
    companies = [company.quality for company in model.property_companies]
    out |= {
        # Latent issues averaged over the run (the daily stock, less noisy than the last day's).
        "mean_latent": float(model.series()["latent"].mean()),
        # Days from being found to being closed (or to the horizon, if still open) of escalated
        # issues: no survivor bias, unlike means over resolved issues only.
        "escalated_wait_days": float((open_until[escalated] - table.found[:n][escalated]).mean()),
        "co_building_hours_total": float(model.co_building_hours_total),
        "company_quality": float(np.mean(companies)) if companies else float("nan"),
        # Intrinsic motivation of everyone who may volunteer (party members, registered volunteers).
        "volunteer_motivation": float(pop.motivation[model.eligible].mean()),
    }
    return out


def _simulate(job: tuple[ScenarioConfig, int]) -> dict[str, float]:
    config, seed = job
    return _measure(CommunityModel(config, rng=seed))


_RESULTS: dict[tuple[str, int], dict[str, float]] = {}
_POOL: Any = None


def _processes() -> int:
    """Worker processes for the replicates: ``COGOV_TEST_PROCESSES``, else the usable cores (fork only)."""
    if os.environ.get("COGOV_TEST_PROCESSES"):
        return max(1, int(os.environ["COGOV_TEST_PROCESSES"]))
    if "fork" not in multiprocessing.get_all_start_methods() or not hasattr(os, "sched_getaffinity"):
        return 1
    return min(4, len(os.sched_getaffinity(0)))


def _map(jobs: list[tuple[ScenarioConfig, int]]) -> list[dict[str, float]]:
    global _POOL
    if len(jobs) < 2 or _processes() < 2:
        return [_simulate(job) for job in jobs]
    if _POOL is None:
        with warnings.catch_warnings():  # numpy's idle BLAS threads make 3.12+ warn about fork
            warnings.simplefilter("ignore", DeprecationWarning)
            _POOL = multiprocessing.get_context("fork").Pool(_processes())
    return _POOL.map(_simulate, jobs, chunksize=1)


@pytest.fixture(scope="module", autouse=True)
def _close_pool():
    yield
    global _POOL
    if _POOL is not None:
        _POOL.terminate()
        _POOL.join()
        _POOL = None


def outcomes(overrides: dict[str, Any], days: int) -> list[dict[str, float]]:
    """Outcomes of the default scenario with ``overrides`` for ``days``, one per seed in ``SEEDS``.

    Cached on the digest of the resolved scenario, so arms that resolve to the same parameters
    (a shared baseline) are run once.
    """
    config = apply_overrides(_default_config(), {**overrides, "simulation.days": days})
    digest = scenario_digest(config)
    missing = [seed for seed in SEEDS if (digest, seed) not in _RESULTS]
    for seed, result in zip(missing, _map([(config, seed) for seed in missing]), strict=True):
        _RESULTS[digest, seed] = result
    return [_RESULTS[digest, seed] for seed in SEEDS]


@dataclass(frozen=True)
class Check:
    """``change`` applied to ``base`` should move ``metric`` in ``direction``."""

    base: dict[str, Any]
    days: int
    change: dict[str, Any]
    metric: str
    direction: int
    rule: str = STOCHASTIC


def assert_moves(check: Check) -> None:
    """Paired comparison of the two arms over ``SEEDS`` under the check's rule."""
    before = np.array([r[check.metric] for r in outcomes(check.base, check.days)])
    after = np.array([r[check.metric] for r in outcomes({**check.base, **check.change}, check.days)])
    assert np.isfinite(before).all() and np.isfinite(after).all(), f"{check.metric} undefined: {before} {after}"
    diff = after - before
    word = "up" if check.direction == UP else "down"
    report = (
        f"{check.change} should move {check.metric} {word}: mean {before.mean():.4g} -> {after.mean():.4g}, "
        f"paired differences {np.array2string(diff, precision=4)}"
    )
    if check.rule == MECHANICAL:
        assert (np.sign(diff) == check.direction).all(), report
    else:
        p = stats.ttest_rel(after, before, alternative="greater" if check.direction == UP else "less").pvalue
        assert p < ALPHA, f"{report}; one-sided paired t-test p = {p:.3g} (need < {ALPHA})"


def checks(*items: tuple[str, Check]) -> pytest.MarkDecorator:
    """Parametrize a test over named checks."""
    return pytest.mark.parametrize("check", [pytest.param(c, id=name) for name, c in items])


# -------------------------------------------------------------------------------------- funding
@checks(
    ("days_to_resolve_down", Check(STRESSED, STRESSED_DAYS, DOUBLED_FUNDS, "mean_days_to_resolve", DOWN)),
    ("escalation_down", Check(STRESSED, STRESSED_DAYS, DOUBLED_FUNDS, "escalation_rate", DOWN)),
    ("cost_up", Check(STRESSED, STRESSED_DAYS, DOUBLED_FUNDS, "cost_total", UP, MECHANICAL)),
)
def test_funding_amount(check: Check) -> None:
    """Doubling community funds (Beijing 200k -> 400k CNY a year, seed 004/1; here scaled to 400
    households) buys social-work, part-time grid, repair and staff hours (``sim.resources``):
    issues are handled sooner, fewer pass a deadline, and the public cost rises by the money spent.
    Stressed setting, because extra hours only matter where queues bind."""
    assert_moves(check)


GRID_STIPENDS = {"levers.funding.split.grid_staff": 0.55, "levers.funding.split.social_org": 0.05}


@checks(
    ("grid_stipends_fewer_latent", Check(STRESSED_FUNDED, STRESSED_DAYS, GRID_STIPENDS, "mean_latent", DOWN)),
    ("grid_stipends_days_to_resolve_down", Check(
        STRESSED_FUNDED, STRESSED_DAYS, GRID_STIPENDS, "mean_days_to_resolve", DOWN)),
    ("co_building_share_draws_units_in", Check(
        CO_BUILDING, CO_BUILDING_DAYS,
        {"levers.funding.split.co_building": 0.25, "levers.funding.split.social_org": 0.15},
        "co_building_hours_total", UP, MECHANICAL)),
)
def test_funding_split(check: Check) -> None:
    """How the funds are split decides where the hours go (seeds 004/1, 004/3).

    * Moving 30 % of the funds from purchased social-work hours (80 CNY an hour) to part-time
      grid stipends (6,000 CNY a year for 2 hours a day, about 8 CNY an hour) buys far more
      hours: grid workers patrol and visit more households, so fewer issues stay unfound, and
      issues are resolved sooner. Stressed grids with doubled funds, so that the money is large
      enough for its split to matter where capacity binds.
    * Moving it to co-building matching money raises the units' commitment, hence the hours they
      contribute (mechanical).
    """
    assert_moves(check)


# ---------------------------------------------------------------------------- cross-appointment
@checks(
    ("owners_committee_fewer_stalemates", Check(
        WITH_COMMITTEES, COLLECTIVE_DAYS, {"levers.cross_appointment.party_owners_committee": True},
        "stalemates", DOWN)),
    ("red_property_quality_up", Check(
        PROPERTY, PROPERTY_DAYS, {"levers.cross_appointment.party_property": True}, "company_quality", UP, MECHANICAL)),
    ("red_property_resolution_up", Check(
        PROPERTY, PROPERTY_DAYS, {"levers.cross_appointment.party_property": True}, "resolution_rate", UP)),
    ("big_party_committee_more_co_building_hours", Check(
        CO_BUILDING, CO_BUILDING_DAYS, {"levers.cross_appointment.big_party_committee": True},
        "co_building_hours_total", UP, MECHANICAL)),
)
def test_cross_appointment(check: Check) -> None:
    """Cross-appointment (交叉任职, seeds 000, 004/7, 004/8), one link at a time.

    * Party members on owners' committees make committees more active (more frequent talks) and
      widen the confidence bound, so fewer collective issues stall: tested where every compound
      has an owners' committee and collective issues are frequent, since elsewhere there is no
      committee to sit on.
    * 'Red property' gives every company a party organisation and better quality, so company
      quality and the share of issues fixed rise: tested where every compound has a company.
    * The big party committee (大党委, seeds 002, 004/7) raises co-building units' commitment and
      their giving of people rather than money: their contributed hours rise (mechanical; a
      small community and 30 days, since these hours accrue daily whatever the issues).
    """
    assert_moves(check)


# ----------------------------------------------------------------------- collective-issue forums
@checks(
    ("three_party_linkage_fewer_stalemates", Check(
        WITH_COMMITTEES, COLLECTIVE_DAYS, {"levers.three_party_linkage.enabled": True}, "stalemates", DOWN)),
    ("deliberation_fewer_stalemates", Check(
        WITHOUT_COMMITTEES, COLLECTIVE_DAYS, {"levers.deliberation.enabled": True}, "stalemates", DOWN)),
    ("deliberation_satisfaction_up", Check(
        WITHOUT_COMMITTEES, COLLECTIVE_DAYS, {"levers.deliberation.enabled": True}, "satisfaction_mean", UP)),
)
def test_collective_forums(check: Check) -> None:
    """Forums for collective issues (bounded-confidence talks, Deffuant et al. 2000).

    * Three-party linkage (三方联动, seeds 004/3, 004/7): residents' committee, owners' committee
      and company meet every 14 days with a widened confidence bound, so fewer collective issues
      stall; tested where the owners' committees it links exist.
    * Deliberation councils (议事会, seeds 001, 002, 004/4, 004/7) meet monthly with a widened
      bound, and deliberated outcomes are better accepted: fewer stalemates and higher
      satisfaction, tested where no owners' committee exists and owners otherwise meet only at
      90-day assemblies.
    """
    assert_moves(check)


# ------------------------------------------------------------------------------- lists matching
@checks(
    ("matched_resources_more_useful_hours", Check(
        CO_BUILDING, CO_BUILDING_DAYS, {"levers.lists_matching.enabled": True},
        "co_building_hours_total", UP, MECHANICAL)),
)
def test_lists_matching(check: Check) -> None:
    """Resource/needs/project lists (三单制, seed 002) match co-building units' offers to listed
    needs, so more of their hours are useful (matched efficiency 1.0 vs 0.4 unmatched): useful
    co-building hours rise by construction. Co-building hours accrue daily whatever the issues,
    so a small community and 30 days suffice."""
    assert_moves(check)


# ------------------------------------------------------------------------ volunteer incentives
@checks(
    ("points_volunteer_share_up", Check(
        VOLUNTEERS, VOLUNTEER_DAYS, {"levers.volunteer_incentives.points_per_hour": 10.0}, "volunteer_share", UP)),
    ("public_ranking_volunteer_share_up", Check(
        VOLUNTEERS, VOLUNTEER_DAYS, {"levers.volunteer_incentives.public_ranking": True}, "volunteer_share", UP)),
    ("employer_feedback_inservice_up", Check(
        VOLUNTEERS, VOLUNTEER_DAYS, {"levers.volunteer_incentives.employer_feedback": True},
        "inservice_serving_share", UP)),
    ("min_hours_inservice_up", Check(
        VOLUNTEERS, VOLUNTEER_DAYS, {"levers.volunteer_incentives.min_hours_per_year": 12.0},
        "inservice_serving_share", UP)),
)
def test_volunteer_incentives(check: Check) -> None:
    """Volunteering is a daily logit choice (``sim.volunteering``): points add reward salience,
    public ranking adds visibility (Ariely et al. 2009; Wuchang ranking, seed 004/7), employer
    feedback adds a term for in-service members (seed 003), and a minimum of 12 hours a year
    (seed 003) pushes members who fall behind. So the share who volunteered in the last 30 days
    rises, and for the last two the share of in-service members serving. A large community with
    few issues, since volunteering does not depend on issues."""
    assert_moves(check)


@checks(
    ("crowding_out_lowers_motivation", Check(
        {**POINTS, "behaviour.motivation.crowding_out": 0.0}, VOLUNTEER_DAYS,
        {"behaviour.motivation.crowding_out": 0.5}, "volunteer_motivation", DOWN)),
)
def test_crowding_out(check: Check) -> None:
    """With points paid, crowding out (Deci et al. 1999; Frey & Goette 1999) lowers the intrinsic
    motivation of those who volunteer at every session: at the default strength 0.5 the mean
    motivation of eligible volunteers ends lower than with no crowding out, same points (10 a
    volunteer hour, worth 10 CNY, salient). The large, low-issue volunteering community."""
    assert_moves(check)


# ------------------------------------------------------------------------------- grid staffing
@checks(
    ("full_time_days_to_resolve_down", Check(
        STRESSED, STRESSED_DAYS, {"levers.grid.full_time_workers": 2}, "mean_days_to_resolve", DOWN)),
    ("full_time_fewer_latent", Check(
        STRESSED, STRESSED_DAYS, {"levers.grid.full_time_workers": 2}, "mean_latent", DOWN)),
    ("full_time_cost_up", Check(
        STRESSED, STRESSED_DAYS, {"levers.grid.full_time_workers": 2}, "cost_total", UP, MECHANICAL)),
    ("part_time_escalation_down", Check(
        STRESSED, STRESSED_DAYS, {"levers.grid.part_time_workers": 6}, "escalation_rate", DOWN)),
    ("grid_first_off_resolved_in_grid_down", Check(
        STRESSED, STRESSED_DAYS, {"levers.grid.grid_first": False}, "resolved_in_grid_share", DOWN)),
)
def test_grid_staffing(check: Check) -> None:
    """Grid management '1+1+N' (seeds 000, 001, 002). A second full-time grid worker per grid adds
    handling and patrol hours (and a salary): issues are resolved sooner, patrols find more of
    them (fewer latent), and cost rises. More unpaid part-timers add hours too, so fewer issues
    miss the grid deadline. With 'small matters do not leave the grid' off, non-property issues
    go to the community first, so fewer are resolved in the grid. Stressed setting, because grid
    hours only matter where the grid's queue binds."""
    assert_moves(check)


# ------------------------------------------------------------------------------------- hotline
@checks(
    ("off_more_latent", Check(
        WITHOUT_COMMITTEES, COLLECTIVE_DAYS, {"levers.hotline.enabled": False}, "mean_latent", UP)),
    ("off_more_stalemates", Check(
        WITHOUT_COMMITTEES, COLLECTIVE_DAYS, {"levers.hotline.enabled": False}, "stalemates", UP)),
    ("short_deadline_more_escalation", Check(
        STRESSED, STRESSED_DAYS, {"levers.hotline.deadline_days": 2}, "escalation_rate", UP)),
)
def test_hotline(check: Check) -> None:
    """The 12345 hotline (接诉即办, seeds 001, 004/4) makes reporting easier and sends overdue
    calls to departments. Without it, issues stay unfound longer (more latent issues) and stalled
    collective issues are no longer called in to the street, so more reach a stalemate (tested
    where collective issues are frequent and no owners' committee exists). A shorter deadline
    sends hotline cases up sooner, so more issues are escalated (stressed queues, where cases are
    still open when the deadline passes)."""
    assert_moves(check)


# ---------------------------------------------------------------------------- escalation ladder
@checks(
    ("grid_deadline_shorter", Check(
        STRESSED, STRESSED_DAYS, {"levers.escalation.grid_days": 2}, "escalation_rate", UP)),
    ("community_deadline_shorter", Check(
        COMMUNITY_FIRST, STRESSED_DAYS, {"levers.escalation.community_days": 4}, "escalation_rate", UP)),
)
def test_escalation_deadlines(check: Check) -> None:
    """Escalation deadlines per level (seeds 001, 002): issues still queued after the deadline move
    up, so a shorter deadline means more issues escalated. Stressed queues, so that issues are
    still open at the deadline. The community deadline is tested with grid-first routing off,
    where the community is the first level an issue can be overdue at (``escalation_rate`` counts
    issues escalated at least once)."""
    assert_moves(check)


# -------------------------------------------------------------------------------------- whistle
@checks(
    ("escalated_issues_handled_sooner", Check(
        STRESSED, STRESSED_DAYS, {"levers.whistle.enabled": True}, "escalated_wait_days", DOWN)),
)
def test_whistle(check: Check) -> None:
    """'The street blows the whistle, departments report' (seeds 000, 004/4) multiplies the
    department hours available to escalated matters, so escalated issues wait less. Stressed
    setting with halved department hours, so that the departments' queue binds."""
    assert_moves(check)


# --------------------------------------------------------------------------------------- burden
@checks(
    ("lower_admin_share", Check(
        STRESSED, STRESSED_DAYS, {"levers.burden.admin_share": 0.2}, "mean_days_to_resolve", DOWN)),
    ("access_list", Check(STRESSED, STRESSED_DAYS, {"levers.burden.access_list": True}, "mean_days_to_resolve", DOWN)),
)
def test_burden(check: Check) -> None:
    """Top-down tasks take community and grid staff time ('a small horse pulling a big cart',
    seed 004/3); a lower burden, or an access list (准入制度) filtering the tasks, leaves more hours
    for residents, so issues are resolved sooner. Stressed setting, where staff hours bind."""
    assert_moves(check)


# ------------------------------------------------------------------------------ property rating
@checks(
    ("company_quality_up", Check(PROPERTY, PROPERTY_DAYS, RATING, "company_quality", UP)),
)
def test_property_rating(check: Check) -> None:
    """Star rating of property companies (seeds 000, 004/8): rated companies improve after each
    review below five stars and poor ones are replaced, while unrated ones drift down (no
    accountability; Sigmund et al. 2010): mean company quality ends higher. A company in every
    compound, reviews every 30 days so that a 90-day run sees three."""
    assert_moves(check)


# ----------------------------------------------------------------------- population composition
@checks(
    ("more_party_members", Check(
        VOLUNTEERS, VOLUNTEER_DAYS, {"population.party_member_share": 0.14}, "volunteer_share", UP)),
    ("more_retired_members", Check(
        VOLUNTEERS, VOLUNTEER_DAYS,
        {"population.party_member_types.in_service": 0.2, "population.party_member_types.retired": 0.7},
        "volunteer_share", UP)),
    ("more_registered_volunteers", Check(
        VOLUNTEERS, VOLUNTEER_DAYS, {"population.registered_volunteer_share": 0.12}, "volunteer_share", UP)),
    ("younger_households_report_less", Check(
        STRESSED, STRESSED_DAYS,
        {"population.age_mix.young": 0.8, "population.age_mix.middle": 0.1, "population.age_mix.elderly": 0.1},
        "mean_latent", UP)),
)
def test_population_composition(check: Check) -> None:
    """Who lives in the community. Party members and registered volunteers are the ones who may
    volunteer, so more of either (doubling 7 % and 6 %, seed 004/3 targets 8 %) raises the share
    volunteering; retired members have the lowest time cost (seed 003), so a membership of 70 %
    retired instead of 40 % raises it too (large community, few issues, as for the incentives).
    Young households have the highest cost of reporting (Kontokosta & Hong 2021), so a young
    community leaves more issues unfound (stressed setting, where unfound issues accumulate)."""
    assert_moves(check)
