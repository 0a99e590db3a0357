"""Owners' committees (业主委员会; seeds 000, 004/3, 004/8).

A committee represents the owners of one compound in talks with its property company; how active it
is sets how often those talks happen (:mod:`cogov.sim.mechanisms.agreement`). With elections
(``levers.committee_formation.elections``) it serves terms and may lapse; a lapsed committee keeps its row
(``sitting`` false) and a committee formed later in the same compound is a new row. Its state is a row of
:class:`OwnersCommittees`; :class:`OwnersCommittee` is the Mesa agent viewing it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cogov.sim.organisations.table import RowAgent, Table

NO_TERM_END = np.iinfo(np.int64).max
"""The term end of a committee that serves without elections (levers.committee_formation.elections off)."""


class OwnersCommittees(Table):
    """The owners' committees table; row ``i`` is committee ``i`` (in compound order)."""

    columns = ("community", "compound", "activeness", "sitting", "term_end")

    def __init__(self) -> None:
        self.community = np.empty(0, dtype=np.int64)
        self.compound = np.empty(0, dtype=np.int64)
        self.activeness = np.empty(0)
        self.sitting = np.empty(0, dtype=bool)  # false once it has lapsed (its row stays, for the record)
        self.term_end = np.empty(0, dtype=np.int64)  # day its term ends (NO_TERM_END without elections)

    def add(self, compound: int, activeness: float, community: int = 0, term_end: int | None = None) -> int:
        """Register a committee (at build, or formed later) and return its row."""
        return self._append(community=community, compound=compound, activeness=activeness, sitting=True,
                            term_end=NO_TERM_END if term_end is None else term_end)

    def sitting_rows(self) -> NDArray[np.int64]:
        """Rows of the committees in office today."""
        return np.flatnonzero(self.sitting)

    def sitting_count(self) -> int:
        """Committees in office today."""
        return int(np.count_nonzero(self.sitting))

    def activeness_by_compound(self, n_compounds: int, default: float) -> NDArray[np.float64]:
        """Each compound's sitting committee's activeness, ``default`` where the compound has none."""
        activeness = np.full(n_compounds, default)
        rows = self.sitting_rows()
        activeness[self.compound[rows]] = self.activeness[rows]
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
