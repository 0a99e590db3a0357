"""Agreement on collective issues: owners and company bargain at meetings (bounded confidence; seeds
004/3, 004/7, 004/8; Deffuant et al. 2000).

A collective issue (a broken lift, parking chaos) needs the owners' and the company's agreement
before anyone works on it. Their positions start a gap apart; at each meeting the gap shrinks when
it is within the parties' confidence bound and widens when it is not; below ``agreement_gap`` they
agree and the issue is dispatched. An issue waiting ``stalemate_days`` without agreement counts as a
stalemate. How often they meet and how wide their confidence is are what the arrangements change,
so these levers sit here: cross-appointment into owners' committees and companies (wider confidence;
more active committees meet more often), three-party linkage (regular joint meetings, a broker) and
residents' deliberation councils (a council meets at least monthly).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from numpy.typing import NDArray

from cogov.sim.behaviour import beta_with_mean, bounded_confidence_meeting
from cogov.sim.config import ScenarioConfig
from cogov.sim.issues import IssueTable, Level, State
from cogov.sim.layout import Layout
from cogov.sim.mechanisms.dispatch import Dispatcher
from cogov.sim.organisations import OwnersCommittees

MIN_ACTIVENESS = 0.05
"""Floor on a committee's activeness in the meeting-interval formula (guards a division; activeness is drawn above it)."""


class Agreement:
    """Bargaining over collective issues; owns each compound's confidence bound and meeting interval."""

    def __init__(self, config: ScenarioConfig, layout: Layout, committees: OwnersCommittees, issues: IssueTable,
                 counters: Counter[str], rng: np.random.Generator, dispatcher: Dispatcher):
        self.params = config.behaviour.bargaining
        self.issues = issues
        self.counters = counters
        self.rng = rng
        self.dispatcher = dispatcher
        self.confidence = self.confidence_bounds(config, layout)
        self.meeting_interval = self.meeting_intervals(config, layout, committees)
        self.initial_gap_mean = np.full(layout.n_compounds, self.params.initial_gap_mean)

    @staticmethod
    def confidence_bounds(config: ScenarioConfig, layout: Layout) -> NDArray[np.float64]:
        """Each compound's confidence bound ε: the base, widened by each cross-appointed link that exists there,
        by a deliberation council and by three-party linkage."""
        levers = config.levers
        xa = levers.cross_appointment
        return (
            config.behaviour.bargaining.confidence
            + xa.confidence_bonus * (xa.party_owners_committee & layout.has_owners_committee)
            + xa.confidence_bonus * (xa.party_property & layout.has_property)
            + levers.deliberation_council.confidence_bonus * levers.deliberation_council.enabled
            + levers.three_party_linkage.confidence_bonus * levers.three_party_linkage.enabled
        )

    @staticmethod
    def meeting_intervals(config: ScenarioConfig, layout: Layout, committees: OwnersCommittees) -> NDArray[np.int64]:
        """Days between meetings in each compound: committee talks as often as its activeness allows, ad-hoc
        owners' assemblies where there is no committee; a council or the three-party linkage meet at least
        at their own intervals."""
        params = config.behaviour.bargaining
        levers = config.levers
        activeness = committees.activeness_by_compound(layout.n_compounds, params.reference_activeness)
        committee_interval = np.maximum(1, np.round(
            params.committee_meeting_days * params.reference_activeness / np.maximum(activeness, MIN_ACTIVENESS)))
        interval = np.where(layout.has_owners_committee, committee_interval, params.assembly_meeting_days)
        if levers.deliberation_council.enabled:
            interval = np.minimum(interval, levers.deliberation_council.meeting_interval_days)
        if levers.three_party_linkage.enabled:
            interval = np.minimum(interval, levers.three_party_linkage.meeting_interval_days)
        return interval.astype(np.int64)

    def open(self, rows: NDArray[np.int64], day: int) -> None:
        """Collective issues just found start waiting for agreement, their parties a random gap apart."""
        table = self.issues
        table.state[rows] = State.AGREEMENT
        table.agreement_since[rows] = day
        table.gap[rows] = beta_with_mean(self.rng, self.initial_gap_mean[table.compound[rows]],
                                         self.params.initial_gap_concentration, len(rows))

    def step(self, day: int) -> None:
        """Meetings held today move the gaps; agreed issues are dispatched; stalls are counted."""
        table = self.issues
        rows = table.open_in(State.AGREEMENT)
        if len(rows) == 0:
            return
        params = self.params
        compound = table.compound[rows]
        waited = day - table.agreement_since[rows]
        meets = (waited > 0) & (waited % self.meeting_interval[compound] == 0)
        table.gap[rows[meets]] = bounded_confidence_meeting(
            table.gap[rows[meets]], self.confidence[compound[meets]], params.convergence, params.souring
        )
        agreed = meets & (table.gap[rows] < params.agreement_gap)
        stalled = ~agreed & ~table.stalemate[rows] & (waited >= params.stalemate_days)
        table.stalemate[rows[stalled]] = True
        self.counters["stalemates"] += int(stalled.sum())
        self.dispatcher.dispatch(rows[agreed], day, Level.GRID)
