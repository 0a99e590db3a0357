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
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cogov.sim.behaviour import beta_shape, bounded_confidence_meeting, mediated_confidence
from cogov.sim.config import ScenarioConfig
from cogov.sim.households import Households, StackedHouseholds, alone, take_part
from cogov.sim.issues import Issues, IssueTable, Level, State
from cogov.sim.layout import Layout
from cogov.sim.mechanisms.dispatch import Dispatcher, dispatch_batch
from cogov.sim.mechanisms.meeting_time import MeetingTime
from cogov.sim.organisations import OwnersCommittees
from cogov.sim.organisations.party import COMPANY, COMPOUND, GRID, Branches
from cogov.sim.stacking import Rows, joined, offsets, per_row

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
    # Each compound's numbers come from the elementwise helpers below (_intervals, _brokers, _confidence), which
    # agreement_batch applies to the rows of a batch, each with its compound's inputs and its community's parameters.
    def _strength(self, rows: NDArray[np.int64]) -> NDArray[np.float64]:
        return _strength(self.branches.strength, rows)

    def nearest_branch_strength(self) -> NDArray[np.float64]:
        """Strength of the party branch nearest each compound: its own where it has one, else its grid's (the branch
        whose secretary chairs its committee under cross-appointment, and which organises owners to form one)."""
        return _nearest(self.branches.strength, self.compound_branch, self.grid_branch)

    def meeting_intervals(self) -> NDArray[np.int64]:
        """Days between talks in each compound today: the most frequent of those who convene them."""
        levers = self.levers
        cross = levers.cross_appointment.party_owners_committee
        return _intervals(self.params, cross, levers.deliberation_council, levers.three_party_linkage,
                          self._strength(self.compound_branch), self.committee_activeness, self.has_committee,
                          self.nearest_branch_strength() if cross else None)

    def brokers(self) -> NDArray[np.float64]:
        """Strength of the strongest broker at each compound's talks (0: nobody both sides trust): the chance that
        a meeting there is mediated."""
        levers = self.levers
        cross = levers.cross_appointment.party_owners_committee
        return _brokers(cross, levers.deliberation_council.enabled or levers.three_party_linkage.enabled,
                        self._strength(self.company_branch), self._strength(self.compound_branch), self.has_committee,
                        self.nearest_branch_strength() if cross else None, self.branches.strength[0])

    def confidence(self) -> NDArray[np.float64]:
        """Each compound's confidence bound: the base, widened (or narrowed) by its residents' trust (L14)."""
        h = self.households
        trust = np.bincount(h.compound, weights=h.trust, minlength=self.layout.n_compounds) / self.households_by_compound
        return _confidence(self.params.confidence, self.links.trust_to_cooperation, trust)

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
        """Collective issues just found start waiting for agreement, their parties a random gap apart
        (:func:`open_batch`, this community alone)."""
        open_batch([self], self.issues.alone, Rows(rows), day)

    def step(self, day: int) -> None:
        """Meetings held today: brokers clear information, the gaps move; agreed issues are dispatched
        (:func:`agreement_batch`, this community alone)."""
        agreement_batch([self], alone(self.households), self.issues.alone, day)


# ------------------------------------------------------------------------------------- elementwise helpers
# Each works on one value per compound (a community alone) or per row of a batch (each row its compound's inputs and
# its community's parameters: a scalar where the communities share it, else an array): elementwise, so a row gets
# exactly what its compound gets alone.

def _strength(strength: NDArray[np.float64], rows: NDArray[np.int64], shift: Any = 0) -> NDArray[np.float64]:
    """The strength of the party organisations ``rows`` (-1: none, strength 0); ``shift``: where each row's
    community's organisations start in a batch's joined ``strength`` (0 alone)."""
    return np.where(rows >= 0, strength[np.maximum(rows, 0) + shift], 0.0)


def _nearest(strength: NDArray[np.float64], compound_branch: NDArray[np.int64], grid_branch: NDArray[np.int64],
             shift: Any = 0) -> NDArray[np.float64]:
    """The strength of the compound's branch where it has one, else of its grid's (:meth:`Agreement.nearest_branch_strength`)."""
    branch = _strength(strength, compound_branch, shift)
    return np.where(compound_branch >= 0, branch, _strength(strength, grid_branch, shift))


def _where(ufunc: np.ufunc, values: NDArray[Any], enabled: Any, other: Any) -> NDArray[Any]:
    """``ufunc(values, other)`` where ``enabled`` (one flag for all, or one per value), else ``values``: a lever that
    is on in some communities of a batch and off in others."""
    if isinstance(enabled, np.ndarray):
        return np.where(enabled, ufunc(values, other), values) if enabled.any() else values
    return ufunc(values, other) if enabled else values


