"""Fee leverage (撬动居民缴费, levers.fee_leverage) on small hand-built states: which companies are picked, the match
paid per yuan of fees, what it buys (hours and fee-financed quality), when it ends and what it costs; then in a whole
community, where it is off by default and changes nothing."""

from __future__ import annotations

import numpy as np
import pytest
from stage_state import Handled, config, households

from cogov.sim.handlers import Handlers
from cogov.sim.issues import Level
from cogov.sim.ledger import PUBLIC, Ledger
from cogov.sim.mechanisms.fee_leverage import LEDGER_ITEM, FeeLeverage
from cogov.sim.mechanisms.resources import Resources, plan_resources
from cogov.sim.model import CommunityModel
from cogov.sim.organisations import CoBuildingUnits, PropertyCompanies, SocialOrganisations

FLOOR = 0.5


def _params(**overrides):
    return config(levers__fee_leverage__enabled=True, **overrides).levers.fee_leverage


def _state(satisfaction=(0.2, 0.2, 1.0, 1.0), handlers=None, fallback=(False, False)):
    """Two compounds of two owner households each, a company in each; owners of compound 0 are dissatisfied."""
    hh = households(4, compound=[0, 0, 1, 1], satisfaction=list(satisfaction))
    handlers = handlers if handlers is not None else Handlers()
    companies = PropertyCompanies(handlers)
    for c in (0, 1):
        companies.add(c, handlers.add(3, Level.GRID, 0.0), staff=1.0, quality=0.5, has_party_organisation=False,
                      fallback=fallback[c])
    companies.collect_fees(hh, 2, FLOOR)
    return hh, companies


def _lever(companies, params=None, ledger=None):
    return FeeLeverage(params if params is not None else _params(), companies, np.array([2, 2]),
                       ledger if ledger is not None else Ledger())


def test_companies_that_cannot_run_normally_are_picked_and_matched_per_yuan_collected():
    _, companies = _state()
    assert companies.collection_rate.tolist() == pytest.approx([0.6, 1.0])
    lever = _lever(companies, _params(levers__fee_leverage__match_ratio=0.5))
    lever.select()
    assert lever.subsidised.tolist() == [True, False]  # 0.6 < 0.8 cannot run normally; 1.0 can
    assert companies.subsidy_rate.tolist() == pytest.approx([0.5 * 0.6, 0.0])  # match × fees collected
    assert companies.financing.tolist() == pytest.approx([0.9, 1.0])


def test_the_subsidy_grows_with_what_owners_pay():
    params = config(levers__fee_leverage__enabled=True).organisations.property
    lever_params = _params(levers__fee_leverage__eligible_below=1.0)
    subsidies = []
    for satisfaction in (0.2, 0.6):
        hh, companies = _state((satisfaction,) * 4)
        lever = _lever(companies, lever_params)
        lever.select()
        companies.update(hh, 2, FLOOR, params, fees_to_quality=1.0, drift=np.zeros(2), match=lever.match(7))
        subsidies.append(companies.subsidy_rate[0])
    assert subsidies[1] > subsidies[0]  # 以奖代补: more fees collected, more public money
    assert subsidies == pytest.approx([0.5 * (FLOOR + FLOOR * 0.2), 0.5 * (FLOOR + FLOOR * 0.6)])


def test_financing_buys_hours_and_quality_as_fees_do():
    cfg = config()
    params = cfg.organisations.property
    hh, plain = _state()
    _, matched = _state()
    lever = _lever(matched)
    lever.select()
    plain.update(hh, 2, FLOOR, params, fees_to_quality=1.0, drift=np.zeros(2))
    matched.update(hh, 2, FLOOR, params, fees_to_quality=1.0, drift=np.zeros(2), match=lever.match(7))
    assert matched.collection_rate == pytest.approx(plain.collection_rate)  # collection still follows satisfaction
    hours = cfg.service.work_hours_per_day
    assert matched.hours_today(hours).tolist() == pytest.approx([1.0 * hours * 0.9, 1.0 * hours * 1.0])
    assert matched.hours_today(hours)[0] > plain.hours_today(hours)[0]
    financed = 0.5 * (1 + (0.9 - params.reference_collection_rate))
    assert matched.quality[0] == pytest.approx(0.5 + params.adjustment_rate * (financed - 0.5))
    assert matched.quality[0] > plain.quality[0]
    assert matched.quality[1] == pytest.approx(plain.quality[1])  # the company that runs normally gets nothing


