"""Owners' committees formed over the years by party-led organising, on a small hand-built state; then in a
community over three years."""

from __future__ import annotations

import numpy as np
import pytest
from stage_state import Handled, branches, config, counters, households, row_layout

from cogov.sim.issues import IssueTable
from cogov.sim.mechanisms.agreement import Agreement
from cogov.sim.mechanisms.committee_formation import CommitteeFormation
from cogov.sim.model import CommunityModel
from cogov.sim.organisations import OwnersCommittees
from cogov.sim.organisations.party import COMPOUND, GRID


def _state(strengths: dict, rate: float, enabled: bool = True):
    """Three compounds in one grid: compound 0 already has a committee; branches as given."""
    n = 3
    layout = row_layout(n, np.arange(n), has_owners_committee=[True, False, False])
    committees = OwnersCommittees()
    committees.add(0, 0.5)
    cfg = config(levers__committee_formation__enabled=enabled, levers__committee_formation__rate_per_year=rate)
    table = IssueTable()
    agreement = Agreement(cfg, layout, committees, branches(strengths), np.full(n, -1), households(3, compound=[0, 1, 2]),
                          table, counters(), np.random.default_rng(0), Handled().dispatcher(table))
    formed: list[tuple[int, int]] = []
    tally = counters()
    formation = CommitteeFormation(cfg, committees, agreement, n, tally, np.random.default_rng(1),
                                   lambda compound, row: formed.append((compound, row)))
    return formation, committees, agreement, tally, formed


def _year(formation: CommitteeFormation) -> None:
    for day in range(1, 366):
        formation.step(day)


def test_a_strong_branch_organises_a_committee_where_there_is_none():
    # compound 1 has its own branch (strength 1); compound 2 has none, and its grid's branch has strength 0.
    # At rate 10 a year a full-strength branch all but surely succeeds within a year (1 - e^-10).
    formation, committees, agreement, tally, formed = _state({(COMPOUND, 1): 1.0, (GRID, 0): 0.0}, rate=10.0)
    before = agreement.meeting_intervals().copy()
    _year(formation)
    assert committees.compound.tolist() == [0, 1] and formed == [(1, 1)] and tally["committees_formed"] == 1
    low, high = config().organisations.owners_committee.activeness_range
    assert low <= committees.activeness[1] <= high
    assert agreement.has_committee.tolist() == [True, True, False]  # the talks now see it
    assert agreement.committee_activeness[1] == pytest.approx(max(committees.activeness[1], 0.0))
    assert agreement.meeting_intervals()[2] == before[2]  # nobody organised compound 2
    _year(formation)
    assert len(committees) == 2  # committees do not form twice, and compound 2 still has no organiser


def test_the_grid_branch_organises_where_the_compound_has_no_branch():
    formation, committees, *_ = _state({(GRID, 0): 1.0}, rate=10.0)
    _year(formation)
    assert sorted(committees.compound.tolist()) == [0, 1, 2]


def test_the_rate_sets_how_often_committees_form():
    # at rate r and strength s, a compound forms one within a year with probability 1 - exp(-r s)
    years = []
    for seed in range(200):
        formation, committees, *_ = _state({(GRID, 0): 0.5}, rate=1.0)
        formation.rng = np.random.default_rng(seed)
        _year(formation)
        years.append(len(committees) - 1)
    expected = 2 * (1 - np.exp(-0.5))  # two compounds without a committee
    assert np.mean(years) == pytest.approx(expected, abs=0.12)  # 200 runs: standard error about 0.05


def test_nothing_forms_when_the_lever_is_off():
    formation, committees, _, tally, formed = _state({(GRID, 0): 1.0}, rate=10.0, enabled=False)
    _year(formation)
    assert len(committees) == 1 and not formed and tally["committees_formed"] == 0


def test_in_a_community_formed_committees_are_agents_and_counted():
    from cogov.sim.agents import OwnersCommittee

    model = CommunityModel("default", rng=1, days=730, levers__committee_formation__enabled=True,
                           levers__committee_formation__rate_per_year=2.0)
    model.run()
    formed = model.counters["committees_formed"]
    assert formed > 0
    assert len(model.committees) == int(model.layout.has_owners_committee.sum()) + formed
    assert len(model.agents_by_type[OwnersCommittee]) == len(model.committees)
    assert model.metrics["owners_committee_share"] == pytest.approx(len(model.committees) / model.layout.n_compounds)
    assert model.agreement.has_committee[model.committees.compound].all()
