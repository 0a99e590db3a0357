"""The physical community: buildings on a grid of cells, compounds and management grids.

One cell of the Mesa grid is one building (楼栋). Compounds (小区) are contiguous rectangular
blocks of buildings; management grids (网格) are consecutive runs of about
``households_per_grid`` households in compound order, so a large compound spans several grids
and small ones share a grid, as in practice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import COMPOUND_TYPES, Community

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Layout:
    """Where everything is: per building, per compound and per household arrays."""

    width: int
    height: int
    building_xy: IntArray  # (B, 2) cell coordinates of each building
    building_compound: IntArray  # (B,)
    building_grid: IntArray  # (B,)
    compound_type: IntArray  # (C,) index into COMPOUND_TYPES
    has_property: BoolArray  # (C,)
    has_owners_committee: BoolArray  # (C,)
    has_party_branch: BoolArray  # (C,)
    household_building: IntArray  # (N,)

    @property
    def n_compounds(self) -> int:
        """Number of compounds."""
        return len(self.compound_type)

    @property
    def n_grids(self) -> int:
        """Number of management grids."""
        return int(self.building_grid.max()) + 1

    @property
    def n_buildings(self) -> int:
        """Number of buildings (occupied cells)."""
        return len(self.building_compound)


def quota_allocation(shares: tuple[float, ...], total: int) -> IntArray:
    """Split ``total`` items by ``shares`` with the largest-remainder method (counts sum to total)."""
    raw = np.asarray(shares, dtype=float) * total
    counts = np.floor(raw).astype(np.int64)
    remainder = total - int(counts.sum())
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[:remainder]] += 1
    return counts


def build_layout(community: Community, rng: np.random.Generator) -> Layout:
    """Lay out buildings, compounds and grids for a community and draw which bodies exist."""
    households = community.households
    n_buildings = math.ceil(households / community.households_per_building)
    n_compounds = max(1, min(n_buildings, round(households / community.households_per_compound)))

    type_counts = quota_allocation(community.compound_mix.as_tuple(), n_compounds)
    compound_type = rng.permutation(np.repeat(np.arange(len(COMPOUND_TYPES)), type_counts))

    buildings_per_compound = quota_allocation((1.0 / n_compounds,) * n_compounds, n_buildings)
    block_w = math.ceil(math.sqrt(buildings_per_compound.max()))
    block_h = math.ceil(buildings_per_compound.max() / block_w)
    cols = math.ceil(math.sqrt(n_compounds))
    rows = math.ceil(n_compounds / cols)

    xy = np.empty((n_buildings, 2), dtype=np.int64)
    building_compound = np.repeat(np.arange(n_compounds), buildings_per_compound)
    first = np.concatenate(([0], np.cumsum(buildings_per_compound)[:-1]))
    local = np.arange(n_buildings) - first[building_compound]
    block_x = (building_compound % cols) * block_w
    block_y = (building_compound // cols) * block_h
    xy[:, 0] = block_x + local % block_w
    xy[:, 1] = block_y + local // block_w

    household_building = np.arange(households) // community.households_per_building
    households_in_building = np.bincount(household_building, minlength=n_buildings)
    households_before = np.concatenate(([0], np.cumsum(households_in_building)[:-1]))
    building_grid = households_before // community.households_per_grid
    building_grid = np.unique(building_grid, return_inverse=True)[1]

    def draw(shares: tuple[float, ...]) -> BoolArray:
        return rng.random(n_compounds) < np.asarray(shares)[compound_type]

    return Layout(
        width=cols * block_w,
        height=rows * block_h,
        building_xy=xy,
        building_compound=building_compound,
        building_grid=building_grid.astype(np.int64),
        compound_type=compound_type.astype(np.int64),
        has_property=draw(community.property_management.as_tuple()),
        has_owners_committee=draw(community.owners_committee.as_tuple()),
        has_party_branch=draw(community.party_branch.as_tuple()),
        household_building=household_building.astype(np.int64),
    )
