"""Resident households as columns of numpy arrays (one row per household): the households table.

Households are also Mesa agents (:class:`cogov.sim.agents.Household`), thin views on a row of this
table: their state lives here so that every daily process is one vectorised pass and households with
nothing to do cost nothing. Every row carries the index of its community (``community``), so that
several communities can one day share one table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cogov.sim.behaviour import beta_with_mean
from cogov.sim.config import AGE_GROUPS, MEMBER_TYPES, ScenarioConfig
from cogov.sim.layout import Layout
from cogov.sim.stacking import offsets, spread

NEVER = -10_000
"""Day index meaning 'never happened' (far enough in the past for any rolling window)."""

IN_SERVICE = MEMBER_TYPES.index("in_service")
RETIRED = MEMBER_TYPES.index("retired")
ELDERLY = AGE_GROUPS.index("elderly")


@dataclass
class Households:
    """State of every household; index ``i`` is the household's row everywhere in the model."""

    community: NDArray[np.int64]  # index of the household's community (one community: all 0)
    building: NDArray[np.int64]
    compound: NDArray[np.int64]
    grid: NDArray[np.int64]
    compound_type: NDArray[np.int64]
    age_group: NDArray[np.int8]
    owner: NDArray[np.bool_]
    member_type: NDArray[np.int8]  # index into MEMBER_TYPES; 0 = not a party member
    cooperator: NDArray[np.int8]  # index into COOPERATOR_TYPES
    registered: NDArray[np.bool_]  # registered volunteer (party members always eligible)
    steward: NDArray[np.bool_]  # building steward (楼栋管家)
    secretary: NDArray[np.bool_]  # grid party-branch secretary
    ties: NDArray[np.float64]
    motivation: NDArray[np.float64]
    satisfaction: NDArray[np.float64]
    baseline_satisfaction: NDArray[np.float64]
    expectation: NDArray[np.float64]
    trust: NDArray[np.float64]
    hours: NDArray[np.float64]  # volunteer hours this run
    points: NDArray[np.float64]
    last_served: NDArray[np.int64]  # day of the last volunteering session
    initial_ties: NDArray[np.float64]  # ties at the start: where they fade back to without participation
    monitored_until: NDArray[np.int64]  # last day on which the member's branch follows them up (organisational life)

    @property
    def size(self) -> int:
        """Number of households."""
        return len(self.building)

    @property
    def is_member(self) -> NDArray[np.bool_]:
        """True for households with a party member."""
        return self.member_type > 0

    @property
    def eligible(self) -> NDArray[np.int64]:
        """Indices of households who may volunteer: party members and registered volunteers."""
        return np.flatnonzero(self.is_member | self.registered)


def build_households(config: ScenarioConfig, layout: Layout, rng: np.random.Generator, community: int = 0) -> Households:
    """Draw households' attributes from the scenario's population composition."""
    pop = config.population
    behaviour = config.behaviour
    n = config.community.households
    building = layout.household_building
    compound = layout.building_compound[building]

    age_group = rng.choice(3, size=n, p=_normalised(pop.age_mix.young, pop.age_mix.middle, pop.age_mix.elderly))
    member = rng.random(n) < pop.party_member_share
    types = pop.party_member_types
    member_type = np.zeros(n, dtype=np.int8)
    member_type[member] = 1 + rng.choice(3, size=int(member.sum()), p=_normalised(types.in_service, types.retired, types.mobile))
    # Retired members are older: give them the elderly age group (consistency with seed 003's age mix).
    age_group[member_type == RETIRED] = ELDERLY

    mix = pop.cooperator_mix
    cooperator = rng.choice(3, size=n, p=_normalised(mix.conditional, mix.free_rider, mix.altruist)).astype(np.int8)
    motivation = beta_with_mean(rng, np.take(pop.motivation_mean.as_tuple(), cooperator), pop.motivation_concentration, n)
    satisfaction = beta_with_mean(rng, behaviour.satisfaction.initial_mean, behaviour.satisfaction.initial_concentration, n)

    households = Households(
        community=np.full(n, community, dtype=np.int64),
        building=building,
        compound=compound,
        grid=layout.building_grid[building],
        compound_type=layout.compound_type[compound],
        age_group=age_group.astype(np.int8),
        owner=rng.random(n) < pop.owner_share,
        member_type=member_type,
        cooperator=cooperator,
        registered=(~member) & (rng.random(n) < pop.registered_volunteer_share),
        steward=_assign_stewards(member_type, building, config.service.steward_share, rng),
        secretary=_assign_secretaries(member_type, layout.building_grid[building], rng),
        ties=beta_with_mean(rng, pop.tie_strength_mean, pop.tie_strength_concentration, n),
        motivation=motivation,
        satisfaction=satisfaction,
        baseline_satisfaction=satisfaction.copy(),
        expectation=np.full(n, behaviour.satisfaction.initial_expectation),
        trust=beta_with_mean(rng, behaviour.trust.initial_mean, behaviour.trust.initial_concentration, n),
        hours=np.zeros(n),
        points=np.zeros(n),
        last_served=np.full(n, NEVER, dtype=np.int64),
        initial_ties=np.empty(0),  # filled below: a copy of ties
        monitored_until=np.full(n, NEVER, dtype=np.int64),
    )
    households.initial_ties = households.ties.copy()
    return households


