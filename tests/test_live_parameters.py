"""The live / build-time classification (``cogov.sim.live``) against the model's behaviour.

Every live parameter, moved mid-run in a community where it has something to act on, must change the run from the day
of the change and not before: a parameter that changed nothing would be accepted and ignored, which issue 15 forbids.
Every build-time parameter must be refused mid-run, with the reason.

One community has almost every arrangement on, with short intervals so that reviews, fee updates, elections and the
five ones' reviews fall within the window; a parameter that acts only where an arrangement is off, in another
configuration, or at a yearly or quarterly event has a context of its own (:data:`CONTEXT`). A parameter passes if one
of a few moves (a flip; far values within its allowed range) changes the run.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from functools import cache

import annotated_types as at
import pytest
from pydantic import BaseModel
from test_interventions import state_digest

from cogov.sim.config import ScenarioConfig, Shares
from cogov.sim.live import BUILD_TIME, build_time_reason
from cogov.sim.model import CommunityModel
from cogov.sim.scenario import ScenarioError, changed_config, parameter_paths

ALL_ON: dict[str, object] = {
    "community.households": 600, "community.households_per_compound": 150, "community.households_per_grid": 100,
    "community.co_building_units": 12,
    "community.compound_mix.commercial": 0.3, "community.compound_mix.affordable": 0.1,
    "community.compound_mix.reform": 0.2, "community.compound_mix.work_unit": 0.2, "community.compound_mix.three_no": 0.2,
    "community.owners_committee.commercial": 1.0, "community.owners_committee.reform": 1.0,
    "levers.mediation.enabled": True, "levers.mediation.lawyer_hours_per_week": 4.0,
    "levers.self_management.enabled": True, "levers.self_management.coverage": 0.5,
    "levers.work_unit_management.enabled": True, "levers.fallback_property.enabled": True,
    "levers.fee_leverage.enabled": True, "levers.fee_leverage.eligible_below": 0.95,
    "levers.fee_leverage.duration_days": 30,
    "levers.committee_formation.enabled": True, "levers.committee_formation.elections": True,
    "levers.committee_formation.rate_per_year": 10.0, "levers.committee_formation.term_years": 0.1,
    "levers.digital_platform.enabled": True, "levers.digital_platform.task_claiming": True,
    "levers.proactive_care.enabled": True, "levers.activities.enabled": True,
    "levers.posts.enabled": True, "levers.posts.kinds.supervisor": 0.25, "levers.posts.kinds.publicist": 0.25,
    "levers.posts.kinds.mediator": 0.25, "levers.posts.kinds.guide": 0.25,
    "levers.volunteer_teams.enabled": True, "levers.five_ones.enabled": True, "levers.five_ones.review_interval_days": 10,
    "levers.social_contracts.enabled": True, "levers.social_contracts.share_by_evaluation": 1.0,
    "levers.social_contracts.review_interval_days": 30, "levers.social_contracts.min_cases": 1,
    "levers.property_rating.enabled": True, "levers.property_rating.review_interval_days": 15,
    "levers.cross_appointment.party_property": True, "levers.cross_appointment.big_party_committee": True,
    "levers.cross_appointment.party_owners_committee": True,
    "levers.three_party_linkage.enabled": True, "levers.deliberation_council.enabled": True,
    "levers.lists_matching.enabled": True, "levers.whistle.enabled": True, "levers.burden.access_list": True,
    "levers.volunteer_incentives.points_per_hour": 5.0, "levers.volunteer_incentives.employer_feedback": True,
    "levers.volunteer_incentives.min_hours_per_year": 20.0,
    "levers.party_building.training_days_per_year": 12,
    "organisations.property.update_interval_days": 10, "organisations.property.accountability_interval_days": 15,
}
"""A community with every arrangement on but the yearly programmes (needs lists, venture philanthropy), which start
when switched on and so are probed that way."""


@dataclass(frozen=True)
class Context:
    """Where a parameter is probed: ``base`` on top of :data:`ALL_ON`; ``also`` changed in both runs on the probe's
    day (a programme switched on with the parameter); the day of the change and the last day simulated."""

    base: dict[str, object] = field(default_factory=dict)
    also: dict[str, object] = field(default_factory=dict)
    day: int = 5
    horizon: int = 50


PLAIN = Context()
_NO_BROKERS = {"levers.three_party_linkage.enabled": False, "levers.deliberation_council.enabled": False,
               "levers.cross_appointment.party_owners_committee": False, "levers.cross_appointment.party_property": False}
OWNERS_TALKS = Context({"levers.three_party_linkage.enabled": False, "levers.deliberation_council.enabled": False})
QUARTERLY_REWARDS = Context({"levers.party_building.performance_reward_cny": 5000.0}, day=85, horizon=95)
NEEDS = Context(also={"levers.needs_projects.enabled": True})
PROJECTS = Context(also={"levers.venture_philanthropy.projects_per_year": 3, "levers.venture_philanthropy.growth": True})
CONTEXT: dict[str, Context] = {
    # talks convened by owners' committees, branches or assemblies (linkage and councils would set their interval)
    "behaviour.bargaining.assembly_meeting_days": OWNERS_TALKS,
    "behaviour.bargaining.committee_meeting_days": OWNERS_TALKS,
    "behaviour.bargaining.reference_activeness": OWNERS_TALKS,
    "levers.cross_appointment.party_owners_committee": OWNERS_TALKS,
    "levers.deliberation_council.meeting_interval_days": Context({"levers.three_party_linkage.enabled": False}),
    "behaviour.participation.volunteer_image": Context({"levers.volunteer_incentives.public_ranking": True}),
    "issues.rate_by_compound_type.affordable": Context({"community.compound_mix.commercial": 0.0,
                                                        "community.compound_mix.affordable": 1.0,
                                                        "community.compound_mix.reform": 0.0,
                                                        "community.compound_mix.work_unit": 0.0,
                                                        "community.compound_mix.three_no": 0.0}),
    # grids with queues long enough that a neighbour's shorter wait matters
    "levers.digital_platform.claim_neighbours": Context({"levers.grid.full_time_workers": 0,
                                                         "levers.burden.admin_share": 0.9}),
    "levers.escalation.community_days": Context({"community.community_staff": 1, "community.co_building_units": 0,
                                                 "levers.funding.annual_cny": 0.0}),  # the community's queue waits
    # unmediated talks that stall, called in to 12345 at once: the street mediates
    "links.trust_to_cooperation": Context({**_NO_BROKERS}, horizon=120),
    "levers.hotline.street_mediation": Context({**_NO_BROKERS, "behaviour.grievance.grievance_threshold": 0.0,
                                                "behaviour.grievance.risk_aversion": 0.0,
                                                "levers.hotline.deadline_days": 1}),
    # paired visits (the fifth action) to households whose issues nobody else finds
    "levers.five_ones.visit_detection": Context({"behaviour.participation.report_intercept": -20.0,
                                                 "levers.grid.patrol_share": 0.0, "service.steward_detection": 0.0,
                                                 "party.visits_per_member_per_month": 0.0,
                                                 "levers.proactive_care.enabled": False, "levers.posts.enabled": False,
                                                 "levers.mediation.enabled": False,
                                                 "levers.mediation.lawyer_hours_per_week": 0.0}, horizon=100),
    # the fallback company serves where nobody else does
    "levers.fallback_property.enabled": Context({"levers.self_management.enabled": False,
                                                 "levers.work_unit_management.enabled": False}),
    "levers.fallback_property.subsidy_cny_per_household_year": Context({"levers.self_management.enabled": False,
                                                                        "levers.work_unit_management.enabled": False}),
    "levers.property_rating.strikes_to_replace": Context({"levers.property_rating.replace_below_stars": 5}),
    # units asked for a listed need rather than for their official's post
    "organisations.co_building.listed_need_match.agency": Context({"levers.cross_appointment.big_party_committee": False,
                                                                   "community.co_building_units": 40}),
    "party.secretary_turnover_per_year": Context(horizon=150),
    "organisations.co_building.neglect_loss": Context({"levers.cross_appointment.big_party_committee": False}),
    "party.neglect_weight": Context({"party.life_interval_days": 3}),
    "party.turnover_loss": Context({"party.secretary_turnover_per_year": 1.0}, horizon=150),
    # a company nobody holds to account drifts (no rating, no accountability reviews)
    "levers.property_rating.unrated_quality_drift": Context({"levers.property_rating.enabled": False,
                                                             "levers.cross_appointment.party_property": False}),
    # compounds nobody keeps
    "service.unkept_recurrence": Context({"levers.self_management.enabled": False,
                                          "levers.work_unit_management.enabled": False,
                                          "levers.fallback_property.enabled": False}),
    "service.unkept_recurrence_days": Context({"levers.self_management.enabled": False,
                                               "levers.work_unit_management.enabled": False,
                                               "levers.fallback_property.enabled": False}),
    # quarterly rewards (every 90 days)
    "levers.party_building.performance_reward_cny": QUARTERLY_REWARDS,
    "levers.party_building.reward_threshold": QUARTERLY_REWARDS,
    "party.recognition_gain": QUARTERLY_REWARDS,
    # yearly programmes: a change acts at their next round, which starts when they are switched on
    **{f"levers.needs_projects.{key}": NEEDS for key in ("needs_per_year", "reach_cells", "cny_per_project",
                                                         "residents_order")},
    "levers.needs_projects.voice_probability": Context(also={"levers.needs_projects.enabled": True,
                                                            "levers.needs_projects.residents_order": True}),
    **{f"levers.venture_philanthropy.{key}": PROJECTS for key in ("cny_per_project", "incubate_below", "growth",
                                                                  "initial_share", "mature_hours_per_day")},
    # grown only at a later year's round
    "levers.venture_philanthropy.growth_per_year": Context(
        {"levers.venture_philanthropy.projects_per_year": 3, "levers.venture_philanthropy.growth": True},
        day=360, horizon=370),
}
JOINT: dict[str, dict[str, object]] = {
    # switched off with what needs it on (the format refuses one without the other)
    "levers.digital_platform.enabled": {"levers.digital_platform.task_claiming": False},
    "levers.mediation.enabled": {"levers.mediation.lawyer_hours_per_week": 0.0},
}
LIVE = [path for path in parameter_paths() if build_time_reason(path) is None]
BUILD = [path for path in parameter_paths() if build_time_reason(path) is not None]


def _value(config: ScenarioConfig, path: str):
    value = config
    for part in path.split("."):
        value = getattr(value, part)
    return value


def _bounds(path: str) -> tuple[float | None, float | None]:
    """The allowed range of a numeric parameter, from the scenario format."""
    model: type[BaseModel] | None = ScenarioConfig
    info = None
    for part in path.split("."):
        info = model.model_fields[part]
        args = typing.get_args(info.annotation) or (info.annotation,)
        model = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None)
    low = high = None
    constraints = list(info.metadata)
    if typing.get_origin(info.annotation) is typing.Annotated:
        constraints += [m for a in typing.get_args(info.annotation)[1:] for m in getattr(a, "metadata", [a])]
    for item in constraints:
        low = item.ge if isinstance(item, at.Ge) else item.gt if isinstance(item, at.Gt) else low
        high = item.le if isinstance(item, at.Le) else item.lt if isinstance(item, at.Lt) else high
    return low, high


def moves(config: ScenarioConfig, path: str) -> list[dict[str, object]]:
    """Valid changes of ``path`` on ``config``: a flip, or far values within its range (a share moves with a
    sibling, so that its section still sums to 1)."""
    value = _value(config, path)
    if isinstance(value, bool):
        candidates: list[object] = [not value]
    elif isinstance(value, tuple):
        candidates = [tuple(v * 0.5 for v in value), tuple(min(1.0, v * 1.5) for v in value)]
    else:
        low, high = _bounds(path)
        far = [value * 3 if value else 1, value / 3, high if high is not None else value * 10, low or 0]
        far.sort(key=lambda c: -abs(c - value))  # the farthest first
        candidates = []
        for c in far:
            c = round(c) if isinstance(value, int) else float(c)
            if c != value and (low is None or c >= low) and (high is None or c <= high) and c not in candidates:
                candidates.append(c)
    found = []
    for candidate in candidates:
        change = {path: candidate, **(JOINT.get(path, {}) if candidate is not True else {})}
        if changed_config(config, change)[0] is not None:
            found.append(change)
            continue
        section, leaf = path.rsplit(".", 1)
        if not isinstance(_value(config, section), Shares):
            continue
        for sibling in type(_value(config, section)).model_fields:  # shares: move the difference to a sibling
            other = f"{section}.{sibling}"
            moved = _value(config, other) - (candidate - value) if sibling != leaf else None
            if moved is not None and 0 <= moved <= 1 and changed_config(config, {path: candidate, other: moved})[0]:
                found.append({path: candidate, other: moved})
                break
    return found


def build(context: Context) -> CommunityModel:
    overrides = {**ALL_ON, **context.base}
    return CommunityModel("default", rng=4, days=context.horizon,
                          **{k.replace(".", "__"): v for k, v in overrides.items()})


def digests(context: Context, change: dict[str, object], until: tuple[str, ...] | None = None) -> list[str]:
    """Each day's state digest with ``change`` made on the context's day; with ``until`` (the baseline's digests),
    stop at the first day that differs from it."""
    model = build(context)
    out = []
    while model.running:
        if model.steps == context.day - 1:
            model.intervene({**context.also, **change})
        model.step()
        out.append(state_digest(model))
        if until is not None and out[-1] != until[len(out) - 1]:
            break
    return out


_BASELINES: dict[str, tuple[str, ...]] = {}


def baseline(context: Context) -> tuple[str, ...]:
    """The run of ``context`` without the change (computed once per context)."""
    key = repr(context)
    if key not in _BASELINES:
        _BASELINES[key] = tuple(digests(context, {}))
    return _BASELINES[key]


@pytest.mark.parametrize("path", LIVE)
def test_a_live_parameter_moved_mid_run_changes_the_run_from_that_day(path):
    context = CONTEXT.get(path, PLAIN)
    model = build(context)
    config = changed_config(model.config, context.also)[0]  # as it stands when the change is made
    tried = moves(config, path)
    assert tried, f"{path}: no valid move to try"
    before = baseline(context)
    for change in tried:
        after = digests(context, change, until=before)
        assert len(after) >= context.day, f"{path}: the run changed before the day of the change"
        if after != list(before):
            return
    pytest.fail(f"{path} is marked live, but moving it on day {context.day} ({tried}) changed nothing by day "
                f"{context.horizon}: it would be accepted and ignored (make it act, or mark it build-time in "
                "cogov.sim.live)")


@cache
def _running_model() -> CommunityModel:
    model = CommunityModel("default", rng=0, days=10, community__households=300)
    model.run_for(3)
    return model


@pytest.mark.parametrize("path", BUILD)
def test_a_build_time_parameter_is_refused_mid_run(path):
    model = _running_model()
    with pytest.raises(ScenarioError, match="fixed when the community is built") as error:
        model.intervene({path: _value(model.config, path)})
    assert path in str(error.value) and "needs a new run" in str(error.value)
    assert model.interventions == []


def test_the_classification_names_real_parameters_and_leaves_most_live():
    paths = set(parameter_paths())
    for prefix in BUILD_TIME:
        assert prefix in paths or any(p.startswith(prefix + ".") for p in paths), prefix
    assert len(LIVE) > 2 * len(BUILD)
