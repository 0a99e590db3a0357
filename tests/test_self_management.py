"""Self-management committees of compounds without a property company (自管会, 准物业), on small hand-built states:
where they exist, what residents pay and what it buys, where property matters go, who convenes residents' talks;
then in a whole community."""

from __future__ import annotations

import numpy as np
import pytest
from stage_state import (
    ENVIRONMENT,
    MAINTENANCE,
    PARKING,
    SAFETY,
    Handled,
    config,
    counters,
    households,
    issues_for,
    row_layout,
)

from cogov.sim.handlers import HandlerKind, Handlers
from cogov.sim.issues import IssueTable, Level, State
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.agreement import Agreement
from cogov.sim.mechanisms.dispatch import Dispatcher
from cogov.sim.mechanisms.evaluation import Evaluation
from cogov.sim.mechanisms.resources import Resources, plan_resources
from cogov.sim.mechanisms.upkeep import Upkeep
from cogov.sim.model import CommunityModel
from cogov.sim.organisations import CoBuildingUnits, OwnersCommittees, PropertyCompanies, SocialOrganisations
from cogov.sim.organisations.party import COMMUNITY, NO_SECRETARY, Branches
from cogov.sim.organisations.self_management import LEDGER_ITEM, PAYER, SelfManagementCommittees


def _params(**overrides):
    return config(levers__self_management__enabled=True, **overrides).levers.self_management


def _build(without_company, hh, coverage=1.0, handlers=None):
    handlers = handlers if handlers is not None else Handlers()
    committees = SelfManagementCommittees.build(_params(levers__self_management__coverage=coverage),
                                                np.array(without_company), hh, handlers, 0.85, (0.2, 0.6),
                                                np.random.default_rng(0))
    return committees, handlers


def test_committees_only_where_no_company_serves_and_households_live():
    hh = households(5, compound=[0, 0, 1, 2, 2])  # compound 3 is empty
    committees, handlers = _build([True, False, True, True], hh)
    assert committees.compound.tolist() == [0, 2]  # 1 has a company, 3 has nobody to elect one
    assert committees.households.tolist() == [2, 2]
    assert (handlers.kind[committees.handler] == HandlerKind.SELF_MANAGEMENT).all()
    assert (handlers.level[committees.handler] == Level.GRID).all() and (handlers.quality == 0.85).all()
    assert ((committees.activeness >= 0.2) & (committees.activeness <= 0.6)).all()
    none, _ = _build([True, False, True, True], hh, coverage=0.0)
    assert len(none) == 0


def test_no_committee_when_the_lever_is_off():
    handlers = Handlers()
    committees = SelfManagementCommittees.build(config().levers.self_management, np.array([True]), households(2),
                                                handlers, 0.85, (0.2, 0.6), np.random.default_rng(0))
    assert len(committees) == 0 and len(handlers) == 0


def test_residents_pay_as_they_are_satisfied_and_fees_buy_caretakers_hours():
    # every household pays to the committee, tenants too
    hh = households(4, compound=[0, 0, 1, 1], owner=[True, False, True, True], satisfaction=[0.2, 0.6, 1.0, 1.0])
    committees, _ = _build([True, True], hh)
    committees.collect_fees(hh, 2, floor=0.5)
    assert committees.collection_rate.tolist() == pytest.approx([0.5 + 0.5 * 0.4, 1.0])
    params = _params(levers__self_management__fee_cny_per_household_month=36.5,
                     levers__self_management__caretaker_cny_per_hour=12.0)
    fees = 2 * 36.5 * 12 / 365 * committees.collection_rate  # two households each
    assert committees.fees_per_day(params) == pytest.approx(fees)
    assert committees.hours_today(params) == pytest.approx(fees / 12.0)


