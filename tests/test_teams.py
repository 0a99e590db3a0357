"""Party members' volunteer teams: joined when asked, service days by grid, members kept in view; then in a
community."""

from __future__ import annotations

import numpy as np
import pytest
from stage_state import config, counters, households, never_asked

from cogov.sim.households import IN_SERVICE, RETIRED
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.teams import VolunteerTeams
from cogov.sim.mechanisms.volunteering import Volunteering
from cogov.sim.model import CommunityModel


def _teams(hh, **overrides):
    cfg = config(levers__volunteer_teams__enabled=True, **overrides)
    return VolunteerTeams(cfg, hh, counters(), np.random.default_rng(0)), cfg


def test_asked_members_join_their_team():
    hh = households(4, member_type=[IN_SERVICE, RETIRED, 0, IN_SERVICE])
    teams, _ = _teams(hh, levers__volunteer_teams__join_probability=1.0)
    teams.join(np.arange(4), np.array([True, True, True, False]))
    assert teams.member.tolist() == [True, True, False, False]  # a non-member never joins; the unasked do not
    assert teams.member_share() == pytest.approx(2 / 3)


def test_each_grid_holds_its_service_day_on_its_own_day():
    hh = households(4, grid=[0, 1, 2, 0], member_type=[IN_SERVICE] * 4)
    teams, _ = _teams(hh, levers__volunteer_teams__service_day_interval_days=3)
    teams.member[:] = [True, True, True, False]
    eligible = np.arange(4)
    assert teams.called(eligible, 3).tolist() == [True, False, False, False]  # grid 0 on days divisible by 3
    assert teams.called(eligible, 4).tolist() == [False, True, False, False]
    assert teams.in_view(eligible).tolist() == [True, True, True, False]


def test_team_members_motivation_does_not_decay_without_follow_up():
    hh = households(2, member_type=[IN_SERVICE, IN_SERVICE], motivation=[0.5, 0.5])
    teams, cfg = _teams(hh, behaviour__participation__volunteer_intercept=-20.0)  # nobody serves
    teams.member[0] = True
    volunteering = Volunteering(cfg, hh, 1, 1, np.random.default_rng(0), never_asked, Ledger(), teams=teams)
    for day in range(1, 11):
        volunteering.step(day)
    assert hh.motivation[0] == pytest.approx(0.5)  # in view: no decay
    assert hh.motivation[1] < 0.5  # nobody follows them up


def test_nothing_changes_when_the_lever_is_off():
    hh = households(2, member_type=[IN_SERVICE, IN_SERVICE])
    teams = VolunteerTeams(config(), hh, counters(), np.random.default_rng(0))
    teams.join(np.arange(2), np.array([True, True]))
    assert not teams.member.any() and not teams.called(np.arange(2), 0).any()


def test_in_a_community_members_join_over_the_year():
    model = CommunityModel("volunteer_teams", rng=3, days=120)
    model.run()
    share = model.series()["team_member_share"]
    assert share.iloc[0] == 0 and share.is_monotonic_increasing and share.iloc[-1] > 0
    assert (model.households.member_type[model.teams.member] > 0).all()
