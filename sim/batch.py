"""CommunityBatch: several communities stepped together, one phase of the day at a time, over stacked tables.

A batch holds R :class:`~cogov.sim.model.CommunityModel` (replicates of one scenario, design points, or the
communities of a street) and steps them in lockstep: for each phase of the daily lifecycle
(:meth:`CommunityModel._lifecycle`) it runs that phase for every community before the next phase. A phase with a
batched form (:data:`BATCHED`) runs once for all communities over the batch's stacked tables; the others (each about
a microsecond a day unless its lever is on) run community by community. The households of every community live in one
stacked table (:class:`~cogov.sim.households.StackedHouseholds`): each community's
:class:`~cogov.sim.households.Households` columns are views on its slice, so the community's own mechanisms and a
batched phase work on the same numbers; so do its issues (:class:`~cogov.sim.issues.StackedIssues`: one segment of
rows per community).

**Bit-identity.** Communities share nothing in a batch: each keeps its own random streams, tables and Mesa clock,
and a batched phase computes each community's numbers elementwise or with per-community sums that are numpy's
pairwise sums over the same numbers in the same order. A community run alone and the same community run in a batch
give identical results, bit for bit, intervention schedules included (``tests/test_batch.py`` checks every phase
against single runs over the scenario library).

**What is batched** (issue 13): every phase with a cost, each through the function the community's own mechanism
calls with itself alone (:data:`BATCHED`): volunteering with the day's hours (:func:`volunteer_day`,
:func:`~cogov.sim.mechanisms.resources.resources_batch`), arrival, discovery (with the collective issues it opens for
talks), agreement, escalation (with the 12345 calls), abandonment, service (with the residents' judgements,
:mod:`cogov.sim.mechanisms.evaluation`: every community's counts in one pass, the social organisations' cases in one
lookup), upkeep (fixes that come back in compounds nobody keeps, :func:`~cogov.sim.mechanisms.upkeep.upkeep_batch`),
one dispatcher pass for the issues they route (:func:`cogov.sim.mechanisms.dispatch.dispatch_batch`), party building
(every community's party organisations stacked, :class:`~cogov.sim.mechanisms.party_building.PartyStack`),
satisfaction's drift and the daily record (:func:`~cogov.sim.outcomes.metrics.stacked_metrics`). What each still does
community by community (its random draws, rare events, small per-community tables) is in ODD §9.8.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from cogov.sim.config import ScenarioConfig
from cogov.sim.households import StackedHouseholds
from cogov.sim.issues import StackedIssues
from cogov.sim.mechanisms.abandonment import abandon_batch
from cogov.sim.mechanisms.agreement import agreement_batch
from cogov.sim.mechanisms.arrival import arrive_batch
from cogov.sim.mechanisms.discovery import discover_batch
from cogov.sim.mechanisms.drift import drift_batch
from cogov.sim.mechanisms.escalation import escalate_batch
from cogov.sim.mechanisms.party_building import party_batch
from cogov.sim.mechanisms.resources import resources_batch
from cogov.sim.mechanisms.service import serve_batch
from cogov.sim.mechanisms.upkeep import upkeep_batch
from cogov.sim.mechanisms.volunteering import volunteer_day
from cogov.sim.model import CommunityModel, as_config
from cogov.sim.outcomes.metrics import daily_metrics, stacked_metrics
from cogov.sim.scenario import apply_overrides
from cogov.sim.stacking import shared_sections


class CommunityBatch:
    """R communities stepped together, phase by phase (see the module docstring).

    Args:
        models: freshly built community models (none stepped yet), all with the same horizon.

    State: ``models``, ``households`` (the :class:`~cogov.sim.households.StackedHouseholds`) and ``issues`` (the
    :class:`~cogov.sim.issues.StackedIssues`). Each model stays a complete Mesa model:
    its summary, series, interventions and agents are read from it as from a model run alone.
    """

    def __init__(self, models: Sequence[CommunityModel]):
        if not models:
            raise ValueError("a batch needs at least one community")
        horizons = sorted({model.days for model in models})
        if len(horizons) > 1:
            raise ValueError(f"a batch steps communities together: they must share a horizon (simulation.days), "
                             f"these have {', '.join(map(str, horizons))}")
        started = sorted({model.steps for model in models} - {0})
        if started:
            raise ValueError(f"a batch steps communities together from day 0: some have run already (to day "
                             f"{', '.join(map(str, started))}); build them anew")
        self.models: list[CommunityModel] = list(models)
        self.households = StackedHouseholds([model.households for model in self.models])
        self.issues = StackedIssues([model.issues for model in self.models])
        self.phases: tuple[str, ...] = tuple(name for name, _ in self.models[0].lifecycle)
        self.phase_seconds: dict[str, float] | None = None
        """Set to a dict to have :meth:`step` add the seconds spent in each phase (and ``clock``) to it
        (``benchmarks/batch_phases.py``)."""

    @classmethod
    def of(cls, scenario: Any, seeds: Sequence[int], **kwargs: Any) -> CommunityBatch:
        """A batch of one scenario's replicates: one :class:`CommunityModel` per seed (``kwargs`` as for the model;
        households' agents placed on demand).

        The scenario is read once and every replicate is built from that one (frozen) object, so that their
        parameter sections are the same objects and a batched phase reads each parameter once for all of them
        (:func:`~cogov.sim.stacking.per_row`)."""
        days = kwargs.pop("days", None)
        overrides = kwargs if days is None else {**kwargs, "simulation.days": days}
        config = apply_overrides(as_config(scenario), overrides)
        return cls([CommunityModel(config, rng=int(seed), household_agents="on_demand") for seed in seeds])

    @classmethod
    def of_runs(cls, configs: Sequence[ScenarioConfig], seeds: Sequence[int]) -> CommunityBatch:
        """A batch of runs, each its own scenario and seed (a sweep's design points and replicates); they must share
        a horizon. Households' agents are placed on demand; sections equal in two runs are made one object first
        (:func:`~cogov.sim.stacking.shared_sections`), so that a phase reads a shared parameter once for all."""
        return cls([CommunityModel(config, rng=int(seed), household_agents="on_demand")
                    for config, seed in zip(shared_sections(configs), seeds, strict=True)])

    @property
    def running(self) -> bool:
        """True while the communities have days left (they share a horizon)."""
        return self.models[0].running

    @property
    def day(self) -> int:
        """Days simulated so far."""
        return self.models[0].steps

    def step(self) -> None:
        """One day for every community: each phase of the lifecycle in turn, batched where it has a batched form.

        Each model's Mesa clock moves as :meth:`mesa.Model.step` moves it: the day's step first (``steps`` counts the
        day), then the events the model scheduled for that day (property companies' updates, reviews, meetings).
        """
        models = self.models
        if models[0].steps == 0:
            for model in models:
                _hold_step_schedule(model)
        for model in models:
            model.steps += 1  # as Mesa's _do_step does before the model's step
        day = models[0].steps
        timing = self.phase_seconds
        for index, name in enumerate(self.phases):
            started = time.perf_counter() if timing is not None else 0.0
            batched = BATCHED.get(name)
            if batched is not None:
                batched(self, day)
            else:
                for model in models:
                    model.lifecycle[index][1](day)
            if timing is not None:
                timing[name] = timing.get(name, 0.0) + time.perf_counter() - started
        started = time.perf_counter() if timing is not None else 0.0
        for model in models:
            model.running = day < model.days
            _clock_to(model, day)
            if not model.running:
                model._default_schedule.resume()
        if timing is not None:
            timing["clock"] = timing.get("clock", 0.0) + time.perf_counter() - started

    def run(self) -> list[dict[str, Any]]:
        """Run to the horizon and return each community's summary, in order."""
        while self.running:
            self.step()
        return [model.summary() for model in self.models]


def _hold_step_schedule(model: CommunityModel) -> None:
    """Hold the model's own daily step in Mesa's event list while the batch steps it: the batch runs the day's phases,
    then moves the model's clock to the day with :meth:`mesa.Model.run_until`, which runs that day's scheduled events
    (property companies' updates, reviews, meetings) in their order, as :meth:`mesa.Model.step` would after the step.
    At the horizon the batch resumes the schedule, and the model is as if run alone (its next step due the day after).
    Until then, step it only through its batch."""
    model._default_schedule.pause()


def _clock_to(model: CommunityModel, day: int) -> None:
    """Move the model's Mesa clock to ``day``, running the events it scheduled for today after its step, as
    :meth:`mesa.Model.step` runs them (:meth:`mesa.Model.run_until`). Most days nothing is due (companies update weekly,
    reviews and meetings come monthly or yearly): when the earliest event on Mesa's heap is live and later than today,
    the clock is only set, which is what ``run_until`` would do after taking that event off the heap and putting it
    back."""
    events = model._event_list._events
    if events and not events[0].CANCELED and events[0].time > day:
        model.time = day
    else:
        model.run_until(day)


def _drift(batch: CommunityBatch, day: int) -> None:
    """Open issues drag every community's satisfaction, which then recovers (one pass over the stacked tables)."""
    drift_batch([model.drift for model in batch.models], batch.households, batch.issues, day)


def _party(batch: CommunityBatch, day: int) -> None:
    """Every community's party organisations take stock and act (one pass over the stacked party organisations,
    households and issues; each community draws from its own stream)."""
    party_batch([model.party for model in batch.models], batch.households, batch.issues, day)


def _record(batch: CommunityBatch, day: int) -> None:
    """Today's metrics of every community (those counted over households and issues in one pass), collected."""
    models = batch.models
    counted = stacked_metrics(models, batch.households, batch.issues, day)
    for k, model in enumerate(models):
        model._record(day, daily_metrics(model, day, counted, k))


def _volunteering(batch: CommunityBatch, day: int) -> None:
    """Every community's volunteers serve in one pass (:func:`~cogov.sim.mechanisms.volunteering.volunteer_day`);
    then each community sets today's hours from its volunteers' hours."""
    models = batch.models
    hours = volunteer_day([model.volunteering for model in models], batch.households, day)
    resources_batch([model.resources for model in models], batch.households, hours)


def _abandonment(batch: CommunityBatch, day: int) -> None:
    """Residents of every community give up waiting (one pass over the stacked issues)."""
    abandon_batch([model.abandonment for model in batch.models], batch.households, batch.issues, day)


def _service(batch: CommunityBatch, day: int) -> None:
    """Every community's handlers serve their queues (one pass over the stacked issues)."""
    serve_batch([model.service for model in batch.models], batch.households, batch.issues, day)


def _upkeep(batch: CommunityBatch, day: int) -> None:
    """Today's fixes in compounds nobody keeps may come back; the recurrences due today arise (one pass over the
    stacked issues)."""
    upkeep_batch([model.upkeep for model in batch.models], batch.households, batch.issues, day)


def _discovery(batch: CommunityBatch, day: int) -> None:
    """Unseen issues of every community are reported or found (one pass over the stacked issues)."""
    discover_batch([model.discovery for model in batch.models], batch.households, batch.issues, day)


def _escalation(batch: CommunityBatch, day: int) -> None:
    """Overdue issues of every community climb the ladder; residents call 12345 (one pass over the stacked issues)."""
    escalate_batch([model.escalation for model in batch.models], batch.households, batch.issues, day)


def _agreement(batch: CommunityBatch, day: int) -> None:
    """Talks on every community's collective issues (one pass over the stacked issues)."""
    agreement_batch([model.agreement for model in batch.models], batch.households, batch.issues, day)


def _arrival(batch: CommunityBatch, day: int) -> None:
    """New issues in every community (each draws its own; added in one pass over the stacked issues)."""
    arrive_batch([model.arrival for model in batch.models], batch.households, batch.issues, day)


def _prune(batch: CommunityBatch, day: int) -> None:
    """Every community drops its closed issues from its open rows (one pass over the stacked issues)."""
    batch.issues.prune_closed()


BATCHED: dict[str, Callable[[CommunityBatch, int], None]] = {
    "arrival": _arrival,
    "agreement": _agreement,
    "escalation": _escalation,
    "discovery": _discovery,
    "service": _service,
    "upkeep": _upkeep,
    "abandonment": _abandonment,
    "volunteering": _volunteering,
    "party": _party,
    "drift": _drift,
    "prune": _prune,
    "record": _record,
}
"""Phases of the lifecycle with a batched form, by name: ``phase(batch, day)`` does for every community of the
batch what the community's own phase does (bit for bit)."""


__all__ = ["BATCHED", "CommunityBatch", "StackedHouseholds"]
