"""Outcome measures: the daily metrics the DataCollector records and the end-of-run summary.

Definitions (all cumulative from day 0 unless stated):

- ``resolution_rate``: issues resolved (fixed) / issues arisen.
- ``mean_days_to_resolve``: mean days from found to closed, over resolved issues.
- ``on_time_share``: closed issues closed by a handler within ``issues.time_limit_days`` of being
  found / all closed issues (abandoned ones count as closed, never as on time).
- ``resolved_in_grid_share``: resolved issues closed at grid level (grid, property company or
  social organisation) / resolved issues ('small matters do not leave the grid').
- ``escalation_rate``: found issues escalated at least once / found issues.
- ``backlog``: issues found and still open today; ``latent``: open issues nobody has found.
- ``satisfaction_mean``, ``satisfaction_p10``, ``trust_mean``: over households, today.
- ``volunteer_share``: households who volunteered in the last 30 days, today.
- ``volunteer_hours``: hours volunteered so far.
- ``inservice_serving_share``: in-service party members who served in the last 30 days, today.
- ``stalemates``: collective issues that waited ``stalemate_days`` without agreement.
- ``cost_per_resolved``: public money spent (every public item of the cost ledger, :data:`cogov.sim.ledger.ITEMS`)
  / resolved issues.
- ``dispute_resolution_rate``: neighbour disputes resolved / disputes arisen.
- ``disputes_mediated``: disputes closed by a mediation team (not given up by the resident).
- ``owners_committee_share``: compounds with an owners' committee today (those formed during the run included).
- ``social_org_quality``, ``social_org_count``: mean quality of the social organisations today, and how many
  there are (incubated ones included).
- ``vulnerable_reached_share``: vulnerable households visited by proactive care in the last 30 days, today;
  ``satisfaction_vulnerable``: their mean satisfaction today.
- ``posts_held_share``: in-service party members holding a claimed post today (levers.posts).
- ``activity_reach_share``: households that took part in an activity in the last 30 days (levers.activities).
- ``team_member_share``: party members in a volunteer team today (levers.volunteer_teams).
- ``five_ones_completed_share``: in-service party members who have done all five of the five ones this year
  (levers.five_ones; the list starts again each year).
- ``fee_collection_rate``: mean share of fees the property companies collect today (follows owners' satisfaction;
  levers.fee_leverage is meant to raise it).
- ``needs_met``: households served by projects answering listed needs, summed over projects (levers.needs_projects).
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import is_
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import AGE_GROUPS, COMPOUND_TYPES
from cogov.sim.households import IN_SERVICE, RETIRED, alone
from cogov.sim.issues import Issues, State
from cogov.sim.mechanisms.activities import REACH_DAYS as ACTIVITY_REACH_DAYS
from cogov.sim.mechanisms.care import REACH_DAYS as CARE_REACH_DAYS
from cogov.sim.mechanisms.five_ones import ACTIONS as FIVE_ACTIONS
from cogov.sim.mechanisms.party_building import PartyStack
from cogov.sim.organisations.party import COMPOUND, GRID
from cogov.sim.outcomes.quantile import P10_QUANTILE, RowQuantile, quantile_of_one
from cogov.sim.stacking import joined, part_means

RECENT_DAYS = 30
"""Window of 'volunteered recently' in volunteer_share and inservice_serving_share (an observation, not behaviour)."""

if TYPE_CHECKING:
    from cogov.sim.households import StackedHouseholds
    from cogov.sim.model import CommunityModel

DAILY_METRICS: tuple[str, ...] = (
    "day",
    "issues_arisen",
    "resolved",
    "resolution_rate",
    "mean_days_to_resolve",
    "on_time_share",
    "resolved_in_grid_share",
    "escalation_rate",
    "backlog",
    "latent",
    "satisfaction_mean",
    "satisfaction_p10",
    "trust_mean",
    "volunteer_share",
    "volunteer_hours",
    "inservice_serving_share",
    "stalemates",
    "cost_total",
    "cost_per_resolved",
    "party_strength",
    "branch_strength",
    "ties_mean",
    "company_quality",
    "co_building_commitment",
    "dispute_resolution_rate",
    "disputes_mediated",
    "owners_committee_share",
    "social_org_quality",
    "social_org_count",
    "vulnerable_reached_share",
    "satisfaction_vulnerable",
    "posts_held_share",
    "activity_reach_share",
    "needs_met",
    "team_member_share",
    "five_ones_completed_share",
    "fee_collection_rate",
    "meeting_staff_hours",
)
"""Columns of the daily series, in order."""


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator else float("nan")


NAN = float("nan")


def _ratios(numerators: Sequence[float], denominators: Sequence[float]) -> list[float]:
    """:func:`_ratio` of each community's pair."""
    return [float(a) / float(b) if b else NAN for a, b in zip(numerators, denominators, strict=True)]

