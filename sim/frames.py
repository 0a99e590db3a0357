"""Agent- and issue-level data as tidy pandas tables (NetLogo users know this as export-world).

- :func:`households_frame`: one row per household, its attributes and its state now.
- :func:`issues_frame`: one row per issue that has arisen, its whole history so far.

Names are spelled out (``compound_type = "three_no"``, ``channel = "hotline"``) as pandas categoricals;
days that have not happened are missing (``<NA>``), not sentinel numbers. ``cogov run --agents`` writes
both as Parquet next to the daily series.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cogov.sim.config import AGE_GROUPS, CATEGORIES, COMPOUND_TYPES, COOPERATOR_TYPES, MEMBER_TYPES
from cogov.sim.handlers import HandlerKind
from cogov.sim.households import NEVER
from cogov.sim.issues import Channel, Level, State

if TYPE_CHECKING:
    from cogov.sim.model import CommunityModel

HANDLER_KINDS = tuple(k.name.lower() for k in HandlerKind)
LEVELS = tuple(level.name.lower() for level in Level)
CHANNELS = tuple(c.name.lower() for c in Channel)
STATES = tuple(s.name.lower() for s in State)
OUTCOMES = ("open", "resolved", "unresolved", "abandoned")


def _named(codes: np.ndarray, names: tuple[str, ...]) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=list(names))


def _nullable(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    """Nullable integers (``Int64``), missing where ``missing``."""
    return pd.arrays.IntegerArray(np.asarray(values, dtype=np.int64).copy(), np.asarray(missing, dtype=bool))


def _day(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Days as nullable integers, missing where the event has not happened."""
    return _nullable(values, np.asarray(values) == NEVER)


def households_frame(model: CommunityModel) -> pd.DataFrame:
    """Every household now: where it lives, who it is, its state, its volunteering and its open issues.

    Columns: ``household`` (row, the agent's ``index``), ``community``, ``building``, ``x``, ``y`` (its cell),
    ``compound``, ``compound_type``, ``grid`` (management grid), ``age_group``, ``owner``, ``member_type``
    (``none`` for non-members), ``cooperator``, ``registered_volunteer``, ``steward``, ``grid_secretary``,
    ``ties``, ``motivation``, ``satisfaction``, ``baseline_satisfaction``, ``expectation``, ``trust``,
    ``volunteer_hours``, ``points``, ``last_served`` (day, missing if never), ``open_issues``.
    """
    h = model.households
    xy = model.layout.building_xy[h.building]
    table = model.issues
    open_issues = np.bincount(table.household[table.open_rows], minlength=h.size)
    return pd.DataFrame({
        "household": np.arange(h.size),
        "community": h.community,
        "building": h.building,
        "x": xy[:, 0],
        "y": xy[:, 1],
        "compound": h.compound,
        "compound_type": _named(h.compound_type, COMPOUND_TYPES),
        "grid": h.grid,
        "age_group": _named(h.age_group, AGE_GROUPS),
        "owner": h.owner,
        "member_type": _named(h.member_type, MEMBER_TYPES),
        "cooperator": _named(h.cooperator, COOPERATOR_TYPES),
        "registered_volunteer": h.registered,
        "steward": h.steward,
        "grid_secretary": h.secretary,
        "ties": h.ties,
        "motivation": h.motivation,
        "satisfaction": h.satisfaction,
        "baseline_satisfaction": h.baseline_satisfaction,
        "expectation": h.expectation,
        "trust": h.trust,
        "volunteer_hours": h.hours,
        "points": h.points,
        "last_served": _day(h.last_served),
        "open_issues": open_issues,
    })


def issues_frame(model: CommunityModel) -> pd.DataFrame:
    """Every issue that has arisen, with its history: what, where, how and when it was found, who handled
    it, how far it climbed, how and when it ended, and how the resident judged it.

    Columns: ``issue`` (row), ``community``, ``household``, ``compound``, ``compound_type``, ``grid``,
    ``category``, ``severity``, ``collective``, ``arisen`` (day), ``found`` (day), ``channel`` (how it was
    found: ``resident``, ``hotline``, ``patrol``, ``steward``, or ``unfound``), ``hotline_call`` (day of the
    12345 call, if any), ``agreement_since`` (day a collective issue began to wait for agreement),
    ``stalemate``, ``handler`` (id), ``handler_kind``, ``level`` (where it is or was closed), ``escalations``,
    ``state``, ``outcome`` (``open``, ``resolved``, ``unresolved``, ``abandoned``), ``closed`` (day),
    ``days_to_close`` (closed − found), ``evaluation`` (the resident's perceived performance, 0-1, at closing),
    ``work_left`` (hours).
    """
    table = model.issues
    n = len(table)
    handler = table.handler[:n]
    kinds = np.where(handler >= 0, model.handlers.kind[np.maximum(handler, 0)], -1)
    state = table.state[:n]
    closed = table.closed[:n]
    found = table.found[:n]
    outcome = np.select([table.abandoned[:n], state == State.RESOLVED, state == State.UNRESOLVED], [3, 1, 2], 0)
    days_to_close = _nullable(closed - found, (closed == NEVER) | (found == NEVER))
    return pd.DataFrame({
        "issue": np.arange(n),
        "community": table.community[:n],
        "household": table.household[:n],
        "compound": table.compound[:n],
        "compound_type": _named(model.layout.compound_type[table.compound[:n]], COMPOUND_TYPES),
        "grid": table.grid[:n],
        "category": _named(table.category[:n], CATEGORIES),
        "severity": table.severity[:n],
        "collective": table.collective[:n],
        "arisen": table.created[:n],
        "found": _day(found),
        "channel": _named(table.channel[:n], CHANNELS),
        "hotline_call": _day(table.hotline_since[:n]),
        "agreement_since": _day(table.agreement_since[:n]),
        "stalemate": table.stalemate[:n],
        "handler": _nullable(handler, handler < 0),
        "handler_kind": pd.Categorical.from_codes(kinds, categories=list(HANDLER_KINDS)),
        "level": _named(table.level[:n], LEVELS),
        "escalations": table.escalations[:n].astype(np.int64),
        "state": _named(state, STATES),
        "outcome": _named(outcome, OUTCOMES),
        "closed": _day(closed),
        "days_to_close": days_to_close,
        "evaluation": table.evaluation[:n],
        "work_left": table.work_left[:n],
    })
