"""Purchase of services that lives by its results (准入退出) and venture philanthropy (公益创投), on small hand-built
states; then in a community over three years."""

from __future__ import annotations

import numpy as np
import pytest
from stage_state import CARE, Handled, config, counters

from cogov.sim.handlers import HandlerKind
from cogov.sim.issues import IssueTable, Level
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.service_purchasing import EVALUATIONS, PROJECTS, ServicePurchasing
from cogov.sim.model import CommunityModel
from cogov.sim.organisations import SocialOrganisations


def _state(**overrides):
    """Three contracted care organisations of quality 0.5, 0.7 and 0.9, and the purchasing mechanism over them."""
    cfg = config(**overrides)
    handled = Handled()
    social = SocialOrganisations()
    for quality in (0.5, 0.7, 0.9):
        social.add(handled.handlers.add(HandlerKind.SOCIAL_ORG, Level.GRID, quality), ("care",))
    table = IssueTable()
    dispatcher = handled.dispatcher(table)
    ledger, tally, incubated = Ledger(), counters(), []
    purchasing = ServicePurchasing(cfg, social, handled.handlers, dispatcher, ledger, tally,
                                   np.random.default_rng(0), incubated.append)
    return cfg, handled, social, dispatcher, ledger, tally, incubated, purchasing


def test_the_evaluation_replaces_contracted_organisations_below_the_threshold():
    cfg, handled, social, _, ledger, tally, _, purchasing = _state(levers__social_contracts__enabled=True,
                                                                   levers__social_contracts__exit_below=0.6,
                                                                   levers__social_contracts__min_cases=3)
    handlers = social.handler
    social.record_cases(np.repeat(handlers, [3, 3, 2]), np.array([0.4, 0.5, 0.5, 0.7, 0.8, 0.9, 0.1, 0.1]))
    before = handled.handlers.quality[handlers].copy()
    purchasing.review_contracts()
    # 0: mean 0.47 < 0.6 with 3 cases -> replaced; 1: 0.8 -> kept; 2: 0.1 but only 2 cases -> not judged
    assert social.replacements.tolist() == [1, 0, 0] and tally["social_contracts_ended"] == 1
    low, high = cfg.service.social_org_quality_range
    assert low <= handled.handlers.quality[handlers[0]] <= high
    assert handled.handlers.quality[handlers[1:]].tolist() == before[1:].tolist()
    assert ledger.by_item()[EVALUATIONS] == pytest.approx(3 * cfg.levers.social_contracts.evaluation_cny_per_org)
    assert social.period_cases.tolist() == [0, 0, 0] and social.cases.tolist() == [3, 3, 2]  # a new period


def test_organisations_not_under_contract_are_not_evaluated():
    _, _, social, _, ledger, tally, _, purchasing = _state(levers__social_contracts__enabled=True,
                                                           levers__social_contracts__min_cases=1)
    social.contracted[0] = False
    social.record_cases(social.handler[:1], np.array([0.0]))
    purchasing.review_contracts()
    assert tally["social_contracts_ended"] == 0
    assert ledger.by_item()[EVALUATIONS] == pytest.approx(2 * 3000.0)


def test_projects_incubate_organisations_up_to_the_target_then_fund_existing_ones():
    cfg, handled, social, dispatcher, ledger, tally, incubated, purchasing = _state(
        levers__venture_philanthropy__projects_per_year=2, levers__venture_philanthropy__incubate_below=4,
        levers__venture_philanthropy__cny_per_project=36_500.0)
    purchasing.fund_projects()
    assert len(social) == 4 and incubated == [3] and tally["social_orgs_incubated"] == 1  # 3 -> 4, then existing
    hours = 36_500.0 / cfg.costs.social_org_cny_per_hour / 365
    assert social.project_hours.sum() == pytest.approx(2 * hours)
    assert not social.contracted[3]  # an incubated organisation has no share of the purchase contracts
    assert handled.handlers.kind[social.handler[3]] == HandlerKind.SOCIAL_ORG
    assert ledger.by_item()[PROJECTS] == pytest.approx(2 * 36_500.0) and tally["venture_projects"] == 2
    if social.specialties[3, 0]:  # an incubated care organisation is a specialist the dispatcher now knows
        assert social.handler[3] in dispatcher.specialists[CARE]
    purchasing.fund_projects()  # a new year: last year's projects end, two new ones go to existing organisations
    assert len(social) == 4 and social.project_hours.sum() == pytest.approx(2 * hours)


