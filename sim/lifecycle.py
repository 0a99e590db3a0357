"""The issue lifecycle, one vectorised function per stage ("four orders", seed 000).

arise -> discover (report / hotline / patrol / steward) -> [agree, if collective] -> dispatch to a
handler -> escalate when overdue or when a resident's grievance drives a hotline call -> serve
with finite capacity -> close -> resident evaluates. Residents may give up waiting (abandon). Each function takes the model and the day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cogov.sim.behaviour import (
    adapt_expectation,
    asymmetric_update,
    beta_with_mean,
    bounded_confidence_meeting,
    episode_satisfaction,
    grievance,
    logistic,
    perceived_performance,
)
from cogov.sim.config import CATEGORIES
from cogov.sim.issues import Channel, Level, State
from cogov.sim.population import NEVER
from cogov.sim.queues import serve_queues

if TYPE_CHECKING:
    from cogov.sim.model import CommunityModel

PROPERTY_CATEGORIES = np.array([CATEGORIES.index(c) for c in ("property_maintenance", "environment", "parking")])
MAINTENANCE = CATEGORIES.index("property_maintenance")


def arise(model: CommunityModel, day: int) -> None:
    """New issues arise at each household's rate (Poisson in total, placed by rate)."""
    rng = model.streams.arise
    params = model.config.issues
    count = rng.poisson(model.total_issue_rate)
    if count == 0:
        return
    household = np.searchsorted(model.cumulative_issue_rate, rng.random(count) * model.total_issue_rate, side="right")
    household = np.minimum(household, model.population.size - 1)
    category = rng.choice(len(CATEGORIES), size=count, p=model.category_probabilities)
    collective = np.isin(category, PROPERTY_CATEGORIES) & (rng.random(count) < params.collective_share)
    severity = beta_with_mean(rng, params.severity_mean, params.severity_concentration, count)
    pop = model.population
    rows = model.issues.add(day, household, pop.compound[household], pop.grid[household], category, severity, collective)
    effort = model.effort_median[category] * (params.effort_severity_base + severity) * rng.lognormal(0.0, params.effort_sigma, count)
    model.issues.work_left[rows] = effort
    model.counters["arisen"] += count


def discover(model: CommunityModel, day: int) -> None:
    """Latent issues are found: reported (directly or via 12345), or discovered by patrols or stewards."""
    table = model.issues
    rows = table.open_in(State.LATENT)
    if len(rows) == 0:
        return
    rng = model.streams.discover
    pop = model.population
    choice = model.config.behaviour.participation
    hotline = model.config.levers.hotline
    hh = table.household[rows]
    utility = (
        choice.report_intercept
        + choice.report_trust * pop.trust[hh]
        + choice.report_severity * table.severity[rows]
        + choice.report_ties * pop.ties[hh]
        - model.report_age_cost[pop.age_group[hh]]
        + choice.report_hotline * hotline.enabled
    )
    reported = rng.random(len(rows)) < logistic(utility)
    patrolled = ~reported & (rng.random(len(rows)) < model.patrol_probability[table.grid[rows]])
    stewarded = ~reported & ~patrolled & (rng.random(len(rows)) < model.steward_probability[pop.building[hh]])
    via_hotline = reported & hotline.enabled & (rng.random(len(rows)) < hotline.share_of_reports)

    channel = np.select(
        [via_hotline, reported, patrolled, stewarded],
        [Channel.HOTLINE, Channel.RESIDENT, Channel.PATROL, Channel.STEWARD],
        Channel.UNFOUND,
    )
    found = rows[channel != Channel.UNFOUND]
    table.channel[found] = channel[channel != Channel.UNFOUND]
    table.found[found] = day
    table.hotline_since[found[table.channel[found] == Channel.HOTLINE]] = day
    model.counters["found"] += len(found)

    collective = found[table.collective[found]]
    table.state[collective] = State.AGREEMENT
    table.agreement_since[collective] = day
    bargaining = model.config.behaviour.bargaining
    table.gap[collective] = beta_with_mean(model.streams.agreement, model.initial_gap_mean[table.compound[collective]],
                                           bargaining.initial_gap_concentration, len(collective))
    dispatch(model, found[~table.collective[found]], day, Level.GRID)


def dispatch(model: CommunityModel, rows: np.ndarray, day: int, level: int | np.ndarray) -> None:
    """Place issues in the queue of the handler responsible at ``level`` (下单 / 接单)."""
    if len(rows) == 0:
        return
    table = model.issues
    level = np.broadcast_to(np.asarray(level), rows.shape)
    handler = np.where(level == Level.STREET, model.street_handler, model.community_handler)
    at_grid = level == Level.GRID
    if at_grid.any():
        handler[at_grid] = route_in_grid(model, rows[at_grid])
    table.handler[rows] = handler
    table.level[rows] = np.asarray(model.handlers.level)[handler]
    table.state[rows] = State.QUEUED
    table.queued[rows] = day


