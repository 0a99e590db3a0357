"""StreetModel: the communities of one street (街道) stepped day by day under a shared street office and district
departments; one step = one day for every community.

Each community is a :class:`~cogov.sim.model.CommunityModel` with its own households, organisations and random
streams (its seed is :func:`community_seed` of the street's seed and its position), so a community in a street and
the same community on its own differ only by what the street does to it. What the street does, each day before its
communities step:

- the departments (:mod:`cogov.sim.street.departments`) send each community the hours its street-level queue gets
  today: routine shares, or, under the whistle, to matters raised through 12345 first; sunk posts go where work
  still waits;
- at each year's end under the ``performance`` rule the street appraises its communities and sets next year's funds
  (:mod:`cogov.sim.street.funds`); the other rules set the funds once, before the first day.

With ``street.shared = false`` the street is a batch of independent communities (replicates): nothing is shared and
each community is bit-identical to the same community run alone with the same seed.

The communities step together in a :class:`~cogov.sim.batch.CommunityBatch`: each phase of the day for all of them
before the next, over a stacked households table, batched where the phase has a batched form (so far few: a batch is
still nearly as slow as its communities one after another; issue 13).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from mesa import Model

from cogov.experiments.seeds import SEED_BITS, replicate_seed
from cogov.sim.batch import CommunityBatch
from cogov.sim.households import NEVER
from cogov.sim.interventions import InterventionEvent, value_at
from cogov.sim.issues import State
from cogov.sim.model import DAYS_PER_YEAR, CommunityModel
from cogov.sim.outcomes.collector import MetricsCollector
from cogov.sim.provenance import provenance
from cogov.sim.scenario import ScenarioError, apply_overrides
from cogov.sim.stacking import Rows, shared_sections, spread
from cogov.sim.street.config import STREET_LIVE, is_street_live
from cogov.sim.street.departments import Departments
from cogov.sim.street.funds import initial_allocation, performance_allocation
from cogov.sim.street.load import LoadedStreet, load_street, street_config_with
from cogov.sim.street.outcomes import STREET_DAILY, street_daily, street_summary

APPRAISAL_MEASURE = "satisfaction_mean"
"""What the street appraises communities by under the ``performance`` rule: residents' satisfaction (以居民满意度为
主要衡量标准, seed 004/1)."""


def community_seed(street_seed: int, index: int) -> int:
    """The seed of the street's ``index``-th community: the ``index``-th replicate seed of the street's seed, so a
    batch of independent communities with seed s runs exactly the replicates 0, 1, … of a sweep with master seed s."""
    return replicate_seed(street_seed, index)


class StreetModel(Model):
    """A street of several communities sharing a street office and district departments; one step = one day.

    Args:
        street: a loaded street, a built-in street name or a path to a street file.
        rng: the street's seed (an integer); None draws one (recorded in :attr:`seed`).
        days: horizon override.

    State: ``communities`` (the community models, in the file's order), ``names``, ``departments`` (None in a batch
    of independent communities), ``funds`` (each community's funds this year, CNY; None under ``own``),
    ``funds_history`` (one row per year), ``metrics`` (the street's daily metrics) and a Mesa ``datacollector``.
    """

    def __init__(self, street: LoadedStreet | str | Path, *, rng: int | None = None, days: int | None = None):
        seed = int(np.random.SeedSequence().entropy % (1 << SEED_BITS)) if rng is None else int(rng)
        super().__init__(rng=seed)
        self.seed = seed
        self.loaded = street if isinstance(street, LoadedStreet) else load_street(street)
        config = self.loaded.config
        self.config = config
        self.days: int = days if days is not None else config.simulation.days
        entries = self.loaded.communities
        self.names: tuple[str, ...] = tuple(c.name for c in entries)
        funds = config.street.funds
        allocation = initial_allocation(funds, [c.config for c in entries], [c.funds_share for c in entries])
        configs = []
        for k, entry in enumerate(entries):
            overrides: dict[str, Any] = {"simulation.days": self.days}
            if allocation is not None:
                overrides["levers.funding.annual_cny"] = float(allocation[k])
            configs.append(apply_overrides(entry.config, overrides))
        self.communities: list[CommunityModel] = [
            CommunityModel(config, rng=community_seed(seed, k), household_agents="on_demand")
            for k, config in enumerate(shared_sections(configs))]
        self.batch = CommunityBatch(self.communities)
        """The communities stepped together, phase by phase (:mod:`cogov.sim.batch`)."""
        self.households = np.array([c.households.size for c in self.communities])
        self.funds = allocation
        self.funds_history: list[list[float]] = [] if allocation is None else [allocation.tolist()]
        self.departments = Departments(config.street, self.households) if config.street.shared else None
        self.interventions: list[InterventionEvent] = []
        """The street's own parameters changed during the run (its file's ``[[interventions]]``, :meth:`intervene`),
        in order."""
        self._scheduled: dict[int, list[tuple[str, dict[str, Any]]]] = {}
        for i, entry in sorted(enumerate(config.interventions), key=lambda pair: pair[1].day):
            self._scheduled.setdefault(entry.day, []).append((f"interventions[{i}]", dict(entry.set)))
        self.metrics: dict[str, float] = street_daily(self)
        self.datacollector = MetricsCollector(STREET_DAILY)
        self.datacollector.collect(self)

    def step(self) -> None:
        """One day: the departments send their hours where the street's rules send them; every community lives its
        day; at a year's end the street appraises its communities and sets next year's funds."""
        day = self.steps
        for source, changes in self._scheduled.get(day, ()):  # the file's changes, from the start of their day
            self._apply(changes, day, source)
        if self.departments is not None:
            hours = self.departments.allocate(*self._street_queues())
            for community, today in zip(self.communities, hours, strict=True):
                community.resources.street_hours_today = float(today)
        self.batch.step()
        if (self.config.street.funds.allocation == "performance" and day % int(DAYS_PER_YEAR) == 0
                and day < self.days):
            self._award_funds()
        self.metrics = street_daily(self)
        self.datacollector.collect(self)
        self.running = day < self.days

    def run(self) -> dict[str, Any]:
        """Run to the horizon and return :meth:`summary`."""
        while self.running:
            self.step()
        return self.summary()

    def intervene(self, changes: Mapping[str, Any], source: str = "intervene") -> list[InterventionEvent]:
        """Change the street's own levers from the next day on: ``changes`` maps key paths of its live tables
        (:data:`~cogov.sim.street.config.STREET_LIVE`: ``street.whistle.enabled``, ``street.appraisal.street_weight``…)
        to new values, as the street office would decide mid-year, or as the street file's ``[[interventions]]``
        schedule them.

        From the next day the departments send their hours by the new whistle, appraisal weight, sunk posts and
        departments. Validated as the street file is: an unknown key or a bad value is refused naming it, and so is
        a key outside the live tables (the funds, a year's budget, included) or a run already ended; nothing changes
        unless every change is valid. Returns the changes, recorded in :attr:`interventions` and the provenance. A
        community's own levers are changed on the community (``street.communities[k].intervene``).

        Raises:
            ScenarioError: a problem with a key or value, or the run has reached its horizon.
        """
        if self.steps >= self.days:
            raise ScenarioError(source, [f"the run has ended (day {self.steps} of {self.days}): nothing is left to "
                                         "change"])
        return self._apply(changes, self.steps + 1, source)

    def _apply(self, changes: Mapping[str, Any], day: int, source: str) -> list[InterventionEvent]:
        """Validate ``changes`` against the street as it stands, rebuild the departments by them and record them as
        acting from ``day``."""
        keys = [str(key).replace("__", ".") for key in changes]
        new = street_config_with(self.config, dict(zip(keys, changes.values(), strict=True)), source)
        built = [key for key in keys if not is_street_live(key)]
        if built:
            raise ScenarioError(source, [f"{key}: set when the street is built (the funds: a year's budget); live "
                                         f"are {', '.join(STREET_LIVE)}: run the street anew to change it"
                                         for key in built])
        if self.departments is None:
            raise ScenarioError(source, ["street.shared = false: a batch of independent communities has no street "
                                         "level to change"])
        before, after = self.config.model_dump(mode="json"), new.model_dump(mode="json")
        events = [InterventionEvent(day, key, value_at(before, key), value_at(after, key), source) for key in keys]
        self.config = new  # self.loaded stays the street as built (its file, digest and communities)
        self.departments = Departments(self.config.street, self.households)  # read each day: no state to carry
        self.interventions += events
        return events

    def street_level_rows(self) -> Rows:
        """Every community's open issues at its street-level handler, as its batch's stacked rows (community after
        community, each in its own order)."""
        issues = self.batch.issues
        rows = issues.open()
        return rows[issues.handler[rows.rows] == spread([c.handling.street_handler for c in self.communities],
                                                        rows.position)]

    def _street_queues(self) -> tuple[np.ndarray, np.ndarray]:
        """Waiting street-level work of each community per department, and the part raised through 12345 (one pass
        over the batch's issues: each community's sums run over its own queue in its order, as on its own)."""
        assert self.departments is not None
        issues, departments = self.batch.issues, self.departments
        shape = (len(self.communities), len(departments.names))
        rows = self.street_level_rows()
        queued = rows[issues.state[rows.rows] == State.QUEUED]
        work = issues.work_left[queued.rows]
        cell = queued.position * shape[1] + departments.department_of_category[issues.category[queued.rows]]
        called = issues.hotline_since[queued.rows] != NEVER
        demand, whistled = (np.bincount(cell[which], weights=work[which], minlength=shape[0] * shape[1]).reshape(shape)
                            for which in (slice(None), called))
        return demand, whistled

    def _award_funds(self) -> None:
        appraisal = np.array([c.metrics[APPRAISAL_MEASURE] for c in self.communities])
        self.funds = performance_allocation(self.config.street.funds, appraisal)
        self.funds_history.append(self.funds.tolist())
        for community, cny in zip(self.communities, self.funds, strict=True):
            community.set_annual_funds(float(cny))

    @property
    def day(self) -> int:
        """Days simulated so far."""
        return self.steps

    def __getattr__(self, name: str) -> Any:
        # The street's daily metrics are readable as attributes (street.satisfaction_gap), as on a community.
        metrics = self.__dict__.get("metrics")
        if metrics is not None and name in metrics:
            return metrics[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def summary(self) -> dict[str, Any]:
        """End-of-run summary: the street's outcomes, inequality across communities, each community's outcomes,
        departments' hours and funds, and the provenance."""
        return street_summary(self) | {"provenance": self.provenance()}

    def provenance(self) -> dict[str, Any]:
        """What produced this run: the street file, its digest, the seed, each community's scenario and seed, and the
        parameters changed during the run in each community (its scenario's ``[[interventions]]``)."""
        record = provenance(self.communities[0].initial_config, self.seed)
        record |= {
            "scenario_name": self.config.meta.name,
            "scenario_source": self.loaded.source,
            "scenario_chain": [self.loaded.source],
            "scenario_digest": self.loaded.digest,
            "days": self.days,
            "street_interventions": [event.as_dict() for event in self.interventions],
            "communities": [{"name": n, "scenario_source": c.source, "seed": community_seed(self.seed, k),
                             "interventions": [event.as_dict() for event in model.interventions]}
                            for k, (n, c, model) in enumerate(zip(self.names, self.loaded.communities,
                                                                  self.communities, strict=True))],
        }
        return record

    def series(self) -> pd.DataFrame:
        """The street's daily metrics as a DataFrame indexed by day."""
        return self.datacollector.get_model_vars_dataframe().set_index("day")

    def community_series(self) -> pd.DataFrame:
        """Every community's daily metrics, long format: one row per (community, day)."""
        frames = [c.series().reset_index().assign(community=name) for name, c in zip(self.names, self.communities,
                                                                                      strict=True)]
        frame = pd.concat(frames, ignore_index=True)
        return frame[["community", *[c for c in frame.columns if c != "community"]]]
