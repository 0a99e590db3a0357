"""Owners' committees that form over the years with party-led organising (党建引领业委会组建; seed 004/3: Jurong's
owners' committees rose from 40 to 89, 49 of them new, as compound party branches were built; seed 004/8: only
7.3 % of Beijing's compounds had one).

With ``levers.committee_formation.enabled``, each compound without an owners' committee gets one formed with a
daily hazard ``rate_per_year / 365`` times the strength of the party branch nearest it (its own, else its grid's):
a branch that performs its functions organises owners (a constant-hazard event whose rate scales with the
organiser's capacity, the form of party building's other functions, :mod:`cogov.sim.mechanisms.party_building`).
The new committee's activeness is drawn as for committees present at the start; from then on it convenes the
compound's talks (:meth:`cogov.sim.mechanisms.agreement.Agreement.committee_formed`).

With ``levers.committee_formation.elections`` (on or off independently of formation), committees serve terms of
``term_years``; those present at the start are part-way through theirs. At a term's end the owners re-elect the
committee (换届) with the probability of a binary logit (behaviour-building-blocks) on their mean satisfaction in the
compound and the strength of the branch nearest it (a branch organises the election, 党建引领换届); otherwise the
committee lapses, the compound's talks are convened as if it had none, and formation may give it a new one. Draws come
from their own stream (``elections``) only while elections are on, so that switching them on leaves formation's draws
as they were (paired comparisons stay paired); without elections committees sit for the whole run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ScenarioConfig
from cogov.sim.mechanisms.agreement import Agreement
from cogov.sim.organisations import OwnersCommittees
from cogov.sim.organisations.owners_committees import NO_TERM_END

DAYS_PER_YEAR = 365.0


class CommitteeFormation:
    """Party branches organise owners' committees where there are none; owns nothing but its draws."""

    def __init__(self, config: ScenarioConfig, committees: OwnersCommittees, agreement: Agreement, n_compounds: int,
                 counters: Counter[str], rng: np.random.Generator,
                 on_formed: Callable[[int, int], None] = lambda compound, row: None, community: int = 0,
                 on_lapsed: Callable[[int, int], None] = lambda compound, row: None,
                 election_rng: np.random.Generator | None = None):
        self.committees = committees
        self.agreement = agreement
        self.n_compounds = n_compounds
        self.counters = counters
        self.rng = rng
        self.on_formed = on_formed  # the model gives the new committee its Mesa agent
        self.on_lapsed = on_lapsed  # ... and takes a lapsed one's away
        self.election_rng = rng if election_rng is None else election_rng  # terms and elections draw only from it
        self.community = community
        self.configure(config)
        if self.params.elections:
            self.start_elections(0)

    def configure(self, config: ScenarioConfig) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.params = config.levers.committee_formation
        self.activeness_range = config.organisations.owners_committee.activeness_range
        self.term_days = max(1, round(self.params.term_years * DAYS_PER_YEAR))

    def start_elections(self, day: int) -> None:
        """Elections start (at build, ``day`` 0, or switched on mid-run): the committees sitting then are part-way
        through their terms, which end within a term of ``day``."""
        rows = self.committees.sitting_rows()
        self.committees.term_end[rows] = day + 1 + np.floor(
            self.election_rng.random(len(rows)) * self.term_days).astype(np.int64)

    def without_committee(self) -> NDArray[np.bool_]:
        """Compounds that have no sitting owners' committee today."""
        has = np.zeros(self.n_compounds, dtype=bool)
        has[self.committees.compound[self.committees.sitting_rows()]] = True
        return ~has

    def reelection_probability(self) -> NDArray[np.float64]:
        """Each compound's probability that its owners re-elect their committee at a term's end: a binary logit on
        the owners' mean satisfaction (all households' where none owns) and the nearest branch's strength."""
        h, params = self.agreement.households, self.params
        n = self.n_compounds
        owners = np.bincount(h.compound, weights=h.owner.astype(float), minlength=n)
        owners_satisfaction = np.bincount(h.compound, weights=h.satisfaction * h.owner, minlength=n)
        everyone = np.maximum(1, np.bincount(h.compound, minlength=n))
        satisfaction = np.where(owners > 0, owners_satisfaction / np.maximum(owners, 1.0),
                                np.bincount(h.compound, weights=h.satisfaction, minlength=n) / everyone)
        utility = (params.reelect_intercept + params.reelect_satisfaction_weight * (satisfaction - 0.5)
                   + params.reelect_branch_weight * self.agreement.nearest_branch_strength())
        return 1.0 / (1.0 + np.exp(-utility))

    def hold_elections(self, day: int) -> None:
        """Committees whose term ends today are re-elected for a new term or lapse."""
        committees = self.committees
        due = np.flatnonzero(committees.sitting & (committees.term_end <= day))
        if len(due) == 0:
            return
        draws = self.election_rng.random(len(due))  # one per committee due, in row order
        keep = draws < self.reelection_probability()[committees.compound[due]]
        for row, kept in zip(due.tolist(), keep.tolist(), strict=True):
            compound = int(committees.compound[row])
            if kept:
                committees.term_end[row] += self.term_days
                self.counters["committees_reelected"] += 1
            else:
                committees.sitting[row] = False
                self.agreement.committee_lapsed(compound)
                self.counters["committees_lapsed"] += 1
                self.on_lapsed(compound, row)

    def step(self, day: int) -> None:
        """Today's elections (terms that end today) and organising (committees form where the nearest branch
        succeeds)."""
        if self.params.elections:
            self.hold_elections(day)
        if not self.params.enabled:
            return
        draws = self.rng.random((2, self.n_compounds))  # formation, activeness: one of each per compound a day
        hazard = 1.0 - np.exp(-self.params.rate_per_year / DAYS_PER_YEAR * self.agreement.nearest_branch_strength())
        low, high = self.activeness_range
        for compound in np.flatnonzero(self.without_committee() & (draws[0] < hazard)).tolist():
            activeness = low + (high - low) * float(draws[1, compound])
            term_end = day + self.term_days if self.params.elections else NO_TERM_END
            row = self.committees.add(compound, activeness, self.community, term_end)
            self.agreement.committee_formed(compound, activeness)
            self.counters["committees_formed"] += 1
            self.on_formed(compound, row)