def route_in_grid(model: CommunityModel, rows: np.ndarray) -> np.ndarray:
    """First handler of a newly found issue.

    Property matters go to the compound's property company; without one, repairs go to the
    community (repairs fund) and other property matters to the grid. Care, disputes and
    (where no company serves) environment go to a specialist social organisation if one exists.
    Everything else goes to the grid when 'small matters stay in the grid' is on, else to the
    community.
    """
    table = model.issues
    category = table.category[rows]
    company = model.compound_company_handler[table.compound[rows]]
    default = model.grid_handlers[table.grid[rows]] if model.config.levers.grid.grid_first else np.full(len(rows), model.community_handler)
    handler = default.copy()
    is_property = np.isin(category, PROPERTY_CATEGORIES)
    handler[is_property & (company >= 0)] = company[is_property & (company >= 0)]
    no_company = is_property & (company < 0)
    handler[no_company & (category == MAINTENANCE)] = model.community_handler
    handler[no_company & (category != MAINTENANCE)] = model.grid_handlers[table.grid[rows[no_company & (category != MAINTENANCE)]]]
    wait = expected_wait(model)
    for cat, orgs in model.specialists.items():
        wants = (category == cat) & ~(is_property & (company >= 0))
        if wants.any() and len(orgs):
            best = orgs[np.argmin(wait[orgs])]
            if wait[best] <= model.config.levers.escalation.grid_days:
                handler[wants] = best
    return handler


def expected_wait(model: CommunityModel) -> np.ndarray:
    """Days of queued work per handler at today's capacity (what a dispatcher sees)."""
    table = model.issues
    queued = table.open_in(State.QUEUED)
    work = np.bincount(table.handler[queued], weights=table.work_left[queued], minlength=len(model.handlers))
    return work / np.maximum(model.handlers.capacity, 1e-9)


def agree(model: CommunityModel, day: int) -> None:
    """Collective issues advance at meetings of owners and company (bounded confidence); stalls are counted."""
    table = model.issues
    rows = table.open_in(State.AGREEMENT)
    if len(rows) == 0:
        return
    params = model.config.behaviour.bargaining
    compound = table.compound[rows]
    waited = day - table.agreement_since[rows]
    meets = (waited > 0) & (waited % model.meeting_interval[compound] == 0)
    table.gap[rows[meets]] = bounded_confidence_meeting(
        table.gap[rows[meets]], model.confidence[compound[meets]], params.convergence, params.souring
    )
    agreed = meets & (table.gap[rows] < params.agreement_gap)
    stalled = ~agreed & ~table.stalemate[rows] & (waited >= params.stalemate_days)
    table.stalemate[rows[stalled]] = True
    model.counters["stalemates"] += int(stalled.sum())
    dispatch(model, rows[agreed], day, Level.GRID)


def escalate(model: CommunityModel, day: int) -> None:
    """Escalate overdue issues one level; overdue hotline cases and stalled ones called in go to the street."""
    table = model.issues
    levers = model.config.levers
    rows = table.open_rows[(table.state[table.open_rows] == State.QUEUED) | (table.state[table.open_rows] == State.AGREEMENT)]
    if len(rows) == 0:
        return
    if levers.hotline.enabled:
        _hotline_calls(model, rows, day)
    level = table.level[rows].astype(np.int64)
    queued = table.state[rows] == State.QUEUED
    overdue = queued & (level < Level.STREET) & (day - table.queued[rows] > model.level_deadline[np.minimum(level, 1)])
    hotline_overdue = (
        levers.hotline.enabled & (table.hotline_since[rows] != NEVER) & (level < Level.STREET)
        & (day - table.hotline_since[rows] > levers.hotline.deadline_days)
    )
    up = overdue | hotline_overdue
    if not up.any():
        return
    moved = rows[up]
    target = np.where(hotline_overdue[up], Level.STREET, level[up] + 1)
    newly = table.escalations[moved] == 0
    model.counters["escalated"] += int(newly.sum())
    table.escalations[moved] += 1
    dispatch(model, moved, day, target)


def _hotline_calls(model: CommunityModel, rows: np.ndarray, day: int) -> None:
    """Residents whose grievance exceeds their threshold call 12345 (Epstein 2002 adapted)."""
    table = model.issues
    params = model.config.behaviour.grievance
    candidates = rows[table.hotline_since[rows] == NEVER]
    if len(candidates) == 0:
        return
    felt = grievance(
        table.severity[candidates], day - table.found[candidates],
        model.population.trust[table.household[candidates]], params.hardship_days,
    )
    calls = candidates[felt - params.risk_aversion * params.complaint_cost > params.grievance_threshold]
    table.hotline_since[calls] = day
    model.counters["hotline_calls"] += len(calls)


