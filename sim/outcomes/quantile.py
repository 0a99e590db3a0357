"""Each community's 10th percentile of a household column, day after day, exactly and cheaply.

``np.percentile(row, 10)`` (linear interpolation) needs two order statistics of the row, at ranks ``below`` and
``above``. A partition finds them in about 9 ns a household (18 µs a day for 2000 households, 4 % of a batch's
day). But satisfaction moves little from one day to the next, so yesterday's order statistics bracket today's: a
:class:`RowQuantile` keeps, for each community, a bracket of values around the two ranks, counts the households
below it and picks the two ranks among the few inside it (three elementwise passes and a sort of a few dozen values
a community: about a fifth of a partition). A community whose bracket no longer holds both ranks is partitioned
afresh and gets a new bracket. Order statistics are values of the row, whichever way they are found, so every
community's percentile is bit for bit what :func:`np.percentile` gives it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

P10_QUANTILE = 0.1

MARGIN_DIVISOR = 64
"""A bracket spans about ``n / MARGIN_DIVISOR`` ranks on each side of the two order statistics at its last reset
(an efficiency setting, no effect on any number: a wider bracket holds for more days, a narrower one is cheaper a
day; measured, ``benchmarks/batch_phases.py``)."""
MIN_MARGIN = 8
"""The fewest ranks a bracket spans on each side (small communities)."""


def lerp(low: NDArray[np.float64], high: NDArray[np.float64], gamma: NDArray[np.float64] | float
         ) -> NDArray[np.float64]:
    """numpy's ``_lerp`` of :func:`np.percentile`: from the nearer end, for the same rounding (elementwise)."""
    step = high - low
    return np.where(np.asarray(gamma) >= 0.5, high - step * (1 - np.asarray(gamma)), low + step * gamma)


def quantile_of_one(values: NDArray[np.float64], q: float = P10_QUANTILE) -> float:
    """The ``q``-quantile of one community's ``values``, as ``np.percentile(values, 100 * q)``, from one partition
    (for one community a partition costs less than a bracket's dozen small steps)."""
    n = len(values)
    virtual = (n - 1) * q
    below = int(np.floor(virtual))
    above = min(below + 1, n - 1)
    ordered = np.partition(values, (below, above))
    return float(lerp(ordered[below], ordered[above], virtual - below))


class RowQuantile:
    """The ``q``-quantile of each community's part of a stacked column, with a bracket per community kept from one
    call to the next (see the module docstring).

    Args:
        sizes: each community's number of rows (all at least 1).
        q: the quantile (0.1: the 10th percentile).
    """

    def __init__(self, sizes: NDArray[np.int64], q: float = P10_QUANTILE):
        self.sizes = np.asarray(sizes, dtype=np.int64)
        self.equal_sizes = bool((self.sizes == self.sizes[0]).all())
        self.offsets = np.concatenate(([0], np.cumsum(self.sizes)))
        virtual = (self.sizes - 1) * q
        self.below = np.floor(virtual).astype(np.int64)
        self.above = np.minimum(self.below + 1, self.sizes - 1)
        self.gamma = virtual - self.below
        margin = np.maximum(MIN_MARGIN, self.sizes // MARGIN_DIVISOR)
        self.low_rank = np.maximum(0, self.below - margin)
        self.high_rank = np.minimum(self.sizes - 1, self.above + margin)
        self.low = np.full(len(self.sizes), np.inf)
        """Each community's bracket, ``low <= value <= high`` (empty until the first call: every community is reset)."""
        self.high = np.full(len(self.sizes), -np.inf)
        self.resets = 0
        """Communities partitioned afresh so far (a bracket that no longer held, or the first call)."""

    def __call__(self, values: NDArray[np.float64], position: NDArray[np.int64] | None = None) -> NDArray[np.float64]:
        """Each community's quantile of its part of ``values`` (stacked rows; ``position``: each row's community,
        needed only when the communities differ in size)."""
        k = len(self.sizes)
        if self.equal_sizes:
            rows = values.reshape(k, -1)
            under = rows < self.low[:, None]
            inside = rows <= self.high[:, None]
        else:
            low, high = self.low[position], self.high[position]
            under = values < low
            inside = values <= high
        inside ^= under  # low <= value <= high (low <= high, or the bracket is empty)
        counts_under = _row_counts(under.reshape(-1), self.offsets, self.equal_sizes, k)
        found = np.flatnonzero(inside)
        found_values = values.reshape(-1)[found]
        community = found // self.sizes[0] if self.equal_sizes else position[found]
        counts_inside = np.bincount(community, minlength=k)
        held = (counts_under <= self.below) & (counts_under + counts_inside > self.above)
        # each community's values inside its bracket, sorted along its row (padded with inf after them)
        starts = np.cumsum(counts_inside) - counts_inside
        inside_rows = np.full((k, int(counts_inside.max(initial=0))), np.inf)
        inside_rows[community, np.arange(len(found)) - starts[community]] = found_values
        inside_rows.sort(axis=1)
        kept = np.flatnonzero(held)
        low_value = np.empty(k)
        high_value = np.empty(k)
        low_value[kept] = inside_rows[kept, (self.below - counts_under)[kept]]
        high_value[kept] = inside_rows[kept, (self.above - counts_under)[kept]]
        for community_k in np.flatnonzero(~held).tolist():
            low_value[community_k], high_value[community_k] = self._reset(values, community_k)
        return lerp(low_value, high_value, self.gamma)

    def _reset(self, values: NDArray[np.float64], k: int) -> tuple[float, float]:
        """Partition community ``k``'s part afresh: its two order statistics, and a new bracket around them."""
        self.resets += 1
        part = values[self.offsets[k]:self.offsets[k + 1]]
        ranks = (int(self.low_rank[k]), int(self.below[k]), int(self.above[k]), int(self.high_rank[k]))
        ordered = np.partition(part, sorted(set(ranks)))
        self.low[k], self.high[k] = ordered[ranks[0]], ordered[ranks[3]]
        return ordered[ranks[1]], ordered[ranks[2]]


def _row_counts(mask: NDArray[np.bool_], offsets: NDArray[np.int64], equal_sizes: bool, k: int) -> NDArray[np.int64]:
    """How many rows of each community ``mask`` holds (summed as bytes, in 16 bits where no community has 2**16 rows:
    cheaper than a boolean sum, as :meth:`~cogov.sim.households.StackedHouseholds.counts`)."""
    as_bytes = mask.view(np.uint8)
    dtype = np.uint16 if int(np.diff(offsets).max()) < 2**16 else np.int64
    if equal_sizes:
        return as_bytes.reshape(k, -1).sum(axis=1, dtype=dtype).astype(np.int64)
    return np.add.reduceat(as_bytes, offsets[:-1], dtype=dtype).astype(np.int64)
