"""Proactive care for vulnerable households: who is vulnerable, when they are visited, what a visit finds and does,
what it costs; then in a community."""

from __future__ import annotations

import numpy as np
import pytest
from stage_state import Handled, branches, config, counters, households, issues_for, row_layout

from cogov.sim.households import ELDERLY, NEVER
from cogov.sim.issues import Channel, State
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.agreement import Agreement
from cogov.sim.mechanisms.care import LEDGER_ITEM, ProactiveCare
from cogov.sim.model import CommunityModel
from cogov.sim.organisations import OwnersCommittees


def _care(hh, table, tally=None, ledger=None, **overrides):
    cfg = config(levers__proactive_care__enabled=True, **overrides)
    handled = Handled()
    dispatcher = handled.dispatcher(table)
    agreement = Agreement(cfg, row_layout(), OwnersCommittees(), branches(), np.full(1, -1), hh, table, counters(),
                          np.random.default_rng(3), dispatcher)
    return ProactiveCare(cfg, hh, table, tally if tally is not None else counters(), np.random.default_rng(0),
                         dispatcher, agreement, ledger or Ledger()), handled


def test_vulnerability_follows_age_and_is_drawn_whatever_the_lever():
    n = 6000
    hh = households(n, age_group=[0] * 3000 + [ELDERLY] * 3000)
    care, _ = _care(hh, issues_for(hh, []), population__vulnerable_share__young=0.05,
                    population__vulnerable_share__elderly=0.3)
    assert care.vulnerable[:3000].mean() == pytest.approx(0.05, abs=0.015)
    assert care.vulnerable[3000:].mean() == pytest.approx(0.3, abs=0.03)
    off = ProactiveCare(config(population__vulnerable_share__young=0.05, population__vulnerable_share__elderly=0.3),
                        hh, issues_for(hh, []), counters(), np.random.default_rng(0), None, None, Ledger())
    assert (off.vulnerable == care.vulnerable).all()  # the same households, visited or not


def test_each_vulnerable_household_is_visited_once_an_interval_in_its_own_phase():
    hh = households(12, age_group=[ELDERLY] * 12)
    care, _ = _care(hh, issues_for(hh, []), population__vulnerable_share__elderly=1.0,
                    levers__proactive_care__visit_interval_days=4)
    visits = np.zeros(12, dtype=int)
    for day in range(1, 9):
        visited = care.due(day)
        visits[visited] += 1
        assert (visited % 4 == day % 4).all()
    assert (visits == 2).all()  # eight days, every fourth day each


def test_a_visit_finds_unreported_issues_builds_ties_and_trust_and_is_paid_for():
    hh = households(4, age_group=[ELDERLY] * 4, ties=[0.2] * 4, trust=[0.5] * 4)
    table = issues_for(hh, [{"household": 0}, {"household": 1}, {"household": 0, "collective": True,
                                                                  "category": 0}])
    tally, ledger = counters(), Ledger()
    care, _ = _care(hh, table, tally, ledger, population__vulnerable_share__elderly=1.0,
                    levers__proactive_care__visit_interval_days=2, levers__proactive_care__detection=1.0,
                    links__participation_to_ties=0.1, links__participation_to_trust=0.2)
    care.step(2)  # households 0 and 2 are due on even days
    assert care.last_visit.tolist() == [2, NEVER, 2, NEVER]
    assert table.channel[:3].tolist() == [Channel.CARE_VISIT, Channel.UNFOUND, Channel.CARE_VISIT]
    assert table.state[0] == State.QUEUED and table.state[2] == State.AGREEMENT  # collective: talks first
    assert tally["care_visits"] == 2 and tally["found_by_care_visits"] == 2 and tally["found"] == 2
    assert hh.ties.tolist() == pytest.approx([0.28, 0.2, 0.28, 0.2])
    assert hh.trust.tolist() == pytest.approx([0.6, 0.5, 0.6, 0.5])
    price = config().costs.social_org_cny_per_hour
    assert ledger.by_item()[LEDGER_ITEM] == pytest.approx(2 * 1.0 * price)
    assert care.reach(2) == pytest.approx(0.5) and care.reach(40) == 0.0


def test_no_visits_when_the_lever_is_off():
    hh = households(4, age_group=[ELDERLY] * 4)
    table = issues_for(hh, [{"household": 0}])
    care = ProactiveCare(config(population__vulnerable_share__elderly=1.0), hh, table, counters(),
                         np.random.default_rng(0), None, None, Ledger())
    for day in range(1, 61):
        care.step(day)
    assert (care.last_visit == NEVER).all() and table.state[0] == State.LATENT


def test_in_a_community_every_vulnerable_household_is_reached_each_month():
    model = CommunityModel("proactive_care", rng=8, days=60)
    model.run()
    assert model.metrics["vulnerable_reached_share"] == 1.0
    assert model.counters["care_visits"] == 2 * model.care.vulnerable.sum()  # 60 days: every phase twice
    assert model.care.vulnerable[model.households.age_group == ELDERLY].mean() > \
        model.care.vulnerable[model.households.age_group != ELDERLY].mean()
    found = model.issues.column("channel") == Channel.CARE_VISIT
    assert model.care.vulnerable[model.issues.column("household")[found]].all()  # only the vulnerable are visited
