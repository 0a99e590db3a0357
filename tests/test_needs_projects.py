"""Projects that answer listed needs (三单制): which unit takes a need, whom its project serves (kind, age, distance on
the grid), what it costs; then in a community."""

from __future__ import annotations

import numpy as np
import pytest
from stage_state import config, counters, households, row_layout

from cogov.sim.households import ELDERLY
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.needs_projects import LEDGER_ITEM, NeedsProjects
from cogov.sim.model import CommunityModel
from cogov.sim.organisations import CoBuildingUnits

YOUNG, MIDDLE = 0, 1


def _state(kinds_engaged: list[tuple[str, int, bool]], **overrides):
    """Ten buildings in a row with a household each (ages cycling young, middle, elderly); units as given."""
    n = 10
    hh = households(n, building=np.arange(n), age_group=[i % 3 for i in range(n)], ties=[0.2] * n)
    units = CoBuildingUnits()
    for kind, building, engaged in kinds_engaged:
        units.add(kind, building, 7.0, 1000.0, venue=True, commitment=0.5, engaged=engaged)
    tally, ledger = counters(), Ledger()
    cfg = config(levers__needs_projects__enabled=True, levers__needs_projects__reach_cells=2, **overrides)
    projects = NeedsProjects(cfg, row_layout(n), hh, units, tally, np.random.default_rng(0), ledger)
    return projects, hh, tally, ledger


def test_with_the_lists_exchanged_an_engaged_unit_of_the_kind_takes_every_need():
    projects, hh, tally, ledger = _state([("school", 0, True), ("hospital", 9, True)],
                                         levers__lists_matching__enabled=True,
                                         levers__needs_projects__needs_per_year=40, links__participation_to_ties=0.1)
    projects.list_needs()
    kinds_listed = tally["needs_listed"]
    assert kinds_listed == 40
    # only needs of a kind with an engaged unit (school, hospital) are taken: about half of four kinds
    assert 0 < tally["needs_matched"] < 40
    assert ledger.by_item()[LEDGER_ITEM] == pytest.approx(tally["needs_matched"] * 5000.0)
    # the school (building 0) serves young households within two cells: building 0 only (ages cycle 0, 1, 2, ...);
    # the hospital (building 9) serves the elderly within two cells: building 8
    assert np.flatnonzero(projects.met).tolist() == [0, 8]
    assert (hh.ties[[0, 8]] > 0.2 + 0.8 * 0.1 - 1e-12).all()  # they met the units' people, once a project at least
    assert (hh.ties[[1, 2, 3, 4, 5, 6, 7, 9]] == 0.2).all()


def test_a_unit_not_engaged_takes_nothing_and_without_the_lists_a_match_is_by_chance():
    projects, _, tally, _ = _state([("school", 0, False)], levers__lists_matching__enabled=True,
                                   levers__needs_projects__needs_per_year=40)
    projects.list_needs()
    assert tally["needs_matched"] == 0 and not projects.met.any()
    never, _, tally, _ = _state([("school", 0, True)], levers__needs_projects__needs_per_year=40,
                                organisations__co_building__listed_need_match__school=0.0)
    never.list_needs()
    assert tally["needs_matched"] == 0  # without the lists the school never happens to offer a match


def test_a_firms_project_serves_every_household_nearby():
    projects, _, _, _ = _state([("firm", 5, True)], levers__lists_matching__enabled=True,
                               levers__needs_projects__needs_per_year=40)
    projects.list_needs()
    assert np.flatnonzero(projects.met).tolist() == [3, 4, 5, 6, 7]


def test_residents_voice_their_age_groups_need_as_they_trust_and_not_once_served():
    projects, hh, tally, _ = _state([], levers__needs_projects__residents_order=True,
                                    levers__needs_projects__voice_probability=1.0)
    hh.trust[:] = 1.0
    hh.trust[3] = 0.0  # a young household that does not trust the party organisation voices nothing
    projects.met_by_kind[1, 6] = True  # a young household already tutored (school: kind 1) does not voice it again
    voiced = projects.voiced_needs()
    kinds = ("agency", "school", "hospital", "firm")
    assert np.flatnonzero(voiced[kinds.index("school")]).tolist() == [0, 9]  # young: 0, 3, 6, 9
    assert np.flatnonzero(voiced[kinds.index("agency")]).tolist() == [1, 4, 7]  # middle-aged
    assert np.flatnonzero(voiced[kinds.index("hospital")]).tolist() == [2, 5, 8]  # elderly
    assert not voiced[kinds.index("firm")].any()  # materials are not a household's need
    assert tally["needs_voiced"] == 8


def test_with_residents_ordering_the_list_follows_the_voices_and_the_project_goes_where_they_are():
    # two engaged hospitals, at buildings 0 and 9; only elderly households near building 9 trust enough to voice
    projects, hh, tally, _ = _state([("hospital", 0, True), ("hospital", 9, True), ("school", 5, True)],
                                    levers__lists_matching__enabled=True, levers__needs_projects__residents_order=True,
                                    levers__needs_projects__voice_probability=1.0,
                                    levers__needs_projects__needs_per_year=3)
    hh.trust[:] = 0.0
    hh.trust[8] = 1.0  # elderly, at building 8: within reach (2 cells) of the hospital at 9, not of the one at 0
    projects.list_needs()
    # every need listed is a health check; the first project answers the only voice, the other two find none left
    assert tally["needs_listed"] == 3 and tally["needs_matched"] == 1
    # the hospital at 9 (reach: buildings 7-9) runs them, not the one at 0 (reach 0-2, the elderly at 2 unserved)
    assert projects.met.tolist() == [i == 8 for i in range(10)]


def test_with_residents_ordering_nothing_is_listed_when_nobody_voices():
    projects, hh, tally, _ = _state([("school", 0, True)], levers__needs_projects__residents_order=True)
    hh.trust[:] = 0.0
    projects.list_needs()
    assert tally["needs_listed"] == 0 and not projects.met.any()


def test_in_a_community_listed_needs_are_met_near_engaged_units():
    model = CommunityModel("needs_projects", rng=1, days=30, levers__lists_matching__enabled=True,
                           levers__cross_appointment__big_party_committee=True)
    model.run()
    assert model.metrics["needs_met"] == model.counters["needs_met"] > 0
    met = model.needs_projects.met
    near_a_unit = model.needs_projects.reach.any(axis=0)[model.households.building]
    assert not met[~near_a_unit].any()
    ages = model.households.age_group[met]
    assert set(ages.tolist()) <= {YOUNG, MIDDLE, ELDERLY}


def test_a_kind_listed_twice_does_not_serve_the_same_households_twice():
    projects, _, tally, ledger = _state([("school", 0, True)], levers__lists_matching__enabled=True,
                                         levers__needs_projects__needs_per_year=40)
    projects.list_needs()
    school = 1
    served_once = np.flatnonzero(projects.met_by_kind[school])
    assert served_once.tolist() == [0]  # the young household within reach of the school (building 0; reach 2)
    assert tally["needs_met"] == len(served_once) * 1  # counted once, however often tutoring was listed
    assert ledger.by_item()[LEDGER_ITEM] == pytest.approx(tally["needs_matched"] * 5000.0)  # every project is paid

