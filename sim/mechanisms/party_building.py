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

*One code path for one community and many* (:func:`party_batch`): a batch of communities
(:class:`cogov.sim.batch.CommunityBatch`) takes stock in one vectorised pass over the stacked party organisations
of all its communities (:class:`PartyStack`: each community's :class:`~cogov.sim.organisations.party.Branches`
columns are views on its slice), its stacked households and issues; a community alone is a batch of one
(:meth:`PartyBuilding.step`). Each community draws from its own stream, as alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import ScenarioConfig
from cogov.sim.fast import clip
from cogov.sim.handlers import Handlers
from cogov.sim.households import Households, StackedHouseholds, alone
from cogov.sim.issues import Issues, IssueTable, State
from cogov.sim.ledger import Ledger
from cogov.sim.mechanisms.evaluation import Evaluation
from cogov.sim.mechanisms.resources import Handling
from cogov.sim.organisations.co_building import CoBuildingUnits
from cogov.sim.organisations.party import COMMUNITY, COMPANY, COMPOUND, GRID, NO_SECRETARY, Branches, choose_secretary
from cogov.sim.stacking import joined, offsets, per_row, spread

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
        self.branch_of_household = np.full(households.size, -1, dtype=np.int64)
        self.branch_of_household[self.members] = self.member_branch
        n_grids = len(handling.grid_handlers)
        self.branch_of_grid = branches.by_unit(GRID, n_grids)
        self.branch_of_compound = branches.by_unit(COMPOUND, n_compounds)
        self.visit_probability = np.zeros(n_compounds)
        """Daily probability that a compound branch's members visit a household and find its open issues."""
        self._update_visits()

    def configure(self, config: ScenarioConfig, burden: float) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run). ``burden``:
        the share of staff time lost to top-down tasks (:class:`~cogov.sim.mechanisms.resources.ResourcePlan`)."""
        self.config = config
        self.params = config.party
        self.links = config.links
        self.levers = config.levers.party_building
        self.burden = burden
        self.attendance: tuple[float, ...] = self.params.attendance.as_tuple()
        """Attendance of organisational life by membership type (0 for non-members)."""

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
        """The handler whose queue weighs on each organisation (its grid's, the community's or its company's).
        Rebound here, so a batch's :class:`PartyStack` knows the structure changed."""

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

    def _grid_of_compound(self) -> NDArray[np.int64]:
        """The grid of each compound's first household (a compound may span grids; its branch works with the first)."""
        h = self.households
        grid = np.zeros(self.n_compounds, dtype=np.int64)
        first = np.unique(h.compound, return_index=True)[1]
        grid[h.compound[first]] = h.grid[first]
        return grid

    def steward_motivation(self) -> NDArray[np.float64]:
        """Each building's steward's motivation today (0 where the building has none)."""
        return steward_motivations([self], alone(self.households))

    def grid_strength(self) -> NDArray[np.float64]:
        """Each grid's branch's strength today (0 where the grid has none): what its secretary gives the grid."""
        return grid_strengths([self], alone(self.households))

    # ----------------------------------------------------------------------------- what it does
    def asks(self, eligible: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Which of the ``eligible`` households are asked to serve today: members by their branch, registered
        volunteers by their building's steward. One draw per eligible household every day, whatever the levers
        (:func:`asks_batch` of this community alone)."""
        return asks_batch([self], alone(self.households), eligible, [len(eligible)], None)

    # ------------------------------------------------------------------------------------- step
    def step(self, day: int) -> None:
        """Results, overload and strength; turnover, training and rewards; organisational life; units asked
        (:func:`party_batch` with this community alone)."""
        party_batch([self], alone(self.households), self.issues.alone, day)

    def overload(self) -> NDArray[np.float64]:
        """Each organisation's overload, 0-1: the administrative burden on its staff (the community's and grid
        branches') plus the days of work queued at its grid, community or company, over the reference."""
        return _overload([self], self._stack(), self.issues.alone)

    def _stack(self) -> PartyStack:
        """This community's party organisations as a batch of one."""
        return PartyStack.of([self], alone(self.households))

    # The steps of the day one by one, for this community alone (as :func:`party_batch` runs them, draws included).
    def _update_results(self) -> None:
        _update_results([self], self._stack(), self.issues.alone)

    def _update_strength(self, day: int) -> None:
        _update_strength([self], self._stack(), self.issues.alone, day)

    def _train(self, day: int) -> None:
        _train([self], self._stack(), day)

    def _reward(self, day: int) -> None:
        _reward([self], self._stack(), day)

    def _organisational_life(self, day: int) -> None:
        stack = self._stack()
        held_draws = self.rng.random(len(self.branches))
        attend_draws = self.rng.random(len(self.members))
        _organisational_life([self], stack, alone(self.households), day, held_draws, attend_draws)

    def _ask_units(self, day: int) -> None:
        _ask_units([self], self._stack(), day, self.rng.random(len(self.co_building)))

    def _update_visits(self) -> None:
        _update_visits([self], self._stack())

    def _leave(self, row: int) -> None:
        """The secretary of branch ``row`` leaves: the branch loses part of its strength and elects a new one (the
        old secretary stays on if nobody else can take over). Rare: community by community."""
        branches, h = self.branches, self.households
        branches.strength[row] *= 1.0 - self.params.turnover_loss
        old = int(branches.secretary[row])
        candidates = self.members[(self.member_branch == row) & (self.members != old)]
        new = choose_secretary(candidates, h, self.rng)
        if new == NO_SECRETARY:
            return  # nobody else to take over: the old secretary stays on
        branches.secretary[row] = new
        if branches.kind[row] == GRID:  # the grid secretary gives the grid hours (resources)
            h.secretary[old], h.secretary[new] = False, True


# ------------------------------------------------------------------------------------------- the batch
class PartyStack:
    """The party organisations of a batch's communities as one table, community after community, and what the
    batched phase derives from their structure.

    Every column of :class:`~cogov.sim.organisations.party.Branches` is an attribute holding the stacked array;
    each community's table then holds views on its slice (``offsets[k]:offsets[k + 1]``), so that what a batched
    phase writes the community reads, and the other way round (a community alone: its columns are the stack). A
    community's table grows mid-run (red property, the fallback company: ``Branches.add`` makes new arrays) and its
    structure changes (:meth:`PartyBuilding.restructure` rebinds ``handler_of_branch``): :meth:`of` then stacks the
    batch again. Kept in the households stack's cache (``households.cache["party"]``).

    Branch rows, member rows and household rows are numbered across the batch: a community's row ``i`` is stacked
    row ``offsets[k] + i``; ``position`` is each branch row's community. Attributes with ``None`` for a position
    belong to a community alone (nothing to gather).
    """

    community: NDArray[np.int64]
    kind: NDArray[np.int64]
    unit: NDArray[np.int64]
    strength: NDArray[np.float64]
    results: NDArray[np.float64]
    secretary: NDArray[np.int64]
    last_life: NDArray[np.int64]
    phase: NDArray[np.int64]

    def __init__(self, parties: Sequence[PartyBuilding], households: StackedHouseholds):
        n = len(parties)
        one = n == 1
        tables = [p.branches for p in parties]
        self.offsets = offsets([len(table) for table in tables])
        first = self.offsets
        self.size = int(first[-1])
        self.position: NDArray[np.int64] | None = None if one else np.repeat(np.arange(n), np.diff(first))
        for column in Branches.columns:
            if one:
                setattr(self, column, getattr(tables[0], column))
                continue
            stacked = np.concatenate([getattr(table, column) for table in tables])
            setattr(self, column, stacked)
            for k, table in enumerate(tables):
                setattr(table, column, stacked[first[k]:first[k + 1]])
        self.sources = [self._sources(p) for p in parties]
        self.staffed = (self.kind == COMMUNITY) | (self.kind == GRID)
        """Organisations whose staff carry the administrative burden: the community's and the grid branches."""
        self.handler_of_branch = joined([p.handler_of_branch for p in parties])
        """Each organisation's handler, in its community's own numbering (handlers are added mid-run)."""
        self.community_row = first[:-1]
        """Each community's party organisation (its row 0)."""

        # Members: household rows and branch rows across the batch.
        counts = [len(p.members) for p in parties]
        self.member_position: NDArray[np.int64] | None = None if one else np.repeat(np.arange(n), counts)
        self.members = joined([p.members for p in parties]) + _at(households.offsets, self.member_position)
        self.member_branch = joined([p.member_branch for p in parties]) + _at(first, self.member_position)

        # Who asks each household to serve: its branch (members), its building's steward (registered volunteers).
        self.branch_of_household = _shifted([p.branch_of_household for p in parties], first)
        self.steward_of_building = _shifted([p.steward_of_building for p in parties], households.offsets)
        """Each building's steward (buildings numbered across the batch; stewards as stacked household rows)."""

        # Whose results an issue makes: its grid's and its compound's branch, and its company's (by handler).
        self.grid_first = offsets([len(p.branch_of_grid) for p in parties])
        self.branch_of_grid = _shifted([p.branch_of_grid for p in parties], first)
        self.compound_first = offsets([len(p.branch_of_compound) for p in parties])
        self.branch_of_compound = _shifted([p.branch_of_compound for p in parties], first)
        known = [len(p.company_of_handler) for p in parties]
        self.known_handlers: int | NDArray[np.int64] = known[0] if one else np.asarray(known)
        """Handlers present at the last restructure (later ones are not companies'), per community."""
        self.company_first = offsets(known)
        self.branch_of_handler = _shifted([np.append(p.branch_of_company, -1)[p.company_of_handler]
                                           for p in parties], first)
        """The company party organisation answering for each handler's issues (-1: none)."""

        # Visits: the compound branches, their compounds across the batch, members and households.
        self.compound_rows = np.flatnonzero(self.kind == COMPOUND)
        self.compound_position = _of(self.position, self.compound_rows)
        self.visit_compound = self.unit[self.compound_rows] + _at(self.compound_first, self.compound_position)
        self.visit_members = joined([p.member_count for p in parties])[self.compound_rows]
        self.visit_households = joined([p.households_by_compound for p in parties])[self.visit_compound]
        self.n_compounds = int(self.compound_first[-1])
        self.compound_of_community: NDArray[np.int64] | None = (
            None if one else np.repeat(np.arange(n), np.diff(self.compound_first)))

        # Co-building units, and where each community's draws of the day lie in the batch's draws.
        self.unit_counts = [len(p.co_building) for p in parties]
        units = offsets(self.unit_counts)
        self.unit_position: NDArray[np.int64] | None = None if one else np.repeat(np.arange(n), self.unit_counts)
        self.unit_local = np.arange(int(units[-1])) - _at(units, self.unit_position)
        """Each unit's row in its community's table (its monthly day)."""
        self.unit_first = units
        self.draw_counts = [len(p.branches) + len(p.members) + len(p.co_building) for p in parties]
        draws = offsets(self.draw_counts)
        if one:
            b, m = len(parties[0].branches), len(parties[0].members)
            self.held_draws: Any = slice(0, b)
            self.attend_draws: Any = slice(b, b + m)
            self.unit_draws: Any = slice(b + m, None)
        else:  # a community's draws: its branches', then its members', then its units'
            self.held_draws = draws[self.position] + np.arange(self.size) - first[self.position]
            start = draws[:-1] + np.diff(first)
            self.attend_draws = (start[self.member_position] + np.arange(len(self.members))
                                 - offsets(counts)[self.member_position])
            start = start + np.asarray(counts)
            self.unit_draws = start[self.unit_position] + self.unit_local

    @staticmethod
    def _sources(party: PartyBuilding) -> tuple[Any, ...]:
        """What the stack was made from: the mechanism, its structure and its table's columns (any of them rebound:
        stack again), and a column of the co-building units (rebound when a unit is added: it counts their rows)."""
        b = party.branches
        return (party, party.handler_of_branch, b.kind, b.strength, b.results, b.secretary, b.last_life,
                party.co_building.community)

    @classmethod
    def of(cls, parties: Sequence[PartyBuilding], households: StackedHouseholds) -> PartyStack:
        """The batch's stack, made again when a community's table or structure changed since."""
        stack = households.cache.get("party")
        if stack is None or not stack.fits(parties):
            stack = households.cache["party"] = cls(parties, households)
        return stack

    def fits(self, parties: Sequence[PartyBuilding]) -> bool:
        """Whether the stack was made from these communities as they are now."""
        sources = self.sources
        if len(parties) != len(sources):
            return False
        for party, made in zip(parties, sources, strict=True):
            b = party.branches
            if (party is not made[0] or party.handler_of_branch is not made[1] or b.kind is not made[2]
                    or b.strength is not made[3] or b.results is not made[4] or b.secretary is not made[5]
                    or b.last_life is not made[6] or party.co_building.community is not made[7]):
                return False
        return True

    def counts(self, rows: NDArray[np.int64], communities: int) -> list[int]:
        """How many of the stacked branch ``rows`` each community has."""
        if self.position is None:
            return [len(rows)]
        return np.bincount(self.position[rows], minlength=communities).tolist()


def _at(values: Any, position: NDArray[np.int64] | None) -> Any:
    """``values[position]``: each row's community's shift; 0 for a community alone (position None: nothing to
    shift)."""
    return 0 if position is None else values[position]


def _of(position: NDArray[np.int64] | None, which: Any) -> NDArray[np.int64] | None:
    """The communities of the rows ``which`` (None for a community alone)."""
    return None if position is None else position[which]


def _shifted(parts: Sequence[NDArray[np.int64]], first: NDArray[np.int64]) -> NDArray[np.int64]:
    """Communities' arrays of their own rows (-1: none) joined, each row shifted by its community's ``first``."""
    if len(parts) == 1:
        return parts[0]
    return joined([np.where(part >= 0, part + first[k], -1) for k, part in enumerate(parts)])


def steward_motivations(parties: Sequence[PartyBuilding], households: StackedHouseholds,
                        stack: PartyStack | None = None) -> NDArray[np.float64]:
    """Each building's steward's motivation today (0 where the building has none), the buildings of every community
    of a batch numbered across it (:meth:`~cogov.sim.households.StackedHouseholds.across`); ``stack``: the batch's
    :class:`PartyStack`, when the caller has it."""
    stewards = (stack if stack is not None else PartyStack.of(parties, households)).steward_of_building
    return np.where(stewards >= 0, households.motivation[np.maximum(stewards, 0)], 0.0)


def grid_strengths(parties: Sequence[PartyBuilding], households: StackedHouseholds) -> NDArray[np.float64]:
    """Each grid's branch's strength today (0 where none), the grids of every community of a batch one after
    another."""
    stack = PartyStack.of(parties, households)
    branch = stack.branch_of_grid
    return np.where(branch >= 0, stack.strength[np.maximum(branch, 0)], 0.0)


def asks_batch(parties: Sequence[PartyBuilding], households: StackedHouseholds, eligible: NDArray[np.int64],
               counts: Sequence[int], where: NDArray[np.int64] | None) -> NDArray[np.bool_]:
    """:meth:`PartyBuilding.asks` of every community of a batch: ``eligible`` are stacked household rows, community
    after community (``counts`` of each, ``where`` each one's community; None for a community alone). Each community
    draws one number per eligible household from its own stream; the probabilities are computed in one pass."""
    draws = joined([party.rng.random(count) for party, count in zip(parties, counts, strict=True)])
    stack = PartyStack.of(parties, households)
    params = per_row([party.params for party in parties], where)
    branch = stack.branch_of_household[eligible]
    is_member = branch >= 0
    probability = np.zeros(len(eligible))
    probability[is_member] = (_among(params.asks_per_month, is_member) / DAYS_PER_MONTH
                              * stack.strength[branch[is_member]])
    building, _ = households.across("building", lambda: [party.n_buildings for party in parties])
    steward = steward_motivations(parties, households, stack)[building[eligible[~is_member]]]
    probability[~is_member] = _among(params.steward_asks_per_month, ~is_member) / DAYS_PER_MONTH * steward
    return draws < probability


def _among(value: Any, mask: NDArray[np.bool_]) -> Any:
    """A parameter (one number, or one per row) for the rows of ``mask``."""
    return value if np.ndim(value) == 0 else value[mask]


def party_batch(parties: Sequence[PartyBuilding], households: StackedHouseholds, issues: Issues, day: int) -> None:
    """:meth:`PartyBuilding.step` of every community of a batch, in one vectorised pass over the stacked party
    organisations (:class:`PartyStack`), households and issues: results, overload and strength; turnover, training
    and rewards; organisational life; co-building units asked; visits.

    Bit for bit each community alone: every number is computed elementwise (parameters per row) or summed per
    community in its own order (one bin per organisation of each community). Each community draws from its own
    stream what it draws alone, in the same order (its secretaries' turnover, then a new secretary where one left,
    then its branches' meetings, its members' attendance and its units' asks in one call: consecutive draws of a
    stream); communities' draws interleave, a stream's never.
    """
    stack = PartyStack.of(parties, households)
    _update_results(parties, stack, issues)
    _update_strength(parties, stack, issues, day)
    draws = _turnover_and_draws(parties, stack)
    _train(parties, stack, day)
    _reward(parties, stack, day)
    _organisational_life(parties, stack, households, day, draws[stack.held_draws], draws[stack.attend_draws])
    _ask_units(parties, stack, day, draws[stack.unit_draws])
    _update_visits(parties, stack)


def _update_results(parties: Sequence[PartyBuilding], stack: PartyStack, issues: Issues) -> None:
    """Each organisation's results: an exponential memory of residents' judgements of the issues closed today
    in its unit (the community's: all; a grid's or a compound's: theirs; a company's: those it handled)."""
    capacity = issues.capacity
    parts, performances, counts = [], [], []
    for k, party in enumerate(parties):
        rows, performance = party.evaluation.take_today()
        counts.append(len(rows))
        if len(rows):
            parts.append(rows + k * capacity if k else rows)  # the stacked rows of the community's own
            performances.append(performance)
    if not parts:
        return
    rows, performance = joined(parts), joined(performances)
    handler, grid, compound = issues.handler[rows], issues.grid[rows], issues.compound[rows]
    if len(parties) == 1:  # its own numbers
        community, known = np.zeros(len(rows), dtype=np.int64), (handler >= 0) & (handler < stack.known_handlers)
        company = handler[known]
    else:  # every community's grids, compounds, handlers and organisations numbered across the batch
        position = np.repeat(np.arange(len(parties)), counts)
        community = stack.community_row[position]
        known = (handler >= 0) & (handler < stack.known_handlers[position])
        company = handler[known] + stack.company_first[position[known]]
        grid = grid + stack.grid_first[position]
        compound = compound + stack.compound_first[position]
    # No company organisation (-1): closed before any handler took it, not a company's, or its company has none.
    company_branch = np.full(len(rows), -1, dtype=np.int64)
    company_branch[known] = stack.branch_of_handler[company]
    owners = np.concatenate((community, stack.branch_of_grid[grid], stack.branch_of_compound[compound],
                             company_branch))
    values = np.concatenate((performance, performance, performance, performance))  # np.tile's, without its overhead
    mine = owners >= 0
    # One bin per organisation of each community: a bin adds its community's judgements in their order (alone's).
    count = np.bincount(owners[mine], minlength=stack.size)
    total = np.bincount(owners[mine], weights=values[mine], minlength=stack.size)
    seen = count > 0
    weight = _memory_weight(parties, stack, seen, count[seen])
    stack.results[seen] += weight * (total[seen] / count[seen] - stack.results[seen])


def _memory_weight(parties: Sequence[PartyBuilding], stack: PartyStack, seen: NDArray[np.bool_],
                   count: NDArray[np.int64]) -> NDArray[np.float64]:
    """The weight today's ``count`` judgements take in the ``seen`` organisations' results. The power is taken as
    alone, a number to an array of counts, for each community's memory: numpy may compute a power of two arrays by
    another (vectorised) routine."""
    bases = [1.0 - 1.0 / p.params.results_memory_days for p in parties]
    if all(base == bases[0] for base in bases):
        return 1.0 - bases[0] ** count
    of_row = np.asarray(bases)[stack.position[seen]]
    weight = np.empty(len(count))
    for base in set(bases):
        where = of_row == base
        weight[where] = 1.0 - base ** count[where]
    return weight


def _overload(parties: Sequence[PartyBuilding], stack: PartyStack, issues: Issues) -> NDArray[np.float64]:
    """Each organisation's overload, 0-1 (:meth:`PartyBuilding.overload`), across the batch."""
    open_rows = issues.open()
    queued = open_rows[issues.state[open_rows.rows] == State.QUEUED]
    if len(parties) == 1:
        handler, n_handlers = issues.handler[queued.rows], len(parties[0].handlers)
        capacity, handler_of_branch = parties[0].handlers.capacity, stack.handler_of_branch
    else:  # handlers numbered across the batch: one bin per handler of each community
        first = offsets([len(p.handlers) for p in parties])
        handler, n_handlers = issues.handler[queued.rows] + first[queued.position], int(first[-1])
        capacity = joined([p.handlers.capacity for p in parties])
        handler_of_branch = stack.handler_of_branch + first[stack.position]
    work = np.bincount(handler, weights=issues.work_left[queued.rows], minlength=n_handlers)
    days = work / np.maximum(capacity, 1e-9)
    burden = np.where(stack.staffed, spread([p.burden for p in parties], stack.position), 0.0)
    reference = spread([p.params.overload_reference_days for p in parties], stack.position)
    return np.minimum(1.0, burden + days[handler_of_branch] / reference)


def _update_strength(parties: Sequence[PartyBuilding], stack: PartyStack, issues: Issues, day: int) -> None:
    """Strength grows with results and decays with overload and neglect (written in place: the communities'
    columns are views on the stack)."""
    params = per_row([p.params for p in parties], stack.position)
    links = per_row([p.links for p in parties], stack.position)
    neglected = day - stack.last_life > 2 * params.life_interval_days
    growth = params.growth_rate * links.results_to_strength * stack.results * (1.0 - stack.strength)
    decay = params.decay_rate * (1.0 + links.overload_to_strength * _overload(parties, stack, issues)
                                 + params.neglect_weight * neglected) * stack.strength
    clip(stack.strength + growth - decay, 0.0, 1.0, out=stack.strength)


def _turnover_and_draws(parties: Sequence[PartyBuilding], stack: PartyStack) -> NDArray[np.float64]:
    """Secretaries leave at a yearly rate (the branch loses part of its strength and elects a new one,
    :meth:`PartyBuilding._leave`); then each community draws for its branches' meetings, its members' attendance
    and its units' asks. Returns those draws, community after community (see :class:`PartyStack`)."""
    led = np.flatnonzero(stack.secretary != NO_SECRETARY)
    if len(parties) == 1:
        draws = parties[0].rng.random(len(led))
    else:
        draws = joined([p.rng.random(n) for p, n in zip(parties, stack.counts(led, len(parties)), strict=True)])
    chance = spread([p.params.secretary_turnover_per_year / DAYS_PER_YEAR for p in parties], _of(stack.position, led))
    leaving = led[draws < chance]
    by_community: dict[int, list[int]] = {}
    if len(leaving):  # rare: a new secretary is drawn before the community's next draws
        for row in leaving.tolist():
            k = 0 if stack.position is None else int(stack.position[row])
            by_community.setdefault(k, []).append(row - int(stack.offsets[k]))
    rest = []
    for k, (party, n) in enumerate(zip(parties, stack.draw_counts, strict=True)):
        for row in by_community.get(k, ()):
            party._leave(row)
        rest.append(party.rng.random(n))
    return joined(rest)


def _train(parties: Sequence[PartyBuilding], stack: PartyStack, day: int) -> None:
    """Training sessions on their days: every secretary's branch (and the community's) moves toward full strength;
    each community pays for its sessions."""
    today = []
    for k, party in enumerate(parties):
        sessions = party.levers.training_days_per_year
        if sessions > 0 and day % max(1, math.floor(DAYS_PER_YEAR / sessions)) == 0:
            today.append(k)
    if not today:
        return
    led = stack.secretary != NO_SECRETARY
    led[stack.kind == COMMUNITY] = True  # the community's secretary is its staff's head
    counts = _step_up(parties, stack, led, today, [p.params.training_gain for p in parties])
    for k in today:
        party = parties[k]
        party.ledger.record("secretary_training", float(counts[k]) * party.config.costs.training_cny_per_session)


def _step_up(parties: Sequence[PartyBuilding], stack: PartyStack, chosen: NDArray[np.bool_], today: Sequence[int],
             gains: Sequence[float]) -> list[int]:
    """The ``chosen`` organisations of the communities ``today`` move each its community's gain of the way to full
    strength (a training session, a reward's recognition); how many moved in each community."""
    if len(today) < len(parties):
        chosen &= np.isin(stack.position, today)
    gain = spread(gains, _of(stack.position, chosen))
    stack.strength[chosen] += gain * (1.0 - stack.strength[chosen])
    return stack.counts(np.flatnonzero(chosen), len(parties))


def _reward(parties: Sequence[PartyBuilding], stack: PartyStack, day: int) -> None:
    """Quarterly: branches whose results reach the threshold are rewarded (money into the community's funds,
    and recognition that builds strength)."""
    if day % REWARD_INTERVAL_DAYS != 0:
        return
    today = [k for k, party in enumerate(parties) if party.levers.performance_reward_cny > 0]
    if not today:
        return
    threshold = spread([p.levers.reward_threshold for p in parties], stack.position)
    well_run = ((stack.kind == GRID) | (stack.kind == COMPOUND)) & (stack.results >= threshold)
    counts = _step_up(parties, stack, well_run, today, [p.params.recognition_gain for p in parties])
    for k in today:
        party = parties[k]
        paid = party.levers.performance_reward_cny * REWARD_INTERVAL_DAYS / DAYS_PER_YEAR * float(counts[k])
        party.ledger.record("branch_rewards", paid)
        party.reward_hours_per_day = paid / REWARD_INTERVAL_DAYS / party.config.costs.staff_cny_per_hour


def _organisational_life(parties: Sequence[PartyBuilding], stack: PartyStack, households: StackedHouseholds,
                         day: int, held_draws: NDArray[np.float64], attend_draws: NDArray[np.float64]) -> None:
    """Branches whose meeting falls today hold it with probability S; members attend by membership type and
    are followed up until the next meeting; attending builds ties."""
    interval = spread([p.params.life_interval_days for p in parties], stack.position)
    due = (day - stack.phase) % interval == 0
    held = due & (held_draws < stack.strength)
    stack.last_life[held] = day
    if not held.any():
        return
    meeting = np.flatnonzero(held[stack.member_branch])  # the members whose branch met (only they may attend)
    where = _of(stack.member_position, meeting)
    tables = [p.attendance for p in parties]
    types = households.member_type[stack.members[meeting]]
    if all(table == tables[0] for table in tables):
        attendance = np.asarray(tables[0])[types]
    else:
        attendance = np.asarray(tables)[where, types]
    attends = meeting[attend_draws[meeting] < attendance]
    who = stack.members[attends]
    where = _of(stack.member_position, attends)
    h = households
    h.monitored_until[who] = day + spread([p.params.life_interval_days for p in parties], where)
    boost = spread([p.config.behaviour.motivation.learning_rate * p.config.behaviour.motivation.feedback_boost
                    for p in parties], where)
    h.motivation[who] = np.minimum(1.0, h.motivation[who] + boost)
    h.ties[who] += spread([p.links.participation_to_ties for p in parties], where) * (1.0 - h.ties[who])


def _ask_units(parties: Sequence[PartyBuilding], stack: PartyStack, day: int, draws: NDArray[np.float64]) -> None:
    """Monthly, on each unit's day: the community party organisation asks it with probability S (every month
    when units sit on the big party committee). A community's unit ``i`` is due when ``i ≡ day`` (mod 30)."""
    month = int(DAYS_PER_MONTH)
    due_today = [k for k, n in enumerate(stack.unit_counts) if n > day % month]
    if not due_today:
        return
    due = (day - stack.unit_local) % month == 0
    bound = spread([p.config.levers.cross_appointment.big_party_committee for p in parties], stack.unit_position)
    if stack.unit_position is None:
        community = stack.strength[0]
    else:  # each unit's community's party organisation
        community = stack.strength[stack.community_row[stack.unit_position]]
    asked = bound | (draws < community)
    first = stack.unit_first
    for k in due_today:
        party = parties[k]
        mine = slice(first[k], first[k + 1])
        party.co_building.month(due[mine], asked[mine], party.config.organisations.co_building)


def _update_visits(parties: Sequence[PartyBuilding], stack: PartyStack) -> None:
    """Compound branches' members visit households in proportion to their number and their branch's strength."""
    rows = stack.compound_rows
    per_day = spread([p.params.visits_per_member_per_month / DAYS_PER_MONTH for p in parties], stack.compound_position)
    visits = np.zeros(stack.n_compounds)
    visits[stack.visit_compound] = per_day * stack.visit_members * stack.strength[rows] / stack.visit_households
    detection = spread([p.config.service.patrol_detection for p in parties], stack.compound_of_community)
    probability = np.minimum(1.0, visits) * detection
    if len(parties) == 1:
        parties[0].visit_probability = probability
        return
    first = stack.compound_first
    for k, party in enumerate(parties):
        party.visit_probability = probability[first[k]:first[k + 1]]


__all__ = ["PartyBuilding", "PartyStack", "party_batch"]
