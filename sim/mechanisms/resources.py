"""Resources: turning levers into hours (funding, staffing, burden, the whistle, co-building contributions).

The fixed part (what money buys, how much staff time the burden leaves) is computed once from the
scenario in :class:`ResourcePlan`; :class:`Resources` then sets every handler's hours each day from
the plan, today's volunteers, the property companies' fee collection and what co-building units give
(seeds 001, 002, 003, 004/1, 004/3, 004/4).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ScenarioConfig
from cogov.sim.handlers import Handlers
from cogov.sim.households import Households, StackedHouseholds, alone
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.meeting_time import MeetingTime
from cogov.sim.organisations import CoBuildingUnits, PropertyCompanies, SocialOrganisations
from cogov.sim.organisations.co_building import give_today_batch
from cogov.sim.organisations.property import company_hours_batch
from cogov.sim.organisations.self_management import LEDGER_ITEM as SELF_MANAGEMENT_FEES
from cogov.sim.organisations.self_management import PAYER as RESIDENTS
from cogov.sim.organisations.self_management import SelfManagementCommittees
from cogov.sim.organisations.social import social_hours_batch
from cogov.sim.organisations.work_units import LEDGER_ITEM as WORK_UNIT_LOGISTICS
from cogov.sim.organisations.work_units import PAYER as WORK_UNITS
from cogov.sim.organisations.work_units import WorkUnitServices
from cogov.sim.stacking import joined, per_row

DAYS_PER_YEAR = 365.0
FALLBACK_SUBSIDIES = "fallback_property_subsidies"


@dataclass(frozen=True)
class ResourcePlan:
    """Hours and money per day that follow from the scenario's levers."""

    burden: float  # share of staff time lost to top-down tasks
    staff_hours_community: float  # community workers' hours left for residents
    full_time_hours_per_grid: float
    part_time_hours_per_grid: float  # unpaid N plus those paid from the grid-staff fund
    fee_follows_task_hours: float
    repairs_hours: float
    purchased_hours_per_org: float
    street_hours: float
    co_building_commitment_gain: float
    public_cost_per_day: float  # funds spent plus salaries (cost_per_resolved's numerator, without rewards)


def plan_resources(config: ScenarioConfig, n_grids: int) -> ResourcePlan:
    """Compute the daily resources that the scenario's funding, staffing and burden levers provide."""
    levers = config.levers
    costs = config.costs
    wh = config.service.work_hours_per_day
    burden = levers.burden.admin_share * (1.0 - (levers.burden.access_list_cut if levers.burden.access_list else 0.0))
    money = levers.funding.annual_cny
    split = levers.funding.split
    paid_part_timers = money * split.grid_staff / costs.part_time_grid_stipend_cny
    n_orgs = config.community.social_organisations
    co_money = money * split.co_building
    units = config.organisations.co_building
    salaries = costs.staff_cny_per_year * (config.community.community_staff + levers.grid.full_time_workers * n_grids)
    return ResourcePlan(
        burden=burden,
        staff_hours_community=config.community.community_staff * wh * (1.0 - burden),
        full_time_hours_per_grid=levers.grid.full_time_workers * wh * (1.0 - burden),
        part_time_hours_per_grid=levers.grid.part_time_workers * levers.grid.unpaid_part_time_hours_per_day
        + paid_part_timers / n_grids * costs.part_time_hours_per_day,
        fee_follows_task_hours=money * split.fee_follows_task / DAYS_PER_YEAR / costs.staff_cny_per_hour,
        repairs_hours=money * split.repairs / DAYS_PER_YEAR / costs.repair_cny_per_hour,
        purchased_hours_per_org=(money * split.social_org / DAYS_PER_YEAR / costs.social_org_cny_per_hour / n_orgs) if n_orgs else 0.0,
        street_hours=config.service.street_hours_per_day * (levers.whistle.capacity_multiplier if levers.whistle.enabled else 1.0),
        # Matching money (co-building share of funds) draws units in, saturating (assumption).
        co_building_commitment_gain=units.matching_gain_max * co_money / (co_money + units.matching_half_gain_cny)
        if co_money > 0 else 0.0,
        public_cost_per_day=(money + salaries) / DAYS_PER_YEAR,
    )


@dataclass(frozen=True)
class Handling:
    """Who works on issues: the handler ids of the grids, the community and the street."""

    grid_handlers: NDArray[np.int64]  # one per management grid, in grid order
    community_handler: int
    street_handler: int


