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


# ------------------------------------------------------------------------------------ terms and elections
def _elected(satisfaction: float, branch: float = 0.0, formation: bool = False, seed: int = 0, term_years: float = 1.0):
    """Three compounds, each with a committee of activeness 0.6 and term ``term_years``; owners' satisfaction and the
    grid branch's strength as given; elections on."""
    n = 3
    layout = row_layout(n, np.arange(n), has_owners_committee=[True, True, True])
    committees = OwnersCommittees()
    for c in range(n):
        committees.add(c, 0.6)
    cfg = config(levers__committee_formation__enabled=formation, levers__committee_formation__elections=True,
                 levers__committee_formation__term_years=term_years, levers__committee_formation__rate_per_year=10.0)
    table = IssueTable()
    owners = households(6, compound=[0, 0, 1, 1, 2, 2], satisfaction=np.full(6, satisfaction))
    agreement = Agreement(cfg, layout, committees, branches({(GRID, 0): branch}), np.full(n, -1), owners, table,
                          counters(), np.random.default_rng(0), Handled().dispatcher(table))
    tally, lapsed = counters(), []
    formation_ = CommitteeFormation(cfg, committees, agreement, n, tally, np.random.default_rng(seed),
                                    on_lapsed=lambda compound, row: lapsed.append((compound, row)))
    return formation_, committees, agreement, tally, lapsed


def test_terms_of_committees_present_at_the_start_end_within_one_term():
    _, committees, *_ = _elected(0.6, term_years=2.0)
    assert ((committees.term_end >= 1) & (committees.term_end <= 730)).all()


def test_a_committee_in_a_dissatisfied_compound_lapses_more_often_than_in_a_satisfied_one():
    lapsed = {}
    for satisfaction in (0.3, 0.8):
        count = 0
        for seed in range(100):
            formation, committees, *_ = _elected(satisfaction, seed=seed)
            _year(formation)  # every committee's term ends once within the year
            count += int(np.count_nonzero(~committees.sitting))
        lapsed[satisfaction] = count / 300
    # logit: 1 - 1/(1 + e^{-6 * (s - 0.5)}) lapses: 0.77 at 0.3, 0.14 at 0.8
    assert lapsed[0.3] == pytest.approx(0.77, abs=0.08) and lapsed[0.8] == pytest.approx(0.14, abs=0.06)


def test_a_strong_branch_keeps_committees_going():
    kept = {}
    for branch in (0.0, 1.0):
        kept[branch] = np.mean([_year_kept(_elected(0.5, branch=branch, seed=seed)) for seed in range(100)])
    assert kept[1.0] > kept[0.0] + 0.2  # 0.88 against 0.5


def _year_kept(state) -> float:
    formation, committees, *_ = state
    _year(formation)
    return float(committees.sitting.mean())


def test_a_lapsed_committee_leaves_its_compound_without_one_and_a_re_elected_one_serves_another_term():
    formation, committees, agreement, tally, lapsed = _elected(0.5, seed=4)
    ends = committees.term_end.copy()
    _year(formation)
    out = ~committees.sitting
    assert tally["committees_lapsed"] == out.sum() == len(lapsed) and tally["committees_reelected"] == 3 - out.sum()
    assert out.any() and (~out).any()  # (seed 4: both happen)
    assert not agreement.has_committee[committees.compound[out]].any()
    assert (agreement.committee_activeness[committees.compound[out]] == 0.0).all()
    assert (committees.term_end[~out] == ends[~out] + 365).all()
    assert formation.without_committee().tolist() == out.tolist()


def test_a_compound_whose_committee_lapsed_can_form_a_new_one():
    formation, committees, agreement, tally, _ = _elected(0.0, branch=1.0, formation=True, seed=1)
    for day in range(1, 3 * 365):
        formation.step(day)
    assert tally["committees_lapsed"] > 0 and tally["committees_formed"] > 0
    assert len(committees) == 3 + tally["committees_formed"]  # a new committee is a new row
    sitting = committees.compound[committees.sitting]
    assert len(set(sitting.tolist())) == len(sitting)  # never two sitting committees in one compound
    assert agreement.has_committee.tolist() == np.isin(np.arange(3), sitting).tolist()


def test_without_elections_committees_sit_for_the_whole_run_and_nothing_is_drawn():
    formation, committees, _, tally, _ = _state({(GRID, 0): 0.0}, rate=1.0)
    state = formation.rng.bit_generator.state
    for _ in range(6):
        _year(formation)
    assert committees.sitting.all() and tally["committees_lapsed"] == 0
    formation_off, *_ = _state({(GRID, 0): 0.0}, rate=1.0, enabled=False)
    _year(formation_off)
    assert formation_off.rng.bit_generator.state == np.random.default_rng(1).bit_generator.state  # no draws at all
    assert state != formation.rng.bit_generator.state  # (formation on draws as before)


def test_in_a_community_lapsed_committees_stop_being_agents_and_counted():
    from cogov.sim.agents import OwnersCommittee

    model = CommunityModel("default", rng=1, days=730, levers__committee_formation__elections=True,
                           levers__committee_formation__term_years=1.0, **{
                               f"community__owners_committee__{t}": 0.5 for t in
                               ("commercial", "affordable", "reform", "work_unit", "three_no")})
    model.run()
    assert model.counters["committees_lapsed"] > 0 and model.counters["committees_reelected"] > 0
    sitting = int(model.committees.sitting.sum())
    assert len(model.agents_by_type[OwnersCommittee]) == sitting < len(model.committees)
    assert model.metrics["owners_committee_share"] == pytest.approx(sitting / model.layout.n_compounds)
    assert model.agreement.has_committee.sum() == sitting
