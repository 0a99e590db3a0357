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
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cogov.sim.behaviour import logistic
from cogov.sim.config import ScenarioConfig
from cogov.sim.households import Households, StackedHouseholds, alone
from cogov.sim.issues import Channel, Issues, IssueTable, Level, State
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.agreement import Agreement, open_batch
from cogov.sim.mechanisms.digital import DigitalPlatform
from cogov.sim.mechanisms.dispatch import Dispatcher, dispatch_batch
from cogov.sim.mechanisms.party_building import PartyBuilding, steward_motivations
from cogov.sim.mechanisms.resources import Resources
from cogov.sim.stacking import Rows, joined, lookup, per_row, small_table, spread

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
    record_found_batch(issues.alone, Rows(rows), channel, day, [counters], [agreement], [dispatcher], among=[0])


def record_found_batch(issues: Issues, rows: Rows, channel: int | NDArray[np.int8], day: int,
                       counters: Sequence[Counter[str]], agreements: Sequence[Agreement],
                       dispatchers: Sequence[Dispatcher], among: Sequence[int] | None = None) -> None:
    """:func:`record_found` for stacked ``rows`` of a batch: stamped in one pass, then each community's collective
    issues wait for its owners and company, and its others are dispatched by its dispatcher. Each community of
    ``among`` (by default those with rows) is recorded even if it found nothing, as its own call would be."""
    index = rows.rows
    issues.channel[index] = channel
    issues.found[index] = day
    collective = issues.collective[index]
    for k, mine in rows.segments(len(counters), among):
        counters[k]["found"] += len(index[mine])
    open_batch(agreements, issues, rows[collective], day)  # a community with none opens none (as its own call)
    dispatch_batch(dispatchers, issues, rows[~collective], day, Level.GRID)


class Discovery:
    """Finding unseen issues; owns the reporting costs by age and each building's steward watch."""

    def __init__(self, config: ScenarioConfig, households: Households, n_buildings: int, issues: IssueTable,
                 counters: Counter[str], rng: np.random.Generator, resources: Resources, agreement: Agreement,
                 dispatcher: Dispatcher, party: PartyBuilding, platform: DigitalPlatform | None = None,
                 posts: Posts | None = None):
        self.households = households
        self.n_buildings = n_buildings
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
        self.report_age_cost = small_table(self.choice.report_age_cost)

    def step(self, day: int) -> None:
        """Unseen issues are reported (directly or via 12345), or found by patrols or stewards."""
        discover_batch([self], alone(self.households), self.issues.alone, day)