def abandon(model: CommunityModel, day: int) -> None:
    """Residents give up on found issues still waiting, at a constant hazard (Erlang A abandonment)."""
    table = model.issues
    states = table.state[table.open_rows]
    rows = table.open_rows[(states == State.QUEUED) | (states == State.AGREEMENT)]
    if len(rows) == 0:
        return
    hazard = 1.0 / model.config.behaviour.grievance.patience_days
    gone = rows[model.streams.abandon.random(len(rows)) < hazard]
    if len(gone) == 0:
        return
    table.state[gone] = State.UNRESOLVED
    table.closed[gone] = day
    model.counters["abandoned"] += len(gone)
    evaluate(model, gone, np.zeros(len(gone), dtype=bool), day, abandoned=True)


def serve(model: CommunityModel, day: int) -> None:
    """Handlers work through their queues; finished issues are closed and evaluated."""
    table = model.issues
    rows = table.open_in(State.QUEUED)
    finished, left, used = serve_queues(
        table.handler[rows], table.queued[rows], rows, table.work_left[rows], model.handlers.capacity
    )
    table.work_left[rows] = left
    model.handlers.hours_used += used
    if len(finished) == 0:
        return
    quality = model.handlers.quality[table.handler[finished]]
    unserviced = np.isin(table.category[finished], PROPERTY_CATEGORIES) & (model.compound_company_handler[table.compound[finished]] < 0)
    quality = np.where(unserviced, quality * model.config.service.no_property_quality_factor, quality)
    fixed = model.streams.service.random(len(finished)) < quality
    table.state[finished] = np.where(fixed, State.RESOLVED, State.UNRESOLVED)
    table.closed[finished] = day
    evaluate(model, finished, fixed, day)


def evaluate(model: CommunityModel, rows: np.ndarray, fixed: np.ndarray, day: int, abandoned: bool = False) -> None:
    """Residents judge closed issues (评单): satisfaction by expectation-disconfirmation, trust asymmetrically.

    An abandoned issue delivered nothing: no outcome, no timeliness, no acceptance bonus, and it
    does not count as closed on time.
    """
    table = model.issues
    pop = model.population
    sat = model.config.behaviour.satisfaction
    trust = model.config.behaviour.trust
    counters = model.counters
    days = (day - table.found[rows]).astype(float)
    deliberated = table.collective[rows] & model.config.levers.deliberation_council.enabled & (not abandoned)
    outcome = np.minimum(1.0, fixed + deliberated * model.config.levers.deliberation_council.acceptance_bonus)
    if abandoned:
        performance = np.zeros(len(rows))
    else:
        performance = perceived_performance(outcome, days, sat.outcome_weight, sat.timeliness_days)

    counters["resolved"] += int(fixed.sum())
    counters["unresolved"] += int((~fixed).sum())
    counters["resolve_days"] += float(days[fixed].sum())
    if not abandoned:
        counters["on_time"] += int((days <= model.config.issues.time_limit_days).sum())
    counters["resolved_in_grid"] += int((fixed & (table.level[rows] == Level.GRID)).sum())
    model.record_social_org_cases(table.handler[rows], performance)

    households = table.household[rows]
    pending = np.arange(len(rows))
    while len(pending):  # a household closing two issues the same day is updated once per issue
        _, first = np.unique(households[pending], return_index=True)
        now = pending[first]
        hh = households[now]
        p = performance[now]
        episode = episode_satisfaction(p, pop.expectation[hh], sat.intercept, sat.performance, sat.disconfirmation)
        pop.expectation[hh] = adapt_expectation(pop.expectation[hh], p, sat.expectation_rate)
        pop.satisfaction[hh] += sat.update_rate * (episode - pop.satisfaction[hh])
        pop.trust[hh] = asymmetric_update(pop.trust[hh], p, trust.up_rate, trust.down_rate)
        pending = np.delete(pending, first)


def drift(model: CommunityModel, day: int) -> None:
    """Open issues weigh on their households' satisfaction; memories fade back towards the baseline."""
    table = model.issues
    pop = model.population
    sat = model.config.behaviour.satisfaction
    rows = table.open_rows[day - table.created[table.open_rows] > sat.drag_after_days]
    if len(rows):
        weight = np.bincount(table.household[rows], weights=table.severity[rows], minlength=pop.size)
        collective = rows[table.collective[rows]]
        shared = np.bincount(table.compound[collective], weights=table.severity[collective], minlength=model.layout.n_compounds)
        pop.satisfaction -= sat.open_issue_drag * (weight + sat.collective_drag_share * shared[pop.compound])
    pop.satisfaction += sat.recovery_rate * (pop.baseline_satisfaction - pop.satisfaction)
    np.clip(pop.satisfaction, 0.0, 1.0, out=pop.satisfaction)