Columns = dict[str, list[Any]]
"""Metrics of a batch's communities by name: one value per community, in the batch's order."""


def _percentiles_10(stack: StackedHouseholds) -> list[float]:
    """The 10th percentile of satisfaction in each community of a batch, as ``np.percentile(part, 10)``
    (:class:`~cogov.sim.outcomes.quantile.RowQuantile`, kept with the stack from one day to the next; a community
    alone is partitioned)."""
    if len(stack.sizes) == 1:
        return [quantile_of_one(stack.satisfaction, P10_QUANTILE)]
    quantile = stack.cache.get("p10")
    if quantile is None:
        quantile = stack.cache["p10"] = RowQuantile(stack.sizes, P10_QUANTILE)
    return quantile(stack.satisfaction, stack.position).tolist()


def stacked_metrics(models: Sequence[CommunityModel], stack: StackedHouseholds, issues: Issues, day: int) -> Columns:
    """The metrics of today that count over households, issues and organisations, for every community of a batch in
    one pass over its stacked tables, as columns (:func:`daily_metrics` adds the counters' ratios): mean
    satisfaction, its 10th percentile, trust and ties; shares of households who volunteered recently and of in-service
    members who served; hours volunteered; the issues waiting and latent; the reach of the arrangements that act on
    households (care visits, posts, activities, teams, the five ones); the organisations' mean strength and quality.

    Sums and means are each community's own (:meth:`~cogov.sim.households.StackedHouseholds.sums`,
    :func:`~cogov.sim.stacking.part_means`); a share is an exact count over a count, as
    :func:`~cogov.sim.fast.share` computes it alone.
    """
    return (_household_metrics(stack, day) | _issue_metrics(len(models), issues)
            | _arrangement_metrics(models, stack, day) | _organisation_metrics(models, stack))


def _household_metrics(stack: StackedHouseholds, day: int) -> Columns:
    sizes = stack.sizes
    recent = (day - stack.last_served) < RECENT_DAYS
    membership = Membership.of(stack)
    satisfaction, trust, ties = (stack.sums(values) / sizes for values in (stack.satisfaction, stack.trust, stack.ties))
    volunteers, serving = (stack.counts(mask) for mask in (recent, recent & membership.in_service))
    return {
        "satisfaction_mean": satisfaction.tolist(),
        "satisfaction_p10": _percentiles_10(stack),
        "trust_mean": trust.tolist(),
        "volunteer_share": (volunteers / sizes).tolist(),
        "volunteer_hours": stack.sums(stack.hours).tolist(),
        "inservice_serving_share": _ratios(serving.tolist(), membership.in_services),
        "ties_mean": ties.tolist(),
    }


def _issue_metrics(n: int, issues: Issues) -> Columns:
    rows = issues.open()
    states = issues.state[rows.rows].astype(np.int64)
    by_state = np.bincount(states if rows.position is None else rows.position * len(State) + states,
                           minlength=n * len(State)).reshape(n, len(State))
    return {"backlog": (by_state[:, State.AGREEMENT] + by_state[:, State.QUEUED]).tolist(),
            "latent": by_state[:, State.LATENT].tolist()}