def discover_batch(discoveries: Sequence[Discovery], households: StackedHouseholds, issues: Issues,
                   day: int) -> None:
    """:meth:`Discovery.step` of every community of a batch in one pass over its stacked issues and households
    (each community draws from its own streams, in the order it does alone)."""
    rows = issues.open()
    rows = rows[issues.state[rows.rows] == State.LATENT]
    if len(rows) == 0:
        return
    h, index, where, n = households, rows.rows, rows.position, len(discoveries)
    hh = issues.household[index] + rows.shifted(h.offsets)
    choice = per_row([d.choice for d in discoveries], where)
    hotline = per_row([d.hotline for d in discoveries], where)
    utility = (
        choice.report_intercept
        + choice.report_trust * h.trust[hh]
        + choice.report_severity * issues.severity[index]
        + choice.report_ties * h.ties[hh]
        - lookup([d.report_age_cost for d in discoveries], where, h.age_group[hh])
        + choice.report_hotline * hotline.enabled
    )
    counts = rows.counts(n)
    segments = rows.segments(n)
    own_hh = [(k, mine, hh[mine] - (h.offsets[k] if n > 1 else 0)) for k, mine in segments]
    if any(d.platform.enabled for d in discoveries):  # reporting from a phone is easier for those with the app
        utility = utility + _each(discoveries, own_hh, len(index), lambda d, mine: d.platform.report_ease(mine)
                                  if d.platform.enabled else None)
    if any(d.posts is not None and d.posts.enabled for d in discoveries):  # a publicist's building knows how to report
        utility = utility + _each(discoveries, own_hh, len(index), lambda d, mine: d.posts.report_ease(mine)
                                  if d.posts is not None and d.posts.enabled else None)
    # Every draw is made whatever the levers, so that scenarios share their random numbers: four per issue, in turn.
    draws = joined([d.rng.random((4, c)) for d, c in zip(discoveries, counts, strict=True) if c], axis=1)
    reported = draws[0] < logistic(utility)
    grid_first = h.offsets_of("grid", lambda: [len(d.resources.patrol_probability) for d in discoveries])
    compound_first = h.offsets_of("compound", lambda: [len(d.party.visit_probability) for d in discoveries])
    patrol = 1.0 - (1.0 - joined([d.resources.patrol_probability for d in discoveries])[
        issues.grid[index] + rows.shifted(grid_first)]) * (1.0 - joined([d.party.visit_probability for d in discoveries])[
            issues.compound[index] + rows.shifted(compound_first)])
    patrolled = ~reported & (draws[1] < patrol)
    building, _ = h.across("building", lambda: [d.n_buildings for d in discoveries])
    # a steward's notice: the building's steward's motivation (0 without one) times the community's detection
    motivation = _steward_motivations([d.party for d in discoveries], h)[building[hh]]
    steward = spread([d.steward_detection for d in discoveries], where) * motivation
    stewarded = ~reported & ~patrolled & (draws[2] < steward)
    via_hotline = reported & hotline.enabled & (draws[3] < hotline.share_of_reports)
    via_app = np.zeros(len(index), dtype=bool)
    for k, mine, own in own_hh:  # the app's own draws: the others stay as they were
        platform = discoveries[k].platform
        if platform.enabled:
            via_app[mine] = _scattered(platform.through_app(own[reported[mine]]), reported[mine])
    via_hotline &= ~via_app  # a report made through the app is not a 12345 call

    channel = np.full(len(index), Channel.UNFOUND, dtype=np.int8)  # the first channel that applies wins
    channel[stewarded] = Channel.STEWARD
    channel[patrolled] = Channel.PATROL
    channel[reported] = Channel.RESIDENT
    channel[via_hotline] = Channel.HOTLINE
    channel[via_app] = Channel.APP
    is_found = channel != Channel.UNFOUND
    found = rows[is_found]
    issues.hotline_since[found.rows[channel[is_found] == Channel.HOTLINE]] = day
    looked = [k for k, c in enumerate(counts) if c]  # every community with unseen issues records its finds
    record_found_batch(issues, found, channel[is_found], day, [d.counters for d in discoveries],
                       [d.agreement for d in discoveries], [d.dispatcher for d in discoveries], among=looked)


def _steward_motivations(parties: Sequence[PartyBuilding], households: StackedHouseholds) -> NDArray[np.float64]:
    """Each building's steward's motivation (buildings numbered across the batch): from the stacked party
    organisations in one pass, or each community's own where a stage stands in for its party organisation."""
    if all(isinstance(party, PartyBuilding) for party in parties):
        return steward_motivations(parties, households)
    return joined([party.steward_motivation() for party in parties])


def _each(discoveries: Sequence[Discovery], own_hh: list[tuple[int, Any, NDArray[np.int64]]], n: int,
          part: Callable[[Discovery, NDArray[np.int64]], NDArray[np.float64] | None]) -> NDArray[np.float64]:
    """A term of the reporting utility that each community computes for its own households (0 where it has none)."""
    term = np.zeros(n)
    for k, mine, own in own_hh:
        value = part(discoveries[k], own)
        if value is not None:
            term[mine] = value
    return term


def _scattered(values: NDArray[np.bool_], mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """``values`` (one per True of ``mask``) put back in ``mask``'s places (False elsewhere)."""
    out = np.zeros(len(mask), dtype=bool)
    out[mask] = values
    return out
