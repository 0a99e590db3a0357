"""Social organisations (社会组织; seeds 001, 004/9, 004/10): the services they are funded for.

An organisation takes issues of its specialties (care, disputes, environment) from the grid, works
its own base hours plus the hours the community buys from it, and keeps a record of its finished
cases and how residents judged them (the material of a third-party evaluation). Its state is a row
of :class:`SocialOrganisations`; :class:`SocialOrganisation` is the Mesa agent viewing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import CATEGORIES, SPECIALTIES, SocialOrganisationParams
from cogov.sim.organisations.table import RowAgent, Table
from cogov.sim.stacking import joined, parts, spread


def draw_specialties(params: SocialOrganisationParams, rng: np.random.Generator) -> tuple[str, ...]:
    """An organisation's specialties: a main one by weight and, sometimes, a second drawn evenly."""
    main = str(rng.choice(SPECIALTIES, p=params.specialty_weights.as_tuple()))
    extra = str(rng.choice(SPECIALTIES)) if rng.random() < params.second_specialty_probability else main
    return tuple(sorted({main, extra}))


class SocialOrganisations(Table):
    """The social organisations table; row ``i`` is organisation ``i``."""

    columns = ("community", "handler", "cases", "evaluation_sum", "contracted", "project_hours", "period_cases",
               "period_evaluation_sum", "replacements", "purchase_weight", "incubated",
               "staff_hours")  # and ``specialties``, a row of flags each

    def __init__(self, n_handlers_hint: int = 0) -> None:
        self.community = np.empty(0, dtype=np.int64)
        self.handler = np.empty(0, dtype=np.int64)
        self.specialties = np.empty((0, len(SPECIALTIES)), dtype=bool)  # columns in SPECIALTIES order
        self.cases = np.empty(0, dtype=np.int64)
        self.evaluation_sum = np.empty(0)
        self.contracted = np.empty(0, dtype=bool)  # holds a share of the community's purchase of services
        self.project_hours = np.empty(0)  # hours a day its venture-philanthropy projects pay for this year
        self.period_cases = np.empty(0, dtype=np.int64)  # cases since its last evaluation
        self.period_evaluation_sum = np.empty(0)
        self.replacements = np.empty(0, dtype=np.int64)  # times its contract went to a new provider
        # its share of the purchase relative to an equal share (1: equal; set by evaluation, levers.social_contracts)
        self.purchase_weight = np.empty(0)
        self.incubated = np.empty(0, dtype=bool)  # incubated by a venture-philanthropy project during the run
        self.staff_hours = np.empty(0)  # hours a day its own staff work as it grows (levers.venture_philanthropy.growth)
        self._row_of_handler = np.full(n_handlers_hint, -1, dtype=np.int64)

    def add(self, handler: int, specialties: tuple[str, ...], community: int = 0, contracted: bool = True,
            incubated: bool = False, staff_hours: float = 0.0) -> int:
        """Register an organisation (at build, or incubated later) and return its row."""
        self._append(community=community, handler=handler, cases=0, evaluation_sum=0.0, contracted=contracted,
                     project_hours=0.0, period_cases=0, period_evaluation_sum=0.0, replacements=0,
                     purchase_weight=1.0, incubated=incubated, staff_hours=staff_hours)
        self.specialties = np.vstack((self.specialties, [[s in specialties for s in SPECIALTIES]]))
        if handler >= len(self._row_of_handler):
            grown = np.full(handler + 1, -1, dtype=np.int64)
            grown[: len(self._row_of_handler)] = self._row_of_handler
            self._row_of_handler = grown
        self._row_of_handler[handler] = len(self) - 1
        return len(self) - 1

    def specialists(self) -> dict[int, NDArray[np.int64]]:
        """Handler ids of the organisations specialised in each category: ``{category index: handlers}``."""
        return {CATEGORIES.index(s): self.handler[self.specialties[:, k]] for k, s in enumerate(SPECIALTIES)}

    def hours_today(self, base_hours: float, purchased_hours: float) -> NDArray[np.float64]:
        """Hours each organisation works today: its own base, what the community buys from contracted ones (an equal
        share ``purchased_hours`` times its purchase weight), what its venture-philanthropy projects pay for, and its
        grown staff's. (Weights of 1 and no staff add exactly nothing: the numbers without these levers stay.)"""
        return social_hours_batch([self], [base_hours], [purchased_hours])[0]

    def evaluation(self) -> NDArray[np.float64]:
        """Mean perceived performance of each organisation's cases since it started (NaN if none)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.cases > 0, self.evaluation_sum / np.maximum(self.cases, 1), np.nan)

    def period_evaluation(self) -> NDArray[np.float64]:
        """Mean perceived performance of each organisation's cases since its last evaluation (NaN if none)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.period_cases > 0, self.period_evaluation_sum / np.maximum(self.period_cases, 1), np.nan)

    def start_period(self) -> None:
        """A new contract period: the cases of the next evaluation start from none."""
        self.period_cases[:] = 0
        self.period_evaluation_sum[:] = 0.0

    def record_cases(self, handlers: NDArray[np.int64], performance: NDArray[np.float64]) -> None:
        """Add finished cases to the records of the organisations among ``handlers`` (others are ignored)."""
        which, rows = social_cases([self], handlers, None)
        self.record(rows, performance[which])

    def record(self, rows: NDArray[np.int64], performance: NDArray[np.float64]) -> None:
        """Add finished cases to the records of organisations ``rows`` (one per case, in case order)."""
        np.add.at(self.cases, rows, 1)
        np.add.at(self.evaluation_sum, rows, performance)  # in case order, as a loop would add them
        np.add.at(self.period_cases, rows, 1)
        np.add.at(self.period_evaluation_sum, rows, performance)


