"""Owners' committees (业主委员会; seeds 000, 004/3, 004/8).

A committee represents the owners of one compound in talks with its property company; how active it
is sets how often those talks happen (:mod:`cogov.sim.mechanisms.agreement`). Its state is a row of
:class:`OwnersCommittees`; :class:`OwnersCommittee` is the Mesa agent viewing it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cogov.sim.organisations.table import RowAgent, Table


class OwnersCommittees(Table):
    """The owners' committees table; row ``i`` is committee ``i`` (in compound order)."""

    columns = ("community", "compound", "activeness")

    def __init__(self) -> None:
        self.community = np.empty(0, dtype=np.int64)
        self.compound = np.empty(0, dtype=np.int64)
        self.activeness = np.empty(0)

    def add(self, compound: int, activeness: float, community: int = 0) -> int:
        """Register a committee (at build) and return its row."""
        return self._append(community=community, compound=compound, activeness=activeness)

    def activeness_by_compound(self, n_compounds: int, default: float) -> NDArray[np.float64]:
        """Each compound's committee activeness, ``default`` where the compound has none."""
        activeness = np.full(n_compounds, default)
        activeness[self.compound] = self.activeness
        return activeness


class OwnersCommittee(RowAgent):
    """An owners' committee (业主委员会) of one compound: a view on its row of the table."""

    table: OwnersCommittees

    @property
    def compound(self) -> int:
        """The compound whose owners it represents."""
        return int(self.table.compound[self.row])

    @property
    def activeness(self) -> float:
        """How active it is, 0-1 (sets how often it meets the company)."""
        return float(self.table.activeness[self.row])
