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

- **Who knows the law.** A share ``legal_share`` of neighbour disputes turn on a point of law (drawn as each
  dispute arises, from the ``legal`` stream, whatever the lawyer's hours, so that runs with and without a lawyer
  see the same disputes). The five olds refer these rather than mediate them without legal knowledge; a lawyer on
  the committee (``lawyer_hours_per_week``; 律师与法官“法治” in seed 004/4's 四治融合) takes them into a queue of
  their own, worked with the lawyer's hours, paid by the hour. Without a lawyer they go the usual way.

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
LAWYER_ITEM = "mediation_lawyer_hours"
DAYS_PER_WEEK = 7.0


class Mediation:
    """Mediators notice disputes in their buildings; settled disputes build ties; cases are paid for.

    Owns which buildings have a mediator living in them (``watched``); the teams and their queues are the
    organisation's (:class:`~cogov.sim.organisations.mediation.MediationTeams`).
    """

    def __init__(self, config: ScenarioConfig, teams: MediationTeams, households: Households, n_buildings: int,
                 issues: IssueTable, counters: Counter[str], rng: np.random.Generator, dispatcher: Dispatcher,
                 ledger: Ledger, legal_rng: np.random.Generator | None = None):
        self.households = households
        self.issues = issues
        self.counters = counters
        self.rng = rng
        self.legal_rng = legal_rng if legal_rng is not None else rng
        self.dispatcher = dispatcher
        self.ledger = ledger
        self.n_buildings = n_buildings
        self.configure(config)
        self.set_teams(teams)

    def configure(self, config: ScenarioConfig) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run)."""
        self.params = config.levers.mediation
        self.links = config.links
        self.enabled = self.params.enabled

    def set_teams(self, teams: MediationTeams) -> None:
        """The committee's teams and lawyer (at build, or set up or dissolved mid-run)."""
        self.teams = teams
        self.watched = np.zeros(self.n_buildings, dtype=bool)
        """Buildings where a mediator lives (and notices disputes)."""
        self.watched[self.households.building[teams.mediators]] = True
        self.active = len(teams) > 0 or teams.lawyer >= 0

    def classify(self, day: int) -> None:
        """Mark which of today's new disputes turn on a point of law (whether or not there is a lawyer)."""
        if not self.enabled or self.params.legal_share == 0:
            return
        table = self.issues
        rows = table.open_rows[(table.created[table.open_rows] == day) & (table.category[table.open_rows] == DISPUTE)]
        table.legal[rows] = self.legal_rng.random(len(rows)) < self.params.legal_share

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
        if self.teams.lawyer >= 0:
            self.ledger.record(LAWYER_ITEM, self.params.lawyer_hours_per_week / DAYS_PER_WEEK * self.params.lawyer_cny_per_hour)
        table = self.issues
        rows = table.open_rows[table.closed[table.open_rows] == day]  # closed today, not yet pruned
        rows = rows[self.teams.is_team(table.handler[rows]) & ~table.abandoned[rows]]  # given up: no meeting
        if len(rows) == 0:
            return
        self.counters["disputes_mediated"] += len(rows)
        by_mediators = np.count_nonzero(table.handler[rows] != self.teams.lawyer)  # the lawyer is paid by the hour
        self.ledger.record(LEDGER_ITEM, by_mediators * self.params.cny_per_case)
        settled = rows[table.state[rows] == State.RESOLVED]
        take_part(self.households, table.household[settled], self.links.participation_to_ties,
                  self.links.participation_to_trust)
