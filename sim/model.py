"""CommunityModel: one urban community (社区) governed by many parties, one step per day.

The model builds the community (layout, households, organisations), wires the mechanisms of
:mod:`cogov.sim.mechanisms` to the tables they work on, and steps them in the order of the daily
lifecycle. Every mechanism owns its state; the model only holds them together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from mesa import Model
from mesa.discrete_space import OrthogonalMooreGrid
from mesa.time import EventGenerator, Schedule
from numpy.typing import NDArray

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
from cogov.sim.behaviour import beta_with_mean
from cogov.sim.config import COMPOUND_TYPES, ScenarioConfig
from cogov.sim.config import Mediation as MediationParams
from cogov.sim.frames import households_frame, issues_frame
from cogov.sim.handlers import HandlerKind, Handlers
from cogov.sim.households import build_households
from cogov.sim.interventions import InterventionEvent, reconfigure, value_at
from cogov.sim.issues import IssueTable, Level
from cogov.sim.layout import build_layout
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.abandonment import Abandonment
from cogov.sim.mechanisms.activities import Activities
from cogov.sim.mechanisms.agreement import Agreement
from cogov.sim.mechanisms.arrival import Arrival
from cogov.sim.mechanisms.care import ProactiveCare
from cogov.sim.mechanisms.committee_formation import CommitteeFormation
from cogov.sim.mechanisms.digital import DigitalPlatform, nearest_grids
from cogov.sim.mechanisms.discovery import Discovery
from cogov.sim.mechanisms.dispatch import Dispatcher
from cogov.sim.mechanisms.drift import SatisfactionDrift
from cogov.sim.mechanisms.escalation import Escalation
from cogov.sim.mechanisms.evaluation import Evaluation
from cogov.sim.mechanisms.fee_leverage import FeeLeverage
from cogov.sim.mechanisms.five_ones import FiveOnes
from cogov.sim.mechanisms.mediation import Mediation
from cogov.sim.mechanisms.meeting_time import MeetingTime
from cogov.sim.mechanisms.needs_projects import NeedsProjects
from cogov.sim.mechanisms.party_building import PartyBuilding
from cogov.sim.mechanisms.posts import Posts
from cogov.sim.mechanisms.resources import Handling, Resources, plan_resources
from cogov.sim.mechanisms.service import Service
from cogov.sim.mechanisms.service_purchasing import ServicePurchasing
from cogov.sim.mechanisms.teams import VolunteerTeams
from cogov.sim.mechanisms.upkeep import Upkeep
from cogov.sim.mechanisms.volunteering import Volunteering
from cogov.sim.organisations import CoBuildingUnits, OwnersCommittees, PropertyCompanies, SocialOrganisations
from cogov.sim.organisations.co_building import KINDS as CO_BUILDING_KINDS
from cogov.sim.organisations.mediation import MediationTeam, MediationTeams
from cogov.sim.organisations.party import COMMUNITY as COMMUNITY_BRANCH
from cogov.sim.organisations.party import COMPANY, COMPOUND, GRID, NO_SECRETARY, Branches, PartyBranch, choose_secretary
from cogov.sim.organisations.self_management import SelfManagementCommittee, SelfManagementCommittees
from cogov.sim.organisations.social import draw_specialties
from cogov.sim.organisations.work_units import WorkUnitService, WorkUnitServices
from cogov.sim.outcomes.collector import MetricsCollector
from cogov.sim.outcomes.metrics import DAILY_METRICS, daily_metrics, describe_community, summarise
from cogov.sim.scenario import (
    LoadedScenario,
    ScenarioError,
    apply_overrides,
    changed_config,
    intervention_problems,
    load_scenario,
    resolved_changes,
)
from cogov.sim.streams import RandomStreams

COMMUNITY = 0
"""Index of this community in every table (one community per model)."""
DAYS_PER_YEAR = 365.0
DAYS_PER_MONTH = 30
"""Days between monthly events (the big party committee's meeting)."""
HOUSEHOLD_AGENTS: tuple[str, ...] = ("now", "on_demand")
"""When a :class:`CommunityModel` places its households' Mesa agents (its ``household_agents`` argument)."""


class CommunityModel(Model):
    """Party-building-led multi-party co-governance of one community; one step = one day.

    Args:
        scenario: a :class:`~cogov.sim.config.ScenarioConfig`, a loaded scenario, a built-in scenario
            name or a path to a TOML file; ``None`` for the built-in default.
        rng: seed (or numpy ``Generator``) — same scenario and seed give identical results.
        days: horizon override (else ``simulation.days`` of the scenario).
        household_agents: ``"now"`` (default) places the households' Mesa agents in their building cells at build;
            ``"on_demand"`` places them the first time :attr:`agents` or :attr:`agents_by_type` is read (batches and
            sweeps, which read the tables, not the agents: a 2000-household community builds in about half the
            time). Either way they get the same ``unique_id`` s, and no number of the run changes.
        **overrides: parameter overrides by key path, ``levers.funding.annual_cny=4e5`` written as
            ``levers__funding__annual_cny=4e5`` (so ``mesa.batch_run`` can sweep them).

    State: ``layout`` (buildings, compounds, grids) and ``space`` (the Mesa grid of building cells);
    the tables ``households``, ``issues`` and ``handlers``; the organisations' tables ``companies``,
    ``committees``, ``social`` and ``co_building``; the mechanisms (``volunteering``, ``resources``,
    ``arrival``, ``discovery``, ``agreement``, ``escalation``, ``abandonment``, ``service``,
    ``evaluation``, ``drift``, ``mediation``, ``care``, ``posts``, ``teams``, ``activities``, ``needs_projects``, ``committee_formation``, ``fee_leverage``); the mediation committee's ``mediation_teams``; the residents' self-management committees ``self_managed``; ``counters``
    and ``metrics``. Households and organisations are also
    Mesa agents (``model.agents_by_type``), views on rows of those tables.

    Parameters can change during the run: :meth:`intervene` between days, or the scenario's ``[[interventions]]``
    at the start of their days (:mod:`cogov.sim.interventions`). ``config`` is the scenario as it stands today,
    ``initial_config`` the one the model was built with (its digest is the run's), and ``interventions`` lists every
    change made (:class:`~cogov.sim.interventions.InterventionEvent`).
    """

    def __init__(self, scenario: ScenarioConfig | LoadedScenario | str | Path | None = None, *,
                 rng: Any = None, days: int | None = None, household_agents: str = "now", **overrides: Any):
        if household_agents not in HOUSEHOLD_AGENTS:
            raise ValueError(f"household_agents must be one of {', '.join(map(repr, HOUSEHOLD_AGENTS))}, "
                             f"not {household_agents!r}")
        self._households_unplaced: int | None = None
        """The first household agent's ``unique_id`` while they wait to be placed (``household_agents="on_demand"``),
        else None."""
        super().__init__(rng=rng)
        self.streams = RandomStreams(self.rng.bit_generator.seed_seq)
        config = as_config(scenario)
        if days is not None:
            overrides = {**overrides, "simulation.days": days}
        self.config: ScenarioConfig = apply_overrides(config, overrides)
        self.initial_config: ScenarioConfig = self.config
        """The scenario the model was built with (``config`` is the scenario as interventions left it)."""
        self.days: int = self.config.simulation.days
        self.interventions: list[InterventionEvent] = []
        """Every parameter changed during the run so far, in order."""
        self._scheduled = self._scheduled_interventions()
        self._recurring: dict[str, tuple[EventGenerator, int]] = {}
        """Recurring events running now: name -> (generator, interval in days)."""
        self.counters: Counter[str] = Counter()
        self.ledger = Ledger()
        self.meeting_time = MeetingTime(self.config.service.staff_hours_per_meeting,
                                        self.config.costs.staff_cny_per_hour, self.ledger)

        self.layout = build_layout(self.config.community, self.streams.layout)
        self.space = OrthogonalMooreGrid((self.layout.width, self.layout.height), torus=False, random=self.random)
        self.households = build_households(self.config, self.layout, self.streams.population, COMMUNITY)
        self.issues = IssueTable(capacity=int(self.config.community.households * self.config.issues.rate_per_household_year * 2) + 16)
        self.handlers = Handlers()
        self.plan = plan_resources(self.config, self.layout.n_grids)

        if household_agents == "now":
            self._create_household_agents()
        else:  # their ids are kept for them, so that every agent has the id it has when placed at build
            self._households_unplaced = self.agent_id_counter
            self.agent_id_counter += self.households.size
        self._create_organisations()
        self._create_mechanisms()
        self.companies.collect_fees(self.households, self.layout.n_compounds, self.config.service.fee_collection_floor)
        self.self_managed.collect_fees(self.households, self.layout.n_compounds, self.config.service.fee_collection_floor)
        self._schedule_events()
        self.lifecycle = self._lifecycle()
        """The day's phases in order (:meth:`_lifecycle`)."""

        self.metrics: dict[str, float] = daily_metrics(self, 0)
        self.datacollector = MetricsCollector(DAILY_METRICS)
        self.datacollector.collect(self)

    # ------------------------------------------------------------------------------------ step
    def step(self) -> None:
        """One day of the lifecycle: volunteers serve (members claim posts, join teams, do the five ones), hours are
        set, issues arise and are found (by residents, patrols, stewards, the app, mediators, care visits,
        post-holders and members' prescribed actions), agreed on, escalated, abandoned or served and judged
        (mediated disputes settled; in compounds nobody keeps, fixed matters may come back); party organisations
        take stock and act; activities bring neighbours together; committees may form or face election;
        satisfaction drifts; then the day is recorded. Every arrangement whose lever is off does nothing and draws
        nothing."""
        day = self.steps
        for _, phase in self.lifecycle:
            phase(day)
        self.running = day < self.days

    def _lifecycle(self) -> tuple[tuple[str, Callable[[int], None]], ...]:
        """The day's phases in order, by name: :meth:`step` runs them one after another, and a batch of communities
        (:class:`cogov.sim.batch.CommunityBatch`) runs each phase for all its communities before the next, in one
        vectorised pass where the phase has one (:data:`cogov.sim.batch.BATCHED`). Each phase reads the mechanisms
        when it runs (an intervention reconfigures them in place)."""
        return (
            ("interventions", self._scheduled_today),  # the scenario's interventions of today, before anything else
            ("fee_leverage", lambda day: self.fee_leverage.step(day)),
            ("volunteering", lambda day: self.resources.step(self.volunteering.step(day))),  # sets today's hours
            ("platform", lambda day: self.platform.step()),
            ("arrival", lambda day: self.arrival.step(day)),
            ("classify_disputes", lambda day: self.mediation.classify(day)),
            ("discovery", lambda day: self.discovery.step(day)),
            ("find_disputes", lambda day: self.mediation.find(day)),
            ("care", lambda day: self.care.step(day)),
            ("posts", lambda day: self.posts.step(day)),
            ("five_ones", lambda day: self.five_ones.step(day)),
            ("agreement", lambda day: self.agreement.step(day)),
            ("escalation", lambda day: self.escalation.step(day)),
            ("abandonment", lambda day: self.abandonment.step(day)),
            ("service", lambda day: self.service.step(day)),
            ("upkeep", lambda day: self.upkeep.step(day)),
            ("settle_disputes", lambda day: self.mediation.settle(day)),
            ("party", lambda day: self.party.step(day)),
            ("activities", lambda day: self.activities.step(day)),
            ("committee_formation", lambda day: self.committee_formation.step(day)),
            ("drift", lambda day: self.drift.step(day)),
            ("prune", lambda day: self.issues.prune_closed()),
            ("record", self._record),
        )

    def _scheduled_today(self, day: int) -> None:
        for source, changes in self._scheduled.get(day, ()):
            self._apply(changes, day, source)

    def _record(self, day: int, metrics: dict[str, float] | None = None) -> None:
        """Today's metrics, collected (``metrics``: when a batch computed them from its
        :func:`~cogov.sim.outcomes.metrics.stacked_metrics`)."""
        self.metrics = daily_metrics(self, day) if metrics is None else metrics
        self.datacollector.collect(self)

    def run(self) -> dict[str, Any]:
        """Run to the scenario's horizon and return :meth:`summary`."""
        while self.running:
            self.step()
        return self.summary()

    @property
    def day(self) -> int:
        """Days simulated so far (0 before the first step)."""
        return self.steps

    # ----------------------------------------------------------------------------- interventions
    def intervene(self, changes: Mapping[str, Any], source: str = "intervene") -> list[InterventionEvent]:
        """Change live parameters from the next day on: ``changes`` maps key paths (``levers.burden.admin_share``,
        or ``levers__burden__admin_share``; nested tables are read as key paths) to new values.

        Validated as a scenario override is: an unknown key is refused with a did-you-mean, a value with the scenario
        format's message, and a build-time parameter (:mod:`cogov.sim.live`) with the reason it needs a new run (a
        Reset). Nothing changes unless every change is valid. The next :meth:`step` (day ``day + 1``) and every day
        after act on the new values through the same code as if the scenario had held them from the start; an
        arrangement switched on is set up that day (:mod:`cogov.sim.interventions`). Returns the changes recorded in
        :attr:`interventions`, one per key (the old value may equal the new).

        Raises:
            ScenarioError: a problem with a key or value, or the run has reached its horizon.
        """
        if self.steps >= self.days:
            ended = f"the run has ended (day {self.steps} of {self.days}): nothing is left to change"
            raise ScenarioError(source, [ended])
        return self._apply(changes, self.steps + 1, source)

    def _apply(self, changes: Mapping[str, Any], day: int, source: str) -> list[InterventionEvent]:
        """Validate ``changes`` against the scenario as it stands, make the model follow them, and record them as
        acting from ``day``."""
        resolved, problems = resolved_changes(self.config, changes, source)
        if problems:
            raise ScenarioError(source, [message for _, message in problems])
        new, value_problems = changed_config(self.config, resolved)
        if new is None:
            raise ScenarioError(source, value_problems)
        before, after = self.config.model_dump(mode="json"), new.model_dump(mode="json")
        events = [InterventionEvent(day, key, value_at(before, key), value_at(after, key), source) for key in resolved]
        reconfigure(self, new, day - 1)
        self.interventions += events
        return events

    def _scheduled_interventions(self) -> dict[int, list[tuple[str, dict[str, Any]]]]:
        """The scenario's interventions by day (those after the horizon never happen), checked now so that a
        scenario built in code fails here rather than on the intervention's day."""
        scheduled: dict[int, list[tuple[str, dict[str, Any]]]] = {}
        if not self.config.interventions:
            return scheduled
        problems = intervention_problems(self.config, horizon=False)
        if problems:
            raise ScenarioError(self.config.meta.name, problems)
        for i, entry in enumerate(self.config.interventions):
            if entry.day <= self.days:
                scheduled.setdefault(entry.day, []).append((f"interventions[{i}]", dict(entry.set)))
        return dict(sorted(scheduled.items()))

    def interventions_frame(self) -> pd.DataFrame:
        """The parameters changed during the run so far, one row each: day (the first day with the new value), key,
        old, new, source."""
        return pd.DataFrame([event.as_dict() for event in self.interventions],
                            columns=["day", "key", "old", "new", "source"])

    # ----------------------------------------------------------------------------------- build
    def cell_of_building(self, building: int):
        x, y = self.layout.building_xy[building]
        return self.space[(int(x), int(y))]

    @property
    def agents(self) -> Any:
        """Mesa's set of all agents (households placed first if they were left to be placed on demand)."""
        self._place_households()
        return super().agents

    @property
    def agents_by_type(self) -> Any:
        """Mesa's agent sets by type (households placed first if they were left to be placed on demand)."""
        self._place_households()
        return super().agents_by_type

    @property
    def agent_count(self) -> int:
        """How many Mesa agents the model has, households left to be placed on demand included (without placing
        them)."""
        unplaced = 0 if self._households_unplaced is None else self.households.size
        return len(super().agents) + unplaced

    def _place_households(self) -> None:
        """Place the households' agents left to be placed on demand, with the ids kept for them at build."""
        first = self._households_unplaced
        if first is None:
            return
        self._households_unplaced = None
        counter, self.agent_id_counter = self.agent_id_counter, first
        try:
            self._create_household_agents()
        finally:
            self.agent_id_counter = counter

    def _create_household_agents(self) -> None:
        member = self.households.is_member
        building = self.households.building
        for i in range(self.households.size):
            cls = PartyMember if member[i] else Household
            cls(self, self.cell_of_building(int(building[i])), i)

    def _create_organisations(self) -> None:
        """Handlers and organisations, each a table row and a Mesa agent (draws in a fixed order)."""
        config, layout, handlers = self.config, self.layout, self.handlers
        rng = self.streams.organisations
        levers, service, organisations = config.levers, config.service, config.organisations

        grid_handlers = np.array([handlers.add(HandlerKind.GRID, Level.GRID, service.grid_worker_quality, COMMUNITY)
                                  for _ in range(layout.n_grids)])
        first_building_of_grid = np.unique(layout.building_grid, return_index=True)[1]
        for g, building in enumerate(first_building_of_grid):
            for _ in range(levers.grid.full_time_workers):
                GridWorker(self, self.cell_of_building(int(building)), g)

        centre = int(np.argmin(np.abs(layout.building_xy - np.array([layout.width / 2, layout.height / 2])).sum(axis=1)))
        community_handler = handlers.add(HandlerKind.COMMUNITY, Level.COMMUNITY, service.community_quality, COMMUNITY)
        street_handler = handlers.add(HandlerKind.STREET, Level.STREET, service.street_quality, COMMUNITY)
        self.handling = Handling(grid_handlers, community_handler, street_handler)

        xa = levers.cross_appointment
        first_building = np.unique(layout.building_compound, return_index=True)[1]
        self._create_property_services(rng, first_building)

        self.committees = OwnersCommittees()
        for c in np.flatnonzero(layout.has_owners_committee):
            row = self.committees.add(int(c), rng.uniform(*organisations.owners_committee.activeness_range), COMMUNITY)
            OwnersCommittee(self, self.cell_of_building(int(first_building[c])), self.committees, row)

        self.social = SocialOrganisations()
        low, high = service.social_org_quality_range
        for _ in range(config.community.social_organisations):
            specialties = draw_specialties(organisations.social, rng)
            handler = handlers.add(HandlerKind.SOCIAL_ORG, Level.GRID, rng.uniform(low, high), COMMUNITY)
            row = self.social.add(handler, specialties, COMMUNITY)
            SocialOrganisation(self, self.cell_of_building(centre), self.social, row)
        self.centre_building = centre
        """The building nearest the centre: where the community's own organisations sit."""

        self.co_building = CoBuildingUnits()
        units = organisations.co_building
        for _ in range(config.community.co_building_units):
            commitment = (beta_with_mean(rng, units.commitment_mean, units.commitment_concentration, 1)[0]
                          + self.plan.co_building_commitment_gain)
            building = int(rng.integers(layout.n_buildings))
            row = self.co_building.add(
                kind=str(rng.choice(CO_BUILDING_KINDS)), building=building,
                staff_hours_per_week=rng.uniform(*units.staff_hours_per_week),
                money_cny_per_year=rng.uniform(*units.money_cny_per_year),
                venue=bool(rng.random() < units.venue_probability), commitment=float(min(1.0, commitment)),
                community=COMMUNITY,
            )
            CoBuildingUnit(self, self.cell_of_building(building), self.co_building, row)
        self.co_building.set_posts(units, levers.lists_matching, xa.big_party_committee)
        if xa.party_property:  # red property: every company answers to the community from the start
            self.companies.last_review[:] = 0

        self._create_party_organisations(centre)
        engaged = self.streams.party.random(len(self.co_building)) < self.branches.strength[0]
        self.co_building.engaged = engaged | xa.big_party_committee  # who was asked in the month before day 0
        self.community_party_organisation = CommunityPartyOrganisation(
            self, self.cell_of_building(centre), config.community.community_staff, community_handler, config,
            self.households, self.companies, self.branches, self.streams.replacement, self.meeting_time,
        )
        self.street_office = StreetOffice(self, street_handler)
        self.create_mediation_teams(self.config.levers.mediation)

    def claimers(self) -> NDArray[np.int64] | None:
        """With the platform's task claiming, each grid's row of grids that may claim its matters; else None."""
        platform = self.config.levers.digital_platform
        if not (platform.enabled and platform.task_claiming):
            return None
        return nearest_grids(self.layout.building_xy, self.layout.building_grid, platform.claim_neighbours)

    def create_mediation_teams(self, params: MediationParams) -> None:
        """The mediation committee's five-olds teams, one per grid where a mediator lives (none when off), and their
        agents: at build, or when mediation is switched on mid-run (its stream untouched until then, the same
        mediators as on day 0)."""
        h = self.households
        self.mediation_teams = MediationTeams.build(params, h, self.layout.n_grids, self.handlers,
                                                    self.streams.mediation, COMMUNITY)
        for row, grid in enumerate(self.mediation_teams.grid):
            first = self.mediation_teams.mediators[h.grid[self.mediation_teams.mediators] == grid][0]
            MediationTeam(self, self.cell_of_building(int(h.building[first])), self.mediation_teams, row)

    def _create_property_services(self, rng: np.random.Generator, first_building: np.ndarray) -> None:
        """Who serves each compound's property matters: a market company where the layout has one; elsewhere,
        where the levers say so, a work-unit compound's former unit, else the residents' self-management committee,
        else the party-led fallback company (托底). Sets ``property_service_by_compound`` (-1: nobody)."""
        config, layout, handlers, service = self.config, self.layout, self.handlers, self.config.service
        levers = config.levers
        self.companies = PropertyCompanies(handlers)
        households_by_compound = np.bincount(self.households.compound, minlength=layout.n_compounds)
        self.company_handler_by_compound = np.full(layout.n_compounds, -1, dtype=np.int64)
        low, high = service.property_quality_range

        add_company = self.add_company
        for c in np.flatnonzero(layout.has_property):  # red property: every company has a party organisation
            quality = rng.uniform(low, high)
            add_company(int(c), quality, bool((rng.random() < config.community.property_party_organisation)
                                              or levers.cross_appointment.party_property))

        no_company = ~layout.has_property
        self.work_units = WorkUnitServices.build(
            levers.work_unit_management, no_company & (layout.compound_type == COMPOUND_TYPES.index("work_unit")),
            self.households, handlers, service.grid_worker_quality, self.streams.work_units, COMMUNITY)
        for row, compound in enumerate(self.work_units.compound):
            WorkUnitService(self, self.cell_of_building(int(first_building[compound])), self.work_units, row)
        unserved = no_company.copy()
        unserved[self.work_units.compound] = False
        self.self_managed = SelfManagementCommittees.build(
            levers.self_management, unserved, self.households, handlers, service.grid_worker_quality,
            config.organisations.owners_committee.activeness_range, self.streams.self_management, COMMUNITY)
        for row, compound in enumerate(self.self_managed.compound):
            SelfManagementCommittee(self, self.cell_of_building(int(first_building[compound])), self.self_managed, row)

        fallback = levers.fallback_property
        nobody = unserved & (households_by_compound > 0)
        nobody[self.self_managed.compound] = False
        self.fallback_compounds = np.flatnonzero(nobody) if fallback.enabled else np.empty(0, dtype=np.int64)
        """Compounds the party-led fallback company serves (托底): those nobody else serves, when the lever is on."""
        for c in self.fallback_compounds:
            add_company(int(c), fallback.quality, has_party_organisation=True, fallback=True)

        self.property_service_by_compound = self.company_handler_by_compound.copy()
        """Handler id of whoever serves each compound's property matters: its company, its former work unit or its
        self-management committee (-1: nobody)."""
        self.property_service_by_compound[self.self_managed.compound] = self.self_managed.handler
        self.property_service_by_compound[self.work_units.compound] = self.work_units.handler

    def add_company(self, compound: int, quality: float, has_party_organisation: bool, fallback: bool = False) -> None:
        """A property company serving ``compound`` (at build, or a fallback company set up mid-run), staffed by the
        compound's households, with its handler and its Mesa agent."""
        handler = self.handlers.add(HandlerKind.PROPERTY, Level.GRID, 0.0, COMMUNITY)
        self.company_handler_by_compound[compound] = handler
        households = int(np.count_nonzero(self.households.compound == compound))
        row = self.companies.add(
            compound, handler, staff=households * self.config.service.property_staff_per_100_households / 100.0,
            quality=quality, has_party_organisation=has_party_organisation, community=COMMUNITY, fallback=fallback)
        first = int(np.flatnonzero(self.layout.building_compound == compound)[0])
        PropertyCompany(self, self.cell_of_building(first), self.companies, row)

    def fallback_subsidy_per_day(self) -> float:
        """Public money a day the fallback companies serving now cost (their hours do not depend on it: they follow
        staffing and fees)."""
        households_by_compound = np.bincount(self.households.compound, minlength=self.layout.n_compounds)
        return float(households_by_compound[self.fallback_compounds].sum()
                     * self.config.levers.fallback_property.subsidy_cny_per_household_year / DAYS_PER_YEAR)

    def _create_party_organisations(self, centre: int) -> None:
        """The community party organisation (row 0), a branch in every grid with a member (its secretary),
        a branch in every compound drawn to have one that has members, and the companies' organisations;
        initial strengths drawn by kind."""
        config, layout, h = self.config, self.layout, self.households
        rng = self.streams.party
        aspiration = config.party.aspiration
        self.branches = branches = Branches()
        branches.add(COMMUNITY_BRANCH, 0, 0.0, aspiration, NO_SECRETARY, COMMUNITY)
        for grid, secretary in sorted(zip(h.grid[h.secretary].tolist(), np.flatnonzero(h.secretary).tolist(),
                                          strict=True)):
            branches.add(GRID, grid, 0.0, aspiration, secretary, COMMUNITY)
        members = np.flatnonzero(h.is_member)
        for c in np.flatnonzero(layout.has_party_branch):
            candidates = members[h.compound[members] == c]
            if len(candidates):  # a branch needs members living in the compound
                branches.add(COMPOUND, int(c), 0.0, aspiration, choose_secretary(candidates, h, rng), COMMUNITY)
        for row in np.flatnonzero(self.companies.has_party_organisation):
            branches.add(COMPANY, int(row), 0.0, aspiration, NO_SECRETARY, COMMUNITY)
        means = np.asarray(config.party.initial_strength.as_tuple())[branches.kind]
        # The fallback companies' organisations come last; their strengths come from their own stream, so that
        # switching the fallback on leaves every other organisation's draw as it was.
        own = len(branches) - int(np.count_nonzero(self.companies.has_party_organisation & self.companies.fallback))
        concentration = config.party.strength_concentration
        branches.strength = np.concatenate((
            beta_with_mean(rng, means[:own], concentration, own),
            beta_with_mean(self.streams.fallback_property, means[own:], concentration, len(branches) - own)))
        first_building = np.unique(layout.building_compound, return_index=True)[1]
        for row in range(1, len(branches)):
            kind, unit = int(branches.kind[row]), int(branches.unit[row])
            if kind == COMPANY:
                building = int(first_building[self.companies.compound[unit]])
            else:
                building = int(h.building[branches.secretary[row]])
            PartyBranch(self, self.cell_of_building(building), branches, row)

    def _create_mechanisms(self) -> None:
        """The mechanisms of the daily lifecycle, each given the tables and mechanisms it works with."""
        config, streams, counters = self.config, self.streams, self.counters
        households, issues, layout = self.households, self.issues, self.layout
        self.evaluation = Evaluation(config, households, issues, counters, self.social, layout.n_buildings)
        self.fee_leverage = FeeLeverage(config.levers.fee_leverage, self.companies,
                                        np.bincount(households.compound, minlength=layout.n_compounds)[self.companies.compound],
                                        self.ledger)
        self.party = PartyBuilding(config, households, layout.n_compounds, layout.n_buildings, issues, self.handlers,
                                   self.handling, self.companies.handler, self.branches, self.co_building,
                                   self.evaluation, self.ledger, streams.party, self.plan.burden)
        self.resources = Resources(config, self.plan, self.handlers, self.handling, households, self.companies,
                                   self.social, self.co_building,
                                   self.party.grid_strength,
                                   lambda: self.party.reward_hours_per_day, self.ledger, self.self_managed,
                                   self.fallback_subsidy_per_day(), self.work_units, self.meeting_time)
        self.dispatcher = Dispatcher(issues, self.handlers, self.handling, self.property_service_by_compound,
                                     self.social.specialists(), config.levers.grid.grid_first,
                                     config.levers.escalation.grid_days, self.mediation_teams.team_of_grid,
                                     config.levers.mediation.max_wait_days, self.mediation_teams.lawyer,
                                     self.claimers(), counters)
        self.mediation = Mediation(config, self.mediation_teams, households, layout.n_buildings, issues, counters,
                                   streams.mediation, self.dispatcher, self.ledger, streams.legal)
        self.arrival = Arrival(config.issues, households, issues, counters, streams.arise)
        company_of_compound = np.full(layout.n_compounds, -1, dtype=np.int64)
        company_of_compound[self.companies.compound] = np.arange(len(self.companies))
        self.agreement = Agreement(config, layout, self.committees, self.branches, company_of_compound, households,
                                   issues, counters, streams.agreement, self.dispatcher,
                                   self.self_managed.activeness_by_compound(layout.n_compounds), self.meeting_time)
        self.care = ProactiveCare(config, households, issues, counters, streams.care, self.dispatcher, self.agreement,
                                  self.ledger)
        self.posts = Posts(config, households, issues, counters, streams.posts, self.dispatcher, self.agreement)
        self.teams = VolunteerTeams(config, households, counters, streams.teams)
        self.five_ones = FiveOnes(config, households, self.care.vulnerable, self.care.last_visit, issues, counters,
                                  streams.five_ones, self.dispatcher, self.agreement)
        self.volunteering = Volunteering(config, households, layout.n_buildings, layout.n_grids, streams.volunteer,
                                         self.party.asks, self.ledger, self.posts, self.teams, self.five_ones)
        self.platform = DigitalPlatform(config.levers.digital_platform, households, counters, streams.digital,
                                        self.ledger)
        self.discovery = Discovery(config, households, layout.n_buildings, issues, counters, streams.discover,
                                   self.resources, self.agreement, self.dispatcher, self.party, self.platform,
                                   self.posts)
        self.activities = Activities(config, layout, households, self.co_building, self.centre_building, counters,
                                     streams.activities, self.ledger)
        self.needs_projects = NeedsProjects(config, layout, households, self.co_building, counters, streams.needs,
                                            self.ledger)
        self.escalation = Escalation(config, households, issues, counters, self.dispatcher)
        self.abandonment = Abandonment(config.behaviour.grievance, issues, counters, streams.abandon, self.evaluation)
        self.service_purchasing = ServicePurchasing(config, self.social, self.handlers, self.dispatcher, self.ledger,
                                                    counters, streams.service_purchasing, self._incubated)
        self.committee_formation = CommitteeFormation(config, self.committees, self.agreement, layout.n_compounds,
                                                      counters, streams.committee_formation, self._committee_formed,
                                                      on_lapsed=self._committee_lapsed, election_rng=streams.elections)
        self.service = Service(config.service, issues, self.handlers, streams.service, self.evaluation, self.dispatcher,
                               counters)
        self.upkeep = Upkeep(config.service, issues, self.property_service_by_compound, counters, streams.upkeep,
                             self.evaluation)
        self.drift = SatisfactionDrift(config.behaviour.satisfaction, households, issues, layout.n_compounds)

    def _incubated(self, row: int) -> None:
        """An organisation incubated during the run becomes a Mesa agent like those present at the start."""
        SocialOrganisation(self, self.cell_of_building(self.centre_building), self.social, row)

    def _committee_formed(self, compound: int, row: int) -> None:
        """A committee formed during the run becomes a Mesa agent like those present at the start."""
        first = int(np.flatnonzero(self.layout.building_compound == compound)[0])
        OwnersCommittee(self, self.cell_of_building(first), self.committees, row)

    def _committee_lapsed(self, compound: int, row: int) -> None:
        """A committee that lapsed at its term's end is no longer an agent (its row stays, marked not sitting)."""
        for agent in list(self.agents_by_type.get(OwnersCommittee, [])):
            if agent.row == row:
                agent.remove()

    def _schedule_events(self) -> None:
        self.fee_leverage.select()  # after the first collection: which companies cannot run normally
        if len(self.fallback_compounds):  # the fallback companies answer to the organisation that set them up
            self.companies.last_review[self.companies.fallback] = 0
        self.follow_recurring_events(0)

    def _recurring_wanted(self) -> dict[str, int]:
        """The recurring events the scenario asks for now, by name, with their intervals in days (in the order they
        are scheduled at build: it orders events that fall on the same day)."""
        levers, companies = self.config.levers, self.config.organisations.property
        wanted = {"companies": companies.update_interval_days}  # fees collected, quality adjusted
        if levers.property_rating.enabled:
            wanted["rating"] = levers.property_rating.review_interval_days
        if levers.social_contracts.enabled:
            wanted["contracts"] = levers.social_contracts.review_interval_days
        if levers.needs_projects.enabled:  # this year's needs list, then every year's
            wanted["needs"] = int(DAYS_PER_YEAR)
        # this year's projects, then every year's; once started, the yearly round goes on (with no projects it ends
        # last year's and funds none)
        if levers.venture_philanthropy.projects_per_year or "venture" in self._recurring:
            wanted["venture"] = int(DAYS_PER_YEAR)
        if levers.three_party_linkage.enabled and self.companies.serving.any():  # each company's compound meets
            wanted["linkage"] = levers.three_party_linkage.meeting_interval_days
        if levers.cross_appointment.big_party_committee:
            wanted["party_committee"] = DAYS_PER_MONTH
        if levers.cross_appointment.party_property:
            wanted["accountability"] = companies.accountability_interval_days
        if len(self.fallback_compounds):
            wanted["fallback"] = companies.accountability_interval_days
        return wanted

    def follow_recurring_events(self, day: int) -> None:
        """Start, stop or restart the recurring events so that they are those the scenario asks for now, at the day
        boundary ``day`` (the last day simulated): an event starts one interval after it (as at build, one interval
        after day 0) and a yearly programme starts with that day's round; an event whose interval changed starts a new
        cycle there."""
        wanted = self._recurring_wanted()
        actions = {"companies": self.update_property_companies,
                   "rating": self.community_party_organisation.review_property_companies,
                   "contracts": self.review_social_contracts, "needs": self.list_needs,
                   "venture": self.fund_venture_projects, "linkage": self.hold_linkage_meetings,
                   "party_committee": self.hold_party_committee_meeting,
                   "accountability": self.community_party_organisation.hold_accountability_reviews,
                   "fallback": self.review_fallback_companies}
        openings = {"contracts": self.social.start_period, "needs": self.needs_projects.list_needs,
                    "venture": self.service_purchasing.fund_projects}
        for name in [n for n in self._recurring if n not in wanted]:
            self._recurring.pop(name)[0].stop()
        for name, interval in wanted.items():
            running = self._recurring.get(name)
            if running is not None and running[1] == interval:
                continue
            if running is not None:  # a new interval: a new cycle from today
                running[0].stop()
            elif name in openings:
                openings[name]()
            start = day + interval
            self._recurring[name] = (self.schedule_recurring(actions[name], Schedule(interval=interval, start=start)),
                                     interval)

    def hold_linkage_meetings(self) -> None:
        """Scheduled: three-party linkage's regular joint meeting in each compound a company serves (residents'
        committee, owners, company), which takes community staff hours (:mod:`cogov.sim.mechanisms.meeting_time`).
        What the meetings do for collective issues is in :mod:`cogov.sim.mechanisms.agreement`."""
        self.meeting_time.held("linkage_meetings", int(np.count_nonzero(self.companies.serving)))

    def hold_party_committee_meeting(self) -> None:
        """Scheduled: the big party committee's monthly meeting (大党委), which takes community staff hours; what it
        does for co-building units is in :mod:`cogov.sim.organisations.co_building`."""
        self.meeting_time.held("party_committee_meetings")

    def review_social_contracts(self) -> None:
        """Scheduled: the yearly third-party evaluation of social organisations, while the run goes on (an event on
        the last day would be paid for after the last recorded day)."""
        if self.running:
            self.service_purchasing.review_contracts()

    def fund_venture_projects(self) -> None:
        """Scheduled: a new year's venture-philanthropy projects, while the run goes on."""
        if self.running:
            self.service_purchasing.fund_projects()

    def list_needs(self) -> None:
        """Scheduled: a new year's needs list and the projects that answer it, while the run goes on."""
        if self.running:
            self.needs_projects.list_needs()

    def review_fallback_companies(self) -> None:
        """Scheduled: the party-led fallback companies account for their service to the party organisation that set
        them up, as often as their own party organisation is strong (draws from their own stream)."""
        serving = self.companies.fallback & self.companies.serving
        self.community_party_organisation.hold_accountability_reviews(np.flatnonzero(serving),
                                                                      self.streams.fallback_property)

    def update_property_companies(self) -> None:
        """Scheduled: companies collect fees (and any public money matched to them, levers.fee_leverage) and adjust
        their quality to them; a company nobody holds to account
        (no rating, no accountability review lately) lets its quality drift down. Self-management committees
        collect their residents' fees."""
        config = self.config
        params, rating = config.organisations.property, config.levers.property_rating
        window = 2 * max(params.accountability_interval_days, rating.review_interval_days)
        unaccountable = (self.steps - self.companies.last_review > window) & (not rating.enabled)
        drift = unaccountable * rating.unrated_quality_drift * params.update_interval_days
        self.companies.update(self.households, self.layout.n_compounds, config.service.fee_collection_floor, params,
                              config.links.fees_to_quality, drift, self.fee_leverage.match(self.steps))
        self.self_managed.collect_fees(self.households, self.layout.n_compounds, config.service.fee_collection_floor)

    def set_annual_funds(self, annual_cny: float) -> None:
        """From today the community's funds are ``annual_cny`` a year (a street's allocation,
        :mod:`cogov.sim.street.funds`): the hours they buy, the grid stipends, the repairs fund and the matching money
        follow by the scenario's split, and the co-building units' commitment moves with the matching money's pull."""
        old_gain = self.plan.co_building_commitment_gain
        self.config = apply_overrides(self.config, {"levers.funding.annual_cny": float(annual_cny)}, "street funds")
        self.plan = plan_resources(self.config, self.layout.n_grids)
        self.resources.plan = self.plan
        if len(self.co_building):
            shifted = self.co_building.commitment + self.plan.co_building_commitment_gain - old_gain
            self.co_building.commitment = np.clip(shifted, 0.0, 1.0)

    # ---------------------------------------------------------------------------------- outputs
    def __getattr__(self, name: str) -> Any:
        # Daily metrics are readable as attributes (model.resolution_rate), as Mesa users expect.
        metrics = self.__dict__.get("metrics")
        if metrics is not None and name in metrics:
            return metrics[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    @property
    def property_companies(self) -> list[PropertyCompany]:
        """The property companies' agents, in compound order."""
        return list(self.agents_by_type.get(PropertyCompany, []))

    @property
    def social_organisations(self) -> list[SocialOrganisation]:
        """The social organisations' agents."""
        return list(self.agents_by_type.get(SocialOrganisation, []))

    @property
    def co_building_units(self) -> list[CoBuildingUnit]:
        """The co-building units' agents."""
        return list(self.agents_by_type.get(CoBuildingUnit, []))

    def summary(self) -> dict[str, Any]:
        """End-of-run summary (see :mod:`cogov.sim.outcomes.metrics`), with the parameters changed during the run
        (``interventions``: day, key, old, new, source; empty when none)."""
        return summarise(self) | {"interventions": [event.as_dict() for event in self.interventions]}

    def series(self) -> pd.DataFrame:
        """The daily metrics as a pandas DataFrame indexed by day."""
        return self.datacollector.get_model_vars_dataframe().set_index("day")

    def describe_community(self) -> dict[str, Any]:
        """Counts describing the generated community (for summaries and calibration)."""
        return describe_community(self)

    def households_frame(self) -> pd.DataFrame:
        """Every household's state now, one row each (see :func:`cogov.sim.frames.households_frame`)."""
        return households_frame(self)

    def issues_frame(self) -> pd.DataFrame:
        """Every issue's history so far, one row each (see :func:`cogov.sim.frames.issues_frame`)."""
        return issues_frame(self)


def as_config(scenario: ScenarioConfig | LoadedScenario | str | Path | None) -> ScenarioConfig:
    """The scenario a model is built from: a config as it is, a loaded scenario's config, or a built-in name or a
    TOML path loaded (``None``: the built-in default)."""
    if isinstance(scenario, ScenarioConfig):
        return scenario
    if isinstance(scenario, LoadedScenario):
        return scenario.config
    return load_scenario(scenario).config
