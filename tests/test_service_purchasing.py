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
