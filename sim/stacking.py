"""Helpers for phases that run over a batch's stacked tables (:mod:`cogov.sim.batch`): parameters per row, arrays
joined community after community.

A batched phase computes every community's numbers elementwise over stacked rows; a parameter is then one number
when the communities share it (the common case of replicates, and the cheaper one) or one per row, each row's
community's own value: either way an elementwise formula gives each row exactly what its community alone gives it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise, repeat
from operator import is_
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel


def spread(values: Sequence[Any], position: NDArray[np.int64] | None) -> Any:
    """One value per community as one per row whose community is ``position``: the single value when every community
    has the same, else the values gathered by row."""
    first = values[0]
    for value in values[1:]:
        if value != first:
            return np.asarray(values)[position]
    return first


def joined(parts: Sequence[NDArray[Any]], axis: int = 0) -> NDArray[Any]:
    """The communities' arrays one after another along ``axis`` (a community's own array when it is alone)."""
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts, axis=axis) if parts else np.empty(0)


def parts(values: NDArray[Any], counts: Sequence[int]) -> list[NDArray[Any]]:
    """``values`` cut into the communities' parts of ``counts``, one after another (views)."""
    if len(counts) == 1:
        return [values]
    bounds = offsets(counts).tolist()
    return [values[a:b] for a, b in pairwise(bounds)]


FEW_PARTS = 8
"""Parts of one length fewer than this are summed slice by slice (measured: a gather costs about as much as six or
seven slices' sums)."""


def part_means(values: NDArray[np.float64], counts: Sequence[int]) -> list[float]:
    """The mean of each community's part of ``values`` (parts of ``counts``, one after another; NaN for an empty one),
    bit for bit ``float(part.sum() / len(part))``: the parts of one length are gathered as the rows of a 2-D array
    (``values`` itself when all are of one length), whose sums along the rows are numpy's pairwise sums of each row,
    as of the part alone; a length shared by few parts is summed slice by slice."""
    if len(counts) == 1:
        n = int(counts[0])
        return [float(values.sum() / n) if n else float("nan")]
    sizes = np.asarray(counts)
    n = int(sizes[0])
    if n and (sizes == n).all():  # parts of one length: the rows of ``values`` itself
        return (values.reshape(len(sizes), n).sum(axis=1) / n).tolist()
    starts = offsets(counts)[:-1].tolist()
    means = [float("nan")] * len(sizes)
    by_length: dict[int, list[int]] = {}
    for k, n in enumerate(sizes.tolist()):
        by_length.setdefault(n, []).append(k)
    for n, which in by_length.items():
        if n == 0:
            continue
        if len(which) < FEW_PARTS:  # each slice's own sum costs less than a gather of a few
            for k in which:
                means[k] = float(values[starts[k]:starts[k] + n].sum() / n)
            continue
        rows = values[np.asarray(starts)[which][:, None] + np.arange(n)]
        for k, mean in zip(which, (rows.sum(axis=1) / n).tolist(), strict=True):
            means[k] = mean
    return means


def per_row(sections: Sequence[Any], position: NDArray[np.int64] | None) -> Any:
    """The parameter sections of a batch's communities read per row (:class:`PerRow`); a community on its own, or
    communities sharing one section (replicates built from one scenario object, :meth:`CommunityBatch.of`): that
    section, read directly. Sections are frozen (:class:`~cogov.sim.config.ScenarioConfig`), so one object is one
    set of values; an intervention gives its community a new one."""
    first = sections[0]
    if len(sections) == 1 or all(map(is_, sections, repeat(first))):
        return first
    return PerRow(sections, position)


class PerRow:
    """A parameter section of every community of a batch (``behaviour.satisfaction``…), read per row: ``section.x``
    is :func:`spread` of each community's ``x`` over ``position`` (a community on its own: its own ``x``)."""

    __slots__ = ("_position", "_sections")

    def __init__(self, sections: Sequence[Any], position: NDArray[np.int64] | None):
        self._sections = sections
        self._position = position

    def __getattr__(self, name: str) -> Any:
        sections = self._sections
        if len(sections) == 1:
            return getattr(sections[0], name)
        return spread([getattr(section, name) for section in sections], self._position)




