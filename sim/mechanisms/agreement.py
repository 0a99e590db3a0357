"""Agreement on collective issues: owners and company bargain at meetings (bounded confidence; seeds
004/3, 004/7, 004/8; Deffuant et al. 2000).

A collective issue (a broken lift, parking chaos) needs the owners' and the company's agreement before
anyone works on it. Their positions start a gap apart, part of it informational (what one side does not
know of the other's costs and constraints, seed 004/1 '信息不对称'). Talks happen as often as somebody
convenes them:

- an owners' committee, as often as its activeness allows; with cross-appointment its chair is a branch
  secretary (书记兼任业委会主任), so it meets as often as the more active of the committee and the branch;
- in a compound no company serves, its residents' self-management committee (自管会), as often as its
  activeness allows (the residents settle the matter among themselves;
  :mod:`cogov.sim.organisations.self_management`);
- a compound party branch, as often as its strength allows (党支部牵头);
- otherwise owners' assemblies, rarely;
- a three-party linkage or a residents' council convened by the community, at least at their intervals;
- the street, for an issue called in to 12345 past its deadline, at least every ``deadline_days``.

A meeting is mediated when a broker both sides trust — the company's party organisation, a
cross-appointed or convening branch, the community party organisation at linkage and council meetings —
actually takes it up, which happens with the broker's strength as probability (the share of its functions
an organisation performs). A mediator clears part of the informational gap (``links.broker_information``)
and proposes the midpoint, so each side need only accept half the gap
(:func:`cogov.sim.behaviour.mediated_confidence`). Both sides then move towards each other if the gap is
within their (possibly mediated) confidence bound, which widens with the compound's trust in the party
organisation (L14, ``links.trust_to_cooperation``), and harden otherwise. Below
``agreement_gap`` they agree and the issue is dispatched; an issue waiting ``stalemate_days`` counts as a
stalemate. At a council meeting the resident who raised the issue takes part, which builds their ties and
trust (L15); each compound's council session takes the community staff's hours
(:mod:`cogov.sim.mechanisms.meeting_time`).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from numpy.typing import NDArray

from cogov.sim.behaviour import beta_with_mean, bounded_confidence_meeting, mediated_confidence
from cogov.sim.config import ScenarioConfig
from cogov.sim.households import Households, take_part
from cogov.sim.issues import IssueTable, Level, State
from cogov.sim.layout import Layout
from cogov.sim.mechanisms.dispatch import Dispatcher
from cogov.sim.mechanisms.meeting_time import MeetingTime
from cogov.sim.organisations import OwnersCommittees
from cogov.sim.organisations.party import COMPANY, COMPOUND, GRID, Branches

MIN_ACTIVENESS = 0.05
"""Floor on a convener's activeness in the meeting-interval formula (guards a division)."""
NEUTRAL_TRUST = 0.5