def _arrangement_metrics(models: Sequence[CommunityModel], stack: StackedHouseholds, day: int) -> Columns:
    """The reach of the arrangements that act on households. A community alone asks each arrangement (whose measure
    reads only the households it concerns); a batch joins their arrays, one per community, and counts them at once."""
    if len(models) == 1:
        model = models[0]
        return {
            "vulnerable_reached_share": [model.care.reach(day)],
            "satisfaction_vulnerable": [model.care.satisfaction()],
            "posts_held_share": [model.posts.held_share()],
            "activity_reach_share": [model.activities.reach_share(day)],
            "team_member_share": [model.teams.member_share()],
            "five_ones_completed_share": [model.five_ones.completed_share()],
        }
    statics, members = _StaticArrangements.of(models, stack), Membership.of(stack)
    vulnerable, listed = statics.vulnerable, statics.listed
    none = [0] * len(models)
    # An arrangement that no community has had on has reached nobody: its arrays are as built (posts, teams and the
    # five ones clear theirs when switched off; care's and activities' last days stay, hence ever_enabled).
    visited = took_part = holds = in_team = all_five = none
    if any(model.care.ever_enabled or model.five_ones.paired for model in models):
        visited = stack.counts(vulnerable & (day - joined([model.care.last_visit for model in models]) < CARE_REACH_DAYS)).tolist()
    if any(model.activities.ever_enabled for model in models):
        took_part = stack.counts(day - joined([model.activities.last_activity for model in models]) < ACTIVITY_REACH_DAYS).tolist()
    if any(model.posts.enabled for model in models):
        holds = stack.counts(members.in_service & joined([model.posts.holds for model in models])).tolist()
    if any(model.teams.enabled for model in models):
        in_team = stack.counts(members.party & joined([model.teams.member for model in models])).tolist()
    if any(model.five_ones.enabled for model in models):
        all_five = stack.counts(listed & (joined([model.five_ones.done for model in models]) >= len(FIVE_ACTIONS))).tolist()
    return {
        "vulnerable_reached_share": _ratios(visited, statics.vulnerables),
        # as care.satisfaction(): NaN for none
        "satisfaction_vulnerable": part_means(stack.satisfaction[statics.vulnerable_rows], statics.vulnerables),
        "posts_held_share": _ratios(holds, members.in_services),
        "activity_reach_share": (np.asarray(took_part) / stack.sizes).tolist(),
        "team_member_share": _ratios(in_team, members.partisans),
        "five_ones_completed_share": _ratios(all_five, statics.listeds),
    }


class Membership:
    """Who is a party member, and who an in-service one, in each community of a stack, and how many: drawn at build
    and never changed, so counted once and kept with the stack (:meth:`of`)."""

    def __init__(self, stack: StackedHouseholds):
        self.in_service = stack.member_type == IN_SERVICE
        self.party = stack.member_type > 0
        self.in_services, self.partisans = (stack.counts(mask).tolist() for mask in (self.in_service, self.party))

    @classmethod
    def of(cls, stack: StackedHouseholds) -> Membership:
        """The stack's (counted on first use)."""
        membership = stack.cache.get("membership")
        if membership is None:
            membership = stack.cache["membership"] = cls(stack)
        return membership


class _StaticArrangements:
    """What the record counts each day that does not change after build, kept with a batch's stack: who is vulnerable
    (care) and who is on the five ones' list (joined from each community's arrays, checked to be the same arrays each
    day), and their counts."""

    def __init__(self, vulnerable: list[NDArray[np.bool_]], listed: list[NDArray[np.bool_]], stack: StackedHouseholds):
        self.parts = vulnerable + listed
        self.vulnerable, self.listed = joined(vulnerable), joined(listed)
        self.vulnerable_rows = np.flatnonzero(self.vulnerable)
        self.vulnerables, self.listeds = (stack.counts(mask).tolist() for mask in (self.vulnerable, self.listed))

    @classmethod
    def of(cls, models: Sequence[CommunityModel], stack: StackedHouseholds) -> _StaticArrangements:
        """The stack's, made anew if a community's arrays are not those it was made from."""
        parts = [model.care.vulnerable for model in models] + [model.five_ones.in_service for model in models]
        statics = stack.cache.get("arrangements")
        if statics is None or len(statics.parts) != len(parts) or not all(map(is_, statics.parts, parts)):
            statics = stack.cache["arrangements"] = cls(parts[:len(models)], parts[len(models):], stack)
        return statics


