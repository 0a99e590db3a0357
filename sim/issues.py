"""Issues (grievances and needs) as a growing column table, and their lifecycle states.

An issue moves through the "four orders" (四单, seed 000): it *arises* unseen (LATENT), is
*found* (reported by the resident or the hotline, or discovered by a patrol, a steward or a mediator),
waits for owners' and company's agreement if it is collective (AGREEMENT), is *dispatched* to a
handler's queue (QUEUED, possibly escalated level by level), and is *closed* (RESOLVED or
UNRESOLVED), whereupon the resident evaluates it (评单). Every issue is in exactly one state.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from operator import is_
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import CATEGORIES
from cogov.sim.households import NEVER
from cogov.sim.stacking import Rows


class State(IntEnum):
    """Lifecycle state of an issue."""

    LATENT = 0
    AGREEMENT = 1
    QUEUED = 2
    RESOLVED = 3
    UNRESOLVED = 4


class Channel(IntEnum):
    """How an issue was found."""

    UNFOUND = 0
    RESIDENT = 1
    HOTLINE = 2
    PATROL = 3
    STEWARD = 4
    MEDIATOR = 5
    APP = 6
    CARE_VISIT = 7
    POST_HOLDER = 8
    MEMBER_DUTY = 9  # a party member's prescribed action (五个一): a suggestion, or a visit to their paired household


class Level(IntEnum):
    """Who is responsible: grid-level bodies, the community, or the street and its departments."""

    GRID = 0
    COMMUNITY = 1
    STREET = 2


OPEN_STATES = (State.LATENT, State.AGREEMENT, State.QUEUED)

PROPERTY_CATEGORIES: tuple[int, ...] = tuple(CATEGORIES.index(c) for c in ("property_maintenance", "environment", "parking"))
"""Categories that are a property company's business where one serves the compound."""
IS_PROPERTY_CATEGORY = np.isin(np.arange(len(CATEGORIES)), PROPERTY_CATEGORIES)
"""Lookup by category index: ``IS_PROPERTY_CATEGORY[category]`` (cheaper than ``np.isin`` each day)."""
MAINTENANCE = CATEGORIES.index("property_maintenance")
DISPUTE = CATEGORIES.index("dispute")

_COLUMNS: dict[str, tuple[type, int | float | bool]] = {
    "community": (np.int64, 0),
    "household": (np.int64, -1),
    "compound": (np.int64, -1),
    "grid": (np.int64, -1),
    "category": (np.int8, -1),
    "severity": (np.float64, 0.0),
    "collective": (np.bool_, False),
    "state": (np.int8, State.LATENT),
    "channel": (np.int8, Channel.UNFOUND),
    "created": (np.int64, NEVER),
    "found": (np.int64, NEVER),
    "hotline_since": (np.int64, NEVER),
    "level": (np.int8, Level.GRID),
    "handler": (np.int64, -1),
    "queued": (np.int64, NEVER),
    "effort": (np.float64, 0.0),  # person-hours the issue takes (again, if it is redone)
    "work_left": (np.float64, 0.0),
    "gap": (np.float64, 0.0),
    "gap_info": (np.float64, 0.0),  # the part of the gap that comes from what one side does not know
    "agreement_since": (np.int64, NEVER),
    "escalations": (np.int8, 0),
    "reworks": (np.int8, 0),  # times a failed fix was rejected by the resident and redone
    "stalemate": (np.bool_, False),
    "legal": (np.bool_, False),  # a dispute that turns on a point of law (drawn only with a mediation committee)
    "repeats": (np.int64, -1),  # the earlier issue this one repeats (a fix that came back where nobody keeps the compound)
    "street_mediated": (np.bool_, False),  # a collective issue called in to 12345: the street mediates its talks
    "closed": (np.int64, NEVER),
    "abandoned": (np.bool_, False),  # closed because the resident gave up waiting
    "evaluation": (np.float64, np.nan),  # the resident's perceived performance at closing (评单)
}


