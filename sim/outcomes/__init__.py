"""Outcomes of a run: how each is computed (:mod:`.metrics`) and what each means (:mod:`.registry`)."""

from cogov.sim.outcomes.metrics import DAILY_METRICS, daily_metrics, pattern_measures, summarise

__all__ = ["DAILY_METRICS", "daily_metrics", "pattern_measures", "summarise"]
