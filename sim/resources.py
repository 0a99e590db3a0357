"""Turning levers into hours: funding, staffing, burden, co-building contributions.

The fixed part (what money buys, how much staff time the burden leaves) is computed once from the
scenario in :class:`ResourcePlan`; :func:`set_daily_capacities` then sets every handler's hours
for the day from the plan, today's volunteers and the property companies' fee collection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cogov.sim.config import ScenarioConfig

if TYPE_CHECKING:
    from cogov.sim.model import CommunityModel

DAYS_PER_YEAR = 365.0


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
    co_building_people_share: float
    co_building_efficiency: float
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
        co_building_people_share=levers.cross_appointment.big_party_committee_people_share
        if levers.cross_appointment.big_party_committee else config.organisations.co_building.people_share,
        co_building_efficiency=levers.lists_matching.matched_efficiency if levers.lists_matching.enabled else levers.lists_matching.unmatched_efficiency,
        # Matching money (co-building share of funds) draws units in, saturating (assumption).
        co_building_commitment_gain=units.matching_gain_max * co_money / (co_money + units.matching_half_gain_cny)
        if co_money > 0 else 0.0,
        public_cost_per_day=(money + salaries) / DAYS_PER_YEAR,
    )


def set_daily_capacities(model: CommunityModel, volunteer_hours_by_grid: np.ndarray) -> None:
    """Set today's hours of every handler and each grid's patrol intensity."""
    plan = model.plan
    config = model.config
    handlers = model.handlers
    patrol_share = config.levers.grid.patrol_share

    staff_hours = plan.full_time_hours_per_grid + plan.part_time_hours_per_grid + model.secretary_hours_by_grid
    handling = (1.0 - patrol_share) * (staff_hours + config.service.volunteer_work_efficiency * volunteer_hours_by_grid)
    handlers.capacity[model.grid_handlers] = handling
    patrol_hours = patrol_share * (staff_hours + volunteer_hours_by_grid)
    visit_share = np.minimum(1.0, patrol_hours * config.service.patrol_visits_per_hour / model.households_by_grid)
    model.patrol_probability = visit_share * config.service.patrol_detection

    co_hours, co_money = 0.0, 0.0
    for unit in model.co_building_units:
        hours, cash = unit.daily_contribution(plan.co_building_people_share, plan.co_building_efficiency)
        co_hours += hours
        co_money += cash
    model.co_building_hours_total += co_hours
    model.co_building_money_total += co_money
    community_hours = (
        plan.staff_hours_community + plan.fee_follows_task_hours + plan.repairs_hours + co_hours
        + co_money / config.costs.repair_cny_per_hour
    )
    handlers.capacity[model.community_handler] = community_hours
    handlers.capacity[model.street_handler] = plan.street_hours

    for company in model.property_companies:
        handlers.capacity[company.handler] = company.staff * config.service.work_hours_per_day * company.collection_rate
    base = config.service.social_org_base_hours_per_day
    for org in model.social_organisations:
        handlers.capacity[org.handler] = base + plan.purchased_hours_per_org
