"""A digital reporting channel: the community's app or integrated platform beside the 12345 hotline (两微一端,
越秀人家, 线上收, 信息化集成平台; seeds 000, 001, 002, 004/4, 004/10).

With ``levers.digital_platform.enabled``, each household uses the app with a probability set by its age group
(``adoption``: the digital divide, the elderly least; drawn once at set-up from the ``digital`` stream). For a household
with the app, reporting an issue is easier by ``report_ease`` in the reporting logit (the hotline's form,
:mod:`cogov.sim.mechanisms.discovery`), and a share ``share_of_reports`` of its reports go through the app (channel APP).
Reporting is hyperlocal and lower among those least equipped to report (Kontokosta & Hong 2021): the app lowers the
cost for the young and middle-aged most, so it can widen the gap it narrows for others. The platform's running
cost is public money in the ledger (``digital_platform``), a day at a time.

**Task claiming** (``task_claiming``, 派单/接单 on the integrated platform): the platform shows every grid's queue, so
a matter dispatched to a grid can be claimed by one of its ``claim_neighbours`` nearest grids (by the distance between
the centres of their buildings on the Mesa grid) whose workers would reach it sooner: it goes to the one with the
shortest expected wait, its own grid first among equals (:mod:`cogov.sim.mechanisms.dispatch`). Who has time, seen
across grids, rather than each grid's queue alone.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import DigitalPlatform as Params
from cogov.sim.households import Households
from cogov.sim.ledger import Ledger

DAYS_PER_YEAR = 365.0
LEDGER_ITEM = "digital_platform"


def nearest_grids(building_xy: NDArray[np.int64], building_grid: NDArray[np.int64], k: int) -> NDArray[np.int64]:
    """Each grid's row: the grid itself, then its ``k`` nearest other grids by the distance between the centres of
    their buildings (fewer where there are fewer grids; ties by grid number)."""
    n = int(building_grid.max()) + 1
    count = np.bincount(building_grid, minlength=n)
    centre = np.column_stack([np.bincount(building_grid, weights=building_xy[:, axis], minlength=n) for axis in (0, 1)])
    centre /= np.maximum(count, 1)[:, None]
    distance = np.linalg.norm(centre[:, None, :] - centre[None, :, :], axis=2)
    np.fill_diagonal(distance, -1.0)  # itself first
    return np.argsort(distance, axis=1, kind="stable")[:, :min(k, n - 1) + 1]


class DigitalPlatform:
    """Who has the app, how much easier it makes reporting, and which reports go through it."""

    def __init__(self, params: Params, households: Households, counters: Counter[str], rng: np.random.Generator,
                 ledger: Ledger):
        self.counters = counters
        self.rng = rng
        self.ledger = ledger
        self.age_group = households.age_group
        self.has_app = np.zeros(households.size, dtype=bool)
        """Households that use the app (drawn once, when the platform starts)."""
        self.launched = False
        self.configure(params)

    def configure(self, params: Params) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run). When the platform
        starts (at build, or switched on mid-run) who uses the app is drawn, once."""
        self.params = params
        self.enabled = params.enabled
        if self.enabled and not self.launched:
            adoption = np.asarray(params.adoption.as_tuple())[self.age_group]
            self.has_app = self.rng.random(len(self.age_group)) < adoption
            self.launched = True

    def report_ease(self, households: NDArray[np.int64]) -> NDArray[np.float64]:
        """Added ease of reporting (logit) for each of ``households``: ``report_ease`` where it has the app."""
        return self.params.report_ease * self.has_app[households]

    def through_app(self, households: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Which of these reports (by ``households``) go through the app; counted."""
        if not self.enabled or len(households) == 0:
            return np.zeros(len(households), dtype=bool)
        app = self.has_app[households] & (self.rng.random(len(households)) < self.params.share_of_reports)
        self.counters["reported_by_app"] += int(app.sum())
        return app

    def step(self) -> None:
        """The platform's running cost today."""
        if self.enabled:
            self.ledger.record(LEDGER_ITEM, self.params.cny_per_year / DAYS_PER_YEAR)
