"""Which parameters can change during a run (live) and which are fixed when the community is built (build-time).

A parameter is **live** when the model reads it as the run goes: every day, or at each event it governs (a review, a
fee update, a yearly needs list). Changed at a day boundary — by :meth:`cogov.sim.model.CommunityModel.intervene` or
a scenario's ``[[interventions]]`` — it acts from the next day on, through the same code as if the scenario had held
that value from the start (an arrangement switched on mid-run is set up that day as it would have been on day 0).

A parameter is **build-time** when the model reads it only once, to build something: the layout, the households and
their members, the organisations and their initial state, or the one-off set-up of an arrangement (who mediates, which
compounds elect a committee, who has the app). Changing it mid-run could only be accepted and ignored, so it is
refused with a message that it needs a new run (the classroom page's Reset).

The rule is written once, here, as the build-time key paths (a section stands for every key under it) with the reason
shown to the user; every other parameter is live. ``tests/test_interventions.py`` checks the classification against
the model's behaviour.
"""

from __future__ import annotations

BUILT = "is drawn when the community is built"

BUILD_TIME: dict[str, str] = {
    "simulation.days": "is the run's horizon: a run of another length is another run",
    "community": "describes the community itself (its layout, households, compounds and organisations), which is "
                 "generated when it is built",
    "population": "describes the households and their members, who are drawn when the community is built",
    "behaviour.satisfaction.initial_mean": f"sets where satisfaction starts, which {BUILT}",
    "behaviour.satisfaction.initial_concentration": f"sets where satisfaction starts, which {BUILT}",
    "behaviour.satisfaction.initial_expectation": f"sets where expectations start, which {BUILT}",
    "behaviour.trust.initial_mean": f"sets where trust starts, which {BUILT}",
    "behaviour.trust.initial_concentration": f"sets where trust starts, which {BUILT}",
    "service.steward_share": "sets which buildings have a steward, chosen when the community is built",
    "service.property_staff_per_100_households": "sets property companies' staff, set when each company is set up",
    "service.property_quality_range": "sets the range property companies' quality is drawn from when each is set up",
    "service.social_org_quality_range": "sets the range social organisations' quality is drawn from when each is "
                                        "set up",
    "organisations.social": "sets social organisations' specialties, drawn when each is set up",
    "organisations.co_building.commitment_mean": f"sets co-building units' initial commitment, which {BUILT}",
    "organisations.co_building.commitment_concentration": f"sets co-building units' initial commitment, which {BUILT}",
    "organisations.co_building.staff_hours_per_week": f"sets what each co-building unit could give, which {BUILT}",
    "organisations.co_building.money_cny_per_year": f"sets what each co-building unit could give, which {BUILT}",
    "organisations.co_building.venue_probability": f"sets which co-building units have a venue, which {BUILT}",
    "organisations.owners_committee.activeness_range": "sets committees' activeness, drawn when each committee is "
                                                      "set up",
    "party.initial_strength": "sets party organisations' initial strength, drawn when each is set up",
    "party.strength_concentration": "sets party organisations' initial strength, drawn when each is set up",
    "party.aspiration": "sets the results a party organisation starts from, set when it is set up",
    "levers.mediation.mediators_per_100_households": "sets who mediates, chosen once when the mediation committee is "
                                                     "set up",
    "levers.self_management.coverage": "sets which compounds elect a self-management committee, drawn once when the "
                                       "committees are set up",
    "levers.work_unit_management.share": "sets which work units still look after their compounds, drawn once when "
                                         "the arrangement is set up",
    "levers.fallback_property.quality": "sets the fallback companies' quality when they are set up",
    "levers.fee_leverage.eligible_below": "sets which companies are subsidised, picked once when the subsidy starts",
    "levers.digital_platform.adoption": "sets which households use the app, drawn once when the platform starts",
}
"""Build-time key paths (a section stands for every key under it) -> why, as a phrase after the key path."""


def build_time_reason(path: str) -> str | None:
    """Why the parameter at ``path`` is fixed when the community is built, or None when it is live."""
    for prefix, reason in BUILD_TIME.items():
        if path == prefix or path.startswith(prefix + "."):
            return reason
    return None


def is_live(path: str) -> bool:
    """Whether the parameter at ``path`` may change during a run (it acts from the next day)."""
    return build_time_reason(path) is None


def refusal(path: str) -> str:
    """The message refusing a mid-run change of the build-time parameter at ``path``."""
    return (f"{path}: fixed when the community is built (it {build_time_reason(path)}); changing it needs a new run "
            "(Reset on the classroom page), not an intervention during this one")
