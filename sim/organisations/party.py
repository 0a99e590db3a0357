"""Party organisations and their organisational strength (组织力): the community's, grid branches (支部建在网格上),
compound branches (小区党支部) and property companies' party organisations (seeds 000, 001, 004/3, 004/7, 004/8).

Each is a row of :class:`Branches`: its kind, the unit it covers (a grid, a compound, a company), its strength,
its recent results, its secretary and the last day it held organisational life. Strength is the share of
its functions an organisation actually performs: holding organisational life, asking and following up its
members, convening talks and visiting households. How strength changes, and what it does, is the mechanism
:mod:`cogov.sim.mechanisms.party_building`. :class:`PartyBranch` is the Mesa agent viewing a row.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import BRANCH_KINDS
from cogov.sim.households import RETIRED, Households
from cogov.sim.organisations.table import RowAgent, Table

COMMUNITY, GRID, COMPOUND, COMPANY = range(len(BRANCH_KINDS))
NO_SECRETARY = -1


class Branches(Table):
    """The party organisations table; row 0 is the community party organisation."""

    columns = ("community", "kind", "unit", "strength", "results", "secretary", "last_life", "phase")

    def __init__(self) -> None:
        self.community = np.empty(0, dtype=np.int64)
        self.kind = np.empty(0, dtype=np.int64)  # index into BRANCH_KINDS
        self.unit = np.empty(0, dtype=np.int64)  # grid id, compound id or company row (0 for the community's)
        self.strength = np.empty(0)
        self.results = np.empty(0)  # residents' mean perceived performance of closed issues, exponentially weighted
        self.secretary = np.empty(0, dtype=np.int64)  # household row, or NO_SECRETARY
        self.last_life = np.empty(0, dtype=np.int64)  # day organisational life was last held
        self.phase = np.empty(0, dtype=np.int64)  # day within the life interval on which its meetings fall

    def add(self, kind: int, unit: int, strength: float, results: float, secretary: int, community: int = 0) -> int:
        """Register an organisation (at build) and return its row."""
        return self._append(community=community, kind=kind, unit=unit, strength=strength, results=results,
                            secretary=secretary, last_life=0, phase=len(self))

    def of_kind(self, kind: int) -> NDArray[np.int64]:
        """Rows of the organisations of one kind."""
        return np.flatnonzero(self.kind == kind)

    def by_unit(self, kind: int, n_units: int) -> NDArray[np.int64]:
        """For each unit (grid, compound or company), the row of its organisation of ``kind``, or -1."""
        rows = np.full(n_units, -1, dtype=np.int64)
        mine = self.of_kind(kind)
        rows[self.unit[mine]] = mine
        return rows

    def strength_by_unit(self, kind: int, n_units: int) -> NDArray[np.float64]:
        """For each unit, the strength of its organisation of ``kind`` (0 where it has none)."""
        rows = self.by_unit(kind, n_units)
        return np.where(rows >= 0, self.strength[np.maximum(rows, 0)], 0.0)


def choose_secretary(candidates: NDArray[np.int64], households: Households, rng: np.random.Generator) -> int:
    """A secretary among ``candidates`` (member households), retired members first (time-rich, seed 003)."""
    if len(candidates) == 0:
        return NO_SECRETARY
    priority = np.where(households.member_type[candidates] == RETIRED, 0, 1) + rng.random(len(candidates))
    return int(candidates[np.argmin(priority)])


class PartyBranch(RowAgent):
    """A party organisation below the community's: a grid branch, a compound branch or a company's party
    organisation; a view on its row of the table."""

    table: Branches

    @property
    def kind(self) -> str:
        """``grid``, ``compound`` or ``company``."""
        return BRANCH_KINDS[int(self.table.kind[self.row])]

    @property
    def unit(self) -> int:
        """The grid, compound or company (row) it covers."""
        return int(self.table.unit[self.row])

    @property
    def strength(self) -> float:
        """Organisational strength, 0-1: the share of its functions it performs."""
        return float(self.table.strength[self.row])

    @property
    def results(self) -> float:
        """Residents' recent judgement of the issues closed in its unit, 0-1."""
        return float(self.table.results[self.row])

    @property
    def secretary(self) -> int | None:
        """Household row of its secretary (None for a company's organisation)."""
        value = int(self.table.secretary[self.row])
        return None if value == NO_SECRETARY else value
