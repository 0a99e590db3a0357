"""People's mediation (人民调解) on small hand-built states: who mediates, where disputes go, what mediators notice,
what a settled dispute does, and what it costs; then in a whole community."""

from __future__ import annotations

import numpy as np
import pytest
from stage_state import CARE, DISPUTE, SAFETY, Handled, config, counters, households, issues_for

from cogov.sim.handlers import HandlerKind, Handlers
from cogov.sim.households import ELDERLY, IN_SERVICE, RETIRED
from cogov.sim.issues import Channel, Level, State
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.dispatch import Dispatcher
from cogov.sim.mechanisms.mediation import LEDGER_ITEM, Mediation
from cogov.sim.model import CommunityModel
from cogov.sim.organisations.mediation import NO_TEAM, MediationTeams, choose_mediators

ON = {"levers__mediation__enabled": True}


def _elderly_mix():
    """Ten households: 0-3 elderly retired members, 4-6 elderly non-members, 7 elderly in-service, 8-9 young."""
    age = [ELDERLY] * 8 + [0, 0]
    member = [RETIRED] * 4 + [0, 0, 0, IN_SERVICE, RETIRED, 0]
    return households(10, age_group=age, member_type=member)


def test_mediators_are_elderly_retired_members_first():
    hh = _elderly_mix()
    rng = np.random.default_rng(1)
    chosen = choose_mediators(hh, 30.0, rng)  # 3 of 10
    assert len(chosen) == 3 and set(chosen) <= {0, 1, 2, 3}
    five = choose_mediators(hh, 50.0, rng)  # 5: all four retired elderly members, then one other elderly household
    assert {0, 1, 2, 3} <= set(five) and len(set(five) - {0, 1, 2, 3} - {4, 5, 6, 7}) == 0
    everyone = choose_mediators(hh, 100.0, rng)  # at most every elderly household: the young never mediate
    assert sorted(everyone) == list(range(8))


def test_a_team_in_every_grid_where_a_mediator_lives_with_their_hours():
    hh = households(6, grid=[0, 0, 1, 1, 2, 2], age_group=[ELDERLY, ELDERLY, 0, 0, ELDERLY, 0])
    handlers = Handlers()
    params = config(levers__mediation__enabled=True, levers__mediation__mediators_per_100_households=50.0,
                    levers__mediation__hours_per_mediator_per_week=3.5).levers.mediation
    teams = MediationTeams.build(params, hh, 3, handlers, np.random.default_rng(0))
    assert sorted(teams.mediators.tolist()) == [0, 1, 4]
    assert teams.grid.tolist() == [0, 2] and teams.members.tolist() == [2, 1]
    assert teams.team_of_grid[1] == NO_TEAM  # nobody elderly lives in grid 1
    assert (handlers.kind[teams.handler] == HandlerKind.MEDIATION).all()
    assert (handlers.level[teams.handler] == Level.GRID).all()
    assert handlers.capacity[teams.handler].tolist() == [1.0, 0.5]  # members x 3.5 h a week / 7
    assert (handlers.quality[teams.handler] == params.success_probability).all()


def test_no_committee_when_the_lever_is_off():
    handlers = Handlers()
    teams = MediationTeams.build(config().levers.mediation, _elderly_mix(), 1, handlers, np.random.default_rng(0))
    assert len(teams) == 0 and len(handlers) == 0 and (teams.team_of_grid == NO_TEAM).all()


def _with_team(table, team_capacity: float = 5.0, n_grids: int = 2):
    """Handlers of a community whose grid 0 has a mediation team (grid 1 has none), and a dispatcher."""
    handled = Handled(specialist=True, n_grids=n_grids)
    team = handled.handlers.add(HandlerKind.MEDIATION, Level.GRID, 0.85)
    handled.handlers.capacity[team] = team_capacity
    team_of_grid = np.full(n_grids, NO_TEAM)
    team_of_grid[0] = team
    specialists = {CARE: np.array([handled.specialist]), DISPUTE: np.array([handled.specialist])}
    dispatcher = Dispatcher(table, handled.handlers, handled.handling, np.array([-1]), specialists, True, 5.0,
                            team_of_grid, 5.0)
    return handled, team, dispatcher


