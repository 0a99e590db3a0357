"""Purchase of services that lives by its results, and venture philanthropy (准入退出, 第三方评估, 公益创投; seeds 004/1,
004/3, 004/10).

Two yearly decisions of the community about its social organisations, each behind its own lever:

- **Contracts reviewed** (``levers.social_contracts``): every ``review_interval_days`` a third-party evaluation
  reads each contracted organisation's cases of the period (residents' perceived performance, 评单). One with at
  least ``min_cases`` cases and a mean below ``exit_below`` loses its contract, and a new provider wins the tender:
  the organisation's row keeps its specialties and its queue but takes a new quality, drawn as any organisation's
  is (the property companies' replacement, :mod:`cogov.sim.organisations.property`, has the same form). The
  evaluations are paid for. This closes link L18 of seed-coverage §2.2 (results → contracts → who serves), which in
  model version 2 was written (``SocialOrganisations.evaluation``) and read by nothing. With ``share_by_evaluation``
  above 0 the evaluation also shares out the purchase: each contracted organisation's hours are the budget's in
  proportion to its evaluation raised to that power (an organisation not judged, or a new provider, counts at the
  mean); the total stays the budget.
- **Venture-philanthropy projects** (``levers.venture_philanthropy``): each year ``projects_per_year`` projects are
  funded; each buys ``cny_per_project`` of hours over the year at the social-work price. While the community has
  fewer than ``incubate_below`` organisations (or none at all), a project incubates a new one (孵化): a new organisation with a
  specialty and quality drawn as at set-up, which works its own base hours plus its project's and receives no share of
  the purchase contracts; otherwise the project goes to an existing organisation, drawn at random. With ``growth`` an
  incubated organisation starts with staff of ``initial_share`` of a mature organisation's ``mature_hours_per_day``
  and grows by ``growth_per_year`` of it each year while its residents' evaluation is not below the contracts' exit
  threshold, up to the mature size; its staff hours are paid for as social-work hours.

Draws come from the ``service_purchasing`` stream only when a lever is on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ScenarioConfig
from cogov.sim.handlers import HandlerKind, Handlers
from cogov.sim.issues import Level
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.dispatch import Dispatcher
from cogov.sim.organisations import SocialOrganisations
from cogov.sim.organisations.social import draw_specialties

DAYS_PER_YEAR = 365.0
EVALUATIONS = "social_org_evaluations"
PROJECTS = "venture_projects"
STAFF = "incubated_org_staff"


def purchase_weights(evaluation: NDArray[np.float64], contracted: NDArray[np.bool_], judged: NDArray[np.bool_],
                     replaced: NDArray[np.bool_], strength: float) -> NDArray[np.float64]:
    """Each organisation's share of the purchase relative to an equal share: evaluation ** ``strength`` over the
    contracted organisations, scaled so that the weights of the contracted sum to their number (the budget is kept).

    An organisation not judged (too few cases) and a new provider that replaced a failing one count at the mean
    evaluation of those judged; with none judged, or nothing to weigh, the shares stay equal. Not contracted: 0.
    """
    weights = np.where(contracted, 1.0, 0.0)
    known = judged & ~replaced & np.isfinite(evaluation)
    if not known.any():
        return weights
    value = np.where(known, evaluation, float(np.mean(evaluation[judged & np.isfinite(evaluation)])))
    raw = np.where(contracted, np.maximum(value, 0.0) ** strength, 0.0)
    total = raw.sum()
    if total <= 0:
        return weights
    return raw * np.count_nonzero(contracted) / total


class ServicePurchasing:
    """The community's yearly decisions on its social organisations: contracts reviewed, projects funded."""

    def __init__(self, config: ScenarioConfig, social: SocialOrganisations, handlers: Handlers, dispatcher: Dispatcher,
                 ledger: Ledger, counters: Counter[str], rng: np.random.Generator,
                 on_incubated: Callable[[int], None] = lambda row: None, community: int = 0):
        self.configure(config)
        self.social = social
        self.handlers = handlers
        self.dispatcher = dispatcher
        self.ledger = ledger
        self.counters = counters
        self.rng = rng
        self.on_incubated = on_incubated  # the model gives an incubated organisation its Mesa agent
        self.community = community

    def configure(self, config: ScenarioConfig) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.config = config
        self.contracts = config.levers.social_contracts
        self.projects = config.levers.venture_philanthropy

    def _new_quality(self) -> float:
        low, high = self.config.service.social_org_quality_range
        return float(self.rng.uniform(low, high))

    def review_contracts(self) -> None:
        """The third-party evaluation: contracted organisations below the threshold are replaced by new providers."""
        social, params = self.social, self.contracts
        judged = social.contracted & (social.period_cases >= params.min_cases)
        failing = judged & (social.period_evaluation() < params.exit_below)
        self.ledger.record(EVALUATIONS, float(np.count_nonzero(social.contracted)) * params.evaluation_cny_per_org)
        for row in np.flatnonzero(failing).tolist():
            self.handlers.quality[social.handler[row]] = self._new_quality()
            social.replacements[row] += 1
            self.counters["social_contracts_ended"] += 1
        if params.share_by_evaluation > 0:  # at 0 every share stays equal (weight 1), as without the setting
            social.purchase_weight[:] = purchase_weights(social.period_evaluation(), social.contracted, judged,
                                                         failing, params.share_by_evaluation)
        social.start_period()

    def fund_projects(self) -> None:
        """This year's venture-philanthropy projects: each incubates a new organisation, or funds an existing one."""
        social, params = self.social, self.projects
        if params.growth:  # last year's incubated organisations grow before this year's are incubated
            self._grow()
        social.project_hours[:] = 0.0  # last year's projects have ended
        hours_per_day = params.cny_per_project / self.config.costs.social_org_cny_per_hour / DAYS_PER_YEAR
        for _ in range(params.projects_per_year):
            if len(social) < params.incubate_below or len(social) == 0:  # a project needs an organisation to run it
                row = self._incubate()
            else:
                row = int(self.rng.integers(len(social)))
            social.project_hours[row] += hours_per_day
            self.ledger.record(PROJECTS, params.cny_per_project)
            self.counters["venture_projects"] += 1
        if params.growth:  # the year's staff of incubated organisations, paid up front as projects are
            cny = float(social.staff_hours.sum()) * DAYS_PER_YEAR * self.config.costs.social_org_cny_per_hour
            self.ledger.record(STAFF, cny)

    def _grow(self) -> None:
        """Incubated organisations not yet mature, and not evaluated poorly, grow by a step of the mature size."""
        social, params, contracts = self.social, self.projects, self.contracts
        poor = (social.cases >= contracts.min_cases) & (social.evaluation() < contracts.exit_below)
        growing = social.incubated & ~poor & (social.staff_hours < params.mature_hours_per_day)
        social.staff_hours[growing] = np.minimum(params.mature_hours_per_day, social.staff_hours[growing]
                                                 + params.growth_per_year * params.mature_hours_per_day)
        self.counters["social_orgs_grown"] += int(np.count_nonzero(growing))

    def _incubate(self) -> int:
        handler = self.handlers.add(HandlerKind.SOCIAL_ORG, Level.GRID, self._new_quality(), self.community)
        params = self.projects
        staff = params.initial_share * params.mature_hours_per_day if params.growth else 0.0
        row = self.social.add(handler, draw_specialties(self.config.organisations.social, self.rng), self.community,
                              contracted=False, incubated=True, staff_hours=staff)
        self.dispatcher.set_specialists(self.social.specialists())
        self.counters["social_orgs_incubated"] += 1
        self.on_incubated(row)
        return row
