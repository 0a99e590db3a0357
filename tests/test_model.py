"""The model as a whole: Mesa idioms, determinism, conservation of issues, batch_run compatibility."""

import mesa
import numpy as np
import pandas as pd
import pytest

from cogov.sim import CommunityModel
from cogov.sim.agents import (
    CoBuildingUnit,
    CommunityPartyOrganisation,
    GridWorker,
    Household,
    OwnersCommittee,
    PartyMember,
    PropertyCompany,
    SocialOrganisation,
    StreetOffice,
)
from cogov.sim.issues import State
from cogov.sim.outcomes import DAILY_METRICS

SMALL = {"community.households": 500}


@pytest.fixture(scope="module")
def year_run():
    model = CommunityModel("default", rng=11, days=365)
    summary = model.run()
    return model, summary


def test_every_actor_type_is_a_mesa_agent_in_the_agentset(year_run):
    model, _ = year_run
    counts = {cls: len(model.agents_by_type.get(cls, [])) for cls in (
        Household, PartyMember, GridWorker, PropertyCompany, SocialOrganisation, CoBuildingUnit,
        CommunityPartyOrganisation, StreetOffice)}
    assert counts[Household] + counts[PartyMember] == model.config.community.households
    assert counts[PartyMember] == int(model.households.is_member.sum()) > 0
    assert counts[GridWorker] == model.layout.n_grids * model.config.levers.grid.full_time_workers
    assert counts[PropertyCompany] == int(model.layout.has_property.sum()) > 0
    assert counts[SocialOrganisation] == model.config.community.social_organisations
    assert counts[CoBuildingUnit] == model.config.community.co_building_units
    assert counts[CommunityPartyOrganisation] == 1 and counts[StreetOffice] == 1
    assert len(model.agents_by_type.get(OwnersCommittee, [])) == int(model.layout.has_owners_committee.sum())


def test_households_live_in_their_building_cell_and_read_population_arrays(year_run):
    model, _ = year_run
    for agent in list(model.agents_by_type[PartyMember])[:20]:
        x, y = model.layout.building_xy[model.households.building[agent.index]]
        assert agent.cell.coordinate == (x, y)
        assert agent.satisfaction == model.households.satisfaction[agent.index]
        assert agent.member_type in ("in_service", "retired", "mobile")


def test_households_placed_on_demand_are_the_agents_placed_at_build_and_change_no_number():
    """A batch builds its communities with households' agents left to be placed on demand: reading the agents then
    places the same agents (class, id, cell, row) as at build, and the run's numbers are the same."""
    now = CommunityModel("default", rng=5, days=20, **SMALL)
    later = CommunityModel("default", rng=5, days=20, household_agents="on_demand", **SMALL)
    assert Household not in mesa.Model.agents_by_type.fget(later)  # not placed yet
    assert later.agent_count == now.agent_count == len(now.agents)  # counted without placing them
    assert Household not in mesa.Model.agents_by_type.fget(later)
    assert repr(later.run()) == repr(now.run())  # repr: NaN equals NaN, floats to the last bit

    def described(model):
        return sorted((agent.unique_id, type(agent).__name__, getattr(agent, "index", None),
                       getattr(getattr(agent, "cell", None), "coordinate", None)) for agent in model.agents)

    assert described(later) == described(now)
    assert len(later.agents_by_type[Household]) + len(later.agents_by_type[PartyMember]) == 500
    assert later.agent_id_counter == now.agent_id_counter
    with pytest.raises(ValueError, match="household_agents must be one of 'now', 'on_demand', not 'later'"):
        CommunityModel("default", rng=5, household_agents="later", **SMALL)


def test_issue_states_are_conserved(year_run):
    model, summary = year_run
    states = model.issues.count_by_state()
    counts = summary["counts"]
    assert states.sum() == counts["arisen"] == len(model.issues)
    assert states[State.RESOLVED] == counts["resolved"]
    assert states[State.UNRESOLVED] == counts["unresolved"]
    assert counts["found"] == len(model.issues) - states[State.LATENT]
    open_rows = model.issues.open_rows
    assert len(open_rows) == states[State.LATENT] + states[State.AGREEMENT] + states[State.QUEUED]
    assert summary["metrics"]["backlog"] == states[State.AGREEMENT] + states[State.QUEUED]
    closed = model.issues.state[: len(model.issues)] >= State.RESOLVED
    assert np.all(model.issues.closed[: len(model.issues)][closed] >= model.issues.found[: len(model.issues)][closed])
    assert np.all(model.issues.found[: len(model.issues)][closed] >= model.issues.created[: len(model.issues)][closed])


