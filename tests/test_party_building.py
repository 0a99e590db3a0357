"""Party organisations at work, on a small hand-built state: strength, organisational life, asks, visits,
co-building asks, training, rewards and results (cogov.sim.mechanisms.party_building)."""

from __future__ import annotations

import numpy as np
import pytest
from stage_state import Handled, config, counters, households

from cogov.sim.issues import IssueTable, Level
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.evaluation import Evaluation
from cogov.sim.mechanisms.party_building import PartyBuilding
from cogov.sim.organisations import CoBuildingUnits, SocialOrganisations
from cogov.sim.organisations.party import COMMUNITY, COMPOUND, GRID, Branches

MEMBERS = 40


def _party(cfg=None, strength=0.5, burden=0.0, units=0, hh=None):
    """40 member households (retired) and 10 registered volunteers in one compound, grid and building; a grid
    branch and a compound branch (the members belong to the compound's)."""
    cfg = cfg or config()
    hh = hh or households(50, member_type=[2] * MEMBERS + [0] * 10, ties=[0.3] * 50, motivation=[0.5] * 50)
    hh.secretary[0] = True
    handled = Handled()
    table = Branches()
    table.add(COMMUNITY, 0, strength, 0.6, -1)
    table.add(GRID, 0, strength, 0.6, 0)
    table.add(COMPOUND, 0, strength, 0.6, 1)
    co_building = CoBuildingUnits()
    for _ in range(units):
        co_building.add("agency", 0, 7.0, 365.0, False, 0.5, engaged=False)
    issues = IssueTable()
    evaluation = Evaluation(cfg, hh, issues, counters(), SocialOrganisations(), 1)
    party = PartyBuilding(cfg, hh, 1, 1, issues, handled.handlers, handled.handling, np.empty(0, dtype=np.int64),
                          table, co_building, evaluation, Ledger(), np.random.default_rng(0), burden)
    return party, hh


def test_members_belong_to_their_compound_branch_and_are_visited_in_proportion_to_it():
    party, _ = _party(strength=0.6)
    assert (party.member_branch == 2).all() and party.member_count.tolist() == [0, 0, MEMBERS]
    per_day = config().party.visits_per_member_per_month / 30
    expected = min(1.0, per_day * MEMBERS * 0.6 / 50) * config().service.patrol_detection
    assert party.visit_probability[0] == pytest.approx(expected)


def test_strength_grows_with_results_and_decays_with_overload_and_neglect():
    cfg = config()
    good, _ = _party(cfg, strength=0.5)
    good.branches.results[:] = 1.0
    good.branches.last_life[:] = 0
    before = good.branches.strength.copy()
    good._update_strength(day=10)
    growth = cfg.party.growth_rate * 1.0 * 0.5 - cfg.party.decay_rate * 0.5  # no overload, not neglected
    assert good.branches.strength == pytest.approx(before + growth)
    bad, _ = _party(cfg, strength=0.5, burden=1.0)
    bad.branches.results[:] = 0.0
    bad.branches.last_life[:] = -1000  # no meeting for a long time
    bad._update_strength(day=10)
    # the community's and the grid's carry the burden (overload 1) and all are neglected
    assert bad.branches.strength == pytest.approx(0.5 - cfg.party.decay_rate * np.array([3.0, 3.0, 2.0]) * 0.5)
    off, _ = _party(config(links__results_to_strength=0.0, links__overload_to_strength=0.0), burden=1.0)
    off.branches.results[:] = 1.0
    off.branches.last_life[:] = 0
    off._update_strength(day=10)
    assert off.branches.strength == pytest.approx(0.5 * (1 - cfg.party.decay_rate))


def test_organisational_life_is_held_as_often_as_the_branch_is_strong_and_follows_members_up():
    for strength, held in ((1.0, True), (0.0, False)):
        party, hh = _party(strength=strength)
        day = int(party.branches.phase[2]) + 30  # the compound branch's meeting day
        party._organisational_life(day)
        assert bool(party.branches.last_life[2] == day) == held
        monitored = hh.monitored_until[:MEMBERS] == day + 30
        if held:  # retired members attend 90 % of the time; those who attend are followed up and meet
            assert 0.75 < monitored.mean() < 1.0
            assert hh.ties[:MEMBERS][monitored] == pytest.approx(0.3 + 0.03 * 0.7)
            assert (hh.motivation[:MEMBERS][monitored] > 0.5).all()
        else:
            assert not monitored.any()
        assert (hh.monitored_until[MEMBERS:] < 0).all()  # registered volunteers are not branch members


