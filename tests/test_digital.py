"""The community's app as a reporting channel: who has it, how it eases reporting, which reports go through it, what
it costs; then in a community."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from stage_state import DISPUTE, Handled, branches, config, counters, households, issues_for, no_party, row_layout

from cogov.sim.behaviour import logistic
from cogov.sim.households import ELDERLY
from cogov.sim.issues import Channel, State
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.agreement import Agreement
from cogov.sim.mechanisms.digital import LEDGER_ITEM, DigitalPlatform, nearest_grids
from cogov.sim.mechanisms.discovery import Discovery
from cogov.sim.mechanisms.dispatch import Dispatcher
from cogov.sim.model import CommunityModel
from cogov.sim.organisations import OwnersCommittees
from cogov.sim.scenario import ScenarioError

YOUNG = 0


def _platform(hh, tally=None, ledger=None, **overrides):
    cfg = config(levers__digital_platform__enabled=True, **overrides)
    return DigitalPlatform(cfg.levers.digital_platform, hh, tally if tally is not None else counters(),
                           np.random.default_rng(0), ledger or Ledger())


def test_adoption_follows_age():
    hh = households(4000, age_group=[YOUNG] * 2000 + [ELDERLY] * 2000)
    platform = _platform(hh, levers__digital_platform__adoption__young=0.8,
                         levers__digital_platform__adoption__elderly=0.1)
    assert platform.has_app[:2000].mean() == pytest.approx(0.8, abs=0.03)  # 2,000 draws: sd about 0.009
    assert platform.has_app[2000:].mean() == pytest.approx(0.1, abs=0.03)
    off = DigitalPlatform(config().levers.digital_platform, hh, counters(), np.random.default_rng(0), Ledger())
    assert not off.has_app.any() and off.report_ease(np.arange(4000)).sum() == 0


def test_the_app_eases_reporting_only_for_its_users():
    hh = households(2, age_group=[YOUNG, ELDERLY])
    platform = _platform(hh, levers__digital_platform__adoption__young=1.0,
                         levers__digital_platform__adoption__elderly=0.0, levers__digital_platform__report_ease=1.5)
    assert platform.report_ease(np.array([0, 1, 0])).tolist() == [1.5, 0.0, 1.5]


def _discovery(hh, table, cfg, platform):
    handled = Handled()
    dispatcher = handled.dispatcher(table)
    agreement = Agreement(cfg, row_layout(), OwnersCommittees(), branches(), np.full(1, -1), hh, table, counters(),
                          np.random.default_rng(3), dispatcher)
    return Discovery(cfg, hh, 1, table, counters(), np.random.default_rng(2), SimpleNamespace(patrol_probability=np.zeros(1)),
                     agreement, dispatcher, no_party(), platform)


def test_users_reports_go_through_the_app_and_not_through_12345():
    hh = households(4, age_group=[YOUNG, YOUNG, ELDERLY, ELDERLY])
    table = issues_for(hh, [{"household": i} for i in range(4)])
    overrides = {"behaviour__participation__report_intercept": 5.0, "behaviour__participation__report_severity": 20.0,
                 "levers__hotline__share_of_reports": 1.0, "levers__digital_platform__share_of_reports": 1.0,
                 "levers__digital_platform__adoption__young": 1.0, "levers__digital_platform__adoption__elderly": 0.0}
    tally = counters()
    platform = _platform(hh, tally, **overrides)
    cfg = config(levers__digital_platform__enabled=True, **overrides)
    _discovery(hh, table, cfg, platform).step(2)
    assert table.channel[:4].tolist() == [Channel.APP, Channel.APP, Channel.HOTLINE, Channel.HOTLINE]
    assert tally["reported_by_app"] == 2
    assert (table.hotline_since[:2] < 0).all() and (table.hotline_since[2:4] == 2).all()  # app reports are no calls


def test_more_reports_with_the_app_in_proportion_to_the_logit():
    # one day's reporting probability of a household with the app: logistic(utility + ease)
    n = 20_000
    hh = households(n, age_group=[YOUNG] * n)
    table = issues_for(hh, [{"household": i} for i in range(n)])
    cfg = config(levers__digital_platform__enabled=True, levers__digital_platform__adoption__young=1.0,
                 levers__digital_platform__report_ease=1.0, levers__hotline__enabled=False)
    platform = _platform(hh, levers__digital_platform__adoption__young=1.0, levers__digital_platform__report_ease=1.0)
    discovery = _discovery(hh, table, cfg, platform)
    p = cfg.behaviour.participation
    utility = (p.report_intercept + p.report_trust * 0.5 + p.report_severity * 0.5 + p.report_ties * 0.3
               - p.report_age_cost[YOUNG])
    discovery.step(1)
    found = (table.channel[:n] == Channel.APP) | (table.channel[:n] == Channel.RESIDENT)
    assert found.mean() == pytest.approx(logistic(np.array([utility + 1.0]))[0], abs=0.01)


def test_the_platform_costs_its_running_cost_each_day():
    ledger = Ledger()
    platform = _platform(households(2), ledger=ledger, levers__digital_platform__cny_per_year=36_500.0)
    for _ in range(10):
        platform.step()
    assert ledger.by_item()[LEDGER_ITEM] == pytest.approx(1000.0)


def test_in_a_community_the_app_carries_reports_and_the_young_use_it_most():
    model = CommunityModel("digital_platform", rng=6, days=120)
    model.run()
    h, platform = model.households, model.platform
    young, elderly = h.age_group == YOUNG, h.age_group == ELDERLY
    assert platform.has_app[young].mean() > platform.has_app[elderly].mean()
    channel = model.issues.column("channel")
    by_app = channel == Channel.APP
    assert by_app.sum() == model.counters["reported_by_app"] > 0
    assert platform.has_app[model.issues.column("household")[by_app]].all()  # only users report by app


# ------------------------------------------------------------------------------------------ task claiming
def test_the_nearest_grids_are_by_the_centres_of_their_buildings_itself_first():
    # grid 0 at x = 0, grid 1 at x = 10, grid 2 at x = 3, grid 3 at x = 4 (two buildings, centre 4)
    xy = np.array([[0, 0], [10, 0], [3, 0], [3, 0], [5, 0]])
    grid = np.array([0, 1, 2, 3, 3])
    near = nearest_grids(xy, grid, 2)
    assert near.tolist() == [[0, 2, 3], [1, 3, 2], [2, 3, 0], [3, 2, 0]]
    assert nearest_grids(xy, grid, 10).shape == (4, 4)  # at most every other grid
    assert nearest_grids(xy, grid, 0).tolist() == [[0], [1], [2], [3]]


def _claiming(table, n_grids: int = 3, claimers=None):
    handled = Handled(n_grids=n_grids)
    tally = counters()
    claimers = np.array([[0, 1], [1, 0], [2, 1]]) if claimers is None else claimers
    dispatcher = Dispatcher(table, handled.handlers, handled.handling, np.array([-1]), {}, True, 5.0,
                            claimers=claimers, counters=tally)
    return handled, dispatcher, tally


def test_a_neighbouring_grid_with_a_shorter_wait_claims_the_matter_and_its_own_grid_wins_ties():
    hh = households(3, grid=[0, 1, 2])
    table = issues_for(hh, [{"household": 0}, {"household": 2}, {"household": 0}])
    handled, dispatcher, tally = _claiming(table)
    grid = handled.handling.grid_handlers
    handled.handlers.capacity[grid] = 1.0
    assert dispatcher.route_in_grid(np.array([0, 1])).tolist() == [grid[0], grid[2]]  # equal waits: its own
    table.state[2], table.handler[2], table.work_left[2] = State.QUEUED, grid[0], 3.0  # grid 0 has 3 days queued
    assert dispatcher.route_in_grid(np.array([0]))[0] == grid[1]  # grid 1 claims it
    assert tally["claimed_by_neighbours"] == 1
    assert dispatcher.route_in_grid(np.array([1]))[0] == grid[2]  # grid 2's neighbour is grid 1: no shorter wait


def test_matters_routed_elsewhere_are_not_claimed():
    hh = households(2, grid=[0, 0])
    table = issues_for(hh, [{"category": DISPUTE}])
    handled = Handled(specialist=True, n_grids=2)
    grid = handled.handling.grid_handlers
    handled.handlers.capacity[grid[1]] = 5.0
    dispatcher = Dispatcher(table, handled.handlers, handled.handling, np.array([-1]),
                            {DISPUTE: np.array([handled.specialist])}, True, 5.0, claimers=np.array([[0, 1], [1, 0]]))
    assert dispatcher.route_in_grid(np.array([0]))[0] == handled.specialist


def test_in_a_community_claiming_needs_the_platform_and_sends_matters_to_neighbours():
    on = CommunityModel("digital_task_claiming", rng=1, days=90)
    on.run()
    assert on.counters["claimed_by_neighbours"] > 0
    handler, grid = on.issues.column("handler"), on.issues.column("grid")
    grids = on.handling.grid_handlers
    claimed = np.isin(handler, grids) & (handler != grids[grid])
    assert claimed.sum() > 0
    near = on.dispatcher.claimers
    assert all(int(np.flatnonzero(grids == h)[0]) in near[g] for h, g in zip(handler[claimed], grid[claimed]))
    with pytest.raises(ScenarioError, match="task_claiming = true needs enabled = true"):  # the platform's, not alone
        CommunityModel("default", rng=1, days=30, levers__digital_platform__task_claiming=True)
