"""Every arrangement of issue 12 switched on at once, at the edges of its ranges, in communities that lack what an
arrangement leans on (no co-building units, no social organisations, no vulnerable households, no mediators' hours):
the model runs, and its daily outcomes are numbers or declared-absent (NaN), never an internal error."""

from __future__ import annotations

import math

import pytest

from cogov.sim.model import CommunityModel
from cogov.sim.outcomes.metrics import DAILY_METRICS

EVERY_ARRANGEMENT = {
    "levers.mediation.enabled": True, "levers.self_management.enabled": True,
    "levers.work_unit_management.enabled": True, "levers.fallback_property.enabled": True,
    "levers.committee_formation.enabled": True, "levers.social_contracts.enabled": True,
    "levers.venture_philanthropy.projects_per_year": 3, "levers.digital_platform.enabled": True,
    "levers.proactive_care.enabled": True, "levers.posts.enabled": True, "levers.volunteer_teams.enabled": True,
    "levers.activities.enabled": True, "levers.needs_projects.enabled": True, "levers.fee_leverage.enabled": True,
    "levers.five_ones.enabled": True, "levers.mediation.lawyer_hours_per_week": 4.0,
    "levers.needs_projects.residents_order": True, "levers.posts.kinds.supervisor": 0.25,
    "levers.posts.kinds.publicist": 0.25, "levers.posts.kinds.mediator": 0.25, "levers.posts.kinds.guide": 0.25,
}
EDGES = {
    "nothing to lean on": {"community.co_building_units": 0, "community.social_organisations": 0,
                           "population.vulnerable_share.young": 0.0, "population.vulnerable_share.middle": 0.0,
                           "population.vulnerable_share.elderly": 0.0, "levers.mediation.hours_per_mediator_per_week": 0.0,
                           "levers.venture_philanthropy.incubate_below": 0,
                           "levers.mediation.mediators_per_100_households": 0.0,
                           "levers.needs_projects.voice_probability": 0.0},
    "everything at its most": {"levers.mediation.mediators_per_100_households": 50.0,
                               "levers.social_contracts.review_interval_days": 30, "levers.social_contracts.min_cases": 1,
                               "levers.activities.per_venue_per_month": 30, "levers.activities.reach_cells": 100,
                               "levers.proactive_care.visit_interval_days": 1, "levers.posts.lapse_days": 1,
                               "levers.committee_formation.rate_per_year": 10.0,
                               "levers.needs_projects.needs_per_year": 100,
                               "levers.fee_leverage.match_ratio": 5.0, "levers.fee_leverage.eligible_below": 1.0,
                               "levers.five_ones.review_interval_days": 1, "levers.mediation.legal_share": 1.0,
                               "levers.mediation.lawyer_hours_per_week": 40.0,
                               "levers.needs_projects.voice_probability": 1.0,
                               "levers.posts.publicity_report_ease": 5.0},
    "a tiny community": {"community.households": 50},
}


@pytest.mark.parametrize("edge", list(EDGES), ids=list(EDGES))
def test_every_arrangement_at_once_at_the_edges(edge):
    overrides = {key.replace(".", "__"): value for key, value in {**EVERY_ARRANGEMENT, **EDGES[edge]}.items()}
    model = CommunityModel("default", rng=11, days=40, **overrides)
    model.run()
    for name in DAILY_METRICS:
        value = model.metrics[name]
        assert isinstance(value, int | float) and not math.isinf(value), name
    assert 0.0 <= model.metrics["resolution_rate"] <= 1.0