def test_disputes_go_to_their_grids_team_before_a_social_organisation():
    hh = households(2, grid=[0, 1])
    table = issues_for(hh, [{"category": DISPUTE}, {"category": DISPUTE, "household": 1}, {"category": CARE},
                            {"category": SAFETY}])
    handled, team, dispatcher = _with_team(table)
    handler = dispatcher.route_in_grid(np.arange(4))
    assert handler[0] == team  # grid 0 has a team
    assert handler[1] == handled.specialist  # grid 1 has none: the dispute specialist, as without mediation
    assert handler[2] == handled.specialist and handler[3] == handled.handling.grid_handlers[0]  # others as before


def test_a_team_with_a_long_queue_lets_new_disputes_go_the_usual_way():
    hh = households(1)
    table = issues_for(hh, [{"category": DISPUTE}, {"category": DISPUTE}])
    handled, team, dispatcher = _with_team(table, team_capacity=1.0)
    table.state[0], table.handler[0], table.work_left[0] = State.QUEUED, team, 10.0  # 10 days of its hours
    assert dispatcher.route_in_grid(np.array([1]))[0] == handled.specialist
    handled.handlers.capacity[team] = 4.0  # 2.5 days: short enough
    assert dispatcher.route_in_grid(np.array([1]))[0] == team


def _mediation(hh, table, cfg, teams, dispatcher, tally=None, ledger=None, n_buildings=2):
    return Mediation(cfg, teams, hh, n_buildings, table, tally if tally is not None else counters(),
                     np.random.default_rng(3), dispatcher, ledger or Ledger())


def _teams_of(mediators: list[int], handler: int, n_grids: int = 2) -> MediationTeams:
    teams = MediationTeams(n_grids)
    teams.mediators = np.array(mediators)
    teams._append(community=0, grid=0, handler=handler, members=len(mediators))
    teams.team_of_grid[0] = handler
    return teams


def test_mediators_notice_disputes_in_their_own_building_only():
    # household 0 (a mediator) and 1 share building 0; household 2 lives in building 1 without a mediator
    hh = households(3, building=[0, 0, 1])
    table = issues_for(hh, [{"category": DISPUTE, "household": 1}, {"category": DISPUTE, "household": 2},
                            {"category": SAFETY, "household": 1}])
    _, team, dispatcher = _with_team(table)
    tally = counters()
    cfg = config(levers__mediation__enabled=True, levers__mediation__notice_probability=1.0)
    _mediation(hh, table, cfg, _teams_of([0], team), dispatcher, tally).find(day=2)
    assert table.channel[:3].tolist() == [Channel.MEDIATOR, Channel.UNFOUND, Channel.UNFOUND]
    assert table.state[0] == State.QUEUED and table.handler[0] == team and table.found[0] == 2
    assert tally["found_by_mediators"] == 1 and tally["found"] == 1


def test_never_noticed_at_probability_zero():
    hh = households(2)
    table = issues_for(hh, [{"category": DISPUTE, "household": 1}] * 20)
    _, team, dispatcher = _with_team(table)
    cfg = config(levers__mediation__enabled=True, levers__mediation__notice_probability=0.0)
    _mediation(hh, table, cfg, _teams_of([0], team), dispatcher).find(day=1)
    assert (table.state[:20] == State.LATENT).all()