def _routing_state():
    """Compound 0 self-managed, compound 1 served by a company, compound 2 by nobody: four issues of each (repair,
    environment, parking, safety) and a dispatcher over them."""
    hh = households(3, compound=[0, 1, 2])
    table = issues_for(hh, [{"household": h, "category": c} for h in range(3)
                            for c in (MAINTENANCE, ENVIRONMENT, PARKING, SAFETY)])
    handled = Handled()
    company = handled.handlers.add(HandlerKind.PROPERTY, Level.GRID, 0.7)
    committee = handled.handlers.add(HandlerKind.SELF_MANAGEMENT, Level.GRID, 0.85)
    service = np.array([committee, company, -1])
    dispatcher = Dispatcher(table, handled.handlers, handled.handling, service, {}, True, 5.0)
    return handled, company, committee, dispatcher


def test_caretakers_take_environment_and_parking_and_repairs_stay_with_the_repairs_fund():
    handled, company, committee, dispatcher = _routing_state()
    handler = dispatcher.route_in_grid(np.arange(12)).reshape(3, 4)  # rows: compounds; columns: categories
    community, grid = handled.handling.community_handler, handled.handling.grid_handlers[0]
    assert handler[0].tolist() == [community, committee, committee, grid]  # self-managed
    assert handler[1].tolist() == [company, company, company, grid]  # a company's compound
    assert handler[2].tolist() == [community, grid, grid, grid]  # nobody's: as before


def test_a_self_managed_compound_is_kept_so_its_fixes_do_not_come_back():
    hh = households(2, compound=[0, 1])
    table = issues_for(hh, [{"household": 0, "category": ENVIRONMENT}, {"household": 1, "category": ENVIRONMENT}])
    handled = Handled()
    committee = handled.handlers.add(HandlerKind.SELF_MANAGEMENT, Level.GRID, 1.0)
    table.state[:2], table.closed[:2], table.handler[:2] = State.RESOLVED, 1, [committee, -1]
    table.effort[:2] = 2.0
    cfg = config(service__unkept_recurrence=1.0, service__unkept_recurrence_days=1.0)
    tally = counters()
    upkeep = Upkeep(cfg.service, table, np.array([committee, -1]), tally, np.random.default_rng(0),
                    Evaluation(cfg, hh, table, tally, SocialOrganisations(), 1))
    upkeep.step(1)
    upkeep.step(2)  # due a day later (a geometric delay with mean 1 is 1)
    assert tally["recurred_unkept"] == 1 and len(table) == 3
    assert table.household[2] == 1 and table.state[2] == State.LATENT  # the compound nobody keeps, not the kept one


def test_the_committee_convenes_its_residents_talks():
    n = 2
    layout = row_layout(n, np.arange(n), has_party_branch=[False, False])
    hh = households(2, compound=[0, 1])
    party = Branches()
    party.add(COMMUNITY, 0, 0.5, 0.6, NO_SECRETARY)
    table = IssueTable()
    handled = Handled()
    agreement = Agreement(config(), layout, OwnersCommittees(), party, np.full(n, -1), hh, table, counters(),
                          np.random.default_rng(0), handled.dispatcher(table), np.array([0.25, 0.0]))
    # activeness 0.25 convenes every 30 × 0.5 / 0.25 = 60 days; without a committee, owners' assemblies (90)
    assert agreement.meeting_intervals().tolist() == [60, 90]


def test_caretakers_hours_are_set_daily_and_paid_by_residents_not_the_public():
    hh = households(4, compound=[0, 0, 1, 1], satisfaction=[1.0] * 4)
    cfg = config(levers__self_management__enabled=True)
    handled = Handled()
    committees, _ = _build([True, True], hh, handlers=handled.handlers)
    committees.collect_fees(hh, 2, floor=0.5)
    ledger = Ledger()
    resources = Resources(cfg, plan_resources(cfg, 1), handled.handlers, handled.handling, hh,
                          PropertyCompanies(handled.handlers), SocialOrganisations(), CoBuildingUnits(),
                          lambda: np.zeros(1), lambda: 0.0, ledger, committees)
    resources.step(np.zeros(1))
    params = cfg.levers.self_management
    assert handled.handlers.capacity[committees.handler] == pytest.approx(committees.hours_today(params))
    assert ledger.by_item(PAYER) == pytest.approx({LEDGER_ITEM: committees.fees_per_day(params).sum()})
    assert LEDGER_ITEM not in ledger.by_item()  # public money is untouched


