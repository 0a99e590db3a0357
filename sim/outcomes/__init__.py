"""Outcomes of a run: how each is computed (:mod:`.metrics`) and what each means (:mod:`.registry`)."""

from cogov.sim.outcomes.metrics import DAILY_METRICS, daily_metrics, pattern_measures, summarise
from cogov.sim.outcomes.registry import (
    OUTCOMES,
    Outcome,
    UndeclaredOutcome,
    outcome,
    outcome_names,
    outcomes,
    register,
    smallest_difference,
)

__all__ = ["DAILY_METRICS", "OUTCOMES", "Outcome", "UndeclaredOutcome", "daily_metrics", "outcome", "outcome_names",
           "outcomes", "pattern_measures", "register", "smallest_difference", "summarise"]