def shared_sections[C: BaseModel](configs: Sequence[C]) -> list[C]:
    """The scenarios of a batch's communities with every section equal in two of them made one object, so that
    :func:`per_row` reads it once for all instead of comparing value by value each day (a street's communities, or a
    sweep's design points, are each validated anew and share nothing otherwise). Equal means equal ``repr`` of every
    value (so -0.0 and 0.0, or 1 and 1.0, stay apart): the scenarios returned hold exactly the numbers given."""
    registry: dict[tuple[Any, ...], BaseModel] = {}

    def share(node: BaseModel) -> BaseModel:
        values = node.__dict__  # a model's fields, in order
        children = {name: share(value) if isinstance(value, BaseModel) else value for name, value in values.items()}
        key = (type(node), *(id(child) if isinstance(child, BaseModel) else repr(child) for child in children.values()))
        found = registry.get(key)  # children shared are registered, so their ids stand for their values
        if found is None:
            changed = {name: child for name, child in children.items() if child is not values[name]}
            found = registry[key] = node.model_copy(update=changed) if changed else node
        return found

    return [share(config) for config in configs]


_TABLES: dict[tuple[str, ...], NDArray[Any]] = {}


def small_table(values: Sequence[float]) -> NDArray[Any]:
    """A small parameter table (by membership type, age group…) as a read-only array, one object for equal values:
    communities built with the same values share it, and :func:`lookup` then reads it without comparing tables.
    Keyed by each value's ``repr`` (so that -0.0 and 0.0, or 1 and 1.0, stay apart)."""
    key = tuple(map(repr, values))
    table = _TABLES.get(key)
    if table is None:
        table = _TABLES[key] = np.asarray(values)
        table.flags.writeable = False
    return table


def lookup(tables: Sequence[NDArray[Any]], position: NDArray[np.int64] | None, key: NDArray[Any]) -> NDArray[Any]:
    """``tables[position[i]][key[i]]`` for every i: each row's value in its community's small table (by membership
    type, age group…); one table when all are equal (or a community is alone, or all share one :func:`small_table`)."""
    first = tables[0]
    if position is None or all(map(is_, tables, repeat(first))):
        return first[key]
    # one stack, compared at once: comparing table by table costs more than the lookup (tables are small)
    stacked = np.stack(tables)
    return first[key] if (stacked == first).all() else stacked[position, key]


def offsets(counts: Sequence[int]) -> NDArray[np.int64]:
    """Where each community's part starts when parts of ``counts`` are numbered one after another (and the total)."""
    return np.concatenate(([0], np.cumsum(counts))).astype(np.int64)


@dataclass(slots=True)
class Rows:
    """Stacked rows of a batch's table, grouped by community in the batch's order, and each one's community
    (``position``; None for the rows of a community on its own, which then costs nothing to carry)."""

    rows: NDArray[np.int64]
    position: NDArray[np.int64] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, which: Any) -> Rows:
        """The rows selected by a mask or an index, with their communities."""
        return Rows(self.rows[which], None if self.position is None else self.position[which])

    def counts(self, communities: int) -> list[int]:
        """How many rows each of the batch's ``communities`` has."""
        if self.position is None:
            return [len(self.rows)]
        return np.bincount(self.position, minlength=communities).tolist()

    def segments(self, communities: int, among: Sequence[int] | None = None) -> list[tuple[int, slice]]:
        """Each community with rows (or each of ``among``, with rows or not), and where its rows are."""
        if self.position is None:
            return [(0, slice(None))] if len(self.rows) or among else []
        bounds = np.searchsorted(self.position, np.arange(communities + 1)).tolist()
        if among is not None:
            return [(k, slice(bounds[k], bounds[k + 1])) for k in among]
        return [(k, slice(a, b)) for k, (a, b) in enumerate(pairwise(bounds)) if a < b]

    def shifted(self, offsets: NDArray[np.int64]) -> NDArray[np.int64]:
        """Each row's community's offset (0 on its own): to number a community's own indices across the batch."""
        return 0 if self.position is None else offsets[self.position]


__all__ = ["PerRow", "Rows", "joined", "lookup", "offsets", "part_means", "parts", "per_row", "shared_sections", "small_table", "spread"]
