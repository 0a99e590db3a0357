"""Small hand-built states for the stage unit tests: a few households, issues and handlers, no CommunityModel."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace
from typing import Any

import numpy as np

from cogov.sim.config import CATEGORIES, ScenarioConfig
from cogov.sim.handlers import HandlerKind, Handlers
from cogov.sim.households import NEVER, Households
from cogov.sim.issues import IssueTable, Level
from cogov.sim.layout import Layout
from cogov.sim.mechanisms.dispatch import Dispatcher
from cogov.sim.mechanisms.resources import Handling
from cogov.sim.organisations.party import COMMUNITY, NO_SECRETARY, Branches
from cogov.sim.scenario import apply_overrides

CARE = CATEGORIES.index("care")
DISPUTE = CATEGORIES.index("dispute")
SAFETY = CATEGORIES.index("safety")
MAINTENANCE = CATEGORIES.index("property_maintenance")
PARKING = CATEGORIES.index("parking")
ENVIRONMENT = CATEGORIES.index("environment")


def config(**overrides: Any) -> ScenarioConfig:
    """The default scenario's parameters with key-path overrides (``levers__hotline__enabled=False``)."""
    return apply_overrides(ScenarioConfig(), overrides)


def households(n: int = 6, **columns: Any) -> Households:
    """``n`` households in one building, compound and grid unless columns say otherwise; plain defaults."""
    base: dict[str, Any] = {
        "community": np.zeros(n, dtype=np.int64),
        "building": np.zeros(n, dtype=np.int64),
        "compound": np.zeros(n, dtype=np.int64),
        "grid": np.zeros(n, dtype=np.int64),
        "compound_type": np.zeros(n, dtype=np.int64),
        "age_group": np.ones(n, dtype=np.int8),
        "owner": np.ones(n, dtype=bool),
        "member_type": np.zeros(n, dtype=np.int8),
        "cooperator": np.ones(n, dtype=np.int8),  # free riders: no conformity unless asked
        "registered": np.ones(n, dtype=bool),
        "steward": np.zeros(n, dtype=bool),
        "secretary": np.zeros(n, dtype=bool),
        "ties": np.full(n, 0.3),
        "motivation": np.full(n, 0.5),
        "satisfaction": np.full(n, 0.6),
        "baseline_satisfaction": np.full(n, 0.6),
        "expectation": np.full(n, 0.6),
        "trust": np.full(n, 0.5),
        "hours": np.zeros(n),
        "points": np.zeros(n),
        "last_served": np.full(n, NEVER, dtype=np.int64),
        "initial_ties": np.full(n, 0.3),
        "monitored_until": np.full(n, NEVER, dtype=np.int64),
    }
    for name, value in columns.items():
        base[name] = np.asarray(value, dtype=base[name].dtype)
    if "ties" in columns and "initial_ties" not in columns:
        base["initial_ties"] = base["ties"].copy()
    return Households(**base)


def row_layout(n_buildings: int = 1, compound_of_building: Any = None, has_property: Any = None,
               has_owners_committee: Any = None, has_party_branch: Any = None) -> Layout:
    """``n_buildings`` buildings in a row, one cell apart, in one grid; each building's compound as given (default:
    all in compound 0), and the compounds' property companies, owners' committees and party branches (default: a
    branch, nothing else)."""
    compound = np.zeros(n_buildings, dtype=np.int64) if compound_of_building is None else np.asarray(compound_of_building)
    n_compounds = int(compound.max()) + 1
    def flags(values: Any, default: bool) -> np.ndarray:
        return np.full(n_compounds, default) if values is None else np.asarray(values, dtype=bool)
    return Layout(width=n_buildings, height=1, building_xy=np.array([[i, 0] for i in range(n_buildings)]),
                  building_compound=compound, building_grid=np.zeros(n_buildings, dtype=np.int64),
                  compound_type=np.zeros(n_compounds, dtype=np.int64), has_property=flags(has_property, False),
                  has_owners_committee=flags(has_owners_committee, False), has_party_branch=flags(has_party_branch, True),
                  household_building=np.arange(n_buildings))


def branches(strengths: dict[tuple[int, int], float] | None = None, community: float = 0.5) -> Branches:
    """A party organisations table: the community's (row 0), then ``{(kind, unit): strength}`` in order."""
    table = Branches()
    table.add(COMMUNITY, 0, community, 0.6, NO_SECRETARY)
    for (kind, unit), strength in (strengths or {}).items():
        table.add(kind, unit, strength, 0.6, NO_SECRETARY)
    return table


def no_party(n_compounds: int = 1, n_buildings: int = 1, steward_motivation: float = 0.0) -> SimpleNamespace:
    """A stand-in for the party-building mechanism where a stage only reads it: no visits, stewards as given."""
    return SimpleNamespace(visit_probability=np.zeros(n_compounds),
                           steward_motivation=lambda: np.full(n_buildings, steward_motivation))


def never_asked(eligible: np.ndarray) -> np.ndarray:
    """Nobody is asked to serve today."""
    return np.zeros(len(eligible), dtype=bool)


def issues_for(households_: Households, rows: list[dict[str, Any]]) -> IssueTable:
    """An issue table with one issue per dict (household, category, severity, collective; day 0)."""
    table = IssueTable(capacity=16)
    for row in rows:
        hh = np.array([row.get("household", 0)])
        table.add(row.get("day", 0), hh, households_.compound[hh], households_.grid[hh],
                  np.array([row.get("category", SAFETY)]), np.array([row.get("severity", 0.5)]),
                  np.array([row.get("collective", False)]))
    return table


class Handled:
    """Handlers of a one-grid community: grid 0, community, street, and optionally a company and a specialist."""

    def __init__(self, company: bool = False, specialist: bool = False, n_grids: int = 1):
        self.handlers = Handlers()
        grid = np.array([self.handlers.add(HandlerKind.GRID, Level.GRID, 0.9) for _ in range(n_grids)])
        community = self.handlers.add(HandlerKind.COMMUNITY, Level.COMMUNITY, 0.8)
        street = self.handlers.add(HandlerKind.STREET, Level.STREET, 0.95)
        self.handling = Handling(grid, community, street)
        self.company = self.handlers.add(HandlerKind.PROPERTY, Level.GRID, 0.7) if company else -1
        self.specialist = self.handlers.add(HandlerKind.SOCIAL_ORG, Level.GRID, 0.85) if specialist else -1

    def dispatcher(self, issues: IssueTable, grid_first: bool = True, max_wait: float = 5.0) -> Dispatcher:
        """A dispatcher over these handlers; compound 0 has the company if there is one."""
        specialists = {CARE: np.array([self.specialist])} if self.specialist >= 0 else {}
        return Dispatcher(issues, self.handlers, self.handling, np.array([self.company]), specialists, grid_first,
                          max_wait)


def counters() -> Counter[str]:
    """Empty counters."""
    return Counter()