def social_cases(tables: Sequence[SocialOrganisations], handlers: NDArray[np.int64],
                 position: NDArray[np.int64] | None) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Which of a batch's finished cases an organisation of its community's table handled, and that organisation's
    row (``handlers``: each community's own handler ids; ``position``: each case's community, None for one community
    alone): what :meth:`SocialOrganisations.record_cases` records. One lookup in every community's table at once, so
    that a batch records cases only for the few communities whose organisations finished some."""
    if position is None:
        lookup = tables[0]._row_of_handler
        sizes: Any = len(lookup)
        first: Any = 0
    else:
        counted = np.array([len(table._row_of_handler) for table in tables], dtype=np.int64)
        sizes, first = counted[position], np.cumsum(counted) - counted
        lookup = np.concatenate([table._row_of_handler for table in tables])
    known = np.flatnonzero((handlers >= 0) & (handlers < sizes))  # -1: closed before any handler took it
    if len(known) == 0:
        return known, known
    rows = lookup[handlers[known] + (first if position is None else first[position[known]])]
    mine = rows >= 0
    return known[mine], rows[mine]


class SocialOrganisation(RowAgent):
    """A social organisation (社会组织) delivering services it is funded for: a view on its row of the table."""

    table: SocialOrganisations

    @property
    def handler(self) -> int:
        """Its handler id (its queue of issues)."""
        return int(self.table.handler[self.row])

    @property
    def specialties(self) -> tuple[str, ...]:
        """The categories it takes from the grid."""
        return tuple(s for s, has in zip(SPECIALTIES, self.table.specialties[self.row], strict=True) if has)

    @property
    def cases(self) -> int:
        """Cases it has finished."""
        return int(self.table.cases[self.row])

    @property
    def evaluation_sum(self) -> float:
        """Sum of residents' perceived performance over its finished cases."""
        return float(self.table.evaluation_sum[self.row])

    @property
    def evaluation(self) -> float:
        """Mean perceived performance of its finished cases (third-party evaluation); NaN if none."""
        return self.evaluation_sum / self.cases if self.cases else float("nan")


def social_hours_batch(tables: Sequence[SocialOrganisations], base_hours: Sequence[float],
                       purchased_hours: Sequence[float]) -> list[NDArray[np.float64]]:
    """:meth:`SocialOrganisations.hours_today` of every community of a batch (``base_hours`` and
    ``purchased_hours``: each community's), computed in one pass over the organisations joined; each community's
    part is its organisations' hours."""
    counts = [len(table) for table in tables]
    position = None if len(tables) == 1 else np.repeat(np.arange(len(tables)), counts)
    hours = (spread(base_hours, position)
             + spread(purchased_hours, position) * joined([t.contracted for t in tables])
             * joined([t.purchase_weight for t in tables])
             + joined([t.project_hours for t in tables]) + joined([t.staff_hours for t in tables]))
    return parts(hours, counts)