def _organisation_metrics(models: Sequence[CommunityModel], stack: StackedHouseholds) -> Columns:
    """The organisations' means, each over its community's own rows (:func:`~cogov.sim.stacking.part_means`: as
    alone, bit for bit)."""
    n = len(models)
    branches = PartyStack.of([model.party for model in models], stack)
    below = np.flatnonzero((branches.kind == GRID) | (branches.kind == COMPOUND))
    branch_strength = part_means(branches.strength[below], [len(below)] if branches.position is None
                                 else np.bincount(branches.position[below], minlength=n).tolist())
    in_use = joined([model.companies.serving for model in models])  # all, unless a fallback company was withdrawn
    serving = [int(np.count_nonzero(in_use))] if n == 1 else np.bincount(
        np.repeat(np.arange(n), [len(model.companies) for model in models])[in_use], minlength=n).tolist()
    return {
        "party_strength": branches.strength[branches.community_row].tolist(),
        "branch_strength": branch_strength,
        "company_quality": part_means(joined([model.companies.quality for model in models])[in_use], serving),
        "fee_collection_rate": part_means(joined([model.companies.collection_rate for model in models])[in_use], serving),
        "co_building_commitment": part_means(joined([model.co_building.commitment for model in models]),
                                             [len(model.co_building) for model in models]),
        "social_org_quality": part_means(joined([model.handlers.quality[model.social.handler] for model in models]),
                                         [len(model.social) for model in models]),
    }


def daily_metrics(model: CommunityModel, day: int, counted: Columns | None = None, k: int = 0) -> dict[str, float]:
    """Compute today's metrics from the model state (cheap: counters plus one pass over households and issues);
    ``counted``: the :func:`stacked_metrics` of the community's batch, if already computed (a batch computes every
    community's in one pass), ``k``: the community's place in it."""
    c = model.counters
    if counted is None:
        counted = stacked_metrics([model], alone(model.households), model.issues.alone, day)
    resolved = c.get("resolved", 0)
    cost = model.ledger.total()
    return {
        "day": day,
        "issues_arisen": c.get("arisen", 0),
        "resolved": resolved,
        "resolution_rate": _ratio(resolved, c.get("arisen", 0)),
        "mean_days_to_resolve": _ratio(c.get("resolve_days", 0), resolved),
        "on_time_share": _ratio(c.get("on_time", 0), resolved + c.get("unresolved", 0)),
        "resolved_in_grid_share": _ratio(c.get("resolved_in_grid", 0), resolved),
        "escalation_rate": _ratio(c.get("escalated", 0), c.get("found", 0)),
        "backlog": counted["backlog"][k],
        "latent": counted["latent"][k],
        "satisfaction_mean": counted["satisfaction_mean"][k],
        "satisfaction_p10": counted["satisfaction_p10"][k],
        "trust_mean": counted["trust_mean"][k],
        "volunteer_share": counted["volunteer_share"][k],
        "volunteer_hours": counted["volunteer_hours"][k],
        "inservice_serving_share": counted["inservice_serving_share"][k],
        "stalemates": c.get("stalemates", 0),
        "cost_total": cost,
        "cost_per_resolved": _ratio(cost, resolved),
        "party_strength": counted["party_strength"][k],
        "branch_strength": counted["branch_strength"][k],
        "ties_mean": counted["ties_mean"][k],
        "company_quality": counted["company_quality"][k],
        "co_building_commitment": counted["co_building_commitment"][k],
        "dispute_resolution_rate": _ratio(c.get("disputes_resolved", 0), c.get("disputes_arisen", 0)),
        "disputes_mediated": c.get("disputes_mediated", 0),
        "owners_committee_share": model.committees.sitting_count() / model.layout.n_compounds,
        "social_org_quality": counted["social_org_quality"][k],
        "social_org_count": len(model.social),
        "vulnerable_reached_share": counted["vulnerable_reached_share"][k],
        "satisfaction_vulnerable": counted["satisfaction_vulnerable"][k],
        "posts_held_share": counted["posts_held_share"][k],
        "activity_reach_share": counted["activity_reach_share"][k],
        "needs_met": c.get("needs_met", 0),
        "team_member_share": counted["team_member_share"][k],
        "five_ones_completed_share": counted["five_ones_completed_share"][k],
        "fee_collection_rate": counted["fee_collection_rate"][k],
        "meeting_staff_hours": model.meeting_time.hours_taken,
    }