class Resources:
    """Each day, every handler's hours and each grid's patrol intensity (the state this mechanism owns).

    Grid teams work the hours of their full-time and part-time workers, their branch secretary and
    today's volunteers (a share of volunteer hours counts as handling), minus the share spent
    patrolling; patrols visit households and find their unreported issues. The community works its
    staff's hours left by the administrative burden and by the meetings arrangements convened
    (:mod:`cogov.sim.mechanisms.meeting_time`), the hours bought by funds that follow tasks and
    by the repairs fund, and what co-building units give today; the street works its departments'
    hours (more under the whistle). Companies and social organisations work their own hours; residents'
    self-management committees work the caretakers' hours their fees pay for.
    """

    def __init__(self, config: ScenarioConfig, plan: ResourcePlan, handlers: Handlers, handling: Handling,
                 households: Households, companies: PropertyCompanies, social: SocialOrganisations,
                 co_building: CoBuildingUnits, grid_branch_strength: Callable[[], NDArray[np.float64]],
                 reward_hours: Callable[[], float], ledger: Ledger,
                 self_managed: SelfManagementCommittees | None = None, fallback_subsidy_per_day: float = 0.0,
                 work_units: WorkUnitServices | None = None, meeting_time: MeetingTime | None = None):
        self.configure(config, plan, fallback_subsidy_per_day)
        self.handlers = handlers
        self.handling = handling
        self.companies = companies
        self.social = social
        self.co_building = co_building
        self.households = households
        self.grid_branch_strength = grid_branch_strength
        self.reward_hours = reward_hours
        self.ledger = ledger
        self.self_managed = self_managed if self_managed is not None else SelfManagementCommittees()
        self.work_units = work_units if work_units is not None else WorkUnitServices()
        self.meeting_time = meeting_time
        n_grids = len(handling.grid_handlers)
        self.households_by_grid = np.bincount(households.grid, minlength=n_grids).astype(float)
        self.patrol_probability = np.zeros(n_grids)
        """Daily probability that a patrol visits a household of each grid and finds its open issues."""
        self.street_hours_today: float | None = None
        """Department hours sent today by the street this community belongs to (:mod:`cogov.sim.street`); None
        for a community on its own, whose street level works ``plan.street_hours``."""

    def configure(self, config: ScenarioConfig, plan: ResourcePlan, fallback_subsidy_per_day: float = 0.0) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run). ``plan``: what the
        levers provide (:func:`plan_resources`); ``fallback_subsidy_per_day``: what the fallback companies cost a day."""
        self.config = config
        self.plan = plan
        self.fallback_subsidy_per_day = fallback_subsidy_per_day

    def step(self, volunteer_hours_by_grid: NDArray[np.float64]) -> None:
        """Set today's hours of every handler and each grid's patrol probability (:func:`resources_batch` of this
        community alone)."""
        resources_batch([self], alone(self.households), [volunteer_hours_by_grid])

    def set_other_hours(self, co_hours: float, co_money: float, company_hours: NDArray[np.float64],
                        social_hours: NDArray[np.float64]) -> None:
        """Today's hours of every handler but the grids' (set by :func:`resources_batch`): the community's staff with
        what co-building units and rewards add, the street's departments, companies, social organisations, and
        those paid by residents or former work units; and today's spending. ``co_hours``, ``co_money``: what the
        co-building units give today (:func:`~cogov.sim.organisations.co_building.give_today_batch`);
        ``company_hours``, ``social_hours``: what each property company and social organisation works today
        (:func:`~cogov.sim.organisations.property.company_hours_batch`,
        :func:`~cogov.sim.organisations.social.social_hours_batch`)."""
        plan = self.plan
        config = self.config
        capacity = self.handlers.capacity
        # the staff's hours in meetings the arrangements convened come out of what they work on issues
        community_hours = (plan.staff_hours_community if self.meeting_time is None
                           else self.meeting_time.take(plan.staff_hours_community))
        capacity[self.handling.community_handler] = (
            community_hours + plan.fee_follows_task_hours + plan.repairs_hours + co_hours
            + co_money / config.costs.repair_cny_per_hour + self.reward_hours()
        )
        self.ledger.record("funds_and_salaries", plan.public_cost_per_day)
        if self.fallback_subsidy_per_day:
            self.ledger.record(FALLBACK_SUBSIDIES, self.fallback_subsidy_per_day)
        self.ledger.record("co_building_money", co_money, payer="co_building_units")
        capacity[self.handling.street_handler] = (plan.street_hours if self.street_hours_today is None
                                                  else self.street_hours_today)
        capacity[self.companies.handler] = company_hours
        capacity[self.social.handler] = social_hours
        if len(self.work_units):  # logistics staff paid by the former work units (their money, not public)
            params, hours = config.levers.work_unit_management, config.service.work_hours_per_day
            capacity[self.work_units.handler] = self.work_units.hours_today(params, hours)
            self.ledger.record(WORK_UNIT_LOGISTICS, self.work_units.cost_today(params, hours), payer=WORK_UNITS)
        if len(self.self_managed):  # caretakers paid from residents' fees (their money, not public)
            params = config.levers.self_management
            capacity[self.self_managed.handler] = self.self_managed.hours_today(params)
            self.ledger.record(SELF_MANAGEMENT_FEES, float(self.self_managed.fees_per_day(params).sum()),
                               payer=RESIDENTS)


def resources_batch(resources: Sequence[Resources], households: StackedHouseholds,
                    volunteer_hours_by_grid: Sequence[NDArray[np.float64]]) -> None:
    """:meth:`Resources.step` of every community of a batch: the grids' hours and patrols of all communities in one
    pass over their grids, numbered across the batch (elementwise, parameters per grid: each community's numbers are
    its own, bit for bit), then each community's other handlers (:meth:`Resources.set_other_hours`)."""
    first = households.offsets_of("grid", lambda: [len(r.handling.grid_handlers) for r in resources])
    position = households.cache.get("resources:grid_position")
    if position is None:
        position = households.cache["resources:grid_position"] = np.repeat(np.arange(len(resources)), np.diff(first))
    plan = per_row([r.plan for r in resources], position)
    service = per_row([r.config.service for r in resources], position)
    patrol_share = per_row([r.config.levers.grid for r in resources], position).patrol_share
    volunteer_hours = joined(volunteer_hours_by_grid)
    # A grid branch's secretary gives the grid hours as its branch works: in proportion to its strength.
    secretary_hours = _grid_strengths(resources, households) * service.secretary_hours_per_day
    staff_hours = plan.full_time_hours_per_grid + plan.part_time_hours_per_grid + secretary_hours
    handling = (1.0 - patrol_share) * (staff_hours + service.volunteer_work_efficiency * volunteer_hours)
    patrol_hours = patrol_share * (staff_hours + volunteer_hours)
    households_by_grid = joined([r.households_by_grid for r in resources])
    visit_share = np.minimum(1.0, patrol_hours * service.patrol_visits_per_hour / households_by_grid)
    patrol_probability = visit_share * service.patrol_detection
    given = give_today_batch([r.co_building for r in resources])
    company_hours = company_hours_batch([r.companies for r in resources],
                                        [r.config.service.work_hours_per_day for r in resources])
    social_hours = social_hours_batch([r.social for r in resources],
                                      [r.config.service.social_org_base_hours_per_day for r in resources],
                                      [r.plan.purchased_hours_per_org for r in resources])
    for k, (r, co_hours, co_money, companies, social) in enumerate(
            zip(resources, *given, company_hours, social_hours, strict=True)):
        grids = slice(first[k], first[k + 1])
        r.handlers.capacity[r.handling.grid_handlers] = handling[grids]
        r.patrol_probability = patrol_probability[grids]
        r.set_other_hours(co_hours, co_money, companies, social)


def _grid_strengths(resources: Sequence[Resources], households: StackedHouseholds) -> NDArray[np.float64]:
    """Each grid's branch's strength, the grids of every community one after another: in one pass when every
    community reads its own party organisations' (:func:`~cogov.sim.mechanisms.party_building.grid_strengths`), else
    community by community (a test's own ``grid_branch_strength``)."""
    from cogov.sim.mechanisms.party_building import PartyBuilding, grid_strengths  # party building reads Handling

    parties = [getattr(r.grid_branch_strength, "__self__", None) for r in resources]
    if all(isinstance(party, PartyBuilding) for party in parties):
        return grid_strengths(parties, households)
    return joined([r.grid_branch_strength() for r in resources])