class IssueTable:
    """Columnar store of every issue that has arisen; rows are never removed.

    Column arrays are attributes (``table.state``, ``table.severity`` …) valid up to ``len(table)``.
    ``open_rows`` holds the rows still open, so daily work scales with the backlog, not history.
    """

    def __init__(self, capacity: int = 1024):
        self._n = 0
        self._capacity = max(16, capacity)
        for name, (dtype, fill) in _COLUMNS.items():
            setattr(self, name, np.full(self._capacity, fill, dtype=dtype))
        self.open_rows: NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self.owner: StackedIssues | None = None
        """The batch's stacked table this table's columns are a segment of (None on its own)."""
        self.cache: dict[str, Any] = {}
        """What a batched phase derives once for this table as a batch of one (as :attr:`StackedIssues.cache`)."""

    def __len__(self) -> int:
        return self._n

    @property
    def alone(self) -> IssueTable:
        """This table as a batch of one: it answers what a batch's :class:`StackedIssues` answers (:meth:`open`,
        :attr:`capacity`, :meth:`own` and the columns), at no cost."""
        return self

    @property
    def capacity(self) -> int:
        """Rows the columns hold now (a batch of one's only segment)."""
        return self._capacity

    def open(self) -> Rows:
        """The open rows (as :meth:`StackedIssues.open` of a batch of one)."""
        return Rows(self.open_rows)

    def own(self, rows: Rows, k: int, which: slice) -> NDArray[np.int64]:
        """The rows themselves (as :meth:`StackedIssues.own` of a batch of one)."""
        return rows.rows[which]

    def add(self, day: int, household: NDArray[np.int64], compound: NDArray[np.int64], grid: NDArray[np.int64],
            category: NDArray[np.int64], severity: NDArray[np.float64], collective: NDArray[np.bool_],
            community: int | NDArray[np.int64] = 0) -> NDArray[np.int64]:
        """Append newly arisen issues (state LATENT) and return their row numbers."""
        k = len(household)
        if k == 0:
            return np.empty(0, dtype=np.int64)
        self._reserve(self._n + k)
        rows = np.arange(self._n, self._n + k)
        self.community[rows] = community
        self.household[rows] = household
        self.compound[rows] = compound
        self.grid[rows] = grid
        self.category[rows] = category
        self.severity[rows] = severity
        self.collective[rows] = collective
        self.created[rows] = day
        self._n += k
        self.open_rows = np.concatenate((self.open_rows, rows))
        return rows

    def add_batch(self, day: int, counts: Sequence[int], household: NDArray[np.int64], compound: NDArray[np.int64],
                  grid: NDArray[np.int64], category: NDArray[np.int64], severity: NDArray[np.float64],
                  collective: NDArray[np.bool_], community: int | NDArray[np.int64] = 0) -> Rows:
        """:meth:`add` as :meth:`StackedIssues.add_batch` of a batch of one (``counts``: this table's one count)."""
        return Rows(self.add(day, household, compound, grid, category, severity, collective, community))

    def prune_closed(self) -> None:
        """Drop closed rows from ``open_rows`` (call once a day after closing issues)."""
        states = self.state[self.open_rows]
        self.open_rows = self.open_rows[states < State.RESOLVED]

    def waiting(self) -> NDArray[np.int64]:
        """Open rows found and not yet closed: queued at a handler or waiting for agreement."""
        states = self.state[self.open_rows]
        return self.open_rows[(states == State.QUEUED) | (states == State.AGREEMENT)]

    def open_in(self, state: State) -> NDArray[np.int64]:
        """Open rows currently in ``state``."""
        return self.open_rows[self.state[self.open_rows] == state]

    def count_by_state(self) -> NDArray[np.int64]:
        """Number of issues in each :class:`State` (index = state value)."""
        return np.bincount(self.state[: self._n], minlength=len(State))

    def column(self, name: str) -> np.ndarray:
        """A copy of one column over all issues (for analysis and tests)."""
        if name not in _COLUMNS:
            raise KeyError(f"no issue column {name!r}; columns: {', '.join(_COLUMNS)}")
        return getattr(self, name)[: self._n].copy()

    def _reserve(self, needed: int) -> None:
        if needed <= self._capacity:
            return
        if self.owner is not None:  # a segment of a batch's table: the batch grows every segment
            self.owner.grow(needed)
            return
        new_capacity = max(needed, 2 * self._capacity)
        for name, (dtype, fill) in _COLUMNS.items():
            grown = np.full(new_capacity, fill, dtype=dtype)
            grown[: self._n] = getattr(self, name)[: self._n]
            setattr(self, name, grown)
        self._capacity = new_capacity


COLUMNS: tuple[str, ...] = tuple(_COLUMNS)


