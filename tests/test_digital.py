"""The community's app as a reporting channel: who has it, how it eases reporting, which reports go through it, what
it costs; then in a community."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from stage_state import Handled, branches, config, counters, households, issues_for, no_party, row_layout

from cogov.sim.behaviour import logistic
from cogov.sim.households import ELDERLY
from cogov.sim.issues import Channel
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.agreement import Agreement
from cogov.sim.mechanisms.digital import LEDGER_ITEM, DigitalPlatform
from cogov.sim.mechanisms.discovery import Discovery
from cogov.sim.model import CommunityModel
from cogov.sim.organisations import OwnersCommittees

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