def test_daily_series_has_a_row_per_day_and_sensible_ranges(year_run):
    model, _ = year_run
    series = model.series()
    assert list(series.index) == list(range(366))
    assert set(DAILY_METRICS) - {"day"} <= set(series.columns)
    assert series["issues_arisen"].is_monotonic_increasing
    for col in ("resolution_rate", "satisfaction_mean", "trust_mean", "volunteer_share", "on_time_share"):
        values = series[col].dropna()
        assert ((values >= 0) & (values <= 1)).all(), col


def test_a_default_year_is_plausible(year_run):
    """Broad plausibility bounds for the default community (not calibration targets; see docs/ODD.md)."""
    _, summary = year_run
    m = summary["metrics"]
    assert 2000 * 1.5 < m["issues_arisen"] < 2000 * 4
    assert 0.4 < m["resolution_rate"] < 0.95
    assert 0.2 < m["satisfaction_mean"] < 0.9
    assert 0.01 < m["volunteer_share"] < 0.2
    assert 0 < m["mean_days_to_resolve"] < 30


def test_same_seed_same_series_different_seed_different_series():
    a = CommunityModel("default", rng=3, days=60, **SMALL)
    b = CommunityModel("default", rng=3, days=60, **SMALL)
    c = CommunityModel("default", rng=4, days=60, **SMALL)
    for model in (a, b, c):
        model.run()
    pd.testing.assert_frame_equal(a.series(), b.series())
    assert not a.series().equals(c.series())


def test_common_random_numbers_same_issues_arise_whatever_the_levers():
    """Per-process random streams: a lever does not change which issues arise (paired comparisons); matters that
    come back where nobody keeps the compound follow the fixes, so they are left out."""
    base = CommunityModel("default", rng=5, days=90, **SMALL)
    lever = CommunityModel("default", rng=5, days=90, **SMALL, **{"levers.volunteer_incentives.points_per_hour": 20.0,
                                                                 "levers.funding.annual_cny": 900_000})
    base.run()
    lever.run()
    arisen = base.issues.column("repeats") < 0
    arisen_lever = lever.issues.column("repeats") < 0
    assert (~arisen).any()  # some did come back
    for column in ("household", "category", "created", "severity"):
        assert np.array_equal(base.issues.column(column)[arisen], lever.issues.column(column)[arisen_lever]), column


def test_runs_with_run_for_and_events():
    model = CommunityModel("default", rng=1, days=30, **SMALL)
    model.run_for(14)
    assert model.day == 14 and model.time == 14
    assert all(0.5 <= c.collection_rate <= 1.0 for c in model.property_companies)


def test_metrics_readable_as_attributes():
    model = CommunityModel("default", rng=1, days=5, **SMALL)
    model.run()
    assert model.resolution_rate == model.metrics["resolution_rate"]
    with pytest.raises(AttributeError):
        model.no_such_metric  # noqa: B018


def test_mesa_batch_run_drives_the_model_unchanged():
    results = mesa.batch_run(
        CommunityModel,
        parameters={"days": 20, "community__households": 300, "levers__funding__annual_cny": [100_000.0, 400_000.0]},
        rng=[1, 2],
        max_steps=20,
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    frame = pd.DataFrame(results)
    assert len(frame) == 4
    assert set(frame["levers__funding__annual_cny"]) == {100_000.0, 400_000.0}
    assert (frame["Step"] == 20).all()
    assert frame["issues_arisen"].gt(0).all()


def test_the_collector_keeps_every_days_metrics_whenever_its_lists_are_read():
    """The collector keeps each day's metrics and fills Mesa's model_vars when they are read: read every day (as the
    classroom page does) or only at the end, the lists are the days' metrics in order, as Mesa's DataCollector has
    them, and the collection times are Mesa's."""
    watched = CommunityModel("default", rng=3, days=12, **SMALL)
    unwatched = CommunityModel("default", rng=3, days=12, **SMALL)
    seen = []
    while watched.running:
        watched.step()
        seen.append(watched.datacollector.model_vars["satisfaction_mean"][-1])
        assert seen[-1] == watched.metrics["satisfaction_mean"]
    unwatched.run()
    assert repr(watched.datacollector.model_vars) == repr(unwatched.datacollector.model_vars)  # NaN as NaN
    assert unwatched.datacollector.model_vars["day"] == list(range(13))
    assert unwatched.datacollector.model_vars["satisfaction_mean"][1:] == seen
    assert list(unwatched.datacollector.get_model_vars_dataframe().columns) == list(DAILY_METRICS)
    assert list(unwatched.metrics) == list(DAILY_METRICS)  # each day's metrics name every column, in order
    assert unwatched.datacollector._collection_steps == list(range(13))