def test_settled_disputes_build_ties_and_trust_and_every_case_is_paid():
    hh = households(4, ties=[0.2, 0.2, 0.2, 0.2], trust=[0.5] * 4)
    table = issues_for(hh, [{"category": DISPUTE, "household": h} for h in range(4)])
    handled, team, dispatcher = _with_team(table)
    other = handled.handling.grid_handlers[0]
    table.handler[:4] = [team, team, team, other]
    table.closed[:4] = 7
    table.state[:4] = [State.RESOLVED, State.UNRESOLVED, State.UNRESOLVED, State.RESOLVED]
    table.abandoned[2] = True  # given up waiting: no meeting, no case
    tally, ledger = counters(), Ledger()
    cfg = config(levers__mediation__enabled=True, levers__mediation__cny_per_case=150.0,
                 links__participation_to_ties=0.1, links__participation_to_trust=0.2)
    _mediation(hh, table, cfg, _teams_of([0], team), dispatcher, tally, ledger).settle(day=7)
    assert tally["disputes_mediated"] == 2  # the settled one and the failed one; not the abandoned, not the grid's
    assert ledger.by_item()[LEDGER_ITEM] == pytest.approx(300.0)
    assert hh.ties.tolist() == pytest.approx([0.28, 0.2, 0.2, 0.2])  # only the settled dispute's parties met
    assert hh.trust.tolist() == pytest.approx([0.6, 0.5, 0.5, 0.5])


def test_nothing_settled_on_another_day():
    hh = households(1)
    table = issues_for(hh, [{"category": DISPUTE}])
    _, team, dispatcher = _with_team(table)
    table.handler[0], table.closed[0], table.state[0] = team, 3, State.RESOLVED
    tally = counters()
    _mediation(hh, table, config(**ON), _teams_of([0], team), dispatcher, tally).settle(day=4)
    assert tally["disputes_mediated"] == 0


# ------------------------------------------------------------------------------------------ the lawyer
def test_a_lawyer_is_a_community_wide_queue_with_the_lawyers_hours():
    hh = households(4, grid=[0, 0, 1, 1], age_group=[ELDERLY, 0, 0, 0])
    handlers = Handlers()
    params = config(levers__mediation__enabled=True, levers__mediation__mediators_per_100_households=25.0,
                    levers__mediation__lawyer_hours_per_week=3.5).levers.mediation
    teams = MediationTeams.build(params, hh, 2, handlers, np.random.default_rng(0))
    assert teams.lawyer >= 0 and teams.lawyer not in teams.handler
    assert handlers.capacity[teams.lawyer] == pytest.approx(0.5)  # 3.5 h a week / 7
    assert handlers.kind[teams.lawyer] == HandlerKind.MEDIATION
    assert teams.is_team(np.array([teams.handler[0], teams.lawyer, teams.lawyer + 1])).tolist() == [True, True, False]
    without = MediationTeams.build(config(levers__mediation__enabled=True).levers.mediation, hh, 2, Handlers(),
                                   np.random.default_rng(0))
    assert without.lawyer == NO_TEAM and not without.is_team(np.array([NO_TEAM])).any()


def test_disputes_on_a_point_of_law_go_to_the_lawyer_and_without_one_the_usual_way():
    hh = households(2, grid=[0, 1])
    table = issues_for(hh, [{"category": DISPUTE}, {"category": DISPUTE}, {"category": DISPUTE, "household": 1}])
    table.legal[[1, 2]] = True
    handled, team, dispatcher = _with_team(table)
    assert dispatcher.route_in_grid(np.arange(3)).tolist() == [team, handled.specialist, handled.specialist]
    lawyer = handled.handlers.add(HandlerKind.MEDIATION, Level.GRID, 0.85)
    handled.handlers.capacity[lawyer] = 0.5
    dispatcher.mediation_lawyer = lawyer
    # the lawyer serves every grid, including grid 1, which has no five-olds team
    assert dispatcher.route_in_grid(np.arange(3)).tolist() == [team, lawyer, lawyer]
    table.state[0], table.handler[0], table.work_left[0] = State.QUEUED, lawyer, 10.0  # 20 days of its hours
    assert dispatcher.route_in_grid(np.array([1]))[0] == handled.specialist  # the lawyer's queue is too long


def test_which_new_disputes_turn_on_a_point_of_law_is_drawn_at_the_share():
    hh = households(1)
    table = issues_for(hh, [{"category": DISPUTE}] * 2000 + [{"category": SAFETY}] * 200)
    _, team, dispatcher = _with_team(table)
    cfg = config(levers__mediation__enabled=True, levers__mediation__legal_share=0.3)
    mediation = _mediation(hh, table, cfg, _teams_of([0], team), dispatcher)
    mediation.classify(day=int(table.created[0]) + 1)  # not today's: nothing drawn
    assert not table.legal.any()
    mediation.classify(day=int(table.created[0]))
    assert table.legal[:2000].mean() == pytest.approx(0.3, abs=0.035) and not table.legal[2000:2200].any()