def _normalised(*weights: float) -> np.ndarray:
    values = np.asarray(weights, dtype=float)
    return values / values.sum()


def _assign_stewards(member_type: np.ndarray, building: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    """One steward in a ``share`` of the buildings that house a resident (not mobile) party member."""
    candidates = np.flatnonzero((member_type == IN_SERVICE) | (member_type == RETIRED))
    steward = np.zeros(len(member_type), dtype=bool)
    if len(candidates) == 0:
        return steward
    shuffled = rng.permutation(candidates)
    _, first = np.unique(building[shuffled], return_index=True)
    chosen = shuffled[first]
    steward[chosen[rng.random(len(chosen)) < share]] = True
    return steward


def _assign_secretaries(member_type: np.ndarray, grid: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One grid party-branch secretary per grid, preferring retired members (time-rich, seed 003)."""
    secretary = np.zeros(len(member_type), dtype=bool)
    members = np.flatnonzero(member_type > 0)
    if len(members) == 0:
        return secretary
    priority = np.where(member_type[members] == RETIRED, 0, 1) + rng.random(len(members))
    order = members[np.lexsort((priority, grid[members]))]
    _, first = np.unique(grid[order], return_index=True)
    secretary[order[first]] = True
    return secretary


class StackedHouseholds:
    """The households of every community of a batch in one table, community after community.

    Every column of :class:`~cogov.sim.households.Households` is an attribute holding the stacked array; after
    stacking, each community's table holds views on its slice (``offsets[k]:offsets[k + 1]``), so that what either
    side writes the other reads. Community ``k``'s row ``i`` is stacked row ``offsets[k] + i``.
    """

    def __init__(self, tables: Sequence[Households]):
        if not tables or any(table.size == 0 for table in tables):
            raise ValueError("a batch stacks one or more communities, each with households")
        self.sizes: NDArray[np.int64] = np.array([table.size for table in tables], dtype=np.int64)
        self.offsets: NDArray[np.int64] = np.concatenate(([0], np.cumsum(self.sizes)))
        self.equal_sizes = bool((self.sizes == self.sizes[0]).all())
        self.position: NDArray[np.int64] = np.repeat(np.arange(len(tables)), self.sizes)
        """Each stacked row's community (its position in the batch)."""
        self.cache: dict[str, Any] = {}
        """What a batched phase derives once from the stack (its own global indices), by phase."""
        for column in fields(Households):
            if len(tables) == 1:  # a community on its own: its table is the stack
                setattr(self, column.name, getattr(tables[0], column.name))
                continue
            stacked = np.concatenate([getattr(table, column.name) for table in tables])
            setattr(self, column.name, stacked)
            for k, table in enumerate(tables):
                setattr(table, column.name, stacked[self.offsets[k]:self.offsets[k + 1]])

    def sums(self, values: NDArray[Any]) -> NDArray[Any]:
        """Each community's sum of a stacked column, bit for bit ``values_of_community.sum()``: numpy's pairwise sum
        over the community's rows (a sum along the rows of a 2-D view when communities are of one size; else one
        sum per slice). ``np.add.reduceat`` is not used: it sums in another order."""
        if self.equal_sizes:
            return values.reshape(len(self.sizes), -1).sum(axis=1)
        return np.array([values[a:b].sum() for a, b in zip(self.offsets[:-1], self.offsets[1:], strict=True)])

    def counts(self, mask: NDArray[np.bool_]) -> NDArray[np.int64]:
        """How many rows of each community ``mask`` holds (exact integers)."""
        if len(self.sizes) == 1:
            return np.array([np.count_nonzero(mask)])
        if self.equal_sizes:  # a sum along each community's row of bytes: its count (count_nonzero(axis) costs more)
            rows = mask.view(np.uint8).reshape(len(self.sizes), -1)
            # a 16-bit sum cannot overflow below 2**16 rows (and is the cheapest); exact integers either way
            return rows.sum(axis=1, dtype=np.uint16 if rows.shape[1] < 2**16 else np.int64).astype(np.int64)
        return np.array([np.count_nonzero(mask[a:b]) for a, b in pairwise(self.offsets.tolist())], dtype=np.int64)

    def offsets_of(self, what: str, counts: Callable[[], Sequence[int]]) -> NDArray[np.int64]:
        """Where each community's ``what`` (grids, compounds…) start when numbered across the batch, from the
        ``counts()`` of each community (made once per stack; ``what`` names them in the cache)."""
        key = f"offsets:{what}"
        if key not in self.cache:
            self.cache[key] = offsets(counts())
        return self.cache[key]

    def across(self, column: str, counts: Callable[[], Sequence[int]]) -> tuple[NDArray[np.int64], int]:
        """A column numbering something of each community (``building``, ``grid``) numbered across the batch:
        community ``k``'s numbers shifted by the ``counts()`` (of buildings, grids) of the communities before it;
        and the total count. Made once per stack."""
        key = f"across:{column}"
        if key not in self.cache:
            first = self.offsets_of(column, counts)
            values = getattr(self, column)
            self.cache[key] = (values + first[self.position] if len(first) > 2 else values, int(first[-1]))
        return self.cache[key]

    def per_row(self, values: Sequence[float]) -> float | NDArray[np.float64]:
        """One value per community as one per stacked row (see :func:`spread`)."""
        return spread(values, self.position)

    def __getattr__(self, name: str) -> Any:
        # The columns are set in __init__; anything else is a mistake worth naming.
        raise AttributeError(f"stacked households have no column {name!r}")


def alone(households: Households) -> StackedHouseholds:
    """One community's households as a batch of one (its table is the stack), kept with the table and made again if
    a batch has stacked the table since."""
    stack = households.__dict__.get("_alone")
    if stack is None or stack.hours is not households.hours:
        stack = households.__dict__["_alone"] = StackedHouseholds([households])
    return stack


def take_part(households: Households | StackedHouseholds, who: NDArray[np.int64], to_ties: float | NDArray[np.float64],
              to_trust: float | NDArray[np.float64]) -> None:
    """Residents who take part in a meeting (a residents' council, a mediation) gain ties and trust (L15): each
    moves the given share of the way to 1, once however many meetings they had today. ``to_ties`` and ``to_trust``
    are one share for all, or (a batch's households, ``who`` already unique and sorted) one per resident of ``who``."""
    who = np.unique(who)
    households.ties[who] += to_ties * (1.0 - households.ties[who])
    households.trust[who] += to_trust * (1.0 - households.trust[who])


__all__ = ["ELDERLY", "IN_SERVICE", "NEVER", "RETIRED", "Households", "StackedHouseholds", "alone", "build_households",
           "take_part"]