def _group_means(values: np.ndarray, groups: np.ndarray, names: tuple[str, ...]) -> dict[str, float]:
    sums = np.bincount(groups, weights=values, minlength=len(names))
    counts = np.bincount(groups, minlength=len(names))
    return {name: (float(s / n) if n else float("nan")) for name, s, n in zip(names, sums, counts, strict=True)}


def summarise(model: CommunityModel) -> dict[str, Any]:
    """End-of-run summary: final metrics, counts, and satisfaction by compound type and resident group."""
    pop = model.households
    metrics = dict(model.metrics)
    by_type = _group_means(pop.satisfaction, pop.compound_type, COMPOUND_TYPES)
    present = [v for v in by_type.values() if not np.isnan(v)]
    by_grid = _group_means(pop.satisfaction, pop.grid, tuple(str(g) for g in range(model.layout.n_grids)))
    group = {f"age_{k}": v for k, v in _group_means(pop.satisfaction, pop.age_group, AGE_GROUPS).items()}
    group |= {"owner": float(pop.satisfaction[pop.owner].mean()) if pop.owner.any() else float("nan"),
              "tenant": float(pop.satisfaction[~pop.owner].mean()) if (~pop.owner).any() else float("nan"),
              "party_member": float(pop.satisfaction[pop.is_member].mean()) if pop.is_member.any() else float("nan"),
              "non_member": float(pop.satisfaction[~pop.is_member].mean()) if (~pop.is_member).any() else float("nan")}
    counts = {k: (int(v) if float(v).is_integer() else float(v)) for k, v in model.counters.items()}
    states = model.issues.count_by_state()
    return {
        "metrics": metrics,
        "satisfaction_by_compound_type": by_type,
        "satisfaction_by_group": group,
        "equity": {
            "compound_type_gap": (max(present) - min(present)) if present else float("nan"),
            "grid_sd": float(np.nanstd(list(by_grid.values()))),
        },
        "counts": counts | {f"state_{s.name.lower()}": int(states[s]) for s in State},
        "community": describe_community(model),
    }


def describe_community(model: CommunityModel) -> dict[str, Any]:
    """Counts and shares describing the generated community (for summaries and calibration)."""
    layout = model.layout
    pop = model.households
    companies = model.companies
    types = np.bincount(layout.compound_type, minlength=len(COMPOUND_TYPES))
    return {
        "households": pop.size,
        "buildings": layout.n_buildings,
        "compounds": layout.n_compounds,
        "grids": layout.n_grids,
        "compounds_by_type": dict(zip(COMPOUND_TYPES, types.tolist(), strict=True)),
        "property_management_share": float(layout.has_property.mean()),
        "owners_committee_share": float(layout.has_owners_committee.mean()),
        "party_branch_share": float(layout.has_party_branch.mean()),
        "party_member_households": int(pop.is_member.sum()),
        "in_service_members": int(np.count_nonzero(pop.member_type == IN_SERVICE)),
        "retired_member_share": float(np.mean(pop.member_type[pop.is_member] == RETIRED)) if pop.is_member.any() else float("nan"),
        "eligible_volunteers": len(model.volunteering.eligible),
        "community_staff": model.config.community.community_staff,
        "property_party_organisation_share": float(np.mean(companies.has_party_organisation)) if len(companies) else float("nan"),
        "property_companies": len(companies),
        "social_organisations": len(model.social),
        "co_building_units": len(model.co_building),
    }