# ------------------------------------------------------------------------------------------ in a community
def test_in_a_community_committees_serve_the_compounds_no_company_serves():
    model = CommunityModel("self_management", rng=2, days=90)
    without = CommunityModel("default", rng=2, days=90)
    model.run()
    without.run()
    committees = model.self_managed
    assert len(committees) > 0 and not model.layout.has_property[committees.compound].any()
    assert (model.property_service_by_compound[committees.compound] == committees.handler).all()
    served = model.layout.has_property | np.isin(np.arange(model.layout.n_compounds), committees.compound)
    assert (served == (model.property_service_by_compound >= 0)).all()
    # the same community and the same public money; residents pay the committees
    assert model.layout.has_property.tolist() == without.layout.has_property.tolist()
    assert model.metrics["cost_total"] == pytest.approx(without.metrics["cost_total"])
    assert model.ledger.by_item(PAYER)[LEDGER_ITEM] > 0
    handled = model.issues.column("handler")
    category = model.issues.column("category")
    on_committees = np.isin(handled, committees.handler)
    assert on_committees.any() and np.isin(category[on_committees], [ENVIRONMENT, PARKING]).all()


# ------------------------------------------------------------------------------ the party-led fallback (托底)
@pytest.fixture(scope="module")
def fallback_and_committees():
    """200 days (two accountability reviews) with both arrangements, with the fallback alone, and with neither, on the
    same community."""
    both = CommunityModel("fallback_property", rng=4, days=200, levers__self_management__enabled=True)
    alone = CommunityModel("fallback_property", rng=4, days=200)
    plain = CommunityModel("default", rng=4, days=200)
    for model in (both, alone, plain):
        model.run()
    return both, alone, plain


def test_the_fallback_company_serves_exactly_the_compounds_nobody_else_serves(fallback_and_committees):
    both, alone, plain = fallback_and_committees
    no_company = np.flatnonzero(~alone.layout.has_property)
    assert alone.fallback_compounds.tolist() == no_company.tolist()  # alone: every compound without a company
    assert set(both.fallback_compounds) == set(no_company) - set(both.self_managed.compound)  # committees first
    assert (both.property_service_by_compound >= 0).all() and (alone.property_service_by_compound >= 0).all()
    assert plain.fallback_compounds.size == 0 and (plain.property_service_by_compound < 0).any()
    # the market companies are the same companies, drawn the same way
    market = alone.layout.has_property[alone.companies.compound]
    assert alone.companies.compound[market].tolist() == plain.companies.compound.tolist()
    assert alone.companies.has_party_organisation[market].tolist() == plain.companies.has_party_organisation.tolist()


def test_the_fallback_company_has_a_party_organisation_and_answers_to_the_community(fallback_and_committees):
    _, alone, _ = fallback_and_committees
    rows = np.flatnonzero(np.isin(alone.companies.compound, alone.fallback_compounds))
    assert alone.companies.has_party_organisation[rows].all()
    assert (alone.companies.last_review[rows] >= 0).all()  # held to account from day 0
    assert (alone.companies.last_review[rows] > 0).any()  # and reviewed since (as often as its organisation is strong)
    market = np.setdiff1d(np.arange(len(alone.companies)), rows)
    assert (alone.companies.last_review[market] < 0).all()  # without red property only the fallback is reviewed


def test_the_fallback_subsidy_is_public_money_per_household_served(fallback_and_committees):
    _, alone, plain = fallback_and_committees
    served = np.isin(alone.households.compound, alone.fallback_compounds).sum()
    yearly = served * alone.config.levers.fallback_property.subsidy_cny_per_household_year
    assert alone.ledger.by_item()["fallback_property_subsidies"] == pytest.approx(yearly * alone.steps / 365)
    assert alone.metrics["cost_total"] - plain.metrics["cost_total"] == pytest.approx(yearly * alone.steps / 365)