class StackedIssues:
    """The issue tables of a batch's communities as one table: every column holds R segments of ``capacity`` rows,
    community ``k``'s table is segment ``k`` (its columns are views on it), so its row ``i`` is stacked row
    ``k * capacity + i``. A batched phase reads and writes every community's issues through the stacked columns;
    each community keeps its own row count and open rows. When a community's segment is full, every segment grows
    (:meth:`grow`) and the stacked rows of every issue change: a phase finds them again from the tables.

    A community on its own is its own batch of one (:attr:`IssueTable.alone`).
    """

    def __init__(self, tables: Sequence[IssueTable]):
        self.tables = list(tables)
        self.cache: dict[str, Any] = {}
        """What a batched phase derives once from the batch's structure (its routing tables…), by name."""
        self._open: tuple[int, list[NDArray[np.int64]], Rows] | None = None
        self._stack(max(table._capacity for table in self.tables))

    def __getattr__(self, name: str) -> NDArray[Any]:
        raise AttributeError(f"stacked issues have no column {name!r}; columns: {', '.join(_COLUMNS)}")

    @property
    def capacity(self) -> int:
        """Rows per community segment."""
        return self.tables[0]._capacity

    def open(self) -> Rows:
        """Every community's open rows as stacked rows, community after community (each in its own order). Kept until
        a community's open rows change (a table makes a new array when issues arise or close) or the segments grow:
        most phases of a day read the same (the result is read, never written)."""
        tables = self.tables
        current = [table.open_rows for table in tables]
        kept = self._open
        if kept is not None and kept[0] == self.capacity and all(map(is_, kept[1], current)):
            return kept[2]
        counts = [len(rows) for rows in current]
        position = np.repeat(np.arange(len(tables)), counts)
        rows = Rows(np.concatenate(current) + position * self.capacity, position)
        self._open = (self.capacity, current, rows)
        return rows

    def prune_closed(self) -> None:
        """:meth:`IssueTable.prune_closed` of every community in one pass: each keeps its open rows still open, in
        their order (the batch's open rows are then those kept, with no need to join them again)."""
        rows = self.open()
        kept = rows[self.state[rows.rows] < State.RESOLVED]
        position = kept.position if kept.position is not None else np.zeros(len(kept), dtype=np.int64)
        bounds = np.searchsorted(position, np.arange(1, len(self.tables))).tolist()
        current = np.split(kept.rows - position * self.capacity, bounds)
        for table, mine in zip(self.tables, current, strict=True):
            table.open_rows = mine
        self._open = (self.capacity, current, kept)

    def own(self, rows: Rows, k: int, which: slice) -> NDArray[np.int64]:
        """Community ``k``'s own row numbers of the stacked ``rows[which]`` (its segment of them)."""
        return rows.rows[which] - k * self.capacity

    def add_batch(self, day: int, counts: Sequence[int], household: NDArray[np.int64], compound: NDArray[np.int64],
                  grid: NDArray[np.int64], category: NDArray[np.int64], severity: NDArray[np.float64],
                  collective: NDArray[np.bool_], community: int | NDArray[np.int64] = 0) -> Rows:
        """:meth:`IssueTable.add` of every community at once: the columns' arrays hold community after community's new
        issues, ``counts[k]`` of community ``k`` (households, compounds, grids: each community's own numbers). Each
        community's issues take its next rows, in order, as its own call would; returns them as stacked rows."""
        tables = self.tables
        total = sum(counts)
        if total == 0:
            return Rows(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
        needed = max(table._n + count for table, count in zip(tables, counts, strict=True))
        if needed > self.capacity:  # every segment grows (as one table alone would grow its own)
            self.grow(needed)
        capacity = self.capacity
        position = np.repeat(np.arange(len(tables)), counts)
        first = np.array([k * capacity + table._n for k, table in enumerate(tables)], dtype=np.int64)
        parts = np.concatenate(([0], np.cumsum(counts)[:-1]))  # where each community's new issues start in the arrays
        rows = np.arange(total, dtype=np.int64) + (first - parts)[position]
        columns = self.__dict__
        columns["community"][rows] = community
        columns["household"][rows] = household
        columns["compound"][rows] = compound
        columns["grid"][rows] = grid
        columns["category"][rows] = category
        columns["severity"][rows] = severity
        columns["collective"][rows] = collective
        columns["created"][rows] = day
        for table, count in zip(tables, counts, strict=True):
            if count:
                table.open_rows = np.concatenate((table.open_rows, np.arange(table._n, table._n + count)))
                table._n += count
        return Rows(rows, position)

    def grow(self, needed: int) -> None:
        """Give every community at least ``needed`` rows (twice the present capacity at least, as a table alone)."""
        self._stack(max(needed, 2 * self.capacity))

    def _stack(self, capacity: int) -> None:
        tables = self.tables
        for name, (dtype, fill) in _COLUMNS.items():
            stacked = np.full(capacity * len(tables), fill, dtype=dtype)
            for k, table in enumerate(tables):
                stacked[k * capacity:k * capacity + table._n] = getattr(table, name)[: table._n]
            self.__dict__[name] = stacked
            for k, table in enumerate(tables):
                setattr(table, name, stacked[k * capacity:(k + 1) * capacity])
        for table in tables:
            table._capacity = capacity
            table.owner = self


Issues = IssueTable | StackedIssues
"""What a batched phase works on: a batch's stacked issues, or a community's own table (a batch of one)."""
