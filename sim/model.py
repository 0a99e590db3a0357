"""CommunityModel: one urban community (社区) governed by many parties, one step per day."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from mesa import DataCollector, Model
from mesa.discrete_space import OrthogonalMooreGrid
from mesa.time import Schedule

from cogov.sim import lifecycle
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
from cogov.sim.config import CATEGORIES, COMPOUND_TYPES, SPECIALTIES, ScenarioConfig
from cogov.sim.issues import IssueTable, Level
from cogov.sim.layout import build_layout
from cogov.sim.outcomes import DAILY_METRICS, daily_metrics, summarise
from cogov.sim.population import RETIRED, build_population
from cogov.sim.queues import HandlerKind, Handlers
from cogov.sim.resources import plan_resources, set_daily_capacities
from cogov.sim.scenario import LoadedScenario, apply_overrides, load_scenario
from cogov.sim.streams import RandomStreams
from cogov.sim.volunteering import volunteer_day

CO_BUILDING_KINDS = ("agency", "school", "hospital", "firm")


class CommunityModel(Model):
    """Party-building-led multi-party co-governance of one community; one step = one day.

    Args:
        scenario: a :class:`~cogov.sim.config.ScenarioConfig`, a loaded scenario, a built-in scenario
            name or a path to a TOML file; ``None`` for the built-in default.
        rng: seed (or numpy ``Generator``) — same scenario and seed give identical results.
        days: horizon override (else ``simulation.days`` of the scenario).
        **overrides: parameter overrides by key path, ``levers.funding.annual_cny=4e5`` written as
            ``levers__funding__annual_cny=4e5`` (so ``mesa.batch_run`` can sweep them).
    """

    def __init__(self, scenario: ScenarioConfig | LoadedScenario | str | Path | None = None, *,
                 rng: Any = None, days: int | None = None, **overrides: Any):
        super().__init__(rng=rng)
        self.streams = RandomStreams(self.rng.bit_generator.seed_seq)
        config = _as_config(scenario)
        if days is not None:
            overrides = {**overrides, "simulation.days": days}
        self.config: ScenarioConfig = apply_overrides(config, overrides)
        self.days: int = self.config.simulation.days
        self.counters: Counter[str] = Counter()
        self.reward_paid = 0.0
        self.public_cost = 0.0
        self.co_building_hours_total = 0.0
        self.co_building_money_total = 0.0

        self.layout = build_layout(self.config.community, self.streams.layout)
        self.grid = OrthogonalMooreGrid((self.layout.width, self.layout.height), torus=False, random=self.random)
        self.population = build_population(self.config, self.layout, self.streams.population)
        self.issues = IssueTable(capacity=int(self.config.community.households * self.config.issues.rate_per_household_year * 2) + 16)
        self.handlers = Handlers()
        self.plan = plan_resources(self.config, self.layout.n_grids)

        self._create_households()
        self._create_organisations()
        self._prepare_arrays()
        self.update_property_companies(drift=False)
        self._schedule_events()

        self.metrics: dict[str, float] = daily_metrics(self, 0)
        self.datacollector = DataCollector(model_reporters={name: name for name in DAILY_METRICS})
        self.datacollector.collect(self)

    # ----------------------------------------------------------------------------------- setup
    def _cell_of_building(self, building: int):
        x, y = self.layout.building_xy[building]
        return self.grid[(int(x), int(y))]

    def _create_households(self) -> None:
        pop = self.population
        member = pop.is_member
        for i in range(pop.size):
            cls = PartyMember if member[i] else Household
            cls(self, self._cell_of_building(int(pop.building[i])), i)

    def _create_organisations(self) -> None:
        config = self.config
        layout = self.layout
        rng = self.streams.organisations
        levers = config.levers
        service = config.service
        self.n_grids = layout.n_grids

        self.grid_handlers = np.array(
            [self.handlers.add(HandlerKind.GRID, Level.GRID, service.grid_worker_quality) for _ in range(self.n_grids)]
        )
        first_building_of_grid = np.unique(layout.building_grid, return_index=True)[1]
        for g, building in enumerate(first_building_of_grid):
            for _ in range(levers.grid.full_time_workers):
                GridWorker(self, self._cell_of_building(int(building)), g)

        centre = int(np.argmin(np.abs(layout.building_xy - np.array([layout.width / 2, layout.height / 2])).sum(axis=1)))
        self.community_handler = self.handlers.add(HandlerKind.COMMUNITY, Level.COMMUNITY, service.community_quality)
        self.party_organisation = CommunityPartyOrganisation(
            self, self._cell_of_building(centre), config.community.community_staff, self.community_handler
        )
        self.street_handler = self.handlers.add(HandlerKind.STREET, Level.STREET, service.street_quality)
        self.street = StreetOffice(self, self.street_handler)

        self.red_property_bonus = levers.cross_appointment.quality_bonus if levers.cross_appointment.party_property else 0.0
        households_by_compound = np.bincount(self.population.compound, minlength=layout.n_compounds)
        first_building = np.unique(layout.building_compound, return_index=True)[1]
        self.compound_company_handler = np.full(layout.n_compounds, -1, dtype=np.int64)
        low, high = service.property_quality_range
        for c in np.flatnonzero(layout.has_property):
            handler = self.handlers.add(HandlerKind.PROPERTY, Level.GRID, 0.0)
            self.compound_company_handler[c] = handler
            PropertyCompany(
                self, self._cell_of_building(int(first_building[c])), int(c), handler,
                staff=households_by_compound[c] * service.property_staff_per_100_households / 100.0,
                quality=min(1.0, rng.uniform(low, high) + self.red_property_bonus),
                party_organisation=bool((rng.random() < config.community.property_party_organisation) or levers.cross_appointment.party_property),
            )
        organisations = config.organisations
        for c in np.flatnonzero(layout.has_owners_committee):
            activeness = rng.uniform(*organisations.owners_committee.activeness_range) + (
                levers.cross_appointment.committee_activeness_bonus if levers.cross_appointment.party_owners_committee else 0.0)
            OwnersCommittee(self, self._cell_of_building(int(first_building[c])), int(c), min(1.0, activeness))

        low, high = service.social_org_quality_range
        for _ in range(config.community.social_organisations):
            main = str(rng.choice(SPECIALTIES, p=organisations.social.specialty_weights.as_tuple()))
            extra = str(rng.choice(SPECIALTIES)) if rng.random() < organisations.social.second_specialty_probability else main
            handler = self.handlers.add(HandlerKind.SOCIAL_ORG, Level.GRID, rng.uniform(low, high))
            SocialOrganisation(self, self._cell_of_building(centre), handler, tuple(sorted({main, extra})))

        people_bonus = levers.cross_appointment.commitment_bonus if levers.cross_appointment.big_party_committee else 0.0
        units = organisations.co_building
        for _ in range(config.community.co_building_units):
            commitment = (beta_with_mean(rng, units.commitment_mean, units.commitment_concentration, 1)[0] + people_bonus
                          + self.plan.co_building_commitment_gain)
            CoBuildingUnit(
                self, self._cell_of_building(int(rng.integers(layout.n_buildings))),
                kind=str(rng.choice(CO_BUILDING_KINDS)), staff_hours_per_week=rng.uniform(*units.staff_hours_per_week),
                money_cny_per_year=rng.uniform(*units.money_cny_per_year), venue=bool(rng.random() < units.venue_probability),
                commitment=float(min(1.0, commitment)),
            )

    def _prepare_arrays(self) -> None:
        """Per-household, per-compound and per-grid arrays the daily processes read."""
        config = self.config
        pop = self.population
        layout = self.layout
        issues = config.issues
        participation = config.behaviour.participation
        deliberation = config.behaviour.bargaining
        levers = config.levers

        rate = issues.rate_per_household_year / 365.0 * np.asarray(issues.rate_by_compound_type.as_tuple())[pop.compound_type]
        self.cumulative_issue_rate = np.cumsum(rate)
        self.total_issue_rate = float(self.cumulative_issue_rate[-1])
        weights = np.asarray(issues.category_weights.as_tuple())
        self.category_probabilities = weights / weights.sum()
        self.effort_median = np.asarray(issues.effort_hours.as_tuple())
        self.report_age_cost = np.asarray(participation.report_age_cost)
        self.volunteer_time_cost = np.asarray(participation.time_cost.as_tuple())
        self.level_deadline = np.array([levers.escalation.grid_days, levers.escalation.community_days])

        self.eligible = pop.eligible
        self.households_by_grid = np.bincount(pop.grid, minlength=self.n_grids).astype(float)
        self.households_by_building = np.maximum(1, np.bincount(pop.building, minlength=layout.n_buildings)).astype(float)
        self.secretary_hours_by_grid = np.bincount(pop.grid[pop.secretary], minlength=self.n_grids) * config.service.secretary_hours_per_day
        steward_buildings = np.bincount(pop.building[pop.steward], minlength=layout.n_buildings) > 0
        self.steward_probability = steward_buildings * config.service.steward_detection
        self.patrol_probability = np.zeros(self.n_grids)

        self.property_companies = list(self.agents_by_type.get(PropertyCompany, []))
        self.social_organisations = list(self.agents_by_type.get(SocialOrganisation, []))
        self.co_building_units = list(self.agents_by_type.get(CoBuildingUnit, []))
        self.specialists = {
            CATEGORIES.index(s): np.array([o.handler for o in self.social_organisations if s in o.specialties], dtype=np.int64)
            for s in SPECIALTIES
        }
        self._org_by_handler = {o.handler: o for o in self.social_organisations}

        # Agreement on collective issues, per compound (bounded confidence; seeds 004/3, 004/7, 004/8).
        xa = levers.cross_appointment
        has_oc = layout.has_owners_committee
        has_pc = layout.has_property
        self.confidence = (
            deliberation.confidence
            + xa.confidence_bonus * (xa.party_owners_committee & has_oc)
            + xa.confidence_bonus * (xa.party_property & has_pc)
            + levers.deliberation_council.confidence_bonus * levers.deliberation_council.enabled
            + levers.three_party_linkage.confidence_bonus * levers.three_party_linkage.enabled
        )
        activeness = np.full(layout.n_compounds, 0.5)
        for committee in self.agents_by_type.get(OwnersCommittee, []):
            activeness[committee.compound] = committee.activeness
        committee_interval = np.maximum(1, np.round(
            deliberation.committee_meeting_days * deliberation.reference_activeness / np.maximum(activeness, 0.05)))
        interval = np.where(has_oc, committee_interval, deliberation.assembly_meeting_days)
        if levers.deliberation_council.enabled:
            interval = np.minimum(interval, levers.deliberation_council.meeting_interval_days)
        if levers.three_party_linkage.enabled:
            interval = np.minimum(interval, levers.three_party_linkage.meeting_interval_days)
        self.meeting_interval = interval.astype(np.int64)
        self.initial_gap_mean = np.full(layout.n_compounds, deliberation.initial_gap_mean)

    def _schedule_events(self) -> None:
        every = self.config.organisations.property.update_interval_days
        self.schedule_recurring(self.update_property_companies, Schedule(interval=every, start=every))
        rating = self.config.levers.property_rating
        if rating.enabled:
            self.schedule_recurring(
                self.party_organisation.review_property_companies,
                Schedule(interval=rating.review_interval_days, start=rating.review_interval_days),
            )

    # ------------------------------------------------------------------------------------ step
    @property
    def day(self) -> int:
        """Days simulated so far (0 before the first step)."""
        return self.steps

    def step(self) -> None:
        """Advance one day: volunteers, capacities, the issue lifecycle, satisfaction drift, data."""
        day = self.steps
        volunteer_hours = volunteer_day(self, day)
        set_daily_capacities(self, volunteer_hours)
        lifecycle.arise(self, day)
        lifecycle.discover(self, day)
        lifecycle.agree(self, day)
        lifecycle.escalate(self, day)
        lifecycle.abandon(self, day)
        lifecycle.serve(self, day)
        lifecycle.drift(self, day)
        self.issues.prune_closed()
        self.public_cost += self.plan.public_cost_per_day
        self.metrics = daily_metrics(self, day)
        self.datacollector.collect(self)
        if day >= self.days:
            self.running = False

    def run(self) -> dict[str, Any]:
        """Run to the scenario's horizon and return :meth:`summary`."""
        while self.running:
            self.step()
        return self.summary()

    # ---------------------------------------------------------------------------- organisations
    def update_property_companies(self, drift: bool = True) -> None:
        """Weekly: fees are collected in proportion to owners' satisfaction; unrated quality drifts down."""
        pop = self.population
        floor = self.config.service.fee_collection_floor
        rating = self.config.levers.property_rating
        owner_sat = np.bincount(pop.compound[pop.owner], weights=pop.satisfaction[pop.owner], minlength=self.layout.n_compounds)
        owners = np.maximum(1, np.bincount(pop.compound[pop.owner], minlength=self.layout.n_compounds))
        for company in self.property_companies:
            company.collection_rate = floor + (1.0 - floor) * owner_sat[company.compound] / owners[company.compound]
            if drift and not rating.enabled:
                company.quality = company.quality - rating.unrated_quality_drift * self.config.organisations.property.update_interval_days

    def record_social_org_cases(self, handlers: np.ndarray, performance: np.ndarray) -> None:
        """Add finished cases to social organisations' evaluation records."""
        for handler, value in zip(handlers.tolist(), performance.tolist(), strict=True):
            org = self._org_by_handler.get(handler)
            if org is not None:
                org.cases += 1
                org.evaluation_sum += value

    # ---------------------------------------------------------------------------------- outputs
    def __getattr__(self, name: str) -> Any:
        # Daily metrics are readable as attributes (model.resolution_rate), as Mesa users expect.
        metrics = self.__dict__.get("metrics")
        if metrics is not None and name in metrics:
            return metrics[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def summary(self) -> dict[str, Any]:
        """End-of-run summary (see :mod:`cogov.sim.outcomes`)."""
        return summarise(self)

    def series(self):
        """The daily metrics as a pandas DataFrame indexed by day."""
        return self.datacollector.get_model_vars_dataframe().set_index("day")

    def describe_community(self) -> dict[str, Any]:
        """Counts describing the generated community (for summaries and calibration)."""
        layout = self.layout
        pop = self.population
        types = np.bincount(layout.compound_type, minlength=len(COMPOUND_TYPES))
        return {
            "households": pop.size,
            "buildings": layout.n_buildings,
            "compounds": layout.n_compounds,
            "grids": self.n_grids,
            "compounds_by_type": dict(zip(COMPOUND_TYPES, types.tolist(), strict=True)),
            "property_management_share": float(layout.has_property.mean()),
            "owners_committee_share": float(layout.has_owners_committee.mean()),
            "party_branch_share": float(layout.has_party_branch.mean()),
            "party_member_households": int(pop.is_member.sum()),
            "retired_member_share": float(np.mean(pop.member_type[pop.is_member] == RETIRED)) if pop.is_member.any() else float("nan"),
            "eligible_volunteers": len(self.eligible),
            "community_staff": self.config.community.community_staff,
            "property_party_organisation_share": float(np.mean([c.party_organisation for c in self.property_companies]))
            if self.property_companies else float("nan"),
            "property_companies": len(self.property_companies),
            "social_organisations": len(self.social_organisations),
            "co_building_units": len(self.co_building_units),
        }


def _as_config(scenario: ScenarioConfig | LoadedScenario | str | Path | None) -> ScenarioConfig:
    if isinstance(scenario, ScenarioConfig):
        return scenario
    if isinstance(scenario, LoadedScenario):
        return scenario.config
    return load_scenario(scenario).config