def test_switching_the_fallback_on_leaves_the_other_organisations_draws_as_they_were():
    plain = CommunityModel("default", rng=3, days=1)
    fallback = CommunityModel("fallback_property", rng=3, days=1)
    own = len(plain.branches)
    assert len(fallback.branches) > own  # the fallback companies' organisations come last
    assert fallback.branches.strength[:own].tolist() == plain.branches.strength.tolist()
    assert fallback.co_building.engaged.tolist() == plain.co_building.engaged.tolist()


def test_star_rating_rates_market_companies_only():
    model = CommunityModel("fallback_property", rng=5, days=200, levers__property_rating__enabled=True,
                           levers__property_rating__review_interval_days=30)
    model.run()
    companies = model.companies
    assert companies.fallback.any() and (~companies.fallback).any()
    assert (companies.stars[companies.fallback] == 3).all() and (companies.replacements[companies.fallback] == 0).all()
    assert (companies.last_review[~companies.fallback] > 0).all()  # market companies were rated


def test_a_self_management_committee_still_convenes_under_cross_appointment():
    hh = households(2, compound=[0, 1])
    party = Branches()
    party.add(COMMUNITY, 0, 0.5, 0.6, NO_SECRETARY)
    table = IssueTable()
    agreement = Agreement(config(levers__cross_appointment__party_owners_committee=True),
                          row_layout(2, np.arange(2), has_party_branch=[False, False]), OwnersCommittees(), party,
                          np.full(2, -1), hh, table, counters(), np.random.default_rng(0), Handled().dispatcher(table),
                          np.array([0.25, 0.0]))
    assert agreement.meeting_intervals().tolist() == [60, 90]  # as without cross-appointment


# ------------------------------------------------------------------------------- work units' own management
def test_work_units_look_after_only_their_own_compounds_without_a_company():
    from cogov.sim.organisations.work_units import WorkUnitServices

    hh = households(6, compound=[0, 0, 1, 1, 2, 2])
    handlers = Handlers()
    params = config(levers__work_unit_management__enabled=True, levers__work_unit_management__share=1.0,
                    levers__work_unit_management__staff_per_100_households=50.0).levers.work_unit_management
    services = WorkUnitServices.build(params, np.array([True, False, True]), hh, handlers, 0.85,
                                      np.random.default_rng(0))
    assert services.compound.tolist() == [0, 2] and services.households.tolist() == [2, 2]
    assert (handlers.kind[services.handler] == HandlerKind.WORK_UNIT).all()
    assert services.hours_today(params, 8.0).tolist() == pytest.approx([8.0, 8.0])  # 2 x 50/100 staff x 8 h
    assert services.cost_today(params, 8.0) == pytest.approx(16.0 * params.cny_per_hour)
    off = WorkUnitServices.build(config().levers.work_unit_management, np.array([True]), hh, Handlers(), 0.85,
                                 np.random.default_rng(0))
    assert len(off) == 0


def test_a_work_unit_takes_its_compounds_repairs_too():
    hh = households(1)
    table = issues_for(hh, [{"category": MAINTENANCE}, {"category": ENVIRONMENT}])
    handled = Handled()
    unit = handled.handlers.add(HandlerKind.WORK_UNIT, Level.GRID, 0.85)
    dispatcher = Dispatcher(table, handled.handlers, handled.handling, np.array([unit]), {}, True, 5.0)
    assert dispatcher.route_in_grid(np.arange(2)).tolist() == [unit, unit]


def test_in_a_community_work_units_come_before_committees_and_the_fallback():
    model = CommunityModel("work_unit_management", rng=1, days=30, levers__work_unit_management__share=1.0,
                           levers__self_management__enabled=True, levers__fallback_property__enabled=True)
    model.run()
    units, committees = model.work_units.compound, model.self_managed.compound
    work_unit = np.flatnonzero((model.layout.compound_type == 3) & ~model.layout.has_property)
    assert len(units) > 0 and sorted(units.tolist()) == work_unit.tolist()
    assert not set(units) & set(committees) and not set(units) & set(model.fallback_compounds)
    assert (model.property_service_by_compound >= 0).all()
    assert model.ledger.by_item("work_units")["work_unit_logistics"] > 0  # paid by the units, not the public
