"""MetricsCollector: Mesa's DataCollector over a model's ``metrics`` dict.

A community (and a street) computes its daily metrics once, as a dict of numbers (``model.metrics``); the collector
records them with Mesa's DataCollector, so that ``model.datacollector.get_model_vars_dataframe()`` and everything
built on it work as Mesa users expect. Mesa's own ``collect`` looks each reporter up on the model and deep-copies
the value; for numbers read from one dict neither is needed, and on a community's day they cost as much as a
mechanism (measured: ``benchmarks/benchmark.py``). So ``collect`` keeps the day's dict (a new one each day, never
changed after) and ``model_vars`` moves the days kept so far into its lists when it is read: one pass per column
instead of an append per metric a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mesa import DataCollector


class MetricsCollector(DataCollector):
    """A DataCollector whose model reporters are the keys of ``model.metrics`` (numbers), collected as they are."""

    def __init__(self, names: Sequence[str]):
        self._days: list[dict[str, Any]] = []
        """Each day's ``model.metrics`` collected and not yet in ``model_vars``."""
        super().__init__(model_reporters={name: name for name in names})

    @property  # type: ignore[override]
    def model_vars(self) -> dict[str, list[Any]]:
        """Mesa's model variables: each metric's list of values, one per collection (up to date when read)."""
        days = self._days
        if days:
            for name, values in self._model_vars.items():
                values.extend([day[name] for day in days])
            days.clear()
        return self._model_vars

    @model_vars.setter
    def model_vars(self, value: dict[str, list[Any]]) -> None:
        self._model_vars = value

    def collect(self, model: Any) -> None:
        """Keep today's metrics (``model.metrics``), as Mesa's collect would record each of them."""
        if hasattr(self, "_collection_steps"):  # as Mesa's collect: the model time of each collection
            self._collection_steps.append(model.time)
        self._days.append(model.metrics)


__all__ = ["MetricsCollector"]