def _intervals(params: Any, cross: Any, council: Any, linkage: Any, branch: NDArray[np.float64],
               committee: NDArray[np.float64], has_committee: NDArray[np.bool_],
               nearest: NDArray[np.float64] | None) -> NDArray[np.int64]:
    """Days between talks (:meth:`Agreement.meeting_intervals`): ``params`` the bargaining section, ``cross`` the
    cross-appointment flag, ``council`` and ``linkage`` their lever sections (or per-row readers of them);
    ``nearest`` is needed only where ``cross`` is on."""
    # an owners' committee meets with the secretary in the chair
    committee = _where(np.maximum, committee, has_committee & cross, nearest)
    activeness = np.maximum(committee, branch)  # the more active convener calls the talks
    convened = np.round(params.committee_meeting_days * params.reference_activeness
                        / np.maximum(activeness, MIN_ACTIVENESS))
    interval = np.where(activeness > 0, np.minimum(np.maximum(1, convened), params.assembly_meeting_days),
                        params.assembly_meeting_days)
    interval = _where(np.minimum, interval, council.enabled, council.meeting_interval_days)
    interval = _where(np.minimum, interval, linkage.enabled, linkage.meeting_interval_days)
    return interval.astype(np.int64)


def _brokers(cross: Any, convened: Any, company: NDArray[np.float64], branch: NDArray[np.float64],
             has_committee: NDArray[np.bool_], nearest: NDArray[np.float64] | None,
             community: Any) -> NDArray[np.float64]:
    """The strongest broker's strength (:meth:`Agreement.brokers`): ``convened`` whether the community convenes
    the talks (a council or a linkage), ``community`` its party organisation's strength."""
    broker = np.maximum(company, branch)
    broker = _where(np.maximum, broker, cross, None if nearest is None else has_committee * nearest)  # the same chair
    return _where(np.maximum, broker, convened, community)  # the community party organisation


def _confidence(base: Any, to_cooperation: Any, trust: NDArray[np.float64]) -> NDArray[np.float64]:
    """The confidence bound (:meth:`Agreement.confidence`) for the compound's mean trust."""
    return np.maximum(0.0, base + to_cooperation * (trust - NEUTRAL_TRUST))


# ------------------------------------------------------------------------------------- batched stages
def open_batch(agreements: Sequence[Agreement], issues: Issues, rows: Rows, day: int) -> None:
    """:meth:`Agreement.open` for stacked ``rows`` of a batch (grouped by community): stamped and their shape
    parameters computed in one pass; each community draws its gaps from its own stream, in its rows' order. A
    community without rows draws nothing (as its own call with no rows: a Beta draw of size 0 takes no number)."""
    if len(rows) == 0:
        return
    index, where = rows.rows, rows.position
    issues.state[index] = State.AGREEMENT
    issues.agreement_since[index] = day
    params = per_row([a.params for a in agreements], where)
    compound = issues.compound[index]
    if where is not None:  # compounds numbered across the batch
        compound = compound + offsets([len(a.initial_gap_mean) for a in agreements])[where]
    a, b = beta_shape(joined([ag.initial_gap_mean for ag in agreements])[compound], params.initial_gap_concentration)
    gap = joined([agreements[k].rng.beta(a[mine], b[mine], size=len(index[mine]))
                  for k, mine in rows.segments(len(agreements))])
    issues.gap[index] = gap
    issues.gap_info[index] = params.information_share * gap


