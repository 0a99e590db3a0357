"""Party members' posts: claimed when asked, a duty in the choice to serve, suggestions raised, lapse without
follow-up; then in a community."""

from __future__ import annotations

import numpy as np
import pytest
from stage_state import SAFETY, Handled, branches, config, counters, households, issues_for, row_layout

from cogov.sim.households import IN_SERVICE, RETIRED
from cogov.sim.issues import DISPUTE, Channel, State
from cogov.sim.mechanisms.agreement import Agreement
from cogov.sim.mechanisms.posts import GUIDE, MEDIATOR, POST_KINDS, PUBLICIST, SUPERVISOR, Posts
from cogov.sim.model import CommunityModel
from cogov.sim.organisations import OwnersCommittees


def _posts(hh, table=None, tally=None, **overrides):
    cfg = config(levers__posts__enabled=True, **overrides)
    table = table if table is not None else issues_for(hh, [])
    handled = Handled()
    dispatcher = handled.dispatcher(table)
    agreement = Agreement(cfg, row_layout(int(hh.building.max()) + 1), OwnersCommittees(), branches(), np.full(1, -1), hh, table, counters(),
                          np.random.default_rng(3), dispatcher)
    return Posts(cfg, hh, table, tally if tally is not None else counters(), np.random.default_rng(0), dispatcher,
                 agreement)


def test_asked_members_without_a_post_claim_one():
    hh = households(4, member_type=[IN_SERVICE, IN_SERVICE, 0, RETIRED])
    posts = _posts(hh, levers__posts__claim_probability=1.0)
    eligible = np.arange(4)
    posts.claim(eligible, np.array([True, False, True, True]), day=5)
    assert posts.holds.tolist() == [True, False, False, True]  # not asked, or not a member: no post
    assert posts.claimed[[0, 3]].tolist() == [5, 5]
    posts.claim(eligible, np.ones(4, dtype=bool), day=6)
    assert posts.claimed[0] == 5 and posts.holds[1]  # a post is claimed once; the newly asked claims now
    assert posts.commitment(eligible).tolist() == [1.0, 1.0, 0.0, 1.0]


def test_post_holders_raise_unreported_issues_in_their_building_only():
    hh = households(3, building=[0, 0, 1], member_type=[IN_SERVICE, 0, 0])
    table = issues_for(hh, [{"household": 1}, {"household": 2}])
    tally = counters()
    posts = _posts(hh, table, tally, levers__posts__notice_probability=1.0)
    posts.holds[0] = True
    posts.claimed[0] = 0
    posts.step(1)
    assert table.channel[:2].tolist() == [Channel.POST_HOLDER, Channel.UNFOUND]
    assert table.state[0] == State.QUEUED and tally["suggestions"] == 1 and tally["found"] == 1


def test_posts_lapse_when_unserved_and_nobody_follows_up():
    hh = households(3, member_type=[IN_SERVICE, IN_SERVICE, IN_SERVICE])
    posts = _posts(hh, levers__posts__lapse_days=30)
    posts.holds[:] = True
    posts.claimed[:] = 0
    hh.last_served[:] = [25, 0, 0]  # the first served on day 25
    hh.monitored_until[:] = [0, 100, 0]  # the second is followed up by their branch until day 100
    posts.step(40)
    assert posts.holds.tolist() == [True, True, False]
    assert posts.held_share() == pytest.approx(2 / 3)


def test_employer_feedback_keeps_in_service_posts():
    hh = households(2, member_type=[IN_SERVICE, RETIRED])
    posts = _posts(hh, levers__posts__lapse_days=30, levers__volunteer_incentives__employer_feedback=True)
    posts.holds[:] = True
    posts.claimed[:] = 0
    posts.step(40)
    assert posts.holds.tolist() == [True, False]  # 双报告 reaches in-service members' employers only


