"""What every organisation table and its Mesa agent share: columns grown at build, agents viewing a row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from mesa.discrete_space import Cell, FixedAgent

if TYPE_CHECKING:
    from mesa import Model


class Table:
    """Columns of equal length, one row per organisation; rows are added at build with :meth:`_append`."""

    columns: tuple[str, ...] = ()
    """Names of the column arrays, set as attributes by the subclass's ``__init__``."""

    def _append(self, **values: Any) -> int:
        """Append one row (a value per column) and return its index."""
        for name in self.columns:
            setattr(self, name, np.append(getattr(self, name), values[name]))
        return len(self) - 1

    def __len__(self) -> int:
        return len(getattr(self, self.columns[0]))


class RowAgent(FixedAgent):
    """A Mesa agent that is a view on row ``row`` of an organisation table, placed in a building cell."""

    def __init__(self, model: Model, cell: Cell, table: Table, row: int):
        super().__init__(model)
        self.cell = cell
        self.table = table
        self.row = row
