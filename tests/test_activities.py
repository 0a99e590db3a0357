"""Activities at venues: who can come (distance on the grid), when venues are open (units engaged), who comes (age),
what taking part does and costs; then in a community."""

from __future__ import annotations

import numpy as np
import pytest
from stage_state import config, counters, households, row_layout

from cogov.sim.households import ELDERLY, NEVER
from cogov.sim.layout import Layout
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.activities import LEDGER_ITEM, Activities, within_reach
from cogov.sim.model import CommunityModel
from cogov.sim.organisations import CoBuildingUnits


def test_within_reach_is_chebyshev_distance_on_the_grid():
    layout = Layout(width=3, height=3, building_xy=np.array([[x, y] for x in range(3) for y in range(3)]),
                    building_compound=np.zeros(9, dtype=np.int64), building_grid=np.zeros(9, dtype=np.int64),
                    compound_type=np.zeros(1, dtype=np.int64), has_property=np.zeros(1, dtype=bool),
                    has_owners_committee=np.zeros(1, dtype=bool), has_party_branch=np.ones(1, dtype=bool),
                    household_building=np.arange(9))
    reach = within_reach(layout, np.array([0, 4]), 1)  # a corner, and the centre
    assert reach[0].reshape(3, 3).astype(int).tolist() == [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
    assert reach[1].all()


def _activities(n=10, unit_building=9, engaged=True, ledger=None, tally=None, **overrides):
    layout = row_layout(n)
    hh = households(n, building=np.arange(n), age_group=[ELDERLY] * n, ties=[0.2] * n, trust=[0.5] * n)
    units = CoBuildingUnits()
    units.add("school", unit_building, 7.0, 0.0, venue=True, commitment=0.5, engaged=engaged)
    cfg = config(levers__activities__enabled=True, levers__activities__reach_cells=2, **overrides)
    return Activities(cfg, layout, hh, units, 0, tally if tally is not None else counters(),
                      np.random.default_rng(0), ledger or Ledger()), hh, units


def test_venues_are_the_centre_and_lent_venues_of_engaged_units():
    activities, _, units = _activities()
    assert activities.venue_building.tolist() == [0, 9]
    assert activities.open_venues().tolist() == [True, True]
    units.engaged[0] = False  # a unit nobody asked this month lends nothing
    assert activities.open_venues().tolist() == [True, False]


def test_only_households_within_reach_of_a_venue_active_today_come_and_they_gain_ties():
    tally, ledger = counters(), Ledger()
    activities, hh, _ = _activities(engaged=False, ledger=ledger, tally=tally,
                                    levers__activities__attendance__elderly=1.0, links__participation_to_ties=0.1,
                                    levers__activities__cny_per_activity=400.0)
    day = next(d for d in range(1, 31) if len(activities.held_today(d)))
    assert activities.held_today(day).tolist() == [0]  # the unit is not engaged: only the centre holds activities
    activities.step(day)
    came = activities.last_activity == day
    assert came.tolist() == [True, True, True] + [False] * 7  # buildings 0-2 are within two cells of the centre
    assert hh.ties[came] == pytest.approx(0.28) and (hh.ties[~came] == 0.2).all()
    assert tally["activities"] == 1 and tally["activity_attendances"] == 3
    assert ledger.by_item()[LEDGER_ITEM] == pytest.approx(400.0)
    assert activities.reach_share(day) == pytest.approx(0.3) and activities.reach_share(day + 30) == 0.0


def test_each_venue_holds_its_activities_on_its_own_days():
    activities, _, _ = _activities(levers__activities__per_venue_per_month=3)
    days = {venue: [d for d in range(1, 31) if venue in activities.held_today(d)] for venue in (0, 1)}
    assert len(days[0]) == len(days[1]) == 3 and set(days[0]).isdisjoint(days[1])


def test_nothing_happens_when_the_lever_is_off():
    layout = row_layout(4)
    hh = households(4, building=np.arange(4))
    activities = Activities(config(), layout, hh, CoBuildingUnits(), 0, counters(), np.random.default_rng(0), Ledger())
    for day in range(1, 61):
        activities.step(day)
    assert (activities.last_activity == NEVER).all()


def test_in_a_community_the_elderly_near_venues_take_part_most():
    model = CommunityModel("activities", rng=2, days=180)
    model.run()
    h, activities = model.households, model.activities
    came = activities.last_activity >= 0
    assert came.any() and model.counters["activities"] > 0
    reachable = activities.reach.any(axis=0)[h.building]
    assert not came[~reachable].any()  # nobody beyond every venue's reach
    elderly = h.age_group == ELDERLY
    assert came[reachable & elderly].mean() > came[reachable & ~elderly].mean()


@pytest.mark.parametrize("per_month", [1, 2, 4, 7, 16, 30])
def test_each_venue_holds_exactly_its_activities_in_every_30_days(per_month):
    activities, _, _ = _activities(levers__activities__per_venue_per_month=per_month)
    for start in (1, 31, 45):
        held = [venue for day in range(start, start + 30) for venue in activities.held_today(day)]
        assert held.count(0) == held.count(1) == per_month


def test_the_centre_holds_activities_in_a_community_without_units():
    layout = row_layout(3)
    hh = households(3, building=np.arange(3), age_group=[ELDERLY] * 3)
    activities = Activities(config(levers__activities__enabled=True), layout, hh, CoBuildingUnits(), 0, counters(),
                            np.random.default_rng(0), Ledger())
    assert activities.open_venues().tolist() == [True]
    assert sum(len(activities.held_today(d)) for d in range(1, 31)) == 2
