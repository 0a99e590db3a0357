"""MetricsCollector: Mesa's DataCollector over a model's ``metrics`` dict.

A community (and a street) computes its daily metrics once, as a dict of numbers (``model.metrics``); the collector
records them with Mesa's DataCollector, so that ``model.datacollector.get_model_vars_dataframe()`` and everything
built on it work as Mesa users expect. Mesa's own ``collect`` looks each reporter up on the model and deep-copies
the value; for numbers read from one dict neither is needed, and on a community's day they cost as much as a
mechanism (measured: ``benchmarks/benchmark.py``), so ``collect`` appends the numbers directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mesa import DataCollector


class MetricsCollector(DataCollector):
    """A DataCollector whose model reporters are the keys of ``model.metrics`` (numbers), collected as they are."""

    def __init__(self, names: Sequence[str]):
        super().__init__(model_reporters={name: name for name in names})

    def collect(self, model: Any) -> None:
        """Append today's value of every metric (``model.metrics[name]``)."""
        metrics = model.metrics
        if hasattr(self, "_collection_steps"):  # as Mesa's collect: the model time of each collection
            self._collection_steps.append(model.time)
        for name, values in self.model_vars.items():
            values.append(metrics[name])


__all__ = ["MetricsCollector"]
