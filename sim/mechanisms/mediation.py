"""Mediation (人民调解): five-olds mediators notice and settle neighbour disputes where they live (seeds 004/2,
004/3 '近 4000 名“五老〞…矛盾纠纷 600 余起', 004/4 '人民调解委员会', '四治融合').

Three things change when a community's mediation committee works (``levers.mediation.enabled``):

- **Who knows.** A mediator notices an unreported dispute in their own building with
  ``notice_probability`` a day (矛盾纠纷排查), after residents, patrols and stewards have had their chance; the
  dispute is then found through the mediator (:attr:`~cogov.sim.issues.Channel.MEDIATOR`).
- **Who has time.** The grid's team takes its disputes into its own queue, worked with its members' hours
  (:mod:`cogov.sim.organisations.mediation`; routing in :mod:`cogov.sim.mechanisms.dispatch`), which leaves the
  grid workers' and social organisations' hours to other issues. A team whose queue is already long lets a
  new dispute go the usual way.
- **Who meets.** A dispute the team settles (fixes) was a meeting of the parties with a neighbour they know: the
  resident's ties and trust grow as at any other meeting they take part in (L15,
  ``links.participation_to_ties`` and ``participation_to_trust``). Each case the team closes (settled or not, but
  not given up by the resident) is paid its subsidy (以案定补), recorded in the cost ledger.

A mediated dispute is settled with ``success_probability``, by default the grid workers' quality: the
mechanism assumes no better fix, only more time, more presence and more ties. Behavioural forms: detection in
proportion to presence, as for stewards and patrols (:mod:`cogov.sim.mechanisms.discovery`); finite-capacity
queues (Brown et al. 2005); participation building ties and trust (Putnam 2000 via L15).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from cogov.sim.config import ScenarioConfig
from cogov.sim.households import Households, take_part
from cogov.sim.issues import DISPUTE, Channel, IssueTable, Level, State
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.dispatch import Dispatcher
from cogov.sim.organisations.mediation import MediationTeams

LEDGER_ITEM = "mediation_case_subsidies"


class Mediation:
    """Mediators notice disputes in their buildings; settled disputes build ties; cases are paid for.

    Owns which buildings have a mediator living in them (``watched``); the teams and their queues are the
    organisation's (:class:`~cogov.sim.organisations.mediation.MediationTeams`).
    """

    def __init__(self, config: ScenarioConfig, teams: MediationTeams, households: Households, n_buildings: int,
                 issues: IssueTable, counters: Counter[str], rng: np.random.Generator, dispatcher: Dispatcher,
                 ledger: Ledger):
        self.params = config.levers.mediation
        self.links = config.links
        self.teams = teams
        self.households = households
        self.issues = issues
        self.counters = counters
        self.rng = rng
        self.dispatcher = dispatcher
        self.ledger = ledger
        self.watched = np.zeros(n_buildings, dtype=bool)
        """Buildings where a mediator lives (and notices disputes)."""
        self.watched[households.building[teams.mediators]] = True
        self.active = len(teams) > 0

    def find(self, day: int) -> None:
        """Mediators notice unfound disputes in their own buildings; those are dispatched to the grid's team."""
        if not self.active:
            return
        table = self.issues
        rows = table.open_in(State.LATENT)
        rows = rows[table.category[rows] == DISPUTE]
        rows = rows[self.watched[self.households.building[table.household[rows]]]]
        if len(rows) == 0:
            return
        found = rows[self.rng.random(len(rows)) < self.params.notice_probability]
        table.channel[found] = Channel.MEDIATOR
        table.found[found] = day
        self.counters["found"] += len(found)
        self.counters["found_by_mediators"] += len(found)
        self.dispatcher.dispatch(found, day, Level.GRID)

    def settle(self, day: int) -> None:
        """Disputes the teams closed today: the parties' ties and trust grow (L15); each case is paid for."""
        if not self.active:
            return
        table = self.issues
        rows = table.open_rows[table.closed[table.open_rows] == day]  # closed today, not yet pruned
        rows = rows[self.teams.is_team(table.handler[rows]) & ~table.abandoned[rows]]  # given up: no meeting
        if len(rows) == 0:
            return
        self.counters["disputes_mediated"] += len(rows)
        self.ledger.record(LEDGER_ITEM, len(rows) * self.params.cny_per_case)
        settled = rows[table.state[rows] == State.RESOLVED]
        take_part(self.households, table.household[settled], self.links.participation_to_ties,
                  self.links.participation_to_trust)