def test_an_organisations_hours_are_its_base_its_contract_share_and_its_projects():
    _, _, social, _, _, _, _, _ = _state()
    social.contracted[:] = [True, False, True]
    social.project_hours[:] = [0.0, 2.0, 1.0]
    assert social.hours_today(0.5, 3.0).tolist() == pytest.approx([3.5, 2.5, 4.5])


# ------------------------------------------------------------------------------------------ in a community
@pytest.fixture(scope="module")
def three_years():
    runs = {name: CommunityModel(name, rng=3) for name in ("social_contracts", "venture_philanthropy")}
    for model in runs.values():
        model.run()
    return runs


def test_in_a_community_evaluations_happen_each_year_and_poor_performers_are_replaced(three_years):
    model = three_years["social_contracts"]
    contracted = np.count_nonzero(model.social.contracted)
    evaluations = model.ledger.by_item()[EVALUATIONS] / model.config.levers.social_contracts.evaluation_cny_per_org
    # every contracted organisation, yearly, while the run goes on (days 365 and 730 of 1095; not after the last day)
    assert evaluations == pytest.approx(contracted * ((model.days - 1) // 365))
    assert model.counters["social_contracts_ended"] == model.social.replacements.sum()


def test_in_a_community_projects_grow_the_number_of_organisations(three_years):
    from cogov.sim.agents import SocialOrganisation

    model = three_years["venture_philanthropy"]
    start = model.config.community.social_organisations
    assert model.metrics["social_org_count"] == len(model.social) == min(12, start + 2 * 3)
    assert len(model.agents_by_type[SocialOrganisation]) == len(model.social)
    assert model.series()["social_org_count"].is_monotonic_increasing
    incubated = model.handlers.kind[model.social.handler[start:]] == HandlerKind.SOCIAL_ORG
    assert incubated.all() and not model.social.contracted[start:].any()
    served = np.isin(model.issues.column("handler"), model.social.handler[start:])
    assert served.any()  # the new organisations take cases


def test_a_project_incubates_an_organisation_where_there_is_none_whatever_the_target():
    cfg = config(levers__venture_philanthropy__projects_per_year=2, levers__venture_philanthropy__incubate_below=0)
    handled = Handled()
    social = SocialOrganisations()
    purchasing = ServicePurchasing(cfg, social, handled.handlers, handled.dispatcher(IssueTable()), Ledger(),
                                   counters(), np.random.default_rng(0))
    purchasing.fund_projects()
    assert len(social) == 1 and social.project_hours[0] > 0  # one incubated, the second project funds it too


# ------------------------------------------------------------------------ purchase shared by evaluation
def _evaluated(strength: float, exit_below: float = 0.3):
    """The three organisations evaluated 0.4, 0.6 and 0.8 on four cases each, then reviewed."""
    cfg, _, social, _, _, _, _, purchasing = _state(levers__social_contracts__enabled=True,
                                                    levers__social_contracts__min_cases=4,
                                                    levers__social_contracts__exit_below=exit_below,
                                                    levers__social_contracts__share_by_evaluation=strength)
    social.record_cases(np.repeat(social.handler, 4), np.repeat([0.4, 0.6, 0.8], 4))
    purchasing.review_contracts()
    return cfg, social


def test_at_strength_zero_the_purchase_stays_shared_equally():
    _, social = _evaluated(0.0)
    assert social.purchase_weight.tolist() == [1.0, 1.0, 1.0]
    assert social.hours_today(0.5, 3.0).tolist() == [3.5, 3.5, 3.5]  # exactly as without the setting


def test_a_better_evaluated_organisation_gets_more_of_the_purchase_and_the_total_is_the_budget():
    _, social = _evaluated(1.0)
    assert social.purchase_weight.tolist() == pytest.approx([0.4 / 0.6, 1.0, 0.8 / 0.6])  # in proportion
    hours = social.hours_today(0.0, 3.0)
    assert hours[0] < hours[1] < hours[2]
    assert hours.sum() == pytest.approx(3 * 3.0)  # three equal shares' worth: the budget
    _, steep = _evaluated(4.0)
    assert steep.purchase_weight[2] > social.purchase_weight[2]  # a larger strength gives the best more
    assert steep.purchase_weight.sum() == pytest.approx(3.0)


def test_an_organisation_not_judged_or_newly_contracted_counts_at_the_mean():
    from cogov.sim.mechanisms.service_purchasing import purchase_weights

    evaluation = np.array([0.4, 0.8, np.nan, 0.2, 0.9])
    contracted = np.array([True, True, True, True, False])
    judged = np.array([True, True, False, True, True])
    replaced = np.array([False, False, False, True, False])
    weights = purchase_weights(evaluation, contracted, judged, replaced, 1.0)
    mean = np.mean([0.4, 0.8, 0.2, 0.9])  # of those judged
    assert weights[2] == pytest.approx(weights[3]) and weights[4] == 0.0
    assert weights[:4] == pytest.approx(np.array([0.4, 0.8, mean, mean]) * 4 / (1.2 + 2 * mean))
    assert purchase_weights(evaluation, contracted, np.zeros(5, bool), replaced, 1.0).tolist() == [1, 1, 1, 1, 0]


# ------------------------------------------------------------------------ incubated organisations grow
def _incubating(growth: bool = True):
    return _state(levers__venture_philanthropy__projects_per_year=1, levers__venture_philanthropy__incubate_below=4,
                  levers__venture_philanthropy__growth=growth, levers__venture_philanthropy__mature_hours_per_day=4.0,
                  levers__venture_philanthropy__initial_share=0.25, levers__venture_philanthropy__growth_per_year=0.3)


def test_an_incubated_organisation_grows_each_year_and_stops_at_the_mature_size():
    cfg, _, social, _, ledger, tally, _, purchasing = _incubating()
    purchasing.fund_projects()
    assert social.incubated.tolist() == [False, False, False, True]
    staff = [social.staff_hours.tolist()]
    for _ in range(4):
        purchasing.fund_projects()  # the target is reached: projects go to existing organisations
        staff.append(social.staff_hours.tolist())
    assert [s[3] for s in staff] == pytest.approx([1.0, 2.2, 3.4, 4.0, 4.0])  # 0.25 of 4, +0.3 of 4 a year, capped
    assert all(s[:3] == [0.0, 0.0, 0.0] for s in staff)  # organisations present at the start do not grow
    assert social.hours_today(0.5, 0.0)[3] == pytest.approx(0.5 + social.project_hours[3] + 4.0)
    assert tally["social_orgs_grown"] == 3
    paid = sum(s[3] for s in staff) * 365 * cfg.costs.social_org_cny_per_hour
    assert ledger.by_item()["incubated_org_staff"] == pytest.approx(paid)  # each year's staff, paid up front


def test_an_incubated_organisation_evaluated_poorly_does_not_grow():
    _, _, social, _, _, _, _, purchasing = _incubating()
    purchasing.fund_projects()
    social.record_cases(np.repeat(social.handler[3:], 10), np.full(10, 0.3))  # below exit_below 0.55, 10 cases
    purchasing.fund_projects()
    assert social.staff_hours[3] == pytest.approx(1.0)


def test_without_growth_an_incubated_organisation_has_no_staff_and_nothing_is_paid_for_it():
    _, _, social, _, ledger, tally, _, purchasing = _incubating(growth=False)
    for _ in range(3):
        purchasing.fund_projects()
    assert social.staff_hours.tolist() == [0.0] * 4 and "incubated_org_staff" not in ledger.by_item()
    assert tally["social_orgs_grown"] == 0
