"""The five ones (五个一) of in-service party members: pairing on the grid, the branch's review, what each session
does, the yearly list; then in a community."""

from __future__ import annotations

import numpy as np
import pytest
from stage_state import Handled, branches, config, counters, households, issues_for, row_layout

from cogov.sim.households import IN_SERVICE, NEVER, RETIRED
from cogov.sim.issues import Channel, State
from cogov.sim.mechanisms.agreement import Agreement
from cogov.sim.mechanisms.five_ones import ACTIONS, NO_PAIR, FiveOnes, pair_members
from cogov.sim.model import CommunityModel
from cogov.sim.organisations import OwnersCommittees


def _five_ones(hh, vulnerable, table=None, tally=None, **overrides):
    cfg = config(levers__five_ones__enabled=True, **overrides)
    table = table if table is not None else issues_for(hh, [])
    handled = Handled()
    dispatcher = handled.dispatcher(table)
    agreement = Agreement(cfg, row_layout(int(hh.building.max()) + 1), OwnersCommittees(), branches(), np.full(1, -1),
                          hh, table, counters(), np.random.default_rng(3), dispatcher)
    last_visit = np.full(hh.size, NEVER, dtype=np.int64)
    return FiveOnes(cfg, hh, np.asarray(vulnerable), last_visit, table, tally if tally is not None else counters(),
                    np.random.default_rng(0), dispatcher, agreement)


def test_members_are_paired_in_their_building_first_then_their_grid_never_with_themselves():
    # building 0 (grid 0): in-service 0, vulnerable 1; building 1 (grid 0): in-service 2; building 2 (grid 1):
    # in-service 3 (vulnerable itself), retired 4, vulnerable 5 in building 3 of grid 1; grid 2: in-service 6 alone
    hh = households(7, building=[0, 0, 1, 2, 2, 3, 4], grid=[0, 0, 0, 1, 1, 1, 2],
                    member_type=[IN_SERVICE, 0, IN_SERVICE, IN_SERVICE, RETIRED, 0, IN_SERVICE])
    vulnerable = np.array([False, True, False, True, False, True, False])
    pair = pair_members(hh, vulnerable, np.random.default_rng(0))
    assert pair[0] == 1  # own building
    assert pair[2] == 1  # none in its building: its grid's
    assert pair[3] == 5  # its building's only vulnerable household is itself: its grid's other
    assert pair[6] == NO_PAIR  # nobody vulnerable in its grid
    assert pair[[1, 4, 5]].tolist() == [NO_PAIR] * 3  # only in-service members are paired


def test_the_review_asks_and_keeps_in_view_the_members_behind_and_only_on_review_days():
    hh = households(4, member_type=[IN_SERVICE, IN_SERVICE, RETIRED, 0])
    tally = counters()
    five = _five_ones(hh, np.zeros(4, dtype=bool), tally=tally, levers__five_ones__review_interval_days=91)
    eligible = np.arange(4)
    assert not five.review(eligible, day=90).any()  # not a review day
    five.done[:] = [1, 0, 0, 0]  # a quarter of the year gone by asks for one action (floor of 5 × 91/365)
    asked = five.review(eligible, day=91)
    assert asked.tolist() == [False, True, False, False]  # the retired member and the non-member have no list
    assert hh.monitored_until[1] == 182 and hh.monitored_until[0] == NEVER
    assert tally["five_ones_followed_up"] == 1


def test_each_session_does_the_next_action_and_the_list_starts_again_each_year():
    hh = households(2, member_type=[IN_SERVICE, IN_SERVICE])
    five = _five_ones(hh, np.zeros(2, dtype=bool))
    for day in range(1, 8):
        five.review(np.arange(2), day)
        five.record_sessions(np.array([0]))
        five.step(day)
    assert five.done.tolist() == [len(ACTIONS), 0]  # capped at five; the one who never served has done none
    assert five.completed_share() == pytest.approx(0.5)
    five.review(np.arange(2), day=366)  # the first day of the second year
    assert five.done.tolist() == [0, 0]


def test_the_suggestion_raises_one_unreported_issue_of_the_members_building():
    hh = households(3, building=[0, 0, 1], member_type=[IN_SERVICE, 0, 0])
    table = issues_for(hh, [{"household": 1}, {"household": 1}, {"household": 2}])
    tally = counters()
    five = _five_ones(hh, np.zeros(3, dtype=bool), table, tally)
    five.done[0] = ACTIONS.index("suggestion")
    five.record_sessions(np.array([0]))
    five.step(10)
    found = np.flatnonzero(table.channel[:3] == Channel.MEMBER_DUTY)
    assert len(found) == 1 and found[0] in (0, 1)  # one, of its own building
    assert table.state[2] == State.LATENT and tally["five_ones_suggestions"] == 1 and tally["found"] == 1


def test_the_visit_finds_what_the_paired_household_did_not_report_and_is_a_meeting():
    hh = households(3, building=[0, 0, 0], member_type=[IN_SERVICE, 0, 0], ties=[0.2] * 3, trust=[0.5] * 3)
    table = issues_for(hh, [{"household": 1}, {"household": 1}, {"household": 2}])
    tally = counters()
    five = _five_ones(hh, [False, True, False], table, tally, levers__five_ones__visit_detection=1.0,
                      links__participation_to_ties=0.1, links__participation_to_trust=0.2)
    assert five.pair[0] == 1
    five.done[0] = ACTIONS.index("paired_household")
    five.record_sessions(np.array([0]))
    five.step(12)
    assert table.channel[:3].tolist() == [Channel.MEMBER_DUTY, Channel.MEMBER_DUTY, Channel.UNFOUND]
    assert five.last_visit[1] == 12 and tally["five_ones_visits"] == 1
    assert hh.ties.tolist() == pytest.approx([0.2, 0.28, 0.2]) and hh.trust[1] == pytest.approx(0.6)


def test_sessions_of_other_actions_find_nothing():
    hh = households(2, member_type=[IN_SERVICE, 0])
    table = issues_for(hh, [{"household": 1}])
    five = _five_ones(hh, [False, True], table)
    five.record_sessions(np.array([0, 1]))  # the non-member's session is not on any list
    five.step(3)
    assert five.done.tolist() == [1, 0] and table.channel[0] == Channel.UNFOUND


# ------------------------------------------------------------------------------------------ in a community
def test_in_a_community_the_five_ones_are_done_and_the_community_is_the_same():
    on = CommunityModel("five_ones", rng=4, days=200)
    on.run()
    off = CommunityModel("default", rng=4, days=200)
    off.run()
    # the same issues arise (their own stream); matters that come back in compounds nobody keeps follow the fixes
    assert on.counters["arisen"] - on.counters["recurred_unkept"] == off.counters["arisen"] - off.counters["recurred_unkept"]
    assert (on.care.vulnerable == off.care.vulnerable).all()
    assert on.counters["five_ones_followed_up"] > 0 and on.counters["five_ones_visits"] > 0
    assert 0 < on.metrics["five_ones_completed_share"] <= 1
    in_service = on.households.member_type == IN_SERVICE
    paired = on.five_ones.pair[in_service]
    assert (paired != NO_PAIR).mean() > 0.5 and on.care.vulnerable[paired[paired != NO_PAIR]].all()
    assert off.counters["five_ones_actions"] == 0 and off.metrics["five_ones_completed_share"] == 0
    assert set(on.ledger.by_item()) == set(off.ledger.by_item())  # no public money of its own
