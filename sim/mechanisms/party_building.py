"""Party building: what organisational strength (组织力) does, and what makes it grow or decay.

Every party organisation (the community's, each grid branch, each compound branch, each property company's;
:mod:`cogov.sim.organisations.party`) has a strength S in [0, 1]: the share of its functions it actually
performs. Each day:

*What strength does* (seeds 000, 001, 004/3, 004/4, 004/7):

- **Organisational life** (三会一课): every ``party.life_interval_days`` a branch holds its meeting with
  probability S; members attend by membership type. Attending is monitoring and feedback: the member's
  motivation does not decay unmonitored until the next meeting, and it is crowded in (Frey & Goette
  1999); members also meet, which builds ties (L15). Weak branches therefore let service fade: 'report
  but don't serve' (只报到少服务, seed 001).
- **Asking** (L2): a branch asks each member to serve ``party.asks_per_month`` × S times a month, and a
  building steward (党员中心户) asks the registered volunteers of the building in proportion to the
  steward's motivation (:meth:`PartyBuilding.asks`); being asked enters the choice to volunteer.
- **Visiting**: members of a compound branch visit the compound's households (入户访, 六必访) in proportion
  to S and find unreported issues (:attr:`PartyBuilding.visit_probability`).
- **Co-building units** (大党委, 共建): the community party organisation asks each unit once a month with
  probability S (every month when units sit on the big party committee); asked units engage, the others
  drift away (:meth:`cogov.sim.organisations.co_building.CoBuildingUnits.month`).
- Convening and brokering talks on collective issues, and company accountability, read S in
  :mod:`cogov.sim.mechanisms.agreement` and :mod:`cogov.sim.organisations.property`.

*What makes strength* (organisational learning and forgetting, Argote & Epple 1990; performance feedback,
Cyert & March 1963):

    dS = growth_rate · results_to_strength · R · (1 − S)
         − decay_rate · (1 + overload_to_strength · O + neglect_weight · [no meeting lately]) · S

with R the residents' recent judgement of issues closed in the organisation's unit (L16) and O its overload:
the administrative burden on staff and the days of work queued at its grid or community (L20). A secretary
who leaves takes ``turnover_loss`` of the strength along. Training sessions (头雁工程) and rewards to well-run
branches (奖补, which also pay into the community's funds) are levers; each acts on the day it happens, as a
step of ``training_gain`` (or ``recognition_gain``) × (1 − S) toward full strength.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ScenarioConfig
from cogov.sim.handlers import Handlers
from cogov.sim.households import Households
from cogov.sim.issues import IssueTable, State
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.evaluation import Evaluation
from cogov.sim.mechanisms.resources import Handling
from cogov.sim.organisations.co_building import CoBuildingUnits
from cogov.sim.organisations.party import COMMUNITY, COMPANY, COMPOUND, GRID, NO_SECRETARY, Branches, choose_secretary

DAYS_PER_MONTH = 30.0
DAYS_PER_YEAR = 365.0
REWARD_INTERVAL_DAYS = 90
"""Rewards to well-run branches are appraised and paid quarterly."""


class PartyBuilding:
    """The party organisations at work; owns who belongs to which organisation and today's visits."""

    def __init__(self, config: ScenarioConfig, households: Households, n_compounds: int, n_buildings: int,
                 issues: IssueTable, handlers: Handlers, handling: Handling, company_handler: NDArray[np.int64],
                 branches: Branches, co_building: CoBuildingUnits, evaluation: Evaluation, ledger: Ledger,
                 rng: np.random.Generator, burden: float):
        self.configure(config, burden)
        self.households = households
        self.issues = issues
        self.handlers = handlers
        self.handling = handling
        self.company_handler = company_handler  # handler id of each company row
        self.branches = branches
        self.co_building = co_building
        self.evaluation = evaluation
        self.ledger = ledger
        self.rng = rng
        self.n_compounds = n_compounds
        self.n_buildings = n_buildings
        self.reward_hours_per_day = 0.0
        """Hours a day the community buys with this quarter's rewards to well-run branches."""

        self.members = np.flatnonzero(households.is_member)
        self.member_branch = self._member_branches()
        """For each member household (in ``members`` order), the branch it belongs to."""
        self.restructure(company_handler)
        self.households_by_compound = np.maximum(1, np.bincount(households.compound, minlength=n_compounds))
        self.steward_of_building = np.full(n_buildings, -1, dtype=np.int64)
        stewards = np.flatnonzero(households.steward)
        self.steward_of_building[households.building[stewards]] = stewards
        self.visit_probability = np.zeros(n_compounds)
        """Daily probability that a compound branch's members visit a household and find its open issues."""
        self._update_visits()
        self.branch_of_household = np.full(households.size, -1, dtype=np.int64)
        self.branch_of_household[self.members] = self.member_branch
        n_grids = len(handling.grid_handlers)
        self.branch_of_grid = branches.by_unit(GRID, n_grids)
        self.branch_of_compound = branches.by_unit(COMPOUND, n_compounds)

    def configure(self, config: ScenarioConfig, burden: float) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run). ``burden``:
        the share of staff time lost to top-down tasks (:class:`~cogov.sim.mechanisms.resources.ResourcePlan`)."""
        self.config = config
        self.params = config.party
        self.links = config.links
        self.levers = config.levers.party_building
        self.burden = burden

    def restructure(self, company_handler: NDArray[np.int64]) -> None:
        """Who answers for which company, from the companies' handlers and the party organisations now (at build, and
        when companies or their party organisations are set up mid-run: red property, the fallback company). Members
        belong to grid and compound branches, which stay as built."""
        branches = self.branches
        self.company_handler = company_handler  # handler id of each company row
        self.member_count = np.bincount(self.member_branch, minlength=len(branches)).astype(float)
        self.branch_of_company = branches.by_unit(COMPANY, len(company_handler))
        self.company_of_handler = np.full(len(self.handlers), -1, dtype=np.int64)
        """The company row of each handler present now (-1: not a company's); handlers added later (incubated
        organisations) are not companies."""
        self.company_of_handler[company_handler] = np.arange(len(company_handler))
        self.handler_of_branch = self._handlers_of_branches()
        """The handler whose queue weighs on each organisation (its grid's, the community's or its company's)."""

    # --------------------------------------------------------------------------------- structure
    def _member_branches(self) -> NDArray[np.int64]:
        """Members belong to their compound's branch where there is one, else to their grid's branch."""
        h = self.households
        compound_branch = self.branches.by_unit(COMPOUND, self.n_compounds)[h.compound[self.members]]
        grid_branch = self.branches.by_unit(GRID, len(self.handling.grid_handlers))[h.grid[self.members]]
        return np.where(compound_branch >= 0, compound_branch, grid_branch)

    def _handlers_of_branches(self) -> NDArray[np.int64]:
        branches = self.branches
        handler = np.full(len(branches), self.handling.community_handler, dtype=np.int64)
        grid_rows = branches.of_kind(GRID)
        handler[grid_rows] = self.handling.grid_handlers[branches.unit[grid_rows]]
        compound_rows = branches.of_kind(COMPOUND)
        handler[compound_rows] = self.handling.grid_handlers[self._grid_of_compound()[branches.unit[compound_rows]]]
        company_rows = branches.of_kind(COMPANY)
        handler[company_rows] = self.company_handler[branches.unit[company_rows]]
        return handler

    def steward_motivation(self) -> NDArray[np.float64]:
        """Each building's steward's motivation today (0 where the building has none)."""
        stewards = self.steward_of_building
        return np.where(stewards >= 0, self.households.motivation[np.maximum(stewards, 0)], 0.0)

    # ----------------------------------------------------------------------------- what it does
    def asks(self, eligible: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Which of the ``eligible`` households are asked to serve today: members by their branch, registered
        volunteers by their building's steward. One draw per eligible household every day, whatever the levers."""
        h = self.households
        draws = self.rng.random(len(eligible))
        probability = np.zeros(len(eligible))
        branch = self.branch_of_household[eligible]
        is_member = branch >= 0
        probability[is_member] = self.params.asks_per_month / DAYS_PER_MONTH * self.branches.strength[branch[is_member]]
        steward = self.steward_motivation()[h.building[eligible[~is_member]]]
        probability[~is_member] = self.params.steward_asks_per_month / DAYS_PER_MONTH * steward
        return draws < probability

    def _update_visits(self) -> None:
        """Compound branches' members visit households in proportion to their number and their branch's strength."""
        rows = self.branches.of_kind(COMPOUND)
        visits = np.zeros(self.n_compounds)
        compound = self.branches.unit[rows]
        per_day = self.params.visits_per_member_per_month / DAYS_PER_MONTH
        visits[compound] = per_day * self.member_count[rows] * self.branches.strength[rows] / self.households_by_compound[compound]
        self.visit_probability = np.minimum(1.0, visits) * self.config.service.patrol_detection

    # ------------------------------------------------------------------------------------- step
    def step(self, day: int) -> None:
        """Results, overload and strength; turnover, training and rewards; organisational life; units asked."""
        self._update_results()
        self._update_strength(day)
        self._turnover()
        self._train(day)
        self._reward(day)
        self._organisational_life(day)
        self._ask_units(day)
        self._update_visits()

    def _update_results(self) -> None:
        """Each organisation's results: an exponential memory of residents' judgements of the issues closed today
        in its unit (the community's: all; a grid's or a compound's: theirs; a company's: those it handled)."""
        rows, performance = self.evaluation.take_today()
        if len(rows) == 0:
            return
        table, branches = self.issues, self.branches
        handler = table.handler[rows]
        known = (handler >= 0) & (handler < len(self.company_of_handler))  # -1: closed before any handler took it
        company = np.full(len(rows), -1, dtype=np.int64)
        company[known] = self.company_of_handler[handler[known]]
        owners = np.concatenate((
            np.zeros(len(rows), dtype=np.int64),  # the community party organisation is row 0
            self.branch_of_grid[table.grid[rows]],
            self.branch_of_compound[table.compound[rows]],
            np.append(self.branch_of_company, -1)[company],  # company -1 (not a company's issue) -> no branch
        ))
        values = np.tile(performance, 4)
        mine = owners >= 0
        count = np.bincount(owners[mine], minlength=len(branches))
        total = np.bincount(owners[mine], weights=values[mine], minlength=len(branches))
        seen = count > 0
        weight = 1.0 - (1.0 - 1.0 / self.params.results_memory_days) ** count[seen]
        branches.results[seen] += weight * (total[seen] / count[seen] - branches.results[seen])

    def overload(self) -> NDArray[np.float64]:
        """Each organisation's overload, 0-1: the administrative burden on its staff (the community's and grid
        branches') plus the days of work queued at its grid, community or company, over the reference."""
        table, branches = self.issues, self.branches
        queued = table.open_in(State.QUEUED)
        work = np.bincount(table.handler[queued], weights=table.work_left[queued], minlength=len(self.handlers))
        days = work / np.maximum(self.handlers.capacity, 1e-9)
        burden = np.where((branches.kind == COMMUNITY) | (branches.kind == GRID), self.burden, 0.0)
        return np.minimum(1.0, burden + days[self.handler_of_branch] / self.params.overload_reference_days)

    def _grid_of_compound(self) -> NDArray[np.int64]:
        """The grid of each compound's first household (a compound may span grids; its branch works with the first)."""
        h = self.households
        grid = np.zeros(self.n_compounds, dtype=np.int64)
        first = np.unique(h.compound, return_index=True)[1]
        grid[h.compound[first]] = h.grid[first]
        return grid

    def _update_strength(self, day: int) -> None:
        params, links, branches = self.params, self.links, self.branches
        neglected = day - branches.last_life > 2 * params.life_interval_days
        growth = params.growth_rate * links.results_to_strength * branches.results * (1.0 - branches.strength)
        decay = params.decay_rate * (1.0 + links.overload_to_strength * self.overload()
                                     + params.neglect_weight * neglected) * branches.strength
        branches.strength = np.clip(branches.strength + growth - decay, 0.0, 1.0)

    def _turnover(self) -> None:
        """Secretaries leave at a yearly rate; the branch loses part of its strength and elects a new one."""
        branches, h = self.branches, self.households
        led = np.flatnonzero(branches.secretary != NO_SECRETARY)
        leaving = led[self.rng.random(len(led)) < self.params.secretary_turnover_per_year / DAYS_PER_YEAR]
        for row in leaving.tolist():
            branches.strength[row] *= 1.0 - self.params.turnover_loss
            old = int(branches.secretary[row])
            candidates = self.members[(self.member_branch == row) & (self.members != old)]
            new = choose_secretary(candidates, h, self.rng)
            if new == NO_SECRETARY:
                continue  # nobody else to take over: the old secretary stays on
            branches.secretary[row] = new
            if branches.kind[row] == GRID:  # the grid secretary gives the grid hours (resources)
                h.secretary[old], h.secretary[new] = False, True

    def _train(self, day: int) -> None:
        sessions = self.levers.training_days_per_year
        if sessions <= 0 or day % max(1, math.floor(DAYS_PER_YEAR / sessions)) != 0:
            return
        led = self.branches.secretary != NO_SECRETARY
        led[self.branches.kind == COMMUNITY] = True  # the community's secretary is its staff's head
        self.branches.strength[led] += self.params.training_gain * (1.0 - self.branches.strength[led])
        self.ledger.record("secretary_training", float(led.sum()) * self.config.costs.training_cny_per_session)

    def _reward(self, day: int) -> None:
        """Quarterly: branches whose results reach the threshold are rewarded (money into the community's funds,
        and recognition that builds strength)."""
        yearly = self.levers.performance_reward_cny
        if yearly <= 0 or day % REWARD_INTERVAL_DAYS != 0:
            return
        branches = self.branches
        eligible = (branches.kind == GRID) | (branches.kind == COMPOUND)
        well_run = eligible & (branches.results >= self.levers.reward_threshold)
        branches.strength[well_run] += self.params.recognition_gain * (1.0 - branches.strength[well_run])
        paid = yearly * REWARD_INTERVAL_DAYS / DAYS_PER_YEAR * float(well_run.sum())
        self.ledger.record("branch_rewards", paid)
        self.reward_hours_per_day = paid / REWARD_INTERVAL_DAYS / self.config.costs.staff_cny_per_hour

    def _organisational_life(self, day: int) -> None:
        """Branches whose meeting falls today hold it with probability S; members attend by membership type and
        are followed up until the next meeting; attending builds ties."""
        params, branches, h = self.params, self.branches, self.households
        held_draws = self.rng.random(len(branches))
        attend_draws = self.rng.random(len(self.members))
        due = (day - branches.phase) % params.life_interval_days == 0
        held = due & (held_draws < branches.strength)
        branches.last_life[held] = day
        if not held.any():
            return
        attendance = np.asarray(params.attendance.as_tuple())[h.member_type[self.members]]
        attends = held[self.member_branch] & (attend_draws < attendance)
        who = self.members[attends]
        h.monitored_until[who] = day + params.life_interval_days
        motive = self.config.behaviour.motivation
        h.motivation[who] = np.minimum(1.0, h.motivation[who] + motive.learning_rate * motive.feedback_boost)
        h.ties[who] += self.links.participation_to_ties * (1.0 - h.ties[who])

    def _ask_units(self, day: int) -> None:
        """Monthly, on each unit's day: the community party organisation asks it with probability S (every month
        when units sit on the big party committee)."""
        units = self.co_building
        draws = self.rng.random(len(units))
        due = (day - np.arange(len(units))) % int(DAYS_PER_MONTH) == 0
        if not due.any():
            return
        bound = self.config.levers.cross_appointment.big_party_committee
        asked = bound | (draws < self.branches.strength[0])
        units.month(due, asked, self.config.organisations.co_building)
