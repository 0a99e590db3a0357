"""Discovery: unseen issues are found (seeds 000, 002, 004/4, 004/7).

Each day the household with an unseen issue may report it (a binary logit on trust, severity,
neighbourly ties and age; the 12345 hotline makes reporting easier, and a share of reports go
through it; so does the community's app for households that use it, :mod:`cogov.sim.mechanisms.digital`, and a
publicist's post held in the building, :mod:`cogov.sim.mechanisms.posts`); an issue not reported may be found by a
grid patrol or by the compound branch's members
visiting the household (入户访, in proportion to the branch's strength), or else by the building steward
(楼栋管家, 党员中心户), who notices in proportion to their motivation. Found collective issues go to the
owners and the company for agreement; the others are dispatched at grid level.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from cogov.sim.behaviour import logistic
from cogov.sim.config import ScenarioConfig
from cogov.sim.households import Households
from cogov.sim.issues import Channel, IssueTable, Level, State
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.agreement import Agreement
from cogov.sim.mechanisms.digital import DigitalPlatform
from cogov.sim.mechanisms.dispatch import Dispatcher
from cogov.sim.mechanisms.party_building import PartyBuilding
from cogov.sim.mechanisms.resources import Resources

if TYPE_CHECKING:  # posts import discovery's helpers
    from cogov.sim.mechanisms.posts import Posts


def noticed(issues: IssueTable, of_household: NDArray[np.bool_], probability: float,
            rng: np.random.Generator) -> NDArray[np.int64]:
    """Unfound issues of the households flagged in ``of_household`` that somebody notices today: each with
    ``probability`` (one draw per such issue, in row order)."""
    rows = issues.open_in(State.LATENT)
    rows = rows[of_household[issues.household[rows]]]
    return rows[rng.random(len(rows)) < probability]


def record_found(issues: IssueTable, rows: NDArray[np.int64], channel: int | NDArray[np.int8], day: int,
                 counters: Counter[str], agreement: Agreement, dispatcher: Dispatcher) -> None:
    """Issues ``rows`` are found today through ``channel`` (one for all, or one each): stamped and counted; collective
    ones wait for agreement, the others are dispatched at grid level."""
    issues.channel[rows] = channel
    issues.found[rows] = day
    counters["found"] += len(rows)
    collective = issues.collective[rows]
    agreement.open(rows[collective], day)
    dispatcher.dispatch(rows[~collective], day, Level.GRID)


class Discovery:
    """Finding unseen issues; owns the reporting costs by age and each building's steward watch."""

    def __init__(self, config: ScenarioConfig, households: Households, n_buildings: int, issues: IssueTable,
                 counters: Counter[str], rng: np.random.Generator, resources: Resources, agreement: Agreement,
                 dispatcher: Dispatcher, party: PartyBuilding, platform: DigitalPlatform | None = None,
                 posts: Posts | None = None):
        self.households = households
        self.issues = issues
        self.counters = counters
        self.rng = rng
        self.resources = resources  # today's patrol probability per grid
        self.agreement = agreement
        self.dispatcher = dispatcher
        self.party = party  # compound branches' visits; stewards' motivation
        self.posts = posts  # posts held in the building: a publicist's makes reporting easier (levers.posts)
        self.platform = platform if platform is not None else DigitalPlatform(
            config.levers.digital_platform.model_copy(update={"enabled": False}), households, counters,
            np.random.default_rng(0), Ledger())  # no app
        self.configure(config)

    def configure(self, config: ScenarioConfig) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.choice = config.behaviour.participation
        self.hotline = config.levers.hotline
        self.steward_detection = config.service.steward_detection
        self.report_age_cost = np.asarray(self.choice.report_age_cost)

    def steward_probability(self) -> NDArray[np.float64]:
        """Daily probability that a building's steward notices an open issue there (0 without a steward)."""
        return self.steward_detection * self.party.steward_motivation()

    def step(self, day: int) -> None:
        """Unseen issues are reported (directly or via 12345), or found by patrols or stewards."""
        table = self.issues
        rows = table.open_in(State.LATENT)
        if len(rows) == 0:
            return
        rng, households, choice, hotline = self.rng, self.households, self.choice, self.hotline
        hh = table.household[rows]
        utility = (
            choice.report_intercept
            + choice.report_trust * households.trust[hh]
            + choice.report_severity * table.severity[rows]
            + choice.report_ties * households.ties[hh]
            - self.report_age_cost[households.age_group[hh]]
            + choice.report_hotline * hotline.enabled
        )
        if self.platform.enabled:  # reporting from a phone is easier for those with the app
            utility = utility + self.platform.report_ease(hh)
        if self.posts is not None and self.posts.enabled:  # a publicist's building knows where and how to report
            utility = utility + self.posts.report_ease(hh)
        # Every draw is made whatever the levers, so that scenarios share their random numbers.
        reported = rng.random(len(rows)) < logistic(utility)
        patrol = 1.0 - (1.0 - self.resources.patrol_probability[table.grid[rows]]) * (
            1.0 - self.party.visit_probability[table.compound[rows]])
        patrolled = ~reported & (rng.random(len(rows)) < patrol)
        stewarded = ~reported & ~patrolled & (rng.random(len(rows)) < self.steward_probability()[households.building[hh]])
        via_hotline = reported & hotline.enabled & (rng.random(len(rows)) < hotline.share_of_reports)
        via_app = np.zeros(len(rows), dtype=bool)
        via_app[reported] = self.platform.through_app(hh[reported])  # its own draws: the others stay as they were
        via_hotline &= ~via_app  # a report made through the app is not a 12345 call

        channel = np.full(len(rows), Channel.UNFOUND, dtype=np.int8)  # the first channel that applies wins
        channel[stewarded] = Channel.STEWARD
        channel[patrolled] = Channel.PATROL
        channel[reported] = Channel.RESIDENT
        channel[via_hotline] = Channel.HOTLINE
        channel[via_app] = Channel.APP
        is_found = channel != Channel.UNFOUND
        found = rows[is_found]
        table.hotline_since[found[channel[is_found] == Channel.HOTLINE]] = day
        record_found(table, found, channel[is_found], day, self.counters, self.agreement, self.dispatcher)
