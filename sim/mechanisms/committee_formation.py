"""Owners' committees that form over the years with party-led organising (党建引领业委会组建; seed 004/3: Jurong's
owners' committees rose from 40 to 89, 49 of them new, as compound party branches were built; seed 004/8: only
7.3 % of Beijing's compounds had one).

With ``levers.committee_formation.enabled``, each compound without an owners' committee gets one formed with a
daily hazard ``rate_per_year / 365`` times the strength of the party branch nearest it (its own, else its grid's):
a branch that performs its functions organises owners (a constant-hazard event whose rate scales with the
organiser's capacity, the form of party building's other functions, :mod:`cogov.sim.mechanisms.party_building`).
The new committee's activeness is drawn as for committees present at the start; from then on it convenes the
compound's talks (:meth:`cogov.sim.mechanisms.agreement.Agreement.committee_formed`). Committees do not lapse.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ScenarioConfig
from cogov.sim.mechanisms.agreement import Agreement
from cogov.sim.organisations import OwnersCommittees

DAYS_PER_YEAR = 365.0


class CommitteeFormation:
    """Party branches organise owners' committees where there are none; owns nothing but its draws."""

    def __init__(self, config: ScenarioConfig, committees: OwnersCommittees, agreement: Agreement, n_compounds: int,
                 counters: Counter[str], rng: np.random.Generator,
                 on_formed: Callable[[int, int], None] = lambda compound, row: None, community: int = 0):
        self.params = config.levers.committee_formation
        self.activeness_range = config.organisations.owners_committee.activeness_range
        self.committees = committees
        self.agreement = agreement
        self.n_compounds = n_compounds
        self.counters = counters
        self.rng = rng
        self.on_formed = on_formed  # the model gives the new committee its Mesa agent
        self.community = community

    def without_committee(self) -> NDArray[np.bool_]:
        """Compounds that have no owners' committee today."""
        has = np.zeros(self.n_compounds, dtype=bool)
        has[self.committees.compound] = True
        return ~has

    def step(self, day: int) -> None:
        """Today's organising: committees form where the nearest branch succeeds."""
        if not self.params.enabled:
            return
        draws = self.rng.random((2, self.n_compounds))  # formation, activeness: one of each per compound a day
        hazard = 1.0 - np.exp(-self.params.rate_per_year / DAYS_PER_YEAR * self.agreement.nearest_branch_strength())
        low, high = self.activeness_range
        for compound in np.flatnonzero(self.without_committee() & (draws[0] < hazard)).tolist():
            activeness = low + (high - low) * float(draws[1, compound])
            row = self.committees.add(compound, activeness, self.community)
            self.agreement.committee_formed(compound, activeness)
            self.counters["committees_formed"] += 1
            self.on_formed(compound, row)