class Agreement:
    """Bargaining over collective issues; owns who convenes and who brokers in each compound."""

    def __init__(self, config: ScenarioConfig, layout: Layout, committees: OwnersCommittees, branches: Branches,
                 company_of_compound: NDArray[np.int64], households: Households, issues: IssueTable,
                 counters: Counter[str], rng: np.random.Generator, dispatcher: Dispatcher,
                 self_management_activeness: NDArray[np.float64] | None = None,
                 meeting_time: MeetingTime | None = None):
        self.layout = layout
        self.branches = branches
        self.households = households
        self.issues = issues
        self.counters = counters
        self.rng = rng
        self.dispatcher = dispatcher
        self.meeting_time = meeting_time
        n = layout.n_compounds
        self.committee_activeness = committees.activeness_by_compound(n, 0.0)
        # a residents' committee convenes where no company serves, whether or not an owners' committee sits there
        self.self_management_activeness = (np.zeros(n) if self_management_activeness is None
                                           else np.asarray(self_management_activeness, dtype=float))
        if self_management_activeness is not None:
            self.committee_activeness = np.maximum(self.committee_activeness, self_management_activeness)
        self.has_committee = np.zeros(n, dtype=bool)
        self.has_committee[committees.compound[committees.sitting_rows()]] = True
        self.compound_branch = branches.by_unit(COMPOUND, n)
        grid_of_compound = np.zeros(n, dtype=np.int64)
        first = np.unique(households.compound, return_index=True)[1]
        grid_of_compound[households.compound[first]] = households.grid[first]
        self.grid_branch = branches.by_unit(GRID, layout.n_grids)[grid_of_compound]
        by_company = branches.by_unit(COMPANY, int(company_of_compound.max(initial=-1)) + 1)
        served = company_of_compound >= 0
        self.company_branch = np.full(n, -1, dtype=np.int64)  # the party organisation of the compound's company
        self.company_branch[served] = by_company[company_of_compound[served]]
        self.households_by_compound = np.maximum(1, np.bincount(households.compound, minlength=n))
        self.configure(config)

    def configure(self, config: ScenarioConfig) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.params = config.behaviour.bargaining
        self.levers = config.levers
        self.links = config.links
        self.initial_gap_mean = np.full(self.layout.n_compounds, self.params.initial_gap_mean)

    def set_company_branches(self, branches: Branches, company_of_compound: NDArray[np.int64], n_companies: int) -> None:
        """The party organisation of each compound's company (-1: none), after companies or their party organisations
        were set up or withdrawn during the run (red property, the fallback company)."""
        by_company = branches.by_unit(COMPANY, n_companies)
        served = company_of_compound >= 0
        self.company_branch = np.full(len(company_of_compound), -1, dtype=np.int64)
        self.company_branch[served] = by_company[company_of_compound[served]]

    def set_self_management(self, activeness: NDArray[np.float64], committees: OwnersCommittees) -> None:
        """Residents' self-management committees elected or dissolved during the run: each compound's talks are
        convened by the more active of its sitting owners' committee and its self-management committee."""
        self.self_management_activeness = np.asarray(activeness, dtype=float)
        owners = committees.activeness_by_compound(self.layout.n_compounds, 0.0)
        self.committee_activeness = np.maximum(owners, self.self_management_activeness)

    # ------------------------------------------------------------------------ who meets, who brokers
    def _strength(self, rows: NDArray[np.int64]) -> NDArray[np.float64]:
        return np.where(rows >= 0, self.branches.strength[np.maximum(rows, 0)], 0.0)

    def nearest_branch_strength(self) -> NDArray[np.float64]:
        """Strength of the party branch nearest each compound: its own where it has one, else its grid's (the branch
        whose secretary chairs its committee under cross-appointment, and which organises owners to form one)."""
        branch = self._strength(self.compound_branch)
        return np.where(self.compound_branch >= 0, branch, self._strength(self.grid_branch))

    def meeting_intervals(self) -> NDArray[np.int64]:
        """Days between talks in each compound today: the most frequent of those who convene them."""
        params, levers = self.params, self.levers
        branch = self._strength(self.compound_branch)
        committee = self.committee_activeness
        if levers.cross_appointment.party_owners_committee:  # an owners' committee meets with the secretary in the chair
            committee = np.where(self.has_committee, np.maximum(committee, self.nearest_branch_strength()), committee)
        activeness = np.maximum(committee, branch)  # the more active convener calls the talks
        convened = np.round(params.committee_meeting_days * params.reference_activeness
                            / np.maximum(activeness, MIN_ACTIVENESS))
        interval = np.where(activeness > 0, np.minimum(np.maximum(1, convened), params.assembly_meeting_days),
                            params.assembly_meeting_days)
        if levers.deliberation_council.enabled:
            interval = np.minimum(interval, levers.deliberation_council.meeting_interval_days)
        if levers.three_party_linkage.enabled:
            interval = np.minimum(interval, levers.three_party_linkage.meeting_interval_days)
        return interval.astype(np.int64)

    def brokers(self) -> NDArray[np.float64]:
        """Strength of the strongest broker at each compound's talks (0: nobody both sides trust): the chance that
        a meeting there is mediated."""
        levers = self.levers
        broker = np.maximum(self._strength(self.company_branch), self._strength(self.compound_branch))
        if levers.cross_appointment.party_owners_committee:
            broker = np.maximum(broker, self.has_committee * self.nearest_branch_strength())  # the same chair as above
        if levers.deliberation_council.enabled or levers.three_party_linkage.enabled:
            broker = np.maximum(broker, self.branches.strength[0])  # the community party organisation
        return broker

    def confidence(self) -> NDArray[np.float64]:
        """Each compound's confidence bound: the base, widened (or narrowed) by its residents' trust (L14)."""
        h = self.households
        trust = np.bincount(h.compound, weights=h.trust, minlength=self.layout.n_compounds) / self.households_by_compound
        return np.maximum(0.0, self.params.confidence + self.links.trust_to_cooperation * (trust - NEUTRAL_TRUST))

    def committee_formed(self, compound: int, activeness: float) -> None:
        """An owners' committee formed in ``compound`` during the run: from now on it convenes the talks there."""
        self.has_committee[compound] = True
        self.committee_activeness[compound] = max(self.committee_activeness[compound], activeness)

    def committee_lapsed(self, compound: int) -> None:
        """The owners' committee of ``compound`` lapsed: its talks are convened as if it had never had one (by a
        residents' self-management committee if there is one, else by the branch or the owners' assembly)."""
        self.has_committee[compound] = False
        self.committee_activeness[compound] = self.self_management_activeness[compound]

    # ------------------------------------------------------------------------------------- stages
    def open(self, rows: NDArray[np.int64], day: int) -> None:
        """Collective issues just found start waiting for agreement, their parties a random gap apart."""
        table = self.issues
        table.state[rows] = State.AGREEMENT
        table.agreement_since[rows] = day
        table.gap[rows] = beta_with_mean(self.rng, self.initial_gap_mean[table.compound[rows]],
                                         self.params.initial_gap_concentration, len(rows))
        table.gap_info[rows] = self.params.information_share * table.gap[rows]

    def step(self, day: int) -> None:
        """Meetings held today: brokers clear information, the gaps move; agreed issues are dispatched."""
        table = self.issues
        rows = table.open_in(State.AGREEMENT)
        if len(rows) == 0:
            return
        params = self.params
        compound = table.compound[rows]
        waited = day - table.agreement_since[rows]
        hotline = self.levers.hotline
        called = table.street_mediated[rows]
        interval = np.where(called, np.minimum(self.meeting_intervals()[compound], hotline.deadline_days),
                            self.meeting_intervals()[compound])
        meets = (waited > 0) & (waited % interval == 0)
        draws = self.rng.random(len(rows))  # one draw per waiting issue and day, met or not
        if meets.any():
            met, where = rows[meets], compound[meets]
            broker = np.maximum(self.brokers()[where], called[meets] * hotline.street_mediation)
            mediated = draws[meets] < broker
            cleared = mediated * self.links.broker_information * table.gap_info[met]
            before = table.gap[met] - cleared
            confidence = self.confidence()[where]
            confidence = np.where(mediated, mediated_confidence(confidence), confidence)
            after = bounded_confidence_meeting(before, confidence, params.convergence, params.souring)
            # the informational part shrinks with the gap when the sides converge; it stays when they harden
            table.gap_info[met] = (table.gap_info[met] - cleared) * np.minimum(1.0, after / np.maximum(before, 1e-12))
            table.gap[met] = after
            if self.levers.deliberation_council.enabled:
                take_part(self.households, table.household[met], self.links.participation_to_ties,
                          self.links.participation_to_trust)
                if self.meeting_time is not None:  # one session a compound a day, convened by the community's staff
                    self.meeting_time.held("council_meetings", len(np.unique(where)))
        agreed = meets & (table.gap[rows] < params.agreement_gap)
        stalled = ~agreed & ~table.stalemate[rows] & (waited >= params.stalemate_days)
        table.stalemate[rows[stalled]] = True
        self.counters["stalemates"] += int(stalled.sum())
        self.dispatcher.dispatch(rows[agreed], day, Level.GRID)
