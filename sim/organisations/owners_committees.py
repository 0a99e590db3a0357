"""Owners' committees (业主委员会; seeds 000, 004/3, 004/8).

A committee represents the owners of one compound in talks with its property company; how active it
is sets how often those talks happen (:mod:`cogov.sim.mechanisms.agreement`). Its state is a row of
:class:`OwnersCommittees`; :class:`OwnersCommittee` is the Mesa agent viewing it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import Cell, FixedAgent
from numpy.typing import NDArray

if TYPE_CHECKING:
    from mesa import Model


class OwnersCommittees:
    """The owners' committees table; row ``i`` is committee ``i`` (in compound order)."""

    def __init__(self) -> None:
        self.community = np.empty(0, dtype=np.int64)
        self.compound = np.empty(0, dtype=np.int64)
        self.activeness = np.empty(0)

    def add(self, compound: int, activeness: float, community: int = 0) -> int:
        """Register a committee (at build) and return its row."""
        self.community = np.append(self.community, community)
        self.compound = np.append(self.compound, compound)
        self.activeness = np.append(self.activeness, activeness)
        return len(self) - 1

    def __len__(self) -> int:
        return len(self.compound)

    def activeness_by_compound(self, n_compounds: int, default: float) -> NDArray[np.float64]:
        """Each compound's committee activeness, ``default`` where the compound has none."""
        activeness = np.full(n_compounds, default)
        activeness[self.compound] = self.activeness
        return activeness


class OwnersCommittee(FixedAgent):
    """An owners' committee (业主委员会) of one compound: a view on its row of the table."""

    def __init__(self, model: Model, cell: Cell, table: OwnersCommittees, row: int):
        super().__init__(model)
        self.cell = cell
        self.table = table
        self.row = row

    @property
    def compound(self) -> int:
        """The compound whose owners it represents."""
        return int(self.table.compound[self.row])

    @property
    def activeness(self) -> float:
        """How active it is, 0-1 (sets how often it meets the company)."""
        return float(self.table.activeness[self.row])