def test_branches_ask_members_in_proportion_to_their_strength_stewards_ask_volunteers():
    party, hh = _party(strength=0.6)
    eligible = np.arange(50)
    asked = np.mean([party.asks(eligible) for _ in range(3000)], axis=0)
    expected = config().party.asks_per_month / 30 * 0.6
    assert asked[:MEMBERS].mean() == pytest.approx(expected, rel=0.1)
    assert asked[MEMBERS:].sum() == 0  # no steward in the building
    hh.steward[5] = True  # a steward of motivation 0.5 asks the building's registered volunteers
    stewarded, _ = _party(strength=0.6, hh=hh)
    asked = np.mean([stewarded.asks(eligible) for _ in range(3000)], axis=0)
    assert asked[MEMBERS:].mean() == pytest.approx(config().party.steward_asks_per_month / 30 * 0.5, rel=0.15)


def test_results_remember_residents_judgements_of_the_units_issues():
    party, _ = _party()
    rows = party.issues.add(1, np.array([3, 4]), np.array([0, 0]), np.array([0, 0]), np.array([5, 5]),
                            np.array([0.5, 0.5]), np.array([False, False]))
    party.evaluation.experience(rows, np.array([1.0, 1.0]))
    party._update_results()
    weight = 1 - (1 - 1 / config().party.results_memory_days) ** 2
    assert party.branches.results == pytest.approx([0.6 + weight * 0.4] * 3)


def test_training_and_rewards_build_strength_and_cost_money():
    cfg = config(levers__party_building__training_days_per_year=52, levers__party_building__performance_reward_cny=20_000)
    party, _ = _party(cfg, strength=0.5)
    party._train(day=7)  # every floor(365 / 52) = 7 days
    gain = cfg.party.training_gain * 0.5
    assert party.branches.strength == pytest.approx([0.5 + gain] * 3)  # the community's and both secretaries'
    assert party.ledger.by_item()["secretary_training"] == pytest.approx(3 * cfg.costs.training_cny_per_session)
    party.branches.results[:] = [0.9, 0.9, 0.5]  # only the grid branch is well run (threshold 0.7)
    party._reward(day=90)
    assert party.ledger.by_item()["branch_rewards"] == pytest.approx(20_000 * 90 / 365)
    assert party.reward_hours_per_day == pytest.approx(20_000 * 90 / 365 / 90 / cfg.costs.staff_cny_per_hour)


def test_the_community_asks_units_monthly_as_often_as_it_is_strong_or_always_on_the_big_committee():
    for strength, bound, engaged in ((1.0, False, True), (0.0, False, False), (0.0, True, True)):
        cfg = config(levers__cross_appointment__big_party_committee=bound)
        party, _ = _party(cfg, strength=strength, units=3)
        for day in range(30):
            party._ask_units(day)
        assert party.co_building.engaged.tolist() == [engaged] * 3


def test_overload_reads_the_burden_and_the_queues():
    party, _ = _party(burden=0.3)
    assert party.overload() == pytest.approx([0.3, 0.3, 0.0])
    issues = party.issues
    rows = issues.add(0, np.array([0]), np.array([0]), np.array([0]), np.array([5]), np.array([0.5]), np.array([False]))
    handled_grid = party.handling.grid_handlers[0]
    party.handlers.capacity[handled_grid] = 1.0
    issues.state[rows], issues.handler[rows], issues.work_left[rows] = 2, handled_grid, 2.5  # queued, 2.5 days
    issues.level[rows] = Level.GRID
    reference = config().party.overload_reference_days
    assert party.overload() == pytest.approx([0.3, 0.3 + 2.5 / reference, 2.5 / reference])
