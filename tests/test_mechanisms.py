"""Each mechanism of the daily lifecycle, alone, on a small hand-built state (no CommunityModel).

The states come from ``stage_state.py``: a handful of households, issues and handlers. Parameters are
the default scenario's with overrides. Where a mechanism draws random numbers, the test either makes
the choice certain (a utility far from zero, a hazard above one) or checks a frequency over many draws.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from stage_state import (
    CARE,
    MAINTENANCE,
    PARKING,
    SAFETY,
    Handled,
    branches,
    config,
    counters,
    households,
    issues_for,
    never_asked,
    no_party,
)

from cogov.sim.behaviour import beta_with_mean, logistic
from cogov.sim.config import CATEGORIES
from cogov.sim.handlers import Handlers
from cogov.sim.households import NEVER
from cogov.sim.issues import Channel, IssueTable, Level, State
from cogov.sim.layout import Layout
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.abandonment import Abandonment
from cogov.sim.mechanisms.agreement import Agreement
from cogov.sim.mechanisms.arrival import Arrival
from cogov.sim.mechanisms.discovery import Discovery
from cogov.sim.mechanisms.drift import SatisfactionDrift
from cogov.sim.mechanisms.escalation import Escalation
from cogov.sim.mechanisms.evaluation import Evaluation, occurrence_rank
from cogov.sim.mechanisms.resources import Resources, plan_resources
from cogov.sim.mechanisms.service import Service
from cogov.sim.mechanisms.volunteering import Volunteering
from cogov.sim.organisations import CoBuildingUnits, OwnersCommittees, PropertyCompanies, SocialOrganisations
from cogov.sim.organisations.party import COMPANY, COMPOUND, GRID


def _layout(committee: tuple[bool, ...] = (True, False), company: tuple[bool, ...] = (True, False)) -> Layout:
    n = len(committee)
    return Layout(width=n, height=1, building_xy=np.array([[i, 0] for i in range(n)]), building_compound=np.arange(n),
                  building_grid=np.zeros(n, dtype=np.int64), compound_type=np.zeros(n, dtype=np.int64),
                  has_property=np.array(company), has_owners_committee=np.array(committee),
                  has_party_branch=np.ones(n, dtype=bool), household_building=np.arange(n))


def _evaluation(hh, table, cfg=None, social=None, tally=None):
    return Evaluation(cfg or config(), hh, table, tally if tally is not None else counters(),
                      social if social is not None else SocialOrganisations(), int(hh.building.max()) + 1)


def _agreement(hh, table, cfg, layout=None, committees=None, party=None, companies=None, handled=None, tally=None):
    layout = layout or _layout((False,), (False,))
    handled = handled or Handled()
    company_of_compound = companies if companies is not None else np.full(layout.n_compounds, -1)
    return Agreement(cfg, layout, committees or OwnersCommittees(), party or branches(), company_of_compound, hh, table,
                     tally if tally is not None else counters(), np.random.default_rng(3), handled.dispatcher(table))


# ----------------------------------------------------------------------------------------- arrival
def test_arrival_places_issues_by_rate_and_sets_their_work():
    hh = households(6, compound_type=[0, 0, 0, 4, 4, 4])  # commercial vs three-no
    cfg = config(issues__rate_per_household_year=40.0, issues__effort_sigma=0.0,
                 issues__rate_by_compound_type__commercial=1.0, issues__rate_by_compound_type__three_no=9.0)
    table, tally = IssueTable(), counters()
    arrival = Arrival(cfg.issues, hh, table, tally, np.random.default_rng(1))
    for day in range(1, 366):
        arrival.step(day)
    n = len(table)
    assert tally["arisen"] == n > 1000
    share_three_no = np.mean(table.household[:n] >= 3)
    assert share_three_no == pytest.approx(0.9, abs=0.03)  # 9 : 1 by rate
    category, severity = table.category[:n], table.severity[:n]
    median = np.asarray(cfg.issues.effort_hours.as_tuple())[category]
    assert np.array_equal(table.work_left[:n], median * (cfg.issues.effort_severity_base + severity))
    property_like = np.isin(category, [CATEGORIES.index(c) for c in ("property_maintenance", "environment", "parking")])
    assert not table.collective[:n][~property_like].any()
    assert table.collective[:n][property_like].mean() == pytest.approx(cfg.issues.collective_share, abs=0.04)
    assert (table.state[:n] == State.LATENT).all()


def test_arrival_draws_the_numbers_of_its_draws_one_by_one():
    """Arrival.draw makes its three uniform draws in one call and picks categories from them as
    ``Generator.choice(p=...)`` does: the numbers of the draws made one by one (the goldens rest on them)."""
    hh = households(400, compound_type=[0, 4] * 200)
    cfg = config(issues__rate_per_household_year=50.0)
    for seed in range(30):
        arrival = Arrival(cfg.issues, hh, IssueTable(), counters(), np.random.default_rng(seed))
        count, household, category, share, severity, spread = arrival.draw()
        rng = np.random.default_rng(seed)
        assert count == rng.poisson(arrival.total_rate) > 0
        place = np.searchsorted(arrival.cumulative_rate, rng.random(count) * arrival.total_rate, side="right")
        assert np.array_equal(household, np.minimum(place, hh.size - 1))
        assert np.array_equal(category, rng.choice(len(CATEGORIES), size=count, p=arrival.category_probabilities))
        assert np.array_equal(share, rng.random(count))
        assert np.array_equal(severity, beta_with_mean(rng, cfg.issues.severity_mean, cfg.issues.severity_concentration,
                                                       count))
        assert np.array_equal(spread, rng.lognormal(0.0, cfg.issues.effort_sigma, count))


# ---------------------------------------------------------------------------------------- dispatch
def test_routing_in_the_grid_follows_the_rules():
    hh = households(1)
    table = issues_for(hh, [{"category": MAINTENANCE}, {"category": PARKING}, {"category": CARE}, {"category": SAFETY}])
    rows = np.arange(4)
    with_company = Handled(company=True, specialist=True)
    handler = with_company.dispatcher(table).route_in_grid(rows)
    grid = with_company.handling.grid_handlers[0]
    assert handler.tolist() == [with_company.company, with_company.company, with_company.specialist, grid]

    without = Handled(company=False, specialist=False)
    handler = without.dispatcher(table).route_in_grid(rows)
    assert handler.tolist() == [without.handling.community_handler, without.handling.grid_handlers[0],
                                without.handling.grid_handlers[0], without.handling.grid_handlers[0]]

    community_first = without.dispatcher(table, grid_first=False).route_in_grid(rows)
    assert community_first[3] == without.handling.community_handler  # 'small matters stay in the grid' off


def test_a_busy_specialist_is_passed_over():
    hh = households(1)
    table = issues_for(hh, [{"category": CARE}, {"category": CARE}])
    handled = Handled(specialist=True)
    dispatcher = handled.dispatcher(table, max_wait=5.0)
    table.state[0], table.handler[0], table.work_left[0] = State.QUEUED, handled.specialist, 60.0
    handled.handlers.capacity[handled.specialist] = 2.0  # 30 days of queued work
    assert dispatcher.route_in_grid(np.array([1]))[0] == handled.handling.grid_handlers[0]
    handled.handlers.capacity[handled.specialist] = 20.0  # 3 days
    assert dispatcher.route_in_grid(np.array([1]))[0] == handled.specialist


def test_dispatch_queues_at_the_level_asked():
    hh = households(1)
    table = issues_for(hh, [{}, {}, {}])
    handled = Handled()
    handled.dispatcher(table).dispatch(np.arange(3), day=4, level=np.array([Level.GRID, Level.COMMUNITY, Level.STREET]))
    assert table.handler[:3].tolist() == [handled.handling.grid_handlers[0], handled.handling.community_handler,
                                          handled.handling.street_handler]
    assert table.level[:3].tolist() == [Level.GRID, Level.COMMUNITY, Level.STREET]
    assert (table.state[:3] == State.QUEUED).all() and (table.queued[:3] == 4).all()


# --------------------------------------------------------------------------------------- discovery
def _discovery(hh, table, cfg, patrol=0.0, steward=False):
    handled = Handled()
    dispatcher = handled.dispatcher(table)
    agreement = Agreement(cfg, _layout((False,), (False,)), OwnersCommittees(), branches(), np.full(1, -1), hh, table,
                          counters(), np.random.default_rng(3), dispatcher)
    resources = SimpleNamespace(patrol_probability=np.full(1, patrol))
    party = no_party(steward_motivation=1.0 if steward else 0.0)
    return Discovery(cfg, hh, 1, table, counters(), np.random.default_rng(2), resources, agreement, dispatcher,
                     party), handled


@pytest.mark.parametrize("hotline", [True, False])
def test_certain_reports_go_through_the_hotline_or_directly(hotline):
    hh = households(4)
    table = issues_for(hh, [{"household": i} for i in range(4)])
    cfg = config(behaviour__participation__report_intercept=5.0, behaviour__participation__report_severity=20.0,
                 levers__hotline__enabled=hotline, levers__hotline__share_of_reports=1.0)
    discovery, handled = _discovery(hh, table, cfg)
    discovery.step(3)
    expected = Channel.HOTLINE if hotline else Channel.RESIDENT
    assert (table.channel[:4] == expected).all() and (table.found[:4] == 3).all()
    assert (table.hotline_since[:4] == (3 if hotline else NEVER)).all()
    assert (table.state[:4] == State.QUEUED).all() and (table.handler[:4] == handled.handling.grid_handlers[0]).all()
    assert discovery.counters["found"] == 4


def test_unreported_issues_are_found_by_patrols_else_by_stewards_else_not():
    cfg = config(behaviour__participation__report_intercept=-20.0)
    for patrol, steward, expected in ((1.0, True, Channel.PATROL), (0.0, True, Channel.STEWARD),
                                      (0.0, False, Channel.UNFOUND)):
        hh = households(3)
        table = issues_for(hh, [{"household": i} for i in range(3)])
        discovery, _ = _discovery(hh, table, config(behaviour__participation__report_intercept=-20.0,
                                                    service__steward_detection=1.0), patrol, steward)
        discovery.step(1)
        assert (table.channel[:3] == expected).all(), (patrol, steward)
        assert ((table.state[:3] == State.LATENT) == (expected == Channel.UNFOUND)).all()
    assert cfg.behaviour.participation.report_intercept == -20.0


def test_found_collective_issues_wait_for_agreement():
    hh = households(2)
    table = issues_for(hh, [{"category": PARKING, "collective": True}, {"category": PARKING}])
    discovery, _ = _discovery(hh, table, config(behaviour__participation__report_intercept=5.0,
                                                behaviour__participation__report_severity=20.0))
    discovery.step(2)
    assert table.state[0] == State.AGREEMENT and table.agreement_since[0] == 2 and 0 < table.gap[0] < 1
    assert table.state[1] == State.QUEUED


def test_reporting_falls_with_age_cost():
    """The same issue is reported less often by a group with a higher reporting cost (Kontokosta & Hong 2021)."""
    hh = households(2, age_group=[0, 1])
    cfg = config(behaviour__participation__report_age_cost=[3.0, 0.0, 0.0])
    found = np.zeros(2)
    for seed in range(300):
        table = issues_for(hh, [{"household": 0}, {"household": 1}])
        discovery, _ = _discovery(hh, table, cfg)
        discovery.rng = np.random.default_rng(seed)
        discovery.step(1)
        found += table.channel[:2] != Channel.UNFOUND
    assert found[0] < found[1]


# --------------------------------------------------------------------------------------- agreement
def test_meeting_intervals_follow_who_convenes():
    layout = _layout(committee=(True, False, False), company=(True, False, False))
    committees = OwnersCommittees()
    committees.add(0, 0.25)
    hh = households(3, compound=[0, 1, 2])
    party = branches({(COMPOUND, 1): 0.75})
    base = _agreement(hh, IssueTable(), config(), layout, committees, party)
    # committee of activeness 0.25: 30 × 0.5 / 0.25; a branch of strength 0.75 convenes every 20 days; assemblies
    assert base.meeting_intervals().tolist() == [60, 20, 90]
    linked = _agreement(hh, IssueTable(), config(levers__three_party_linkage__enabled=True), layout, committees, party)
    assert linked.meeting_intervals().tolist() == [14, 14, 14]


def test_trust_widens_the_confidence_bound():
    layout = _layout((False, False), (False, False))
    hh = households(4, compound=[0, 0, 1, 1], trust=[0.9, 0.9, 0.1, 0.1])
    agreement = _agreement(hh, IssueTable(), config(), layout)
    assert agreement.confidence() == pytest.approx([0.25 + 0.3 * 0.4, 0.25 - 0.3 * 0.4])
    off = _agreement(hh, IssueTable(), config(links__trust_to_cooperation=0.0), layout)
    assert off.confidence() == pytest.approx([0.25, 0.25])


def test_brokers_are_the_strongest_party_organisation_at_the_talks():
    layout = _layout((True, False), (True, True))
    committees = OwnersCommittees()
    committees.add(0, 0.5)
    hh = households(2, compound=[0, 1])
    party = branches({(GRID, 0): 0.3, (COMPANY, 1): 0.6}, community=0.9)
    companies = np.array([0, 1])  # compound -> company row
    plain = _agreement(hh, IssueTable(), config(), layout, committees, party, companies)
    assert plain.brokers().tolist() == [0.0, 0.6]  # only company 1 has a party organisation
    crossed = _agreement(hh, IssueTable(), config(levers__cross_appointment__party_owners_committee=True), layout,
                         committees, party, companies)
    assert crossed.brokers().tolist() == [0.3, 0.6]  # the grid branch's secretary sits on compound 0's committee
    council = _agreement(hh, IssueTable(), config(levers__deliberation_council__enabled=True), layout, committees,
                         party, companies)
    assert council.brokers().tolist() == [0.9, 0.9]  # the community party organisation


def test_a_mediated_meeting_reaches_twice_as_far():
    """Parties 0.4 apart harden on their own (bound 0.25) but move with a mediator proposing the midpoint."""
    hh = households(1)
    cfg = config(behaviour__bargaining__information_share=0.0)
    outcomes = {}
    for strength in (0.0, 1.0):
        table = issues_for(hh, [{"category": PARKING, "collective": True}])
        # the compound branch convenes every 30 × 0.5 / strength days (15 at strength 1; assemblies every 90 at 0)
        agreement = _agreement(hh, table, cfg, party=branches({(COMPOUND, 0): strength}) if strength else branches())
        agreement.open(np.array([0]), day=0)
        table.gap[0] = 0.4
        agreement.step(15 if strength else 90)
        outcomes[strength] = table.gap[0]
    assert outcomes[0.0] == pytest.approx(0.43) and outcomes[1.0] == pytest.approx(0.4 * (1 - 2 * 0.3))


def test_meetings_narrow_the_gap_until_agreement_and_stalls_count_once():
    hh = households(1)
    table = issues_for(hh, [{"category": PARKING, "collective": True}, {"category": PARKING, "collective": True}])
    tally = counters()
    cfg = config(behaviour__bargaining__stalemate_days=40, behaviour__bargaining__assembly_meeting_days=10,
                 behaviour__bargaining__information_share=0.0)
    agreement = _agreement(hh, table, cfg, tally=tally)
    agreement.open(np.array([0, 1]), day=0)
    table.gap[:2] = [0.2, 0.9]  # within and far beyond the confidence bound 0.25
    agreement.step(10)
    assert table.gap[0] == pytest.approx(0.2 * (1 - 2 * 0.3)) and table.gap[1] == pytest.approx(0.93)
    agreement.step(20)  # 0.08 -> 0.032 < 0.08: agreed
    assert table.state[0] == State.QUEUED and table.state[1] == State.AGREEMENT
    for day in range(21, 100):
        agreement.step(day)
    assert tally["stalemates"] == 1 and table.stalemate[1]


def test_a_broker_clears_the_informational_part_of_the_gap():
    hh = households(1)
    cfg = config(behaviour__bargaining__information_share=0.5, links__broker_information=1.0)
    table = issues_for(hh, [{"category": PARKING, "collective": True}])
    agreement = _agreement(hh, table, cfg, party=branches({(COMPOUND, 0): 1.0}))
    agreement.open(np.array([0]), day=0)
    table.gap[0], table.gap_info[0] = 0.8, 0.4
    agreement.step(15)
    # the informational half goes (0.8 -> 0.4); 0.4 < 2 × 0.25, so both then move: 0.4 × (1 - 0.6)
    assert table.gap[0] == pytest.approx(0.16) and table.gap_info[0] == pytest.approx(0.0)


def test_council_meetings_build_the_residents_trust_and_ties():
    hh = households(2, trust=[0.5, 0.5], ties=[0.3, 0.3])
    table = issues_for(hh, [{"household": 0, "category": PARKING, "collective": True}])
    agreement = _agreement(hh, table, config(levers__deliberation_council__enabled=True))
    agreement.open(np.array([0]), day=0)
    table.gap[0] = 0.9
    agreement.step(30)
    assert hh.trust[0] == pytest.approx(0.5 + 0.02 * 0.5) and hh.trust[1] == 0.5
    assert hh.ties[0] == pytest.approx(0.3 + 0.03 * 0.7)


def test_the_street_mediates_a_collective_issue_called_in_to_12345():
    hh = households(1, trust=[0.5])
    table = issues_for(hh, [{"category": PARKING, "collective": True}])
    handled = Handled()
    cfg = config(levers__hotline__deadline_days=3, levers__hotline__street_mediation=1.0,
                 behaviour__bargaining__information_share=0.0)
    agreement = _agreement(hh, table, cfg, handled=handled)
    agreement.open(np.array([0]), day=0)
    table.found[0], table.hotline_since[0], table.gap[0] = 0, 0, 0.4
    Escalation(cfg, hh, table, counters(), handled.dispatcher(table)).step(4)
    assert table.state[0] == State.AGREEMENT and table.street_mediated[0]  # not queued at the street
    agreement.step(6)  # the street meets every 3 days and mediates: 0.4 < 0.5
    assert table.gap[0] == pytest.approx(0.4 * (1 - 2 * 0.3))


# -------------------------------------------------------------------------------------- escalation
def test_overdue_issues_climb_one_level_and_hotline_cases_go_to_the_street():
    hh = households(2, trust=[0.9, 0.9])
    table = issues_for(hh, [{"household": 0}, {"household": 1}])
    handled = Handled()
    tally = counters()
    cfg = config(levers__escalation__grid_days=5, levers__hotline__deadline_days=3)
    dispatcher = handled.dispatcher(table)
    dispatcher.dispatch(np.array([0, 1]), 0, Level.GRID)
    table.found[:2] = 0
    table.hotline_since[1] = 0
    escalation = Escalation(cfg, hh, table, tally, dispatcher)
    escalation.step(4)  # hotline case overdue (4 > 3): straight to the street
    assert table.level[1] == Level.STREET and table.level[0] == Level.GRID
    escalation.step(6)  # grid deadline passed (6 > 5): one level up
    assert table.level[0] == Level.COMMUNITY
    assert tally["escalated"] == 2 and table.escalations[:2].tolist() == [1, 1]


def test_the_aggrieved_call_the_hotline_the_trusting_do_not():
    hh = households(2, trust=[0.0, 1.0])
    table = issues_for(hh, [{"household": 0, "severity": 1.0}, {"household": 1, "severity": 1.0}])
    handled = Handled()
    dispatcher = handled.dispatcher(table)
    dispatcher.dispatch(np.array([0, 1]), 0, Level.GRID)
    table.found[:2] = 0
    escalation = Escalation(config(levers__escalation__grid_days=365), hh, table, counters(), dispatcher)
    escalation.step(100)
    assert table.hotline_since[0] == 100 and table.hotline_since[1] == NEVER
    assert escalation.counters["hotline_calls"] == 1


# ------------------------------------------------------------------------ abandonment and service
def test_abandoned_issues_close_unresolved_and_deliver_nothing():
    hh = households(2)
    table = issues_for(hh, [{"household": 0}, {"household": 1}])
    Handled().dispatcher(table).dispatch(np.array([0, 1]), 0, Level.GRID)
    table.found[:2] = 0
    tally = counters()
    evaluation = _evaluation(hh, table, tally=tally)
    Abandonment(config(behaviour__grievance__patience_days=0.5).behaviour.grievance, table, tally,
                np.random.default_rng(0), evaluation).step(3)
    assert (table.state[:2] == State.UNRESOLVED).all() and table.abandoned[:2].all()
    assert (table.evaluation[:2] == 0).all() and tally["abandoned"] == 2 and tally["on_time"] == 0
    assert (hh.trust[:2] < 0.5).all()


def test_service_spends_hours_in_order_and_fixes_by_quality():
    hh = households(3)
    table = issues_for(hh, [{"household": i, "category": MAINTENANCE if i == 2 else SAFETY} for i in range(3)])
    handled = Handled()
    handled.dispatcher(table).dispatch(np.arange(3), 0, Level.GRID)  # maintenance without company -> community
    table.work_left[:3] = [2.0, 3.0, 1.0]
    table.found[:3] = 0
    handled.handlers.quality[:] = 1.0
    handled.handlers.capacity[handled.handling.grid_handlers[0]] = 2.5  # enough for the first only
    handled.handlers.capacity[handled.handling.community_handler] = 5.0
    cfg = config(service__rework_probability=0.0)
    service = _service(cfg, table, handled, hh)
    service.step(1)
    # quality 1 fixes: no company serves the compound, but the fix is as good (version 3: no multiplier)
    assert table.state[:3].tolist() == [State.RESOLVED, State.QUEUED, State.RESOLVED]
    assert table.work_left[1] == pytest.approx(2.5)
    assert handled.handlers.hours_used[handled.handling.grid_handlers[0]] == pytest.approx(2.5)


def _service(cfg, table, handled, hh, tally=None):
    tally = tally if tally is not None else counters()
    return Service(cfg.service, table, handled.handlers, np.random.default_rng(0),
                   _evaluation(hh, table, cfg, tally=tally), handled.dispatcher(table), tally)


def test_a_rejected_failed_fix_is_redone_one_level_up_until_the_limit():
    hh = households(1, trust=[0.5])
    table = issues_for(hh, [{"category": SAFETY}])
    handled = Handled()
    handled.dispatcher(table).dispatch(np.array([0]), 0, Level.GRID)
    table.found[0], table.effort[0], table.work_left[0] = 0, 2.0, 2.0
    handled.handlers.quality[:] = 0.0  # nobody fixes it
    handled.handlers.capacity[:] = 10.0
    tally = counters()
    cfg = config(service__rework_probability=1.0, service__max_reworks=2)
    service = _service(cfg, table, handled, hh, tally)
    service.step(1)
    assert table.state[0] == State.QUEUED and table.level[0] == Level.COMMUNITY and table.reworks[0] == 1
    assert table.work_left[0] == 2.0 and hh.trust[0] < 0.5  # redone from scratch; the failure was felt
    service.step(2)
    assert table.level[0] == Level.STREET and table.reworks[0] == 2
    service.step(3)
    assert table.state[0] == State.UNRESOLVED and tally["reworked"] == 2 and tally["unresolved"] == 1
    assert tally["escalated"] == 1  # escalated at least once


# --------------------------------------------------------------------------------------- evaluation
def test_occurrence_rank_counts_earlier_equal_keys():
    assert occurrence_rank(np.array([3, 1, 3, 3, 2, 1])).tolist() == [0, 0, 1, 2, 0, 1]
    assert occurrence_rank(np.array([], dtype=np.int64)).tolist() == []


def test_a_household_closing_several_issues_is_updated_once_per_issue_in_order():
    hh = households(3, trust=[0.4, 0.5, 0.6])
    households_of_rows = [0, 1, 0, 2, 0]
    table = issues_for(hh, [{"household": h, "collective": i == 3} for i, h in enumerate(households_of_rows)])
    table.found[:5] = [0, 1, 2, 3, 4]
    fixed = np.array([True, False, True, True, False])
    cfg = config()
    expected = households(3, trust=[0.4, 0.5, 0.6])
    sat, trust = cfg.behaviour.satisfaction, cfg.behaviour.trust
    for row, h in enumerate(households_of_rows):  # the reference: a plain loop over closed issues
        days = 10.0 - table.found[row]
        p = min(1.0, max(0.0, sat.outcome_weight * fixed[row] + (1 - sat.outcome_weight) * np.exp(-days / sat.timeliness_days)))
        e, s, t = expected.expectation[h], expected.satisfaction[h], expected.trust[h]
        episode = min(1.0, max(0.0, sat.intercept + sat.performance * p + sat.disconfirmation * (p - e)))
        expected.expectation[h] = e + sat.expectation_rate * (p - e)
        expected.satisfaction[h] = s + sat.update_rate * (episode - s)
        expected.trust[h] = t + (trust.up_rate if p >= t else trust.down_rate) * (p - t)
    tally = counters()
    _evaluation(hh, table, cfg, tally=tally).evaluate(np.arange(5), fixed, 10)
    for column in ("expectation", "satisfaction", "trust"):
        assert getattr(hh, column) == pytest.approx(getattr(expected, column), abs=1e-12)
    assert (tally["resolved"], tally["unresolved"], tally["resolve_days"]) == (3, 2, 10 + 8 + 7)
    assert tally["on_time"] == 5 and tally["resolved_in_grid"] == 3


def test_neighbours_hear_of_an_episode_by_word_of_mouth():
    hh = households(4, building=[0, 0, 0, 1], satisfaction=[0.5] * 4, trust=[0.5] * 4, expectation=[0.5] * 4)
    table = issues_for(hh, [{"household": 0}])
    table.found[0] = 9
    evaluation = _evaluation(hh, table)
    evaluation.evaluate(np.array([0]), np.array([True]), 10)
    sat = config().behaviour.satisfaction
    p = sat.outcome_weight + (1 - sat.outcome_weight) * np.exp(-1 / sat.timeliness_days)
    episode = sat.intercept + sat.performance * p + sat.disconfirmation * (p - 0.5)
    heard = 0.5 + sat.word_of_mouth * sat.update_rate * (episode - 0.5)
    assert hh.satisfaction[1:3] == pytest.approx([heard, heard])  # the building's other households
    assert hh.satisfaction[3] == 0.5  # another building hears nothing
    assert hh.satisfaction[0] == pytest.approx(0.5 + sat.update_rate * (episode - 0.5))  # once, not twice
    rows, performance = evaluation.take_today()
    assert rows.tolist() == [0] and performance == pytest.approx([p]) and len(evaluation.take_today()[0]) == 0


def test_social_organisations_record_their_cases_only():
    social = SocialOrganisations()
    social.add(handler=4, specialties=("care",))
    social.add(handler=6, specialties=("dispute", "environment"))
    social.record_cases(np.array([4, -1, 6, 0, 4, 7]), np.array([0.5, 0.9, 0.25, 0.8, 0.75, 0.1]))
    assert social.cases.tolist() == [2, 1] and social.evaluation_sum.tolist() == [1.25, 0.25]
    assert {k: v.tolist() for k, v in social.specialists().items()} == {
        CATEGORIES.index("care"): [4], CATEGORIES.index("dispute"): [6], CATEGORIES.index("environment"): [6]}


# -------------------------------------------------------------------------------------------- drift
def test_open_issues_drag_and_memory_settles_towards_expectation():
    hh = households(3, compound=[0, 0, 1])
    table = issues_for(hh, [{"household": 0, "severity": 0.5, "collective": True}, {"household": 2, "day": 9}])
    cfg = config()
    sat = cfg.behaviour.satisfaction
    SatisfactionDrift(sat, hh, table, 2).step(10)  # the first issue is older than a week, the second is not
    own = sat.open_issue_drag * (0.5 + sat.collective_drag_share * 0.5)
    shared = sat.open_issue_drag * sat.collective_drag_share * 0.5
    settled = sat.disposition_weight * 0.6 + (1 - sat.disposition_weight) * (sat.intercept + sat.performance * 0.6)
    for i, drag in enumerate((own, shared, 0.0)):
        expected = 0.6 - drag + sat.recovery_rate * (settled - (0.6 - drag))
        assert hh.satisfaction[i] == pytest.approx(expected, abs=1e-12)
    high = households(1, satisfaction=[0.9], baseline_satisfaction=[0.9], expectation=[0.2])
    for day in range(1, 5000):
        SatisfactionDrift(sat, high, IssueTable(), 1).step(day)
    # settles at the mix of disposition and what a resident expecting 0.2 would feel
    assert high.satisfaction[0] == pytest.approx(sat.disposition_weight * 0.9 + (1 - sat.disposition_weight)
                                                 * (sat.intercept + sat.performance * 0.2), abs=1e-6)


# ------------------------------------------------------------------------------------- volunteering
def _volunteering(cfg, hh, n_grids=1, seed=0, asks=never_asked):
    return Volunteering(cfg, hh, int(hh.building.max()) + 1, n_grids, np.random.default_rng(seed), asks, Ledger())


def test_volunteers_who_surely_serve_earn_hours_points_rewards_ties_and_trust():
    hh = households(4, grid=[0, 0, 1, 1], motivation=[1.0] * 4, ties=[0.3] * 4, trust=[0.5] * 4)
    cfg = config(behaviour__participation__volunteer_intercept=5.0, behaviour__participation__volunteer_motivation=20.0,
                 levers__volunteer_incentives__points_per_hour=10.0, levers__volunteer_incentives__cny_per_point=0.5)
    volunteering = _volunteering(cfg, hh, n_grids=2)
    hours = volunteering.step(7)
    session = cfg.behaviour.participation.session_hours
    assert hours.tolist() == [2 * session, 2 * session]
    assert (hh.hours == session).all() and (hh.points == 10 * session).all() and (hh.last_served == 7).all()
    assert volunteering.reward_paid == pytest.approx(4 * session * 10 * 0.5)
    assert volunteering.ledger.by_item()["volunteer_points"] == pytest.approx(volunteering.reward_paid)
    links = cfg.links
    assert hh.ties == pytest.approx([0.3 + links.participation_to_ties * 0.7] * 4)
    assert hh.trust == pytest.approx([0.5 + links.participation_to_trust * 0.5] * 4)


def test_the_run_starts_with_a_history_of_sessions():
    hh = households(2000, motivation=[0.5] * 2000)
    _volunteering(config(), hh)
    recent = (hh.last_served > -30) & (hh.last_served <= 0)
    p = logistic(config().behaviour.participation.volunteer_intercept + 2.5 * 0.5 - 1.0 - 0.3)
    assert recent.mean() == pytest.approx(1 - (1 - p) ** 30, abs=0.03)  # the 30-day share of the stationary choice


def test_unmonitored_members_lose_motivation_followed_up_or_non_members_do_not():
    hh = households(4, member_type=[1, 2, 0, 0], motivation=[0.5] * 4)
    cfg = config(behaviour__participation__volunteer_intercept=-20.0)
    _volunteering(cfg, hh).step(1)
    decay = cfg.behaviour.motivation.unmonitored_decay
    assert hh.motivation.tolist() == pytest.approx([0.5 - decay, 0.5 - decay, 0.5, 0.5])
    hh.motivation[:] = 0.5
    hh.monitored_until[:] = [5, NEVER, NEVER, NEVER]  # member 0 attended organisational life recently
    _volunteering(cfg, hh).step(2)
    assert hh.motivation.tolist() == pytest.approx([0.5, 0.5 - decay, 0.5, 0.5])


def test_being_asked_trust_and_age_enter_the_choice():
    def hours(seed=5, asks=never_asked, **overrides):
        hh = households(600, motivation=[0.5] * 600, **overrides)
        volunteering = _volunteering(config(), hh, seed=seed, asks=asks)
        return sum(volunteering.step(d).sum() for d in range(1, 31))

    base = hours()
    assert hours(asks=lambda eligible: np.ones(len(eligible), dtype=bool)) > 1.5 * base  # L2
    assert hours(trust=[0.9] * 600) > 1.2 * base > 1.2 * hours(trust=[0.1] * 600)  # L13
    assert hours(age_group=[2] * 600) > 1.2 * hours(age_group=[0] * 600)  # the elderly take part, the young rarely


def test_social_influence_counts_the_other_recent_volunteers_of_the_building():
    hh = households(4)
    volunteering = _volunteering(config(), hh)
    hh.last_served[:] = [9, 8, NEVER, NEVER]
    assert volunteering.neighbours_recent_share(10).tolist() == pytest.approx([1 / 3, 1 / 3, 2 / 3, 2 / 3])
    assert volunteering.neighbours_recent_share(100).tolist() == [0, 0, 0, 0]  # outside the 30-day window


def test_points_make_serving_more_likely():
    hh = households(400, motivation=[0.5] * 400)
    plain = _volunteering(config(), hh, seed=5)
    plain_hours = sum(plain.step(d).sum() for d in range(1, 31))
    hh2 = households(400, motivation=[0.5] * 400)
    points = _volunteering(config(levers__volunteer_incentives__points_per_hour=20.0), hh2, seed=5)
    point_hours = sum(points.step(d).sum() for d in range(1, 31))
    assert point_hours > plain_hours * 1.2


# ---------------------------------------------------------------------------------------- resources
def test_daily_hours_follow_the_plan_volunteers_branches_and_fees():
    hh = households(6, grid=[0, 0, 0, 1, 1, 1], secretary=[True, False, False, False, False, False])
    cfg = config()
    plan = plan_resources(cfg, 2)
    handled = Handled(n_grids=2)
    companies = PropertyCompanies(handled.handlers)
    companies.add(0, handled.handlers.add(3, Level.GRID, 0.0), staff=2.0, quality=0.8, has_party_organisation=False)
    companies.collection_rate[0] = 0.5
    social = SocialOrganisations()
    social.add(handled.handlers.add(4, Level.GRID, 0.8), ("care",))
    units = CoBuildingUnits()
    units.add("school", 0, staff_hours_per_week=14.0, money_cny_per_year=36_500.0, venue=True, commitment=0.5)
    units.set_posts(cfg.organisations.co_building, cfg.levers.lists_matching, bound=False)
    ledger = Ledger()
    resources = Resources(cfg, plan, handled.handlers, handled.handling, hh, companies, social, units,
                          lambda: np.array([0.5, 0.0]), lambda: 3.0, ledger)
    resources.step(np.array([4.0, 0.0]))
    capacity = handled.handlers.capacity
    patrol = cfg.levers.grid.patrol_share
    secretary = np.array([0.5, 0.0]) * cfg.service.secretary_hours_per_day  # in proportion to the branch's strength
    staff = plan.full_time_hours_per_grid + plan.part_time_hours_per_grid + secretary
    expected_grid = (1 - patrol) * (staff + cfg.service.volunteer_work_efficiency * np.array([4.0, 0.0]))
    assert capacity[handled.handling.grid_handlers] == pytest.approx(expected_grid)
    people = units.post_share[0]  # a school asked without lists or committee: the unposted people share
    assert people == pytest.approx(cfg.organisations.co_building.people_share)
    unit_hours = 14.0 / 7 * 0.5 * people * cfg.levers.lists_matching.unmatched_efficiency
    unit_money = 36_500.0 / 365 * 0.5 * (1 - people)
    assert capacity[handled.handling.community_handler] == pytest.approx(
        plan.staff_hours_community + plan.fee_follows_task_hours + plan.repairs_hours + unit_hours
        + unit_money / cfg.costs.repair_cny_per_hour + 3.0)
    assert (units.hours_given, units.money_given) == pytest.approx((unit_hours, unit_money))
    assert capacity[companies.handler[0]] == pytest.approx(2.0 * cfg.service.work_hours_per_day * 0.5)
    assert capacity[social.handler[0]] == pytest.approx(cfg.service.social_org_base_hours_per_day + plan.purchased_hours_per_org)
    visits = patrol * (staff + np.array([4.0, 0.0])) * cfg.service.patrol_visits_per_hour / 3
    assert resources.patrol_probability == pytest.approx(np.minimum(1, visits) * cfg.service.patrol_detection)
    assert ledger.by_item() == pytest.approx({"funds_and_salaries": plan.public_cost_per_day})
    assert ledger.by_item("co_building_units") == pytest.approx({"co_building_money": unit_money})


# ----------------------------------------------------------------------------------- property companies
def test_fees_follow_owners_satisfaction_and_quality_follows_fees():
    hh = households(4, compound=[0, 0, 1, 1], owner=[True, True, True, False], satisfaction=[0.2, 0.6, 1.0, 0.0])
    handlers = Handlers()
    companies = PropertyCompanies(handlers)
    for c in (0, 1):
        companies.add(c, handlers.add(3, Level.GRID, 0.0), staff=1.0, quality=0.5, has_party_organisation=False)
    params = config().organisations.property
    companies.update(hh, 2, 0.5, params, fees_to_quality=1.0, drift=np.zeros(2))
    assert companies.collection_rate.tolist() == pytest.approx([0.5 + 0.5 * 0.4, 1.0])  # tenants do not pay
    financed = 0.5 * (1 + (companies.collection_rate - params.reference_collection_rate))
    assert companies.quality == pytest.approx(0.5 + params.adjustment_rate * (financed - 0.5))
    before = companies.quality.copy()
    companies.update(hh, 2, 0.5, params, fees_to_quality=0.0, drift=np.array([0.1, 0.0]))
    assert companies.quality == pytest.approx(before + params.adjustment_rate * (0.5 - before) - [0.1, 0.0])


def test_rated_companies_improve_and_persistent_poor_ones_are_replaced():
    handlers = Handlers()
    companies = PropertyCompanies(handlers)
    companies.add(0, handlers.add(3, Level.GRID, 0.0), staff=1.0, quality=0.5, has_party_organisation=False)
    rating = config(levers__property_rating__strikes_to_replace=2).levers.property_rating
    rng = np.random.default_rng(0)
    companies.review(0, 0.5, rating, rng, (0.6, 0.95), 30)  # 1 + floor(2.5) = 3 stars: improves
    assert companies.stars[0] == 3 and companies.quality[0] == pytest.approx(0.5 + 0.04 * 2 / 4)
    assert companies.last_review[0] == 30
    companies.review(0, 0.1, rating, rng, (0.6, 0.95), 60)  # 1 star: a strike
    companies.review(0, 0.1, rating, rng, (0.6, 0.95), 90)  # second strike: replaced
    assert companies.replacements[0] == 1 and companies.strikes[0] == 0 and companies.stars[0] == 3
    assert 0.6 <= companies.quality[0] <= 0.95 and companies.standard[0] == companies.quality[0]


def test_an_accountability_review_improves_without_strikes():
    handlers = Handlers()
    companies = PropertyCompanies(handlers)
    companies.add(0, handlers.add(3, Level.GRID, 0.0), staff=1.0, quality=0.5, has_party_organisation=True)
    rating = config().levers.property_rating
    for day in (90, 180, 270):
        companies.account(0, 0.1, rating, day)  # 1 star each time
    assert companies.quality[0] == pytest.approx(0.5 + 3 * 0.04) and companies.strikes[0] == 0
    assert companies.replacements[0] == 0 and companies.last_review[0] == 270


# ----------------------------------------------------------------------------------------- co-building
def test_co_building_units_give_when_engaged_in_order_and_keep_the_totals():
    units = CoBuildingUnits()
    for commitment in (0.1, 0.2, 0.3):
        units.add("firm", 0, staff_hours_per_week=7.0, money_cny_per_year=365.0, venue=False, commitment=commitment)
    cfg = config()
    units.set_posts(cfg.organisations.co_building, cfg.levers.lists_matching, bound=False)
    units.engaged[:] = [True, True, False]
    hours, money = units.give_today()
    share, efficiency = cfg.organisations.co_building.people_share, cfg.levers.lists_matching.unmatched_efficiency
    assert hours == pytest.approx((0.1 + 0.2) * share * efficiency) and money == pytest.approx(0.3 * (1 - share))
    units.give_today()
    assert units.hours_given == pytest.approx(2 * hours) and units.money_given == pytest.approx(2 * money)


def test_posts_turn_money_into_people():
    cfg = config()
    params = cfg.organisations.co_building
    units = CoBuildingUnits()
    for kind in ("school", "firm"):
        units.add(kind, 0, staff_hours_per_week=7.0, money_cny_per_year=365.0, venue=False, commitment=0.5)
    units.set_posts(params, cfg.levers.lists_matching, bound=False)
    assert units.post_share == pytest.approx([params.people_share] * 2)
    units.set_posts(params, config(levers__lists_matching__enabled=True).levers.lists_matching, bound=False)
    school, firm = params.listed_need_match.school, params.listed_need_match.firm
    assert units.post_share == pytest.approx([1 - (1 - params.people_share) * (1 - school),
                                              1 - (1 - params.people_share) * (1 - firm)])
    units.set_posts(params, cfg.levers.lists_matching, bound=True)
    assert units.post_share == pytest.approx([1 - (1 - params.people_share) * (1 - params.official_post_share)] * 2)


def test_asked_units_engage_and_the_others_drift_away():
    units = CoBuildingUnits()
    for _ in range(2):
        units.add("agency", 0, staff_hours_per_week=7.0, money_cny_per_year=365.0, venue=False, commitment=0.5)
    params = config().organisations.co_building
    units.month(np.array([True, True]), np.array([True, False]), params)
    assert units.commitment == pytest.approx([0.5 + params.engagement_gain * 0.5, 0.5 * (1 - params.neglect_loss)])
    assert units.engaged.tolist() == [True, False]


def test_logistic_choice_probability_is_what_volunteering_uses():
    """The volunteering utility at default parameters gives a session every ~30-80 days (the stated calibration)."""
    cfg = config()
    choice = cfg.behaviour.participation
    p = logistic(choice.volunteer_intercept + choice.volunteer_motivation * 0.5 - choice.time_cost.none)
    assert 1 / 200 < p < 1 / 20