def test_in_a_community_posts_raise_service_and_lapse_only_without_follow_up():
    model = CommunityModel("posts", rng=4, days=200)
    plain = CommunityModel("default", rng=4, days=200)
    model.run()
    plain.run()
    posts = model.posts
    assert model.counters["posts_claimed"] > 0 and posts.holds.any()
    assert (model.households.member_type[posts.holds] > 0).all()  # only party members hold posts
    assert model.metrics["posts_held_share"] == pytest.approx(posts.held_share())
    assert model.metrics["inservice_serving_share"] > plain.metrics["inservice_serving_share"]
    raised = model.issues.column("channel") == Channel.POST_HOLDER
    assert raised.sum() == model.counters["suggestions"] > 0


# ------------------------------------------------------------------------------------------ kinds of post
QUARTERS = {f"levers__posts__kinds__{kind}": 0.25 for kind in POST_KINDS}


def test_by_default_every_post_is_a_supervisors_and_nothing_more_is_drawn():
    hh = households(2, member_type=[IN_SERVICE, IN_SERVICE])
    posts = _posts(hh, levers__posts__claim_probability=1.0)
    state = posts.rng.bit_generator.state
    posts.claim(np.arange(2), np.array([True, True]), day=1)
    assert (posts.kind[posts.holds] == SUPERVISOR).all()
    after_one_draw = np.random.default_rng(0)
    after_one_draw.random(2)
    assert posts.rng.bit_generator.state == after_one_draw.bit_generator.state != state  # only the claim draws


def test_claimed_kinds_follow_their_shares():
    n = 4000
    hh = households(n, member_type=[IN_SERVICE] * n)
    posts = _posts(hh, levers__posts__claim_probability=1.0, **QUARTERS)
    posts.claim(np.arange(n), np.ones(n, dtype=bool), day=1)
    shares = np.bincount(posts.kind, minlength=4) / n
    assert shares == pytest.approx([0.25] * 4, abs=0.03)


def test_a_mediators_post_raises_only_the_disputes_of_its_building():
    hh = households(2, building=[0, 0], member_type=[IN_SERVICE, 0])
    table = issues_for(hh, [{"household": 1, "category": DISPUTE}, {"household": 1, "category": SAFETY}])
    tally = counters()
    posts = _posts(hh, table, tally, levers__posts__notice_probability=1.0)
    posts.holds[0], posts.claimed[0], posts.kind[0] = True, 0, MEDIATOR
    posts.step(1)
    assert table.channel[:2].tolist() == [Channel.POST_HOLDER, Channel.UNFOUND] and tally["suggestions"] == 1


def test_a_publicists_building_finds_reporting_easier_and_only_while_the_post_is_held():
    hh = households(3, building=[0, 0, 1], member_type=[IN_SERVICE, 0, 0])
    posts = _posts(hh, levers__posts__publicity_report_ease=0.4)
    posts.holds[0], posts.kind[0] = True, PUBLICIST
    assert posts.report_ease(np.arange(3)).tolist() == pytest.approx([0.4, 0.4, 0.0])
    posts.kind[0] = SUPERVISOR
    assert posts.report_ease(np.arange(3)).tolist() == [0.0, 0.0, 0.0]
    posts.kind[0], posts.holds[0] = PUBLICIST, False
    assert posts.report_ease(np.arange(3)).tolist() == [0.0, 0.0, 0.0]


def test_a_guide_who_served_yesterday_asks_the_party_members_of_their_building():
    hh = households(5, building=[0, 0, 0, 1, 1], member_type=[IN_SERVICE, RETIRED, 0, IN_SERVICE, 0])
    posts = _posts(hh)
    posts.holds[0], posts.kind[0] = True, GUIDE
    hh.last_served[0] = 9
    eligible = np.arange(5)
    assert posts.guided(eligible, day=10).tolist() == [True, True, False, False, False]  # members of building 0
    assert not posts.guided(eligible, day=11).any()  # served the day before yesterday: nobody asked


def test_in_a_community_the_four_kinds_are_held_and_publicists_make_reporting_easier():
    model = CommunityModel("posts_kinds", rng=2, days=120)
    model.run()
    held = np.bincount(model.posts.kind[model.posts.holds], minlength=4)
    assert (held > 0).all()
    assert model.posts.report_ease(np.arange(model.households.size)).max() == pytest.approx(
        model.config.levers.posts.publicity_report_ease)