def test_the_fallback_company_is_not_picked():
    _, companies = _state((0.2,) * 4, fallback=(True, False))  # both collect 0.6
    lever = _lever(companies)
    lever.select()
    assert lever.subsidised.tolist() == [False, True]


def test_the_subsidy_is_public_money_in_the_ledger_and_stops_after_the_period():
    ledger = Ledger()
    _, companies = _state()
    lever = _lever(companies, _params(levers__fee_leverage__duration_days=10), ledger)
    lever.select()
    fee_per_day = 30.0 * 12 / 365
    lever.step(0)
    assert ledger.by_item() == pytest.approx({LEDGER_ITEM: 2 * fee_per_day * 0.5 * 0.6})
    assert ledger.by_item("residents") == {}  # owners' fees to companies are their money, not counted
    lever.step(9)
    assert ledger.total(PUBLIC) == pytest.approx(2 * 2 * fee_per_day * 0.3)
    assert lever.match(9).tolist() == [0.5, 0.0] and lever.match(10).tolist() == [0.0, 0.0]
    lever.step(10)  # the period is over: nothing paid, financing back to fees at once
    assert companies.subsidy_rate.tolist() == [0.0, 0.0]
    assert ledger.total(PUBLIC) == pytest.approx(2 * 2 * fee_per_day * 0.3)


def test_resources_give_subsidised_companies_their_financed_hours():
    cfg = config()
    handled = Handled(n_grids=1)
    hh = households(4, compound=[0, 0, 1, 1], satisfaction=[0.2, 0.2, 1.0, 1.0])
    companies = PropertyCompanies(handled.handlers)
    for c in (0, 1):
        companies.add(c, handled.handlers.add(3, Level.GRID, 0.0), staff=1.0, quality=0.5,
                      has_party_organisation=False)
    companies.collect_fees(hh, 2, FLOOR)
    _lever(companies).select()
    resources = Resources(cfg, plan_resources(cfg, 1), handled.handlers, handled.handling, hh, companies,
                          SocialOrganisations(), CoBuildingUnits(), lambda: np.zeros(1), lambda: 0.0, Ledger())
    resources.step(np.zeros(1))
    assert handled.handlers.capacity[companies.handler].tolist() == pytest.approx(
        [cfg.service.work_hours_per_day * 0.9, cfg.service.work_hours_per_day * 1.0])


def test_off_by_default_draws_nothing_pays_nothing_and_changes_nothing():
    assert not config().levers.fee_leverage.enabled
    small = {"community__households": 300}
    plain = CommunityModel(None, rng=3, days=40, **small)
    plain.run()
    # switched off but with other settings: the same run to the last digit
    other = CommunityModel(None, rng=3, days=40, levers__fee_leverage__match_ratio=2.0,
                           levers__fee_leverage__eligible_below=1.0, **small)
    other.run()
    pd_plain, pd_other = plain.series(), other.series()
    assert pd_plain.equals(pd_other)
    assert LEDGER_ITEM not in plain.ledger.by_item() and not other.fee_leverage.subsidised.any()
    assert (other.companies.subsidy_rate == 0).all()


def test_in_a_community_where_owners_pay_little_the_subsidy_finances_better_companies():
    setting = {"community__households": 300, "service__fee_collection_floor": 0.3}
    plain = CommunityModel(None, rng=4, days=120, **setting)
    plain.run()
    on = CommunityModel(None, rng=4, days=120, levers__fee_leverage__enabled=True, **setting)
    on.run()
    assert on.fee_leverage.subsidised.all()  # every company collects below 0.8 when owners pay little
    assert on.companies.quality.mean() > plain.companies.quality.mean()
    assert on.ledger.by_item()[LEDGER_ITEM] > 0
    assert on.summary()["metrics"]["cost_total"] > plain.summary()["metrics"]["cost_total"]
