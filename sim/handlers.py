"""Handlers: every body that works on issues, as finite-capacity FIFO queues served all at once with numpy.

Every body that works on issues (a grid's workers, a property company, a social organisation,
a grid's mediation team, a compound's self-management committee, the community, the street's departments) is a *handler* with a daily capacity in person-hours
and a quality (the probability that finished work actually fixes the issue). Issues queue in
order of arrival at their handler; each day the handler works through the queue until its hours
are spent (M/M/c-style finite servers with right-skewed, lognormal service times;
Brown et al. 2005).
"""

from __future__ import annotations

from enum import IntEnum
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cogov.sim.fast import clip


class HandlerKind(IntEnum):
    """What kind of body a handler is."""

    GRID = 0
    COMMUNITY = 1
    STREET = 2
    PROPERTY = 3
    SOCIAL_ORG = 4
    MEDIATION = 5
    SELF_MANAGEMENT = 6
    WORK_UNIT = 7


class Handlers:
    """The handlers table: kind, level, community, quality, today's capacity and hours used; row = handler id.

    Handlers are registered once at build (:meth:`add`); afterwards every column is a numpy array
    indexed by handler id, so that queues, capacities and fixes are computed in one pass.
    """

    def __init__(self) -> None:
        self.kind: NDArray[np.int8] = np.empty(0, dtype=np.int8)
        self.level: NDArray[np.int8] = np.empty(0, dtype=np.int8)
        self.community: NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self.quality: NDArray[np.float64] = np.empty(0)
        self.capacity: NDArray[np.float64] = np.empty(0)
        self.hours_used: NDArray[np.float64] = np.empty(0)

    def add(self, kind: HandlerKind, level: int, quality: float, community: int = 0) -> int:
        """Register a handler and return its id."""
        self.kind = np.append(self.kind, np.int8(kind))
        self.level = np.append(self.level, np.int8(level))
        self.community = np.append(self.community, community)
        self.quality = np.append(self.quality, quality)
        self.capacity = np.append(self.capacity, 0.0)
        self.hours_used = np.append(self.hours_used, 0.0)
        return len(self.kind) - 1

    def __len__(self) -> int:
        return len(self.kind)


def serve_queues(
    handler: NDArray[np.int64],
    queued_day: NDArray[np.int64],
    rows: NDArray[np.int64],
    work_left: NDArray[np.float64],
    capacity: NDArray[np.float64],
    community: NDArray[np.int64] | None = None,
    finished_mask: bool = False,
) -> tuple[NDArray[Any], NDArray[np.float64], NDArray[np.float64]]:
    """Spend each handler's capacity on its queue in first-come-first-served order.

    Args:
        handler, queued_day, rows, work_left: per queued issue (same length).
        capacity: hours available today per handler.
        community: in a batch, each issue's community (handlers and rows numbered across the batch, each
            community's handlers after the previous community's): the running sums of work start again with each
            community, so that its numbers are those it gets on its own, bit for bit.
        finished_mask: return which input issues are finished (a mask) instead of their rows.

    Returns:
        ``(finished_rows, new_work_left, hours_used_per_handler)``: the rows whose work is done,
        the remaining work of every input issue (0 for finished ones), and hours spent.
    """
    if len(rows) == 0:
        return (np.zeros(0, dtype=bool) if finished_mask else rows), work_left.copy(), np.zeros_like(capacity)
    order = np.lexsort((rows, queued_day, handler))
    h = handler[order]
    w = work_left[order]
    if community is None:
        cumulative = np.cumsum(w)
    else:  # a running sum per community (cumsum adds in order: a community's part is its own cumsum)
        cumulative = _running_sums(w, community[order])
    group_start = np.flatnonzero(np.concatenate(([True], h[1:] != h[:-1])))
    offset = np.repeat(cumulative[group_start] - w[group_start], np.diff(np.append(group_start, len(h))))
    within = cumulative - offset  # work up to and including this issue, within its handler's queue
    cap = capacity[h]
    remaining_sorted = clip(within - cap, 0.0, w)
    new_left = np.empty_like(work_left)
    new_left[order] = remaining_sorted
    done = new_left <= 1e-12
    used = np.bincount(h, weights=w - remaining_sorted, minlength=len(capacity))
    return (done if finished_mask else rows[done]), np.where(done, 0.0, new_left), used


def _running_sums(values: NDArray[np.float64], community: NDArray[np.int64]) -> NDArray[np.float64]:
    """Each community's own running sum of its part of ``values`` (``community``: non-decreasing, each part in one
    piece), bit for bit ``np.cumsum`` of the part: the parts laid out as the rows of a 2-D table, zero-padded at the
    end, and summed along the rows in one call (a running sum adds in order, one element after another, so a row's
    sums are its part's alone). Communities with very unequal parts, where the table would be mostly padding, are
    summed part by part."""
    communities = int(community[-1]) + 1
    counts = np.bincount(community, minlength=communities)
    width = int(counts.max())
    if communities * width > 4 * len(values) + 1024:
        starts = np.flatnonzero(np.concatenate(([True], np.diff(community) != 0, [True])))
        return np.concatenate([np.cumsum(values[a:b]) for a, b in pairwise(starts)])
    column = np.arange(len(values)) - (np.cumsum(counts) - counts)[community]
    table = np.zeros((communities, width))
    table[community, column] = values
    return np.cumsum(table, axis=1)[community, column]