def agreement_batch(agreements: Sequence[Agreement], households: StackedHouseholds, issues: Issues,
                    day: int) -> None:
    """:meth:`Agreement.step` of every community of a batch in one pass over its stacked issues: each waiting issue
    reads its compound's conveners and brokers (compounds and party organisations numbered across the batch) and its
    community's parameters; each community draws from its own stream, one number per waiting issue, in its order."""
    rows = issues.open()
    rows = rows[issues.state[rows.rows] == State.AGREEMENT]
    if len(rows) == 0:
        return
    n = len(agreements)
    index, where = rows.rows, rows.position
    # each row's compound, and where its community's party organisations start, across the batch (as is, alone)
    at = issues.compound[index] + rows.shifted(
        households.offsets_of("compound", lambda: [a.layout.n_compounds for a in agreements]))
    shift = rows.shifted(None if where is None else offsets([len(a.branches.strength) for a in agreements]))
    strength = joined([a.branches.strength for a in agreements])

    def each(name: str, at: NDArray[np.int64] = at) -> NDArray[Any]:
        """Each row's compound's ``name`` (a per-compound array of the mechanism)."""
        return joined([getattr(a, name) for a in agreements])[at]

    params = per_row([a.params for a in agreements], where)
    cross = per_row([a.levers.cross_appointment for a in agreements], where).party_owners_committee
    council = per_row([a.levers.deliberation_council for a in agreements], where)
    linkage = per_row([a.levers.three_party_linkage for a in agreements], where)
    hotline = per_row([a.levers.hotline for a in agreements], where)
    compound_branch = each("compound_branch")
    branch = _strength(strength, compound_branch, shift)
    has_committee = each("has_committee")
    nearest = _nearest(strength, compound_branch, each("grid_branch"), shift) if np.any(cross) else None
    interval = _intervals(params, cross, council, linkage, branch, each("committee_activeness"), has_committee,
                          nearest)
    called = issues.street_mediated[index]
    interval = np.where(called, np.minimum(interval, hotline.deadline_days), interval)
    waited = day - issues.agreement_since[index]
    meets = (waited > 0) & (waited % interval == 0)
    counts = rows.counts(n)
    draws = joined([a.rng.random(c) for a, c in zip(agreements, counts, strict=True) if c])  # met or not
    if meets.any():
        met = rows[meets]
        mi, at_met, mp = met.rows, at[meets], met.position
        links = per_row([a.links for a in agreements], mp)
        hotline_met = per_row([a.levers.hotline for a in agreements], mp)
        shift_met = shift[meets] if isinstance(shift, np.ndarray) else shift
        broker = _brokers(_subset(cross, meets), _subset(council.enabled, meets) | _subset(linkage.enabled, meets),
                          _strength(strength, each("company_branch", at_met), shift_met), branch[meets],
                          has_committee[meets], None if nearest is None else nearest[meets],
                          strength[shift_met])  # row 0 of each community's organisations: its party organisation
        broker = np.maximum(broker, called[meets] * hotline_met.street_mediation)
        mediated = draws[meets] < broker
        cleared = mediated * links.broker_information * issues.gap_info[mi]
        before = issues.gap[mi] - cleared
        # compounds' mean trust: bincount's weighted sums run in row order, each community's compounds apart
        compound_of, total = households.across("compound", lambda: [a.layout.n_compounds for a in agreements])
        trust = np.bincount(compound_of, weights=households.trust, minlength=total)[at_met] / each(
            "households_by_compound", at_met)
        params_met = per_row([a.params for a in agreements], mp)
        confidence = _confidence(params_met.confidence, links.trust_to_cooperation, trust)
        confidence = np.where(mediated, mediated_confidence(confidence), confidence)
        after = bounded_confidence_meeting(before, confidence, params_met.convergence, params_met.souring)
        # the informational part shrinks with the gap when the sides converge; it stays when they harden
        issues.gap_info[mi] = (issues.gap_info[mi] - cleared) * np.minimum(1.0, after / np.maximum(before, 1e-12))
        issues.gap[mi] = after
        in_council = _subset(council.enabled, meets)
        if np.any(in_council):
            mixed = isinstance(in_council, np.ndarray)  # some communities of the batch have a council, some not
            _councils(agreements, households, issues, met[in_council] if mixed else met,
                      at_met[in_council] if mixed else at_met)
    agreed = meets & (issues.gap[index] < params.agreement_gap)
    stalled = ~agreed & ~issues.stalemate[index] & (waited >= params.stalemate_days)
    issues.stalemate[index[stalled]] = True
    stalls = rows[stalled].counts(n)
    for agreement, c, stall in zip(agreements, counts, stalls, strict=True):
        if c:  # every community with issues waiting counts its stalemates, none or some (as alone)
            agreement.counters["stalemates"] += stall
    dispatch_batch([a.dispatcher for a in agreements], issues, rows[agreed], day, Level.GRID)


def _subset(value: Any, mask: NDArray[np.bool_]) -> Any:
    """A per-row parameter for the rows of ``mask`` (one shared value stays as it is)."""
    return value[mask] if isinstance(value, np.ndarray) else value


def _councils(agreements: Sequence[Agreement], households: StackedHouseholds, issues: Issues, met: Rows,
              at: NDArray[np.int64]) -> None:
    """Council meetings held today (``met``, their compounds ``at`` numbered across the batch): the residents who
    raised the issues take part (L15), and each community's staff convene one session a compound."""
    n = len(agreements)
    who = np.unique(issues.household[met.rows] + met.shifted(households.offsets))
    links = per_row([a.links for a in agreements], None if met.position is None else households.position[who])
    take_part(households, who, links.participation_to_ties, links.participation_to_trust)
    compounds = np.unique(at)
    if met.position is None:
        sessions = [len(compounds)]
    else:  # each compound's community, from where the communities' compounds start
        first = households.offsets_of("compound", lambda: [a.layout.n_compounds for a in agreements])
        sessions = np.bincount(np.searchsorted(first, compounds, side="right") - 1, minlength=n).tolist()
    for agreement, held in zip(agreements, sessions, strict=True):
        if agreement.meeting_time is not None:  # one session a compound a day, convened by the community's staff
            agreement.meeting_time.held("council_meetings", held)  # none held: nothing owed (as alone)