EARLY_WINDOW = (31, 60)
"""Days whose mean is the 'early' level in decline measures (after the first 30-day window fills)."""


def _window_mean(series, start: int, stop: int) -> float:
    values = series.loc[(series.index >= start) & (series.index <= stop)]
    return float(values.mean()) if len(values) else float("nan")


def pattern_measures(model: CommunityModel) -> dict[str, float]:
    """Outcomes that patterns and lever checks need beyond the daily metrics (call after a run).

    - ``mean_latent``: unfound issues averaged over the run (less noisy than the last day).
    - ``escalated_wait_days``: days from found to closed (or to the horizon) of escalated issues,
      free of the survivor bias of means over resolved issues.
    - ``volunteer_motivation``: mean intrinsic motivation of those who may volunteer.
    - ``co_building_hours_total``, ``co_building_money_share``: useful people-hours given by
      co-building units, and money's share of their contribution valued at staff cost.
    - ``inservice_serving_decline``: in-service members serving (30-day window), days 31-60 mean
      minus last-30-days mean ('report but don't serve').
    - ``volunteer_rate_elderly_minus_young``: share of elderly households who volunteered at all
      minus that of young households.
    - ``stalemate_share_no_committee_minus_committee``: stalled share of collective issues in
      compounds without an owners' committee minus that in compounds with one.
    - ``stalemate_share``: stalled share of the collective issues found.
    - ``branch_strength_change``: mean branch strength at the end minus at day 0.
    - ``satisfaction_no_property_minus_property``: mean satisfaction of households in compounds
      without a property company minus that with one.
    """
    pop = model.households
    table = model.issues
    n = len(table)
    series = model.series()
    escalated = table.escalations[:n] > 0
    closed = table.closed[:n]
    open_until = np.where(closed >= 0, closed, model.steps)
    staff_value = model.co_building.hours_given * model.config.costs.staff_cny_per_hour
    money = model.co_building.money_given
    eligible = model.volunteering.eligible
    volunteered = pop.hours > 0
    elderly, young = pop.age_group == AGE_GROUPS.index("elderly"), pop.age_group == AGE_GROUPS.index("young")
    collective_found = table.collective[:n] & (table.found[:n] >= 0)
    committee = model.layout.has_owners_committee[table.compound[:n]]
    stalled = table.stalemate[:n]
    has_property = model.layout.has_property[pop.compound]
    return {
        "mean_latent": float(series["latent"].mean()),
        "escalated_wait_days": float((open_until[escalated] - table.found[:n][escalated]).mean()) if escalated.any() else float("nan"),
        "volunteer_motivation": float(pop.motivation[eligible].mean()) if len(eligible) else float("nan"),
        "co_building_hours_total": float(model.co_building.hours_given),
        "co_building_money_share": _ratio(money, money + staff_value),
        "inservice_serving_decline": _window_mean(series["inservice_serving_share"], *EARLY_WINDOW)
        - _window_mean(series["inservice_serving_share"], model.steps - 29, model.steps),
        "volunteer_rate_elderly_minus_young": float(volunteered[elderly].mean() - volunteered[young].mean())
        if elderly.any() and young.any() else float("nan"),
        "stalemate_share_no_committee_minus_committee": _ratio(
            np.count_nonzero(stalled & collective_found & ~committee), np.count_nonzero(collective_found & ~committee))
        - _ratio(np.count_nonzero(stalled & collective_found & committee), np.count_nonzero(collective_found & committee)),
        "stalemate_share": _ratio(np.count_nonzero(stalled & collective_found), np.count_nonzero(collective_found)),
        "branch_strength_change": float(series["branch_strength"].iloc[-1] - series["branch_strength"].iloc[0]),
        "satisfaction_no_property_minus_property": float(pop.satisfaction[~has_property].mean() - pop.satisfaction[has_property].mean())
        if has_property.any() and (~has_property).any() else float("nan"),
    }
