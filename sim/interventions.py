"""Interventions during a run: live parameters changed at a day boundary, and the model following them.

:meth:`cogov.sim.model.CommunityModel.intervene` (or a scenario's ``[[interventions]]``, applied at the start of their
day) validates a change as a scenario override is validated (:func:`cogov.sim.scenario.resolved_changes`,
:func:`~cogov.sim.scenario.changed_config`), refuses a build-time parameter (:mod:`cogov.sim.live`), and then
:func:`reconfigure` makes the model act on the new values from the next day, through the code that acts on them when a
scenario holds them from the start:

- every mechanism reads its parameters again (its ``configure``), and what follows from the levers is planned again
  (:func:`~cogov.sim.mechanisms.resources.plan_resources`: hours, money, burden; the co-building units' commitment moves
  with the matching money's pull, as when a street changes a community's funds);
- an arrangement switched on is set up that day as it is set up on day 0 when a scenario has it (mediation teams and
  their lawyer, self-management committees, work units' logistics, the fallback companies and their party
  organisations, red property's party organisations in companies, the subsidy's selection of companies, the app's
  users, the five ones' pairs, elections' terms); its recurring events start one interval later, as they start at
  build, and a yearly programme (needs lists, venture-philanthropy projects) starts that day;
- an arrangement switched off ends: it takes no new work and costs nothing more, and the matters queued with an
  organisation it dissolves go back to the grid, to be routed the usual way (members' posts lapse, teams disband, the
  five ones' checklists end). Party organisations set up in companies stay, and venture-philanthropy projects
  already funded run to the year's end;
- a recurring event whose interval changed starts a new cycle that day (its next occurrence one new interval later).

Each change is recorded as an :class:`InterventionEvent` (the first day it acts, the key path, the old and the new
value, where it came from) in ``model.interventions``, in the run's summary and provenance, and by ``cogov run --out``
in ``interventions.csv``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cogov.sim.behaviour import beta_with_mean
from cogov.sim.config import COMPOUND_TYPES, ScenarioConfig
from cogov.sim.handlers import HandlerKind
from cogov.sim.issues import Level, State
from cogov.sim.mechanisms.resources import plan_resources
from cogov.sim.organisations.mediation import DAYS_PER_WEEK, NO_TEAM, MediationTeam, MediationTeams
from cogov.sim.organisations.party import COMPANY, NO_SECRETARY, PartyBranch
from cogov.sim.organisations.property import PropertyCompany
from cogov.sim.organisations.public import GridWorker
from cogov.sim.organisations.self_management import SelfManagementCommittee, SelfManagementCommittees
from cogov.sim.organisations.work_units import WorkUnitService, WorkUnitServices

if TYPE_CHECKING:
    from cogov.sim.model import CommunityModel

COMMUNITY = 0
DAYS_PER_YEAR = 365


@dataclass(frozen=True)
class InterventionEvent:
    """One parameter changed during a run: from ``day`` on (the first day simulated with the new value), ``key`` was
    ``new`` instead of ``old``; ``source`` says who changed it (``intervene``, or ``interventions[i]`` of the
    scenario). Values are as a scenario file writes them (JSON-like: a range is a list)."""

    day: int
    key: str
    old: Any
    new: Any
    source: str

    def as_dict(self) -> dict[str, Any]:
        """The event as a plain mapping (for JSON and CSV outputs)."""
        return asdict(self)


def value_at(data: dict[str, Any], key: str) -> Any:
    """The value at dotted ``key`` of a scenario dumped as JSON-like data (``config.model_dump(mode="json")``)."""
    node: Any = data
    for part in key.split("."):
        node = node[part]
    return node


# --------------------------------------------------------------------------------------------- reconfiguration
def reconfigure(model: CommunityModel, new: ScenarioConfig, day: int) -> None:
    """Make ``model`` act on ``new`` from day ``day + 1``: arrangements switched on are set up, those switched off end,
    every mechanism reads its parameters again and recurring events follow their levers (module docstring). ``day``
    is the day boundary (the last day simulated with the old values): what an arrangement does at set-up it does on
    that day, as at build on day 0."""
    old = model.config
    model.config = new
    was, now = old.levers, new.levers
    # Organisations first, in the order the community is built (work units, self-management, the fallback company
    # for the compounds nobody serves), so that the mechanisms read their parameters with them in place. Those that
    # end go first: the compounds they leave are nobody's until a new arrangement takes them.
    if was.fallback_property.enabled and not now.fallback_property.enabled:
        _withdraw_fallback(model, day)
    if was.self_management.enabled and not now.self_management.enabled:
        _dissolve_self_management(model, day)
    if was.work_unit_management.enabled and not now.work_unit_management.enabled:
        _end_work_units(model, day)
    if now.work_unit_management.enabled and not was.work_unit_management.enabled:
        _start_work_units(model)
    if now.self_management.enabled and not was.self_management.enabled:
        _elect_self_management(model)
    if now.fallback_property.enabled and not was.fallback_property.enabled:
        _set_up_fallback(model, day)
    if now.cross_appointment.party_property and not was.cross_appointment.party_property:
        _red_property(model, day)
    _mediation(model, old, new, day)
    configure(model, new, changed_gain=True)
    if now.fee_leverage.enabled != was.fee_leverage.enabled:
        if now.fee_leverage.enabled:
            model.fee_leverage.select(start=day)
        else:
            model.fee_leverage.stop()
    if now.committee_formation.elections and not was.committee_formation.elections:
        model.committee_formation.start_elections(day)
    if now.grid.full_time_workers != was.grid.full_time_workers:
        _grid_workers(model)
    model.follow_recurring_events(day)


def configure(model: CommunityModel, config: ScenarioConfig, changed_gain: bool = False) -> None:
    """Every mechanism and organisation reads ``config`` (idempotent: parameters only, no state but what follows
    from them). With ``changed_gain``, the co-building units' commitment moves by the change in the matching money's
    pull (as :meth:`~cogov.sim.model.CommunityModel.set_annual_funds` does when a street changes the funds)."""
    layout, levers, service = model.layout, config.levers, config.service
    old_gain = model.plan.co_building_commitment_gain
    model.plan = plan_resources(config, layout.n_grids)
    if changed_gain and model.plan.co_building_commitment_gain != old_gain and len(model.co_building):
        shifted = model.co_building.commitment + model.plan.co_building_commitment_gain - old_gain
        model.co_building.commitment = np.clip(shifted, 0.0, 1.0)
    model.co_building.set_posts(config.organisations.co_building, levers.lists_matching,
                                levers.cross_appointment.big_party_committee)
    model.party.configure(config, model.plan.burden)
    model.resources.configure(config, model.plan, model.fallback_subsidy_per_day())
    model.evaluation.configure(config)
    model.fee_leverage.configure(levers.fee_leverage)
    model.dispatcher.configure(levers.grid.grid_first, levers.escalation.grid_days, levers.mediation.max_wait_days,
                               model.claimers())
    model.mediation.configure(config)
    model.arrival.configure(config.issues)
    model.agreement.configure(config)
    model.care.configure(config)
    model.posts.configure(config)
    model.teams.configure(config)
    model.five_ones.configure(config)
    model.volunteering.configure(config)
    model.platform.configure(levers.digital_platform)
    model.discovery.configure(config)
    model.activities.configure(config)
    model.needs_projects.configure(config)
    model.escalation.configure(config)
    model.abandonment.configure(config.behaviour.grievance)
    model.service_purchasing.configure(config)
    model.committee_formation.configure(config)
    model.service.configure(service)
    model.upkeep.configure(service)
    model.drift.configure(config.behaviour.satisfaction)
    model.community_party_organisation.configure(config)
    model.meeting_time.configure(service.staff_hours_per_meeting, config.costs.staff_cny_per_hour)
    # Handlers whose quality is a parameter (companies' and social organisations' qualities are their own state).
    handlers = model.handlers
    kind = handlers.kind
    handlers.quality[(kind == HandlerKind.GRID) | (kind == HandlerKind.SELF_MANAGEMENT)
                     | (kind == HandlerKind.WORK_UNIT)] = service.grid_worker_quality
    handlers.quality[kind == HandlerKind.COMMUNITY] = service.community_quality
    handlers.quality[kind == HandlerKind.STREET] = service.street_quality
    handlers.quality[kind == HandlerKind.MEDIATION] = levers.mediation.success_probability
    teams = model.mediation_teams
    handlers.capacity[teams.handler] = teams.members * levers.mediation.hours_per_mediator_per_week / DAYS_PER_WEEK
    if teams.lawyer != NO_TEAM:
        handlers.capacity[teams.lawyer] = levers.mediation.lawyer_hours_per_week / DAYS_PER_WEEK


# ------------------------------------------------------------------------------------------- organisations
def _requeue(model: CommunityModel, gone: NDArray[np.int64], day: int) -> None:
    """Matters queued with handlers that no longer work go back to the grid, routed the usual way; the handlers get
    no more hours."""
    if len(gone) == 0:
        return
    model.handlers.capacity[gone] = 0.0
    table = model.issues
    rows = table.open_in(State.QUEUED)
    rows = rows[np.isin(table.handler[rows], gone)]
    model.dispatcher.dispatch(rows, day, Level.GRID)


def _remove_agents(model: CommunityModel, cls: type, table: object) -> None:
    for agent in list(model.agents_by_type.get(cls, [])):
        if agent.table is table:
            agent.remove()


def _nobody(model: CommunityModel) -> NDArray[np.bool_]:
    """Compounds whose property matters nobody serves today."""
    return model.property_service_by_compound < 0


def _start_work_units(model: CommunityModel) -> None:
    """Work units take back the work-unit compounds nobody serves, as at build (each with probability ``share``)."""
    config, layout = model.config, model.layout
    candidates = _nobody(model) & (layout.compound_type == COMPOUND_TYPES.index("work_unit"))
    units = WorkUnitServices.build(config.levers.work_unit_management, candidates, model.households, model.handlers,
                                   config.service.grid_worker_quality, model.streams.work_units, COMMUNITY)
    first_building = np.unique(layout.building_compound, return_index=True)[1]
    for row, compound in enumerate(units.compound):
        WorkUnitService(model, model.cell_of_building(int(first_building[compound])), units, row)
    model.property_service_by_compound[units.compound] = units.handler
    model.work_units = model.resources.work_units = units


def _end_work_units(model: CommunityModel, day: int) -> None:
    units = model.work_units
    model.property_service_by_compound[units.compound] = -1
    _remove_agents(model, WorkUnitService, units)
    model.work_units = model.resources.work_units = WorkUnitServices()
    _requeue(model, units.handler, day)


def _elect_self_management(model: CommunityModel) -> None:
    """Residents elect committees where nobody serves the compound today, as at build (each with ``coverage``)."""
    config, layout = model.config, model.layout
    committees = SelfManagementCommittees.build(
        config.levers.self_management, _nobody(model), model.households, model.handlers,
        config.service.grid_worker_quality, config.organisations.owners_committee.activeness_range,
        model.streams.self_management, COMMUNITY)
    first_building = np.unique(layout.building_compound, return_index=True)[1]
    for row, compound in enumerate(committees.compound):
        SelfManagementCommittee(model, model.cell_of_building(int(first_building[compound])), committees, row)
    model.property_service_by_compound[committees.compound] = committees.handler
    committees.collect_fees(model.households, layout.n_compounds, config.service.fee_collection_floor)
    model.self_managed = model.resources.self_managed = committees
    model.agreement.set_self_management(committees.activeness_by_compound(layout.n_compounds), model.committees)


def _dissolve_self_management(model: CommunityModel, day: int) -> None:
    committees = model.self_managed
    model.property_service_by_compound[committees.compound] = -1
    _remove_agents(model, SelfManagementCommittee, committees)
    model.self_managed = model.resources.self_managed = SelfManagementCommittees()
    model.agreement.set_self_management(np.zeros(model.layout.n_compounds), model.committees)
    _requeue(model, committees.handler, day)


def _set_up_fallback(model: CommunityModel, day: int) -> None:
    """The party-led fallback company takes every compound with households that nobody serves, as at build: a
    company with its own party organisation (strength drawn from the fallback's stream), answering at accountability
    reviews from today."""
    config, companies = model.config, model.companies
    households_by_compound = np.bincount(model.households.compound, minlength=model.layout.n_compounds)
    compounds = np.flatnonzero(_nobody(model) & (households_by_compound > 0))
    first = len(companies)
    for c in compounds:
        model.add_company(int(c), config.levers.fallback_property.quality, has_party_organisation=True, fallback=True)
        model.property_service_by_compound[c] = companies.handler[-1]
    rows = np.arange(first, len(companies))
    companies.last_review[rows] = day
    companies.collect_fees(model.households, model.layout.n_compounds, config.service.fee_collection_floor, rows)
    model.fallback_compounds = compounds
    mean = config.party.initial_strength.company
    strength = beta_with_mean(model.streams.fallback_property, np.full(len(rows), mean),
                              config.party.strength_concentration, len(rows))
    _add_company_branches(model, rows, strength)
    model.fee_leverage.companies_added(households_by_compound[companies.compound])


def _withdraw_fallback(model: CommunityModel, day: int) -> None:
    companies = model.companies
    rows = np.flatnonzero(companies.fallback & companies.serving)
    compounds = companies.compound[rows]
    model.property_service_by_compound[compounds] = -1
    model.company_handler_by_compound[compounds] = -1
    companies.withdraw(rows)
    withdrawn = set(rows.tolist())
    for agent in list(model.agents_by_type.get(PropertyCompany, [])):
        if agent.row in withdrawn:
            agent.remove()
    model.fallback_compounds = np.empty(0, dtype=np.int64)
    _companies_changed(model)
    _requeue(model, companies.handler[rows], day)


def _red_property(model: CommunityModel, day: int) -> None:
    """Red property from today: every serving company without a party organisation gets one (its strength drawn from
    the ``interventions`` stream, as party organisations' are at build), and every company answers to the community
    from today (its accountability reviews start one interval later)."""
    config, companies = model.config, model.companies
    rows = np.flatnonzero(companies.serving & ~companies.has_party_organisation)
    companies.has_party_organisation[rows] = True
    strength = beta_with_mean(model.streams.interventions, np.full(len(rows), config.party.initial_strength.company),
                              config.party.strength_concentration, len(rows))
    _add_company_branches(model, rows, strength)
    companies.last_review[companies.serving] = day


def _add_company_branches(model: CommunityModel, rows: NDArray[np.int64], strength: NDArray[np.float64]) -> None:
    """Party organisations of the companies ``rows``, set up mid-run with ``strength``, as Mesa agents."""
    branches, layout = model.branches, model.layout
    first_building = np.unique(layout.building_compound, return_index=True)[1]
    for row, value in zip(rows.tolist(), strength.tolist(), strict=True):
        branch = branches.add(COMPANY, row, 0.0, model.config.party.aspiration, NO_SECRETARY, COMMUNITY)
        branches.strength[branch] = value
        building = int(first_building[model.companies.compound[row]])
        PartyBranch(model, model.cell_of_building(building), branches, branch)
    _companies_changed(model)


def _companies_changed(model: CommunityModel) -> None:
    """Who answers for which company and which compound, after companies or their party organisations changed."""
    companies = model.companies
    model.party.restructure(companies.handler)
    company_of_compound = np.full(model.layout.n_compounds, -1, dtype=np.int64)
    serving = np.flatnonzero(companies.serving)
    company_of_compound[companies.compound[serving]] = serving
    model.agreement.set_company_branches(model.branches, company_of_compound, len(companies))


def _mediation(model: CommunityModel, old: ScenarioConfig, new: ScenarioConfig, day: int) -> None:
    """The mediation committee set up (teams chosen as at build) or dissolved; its lawyer taken on or let go."""
    was, now = old.levers.mediation, new.levers.mediation
    teams = model.mediation_teams
    gone = np.empty(0, dtype=np.int64)
    if now.enabled and not was.enabled:
        model.create_mediation_teams(now)
        teams = model.mediation_teams
    elif was.enabled and not now.enabled:
        gone = np.append(teams.handler, teams.lawyer) if teams.lawyer != NO_TEAM else teams.handler
        _remove_agents(model, MediationTeam, teams)
        teams = model.mediation_teams = MediationTeams(model.layout.n_grids)
    elif now.enabled and (now.lawyer_hours_per_week > 0) != (teams.lawyer != NO_TEAM):
        if teams.lawyer == NO_TEAM:
            teams.lawyer = model.handlers.add(HandlerKind.MEDIATION, Level.GRID, now.success_probability, COMMUNITY)
        else:
            gone, teams.lawyer = np.array([teams.lawyer]), NO_TEAM
    else:
        return
    model.dispatcher.set_mediation(teams.team_of_grid, teams.lawyer)
    model.mediation.set_teams(teams)
    _requeue(model, gone, day)  # routed without the teams (or lawyer) that are gone


def _grid_workers(model: CommunityModel) -> None:
    """As many full-time grid workers' agents in each grid as the lever says (their hours are the plan's)."""
    wanted = model.config.levers.grid.full_time_workers
    by_grid: dict[int, list[GridWorker]] = {}
    for agent in model.agents_by_type.get(GridWorker, []):
        by_grid.setdefault(agent.grid_id, []).append(agent)
    first_building_of_grid = np.unique(model.layout.building_grid, return_index=True)[1]
    for grid, building in enumerate(first_building_of_grid.tolist()):
        present = by_grid.get(grid, [])
        for agent in present[wanted:]:
            agent.remove()
        for _ in range(wanted - len(present)):
            GridWorker(model, model.cell_of_building(building), grid)