def test_the_lawyers_hours_are_paid_every_day_as_public_money():
    hh = households(1)
    table = issues_for(hh, [{"category": DISPUTE}])
    _, team, dispatcher = _with_team(table)
    teams = _teams_of([0], team)
    teams.lawyer = team + 1
    ledger = Ledger()
    cfg = config(levers__mediation__enabled=True, levers__mediation__lawyer_hours_per_week=7.0,
                 levers__mediation__lawyer_cny_per_hour=150.0)
    mediation = _mediation(hh, table, cfg, teams, dispatcher, ledger=ledger)
    for day in range(10):
        mediation.settle(day)
    assert ledger.by_item()["mediation_lawyer_hours"] == pytest.approx(10 * 150.0)
    assert ledger.total() == pytest.approx(1500.0)


# ------------------------------------------------------------------------------------------ in a community
@pytest.fixture(scope="module")
def year_with_mediation():
    model = CommunityModel("mediation", rng=5, days=120)
    model.run()
    return model


def test_in_a_community_the_teams_take_disputes_and_their_cost_is_public(year_with_mediation):
    model = year_with_mediation
    without = CommunityModel("default", rng=5, days=120)
    without.run()
    mediated = model.counters["disputes_mediated"]
    assert mediated > 0 and model.metrics["disputes_mediated"] == mediated
    assert without.counters["disputes_mediated"] == 0
    subsidies = model.ledger.by_item()[LEDGER_ITEM]
    assert subsidies == pytest.approx(mediated * model.config.levers.mediation.cny_per_case)
    # the only extra public money is the case subsidies: funds and salaries are the same
    assert model.metrics["cost_total"] - without.metrics["cost_total"] == pytest.approx(subsidies)
    handled = model.issues.column("handler")
    category = model.issues.column("category")
    assert (category[np.isin(handled, model.mediation_teams.handler)] == DISPUTE).all()  # only disputes


def test_in_a_community_the_lawyer_takes_only_disputes_on_a_point_of_law_and_teams_none_of_them():
    model = CommunityModel("mediation_lawyer", rng=5, days=120)
    model.run()
    handled, category = model.issues.column("handler"), model.issues.column("category")
    legal = model.issues.column("legal")
    lawyer = model.mediation_teams.lawyer
    assert (handled == lawyer).sum() > 0
    assert (category[handled == lawyer] == DISPUTE).all() and legal[handled == lawyer].all()
    assert not legal[np.isin(handled, model.mediation_teams.handler)].any()  # the five olds refer them
    assert not legal[category != DISPUTE].any()
    share = legal[category == DISPUTE].mean()
    assert abs(share - model.config.levers.mediation.legal_share) < 0.1
    days = model.steps
    hours = model.config.levers.mediation.lawyer_hours_per_week / 7 * days
    assert model.ledger.by_item()["mediation_lawyer_hours"] == pytest.approx(
        hours * model.config.levers.mediation.lawyer_cny_per_hour, rel=0.02)


def test_mediation_teams_are_mesa_agents_where_their_mediators_live(year_with_mediation):
    from cogov.sim.organisations.mediation import MediationTeam

    model = year_with_mediation
    agents = list(model.agents_by_type[MediationTeam])
    assert len(agents) == len(model.mediation_teams) > 0
    h = model.households
    for agent in agents:
        homes = {tuple(model.layout.building_xy[b]) for b in h.building[model.mediation_teams.mediators]}
        assert agent.cell.coordinate in homes
        assert h.grid[model.mediation_teams.mediators][h.grid[model.mediation_teams.mediators] == agent.grid].size \
            == agent.members


def test_a_team_without_hours_takes_no_dispute():
    hh = households(1)
    table = issues_for(hh, [{"category": DISPUTE}])
    handled, _, dispatcher = _with_team(table, team_capacity=0.0)
    assert dispatcher.route_in_grid(np.array([0]))[0] == handled.specialist
