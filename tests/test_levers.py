"""Every lever moves the outcome it should, in the documented direction, and every feedback loop runs through
its state (``cogov.analysis.patterns``).

Each lever pattern compares two arms of a controlled setting that differ only in the lever, on the
same 8 seeds (common random numbers, ``cogov.sim.streams``), and passes by a one-sided paired t-test at
p < 0.01 — or, where the lever changes the quantity by construction, by every paired difference
having the expected sign. The settings and the reason for each are documented in
``analysis/patterns.py``; the same patterns run at more replicates in ``cogov validate-model``.
"""

from __future__ import annotations

import pytest
from known_patterns import marked

from cogov.analysis.patterns import LEVER_PATTERNS, LOOP_PATTERNS, YEAR_PATTERNS, Pattern, PatternResult, select
from cogov.sim.config import Levers


@pytest.mark.parametrize("pattern", [marked(p) for p in select(LEVER_PATTERNS, fast_only=True)])
def test_lever_moves_its_outcome_in_the_documented_direction(pattern: Pattern, pattern_runner) -> None:
    result: PatternResult = pattern_runner.evaluate(pattern)
    assert result.passed, result.describe()


@pytest.mark.parametrize("pattern", [marked(p) for p in select(LOOP_PATTERNS, fast_only=True)])
def test_loop_runs_through_its_state_and_goes_with_its_link(pattern: Pattern, pattern_runner) -> None:
    """Each feedback loop moves its outcome through the named state; with the link off, the effect is absent."""
    result: PatternResult = pattern_runner.evaluate(pattern)
    assert result.passed, result.describe()


def test_every_lever_section_has_a_direction_check() -> None:
    """No lever goes untested: each section of ``levers`` is changed by at least one pattern (a lever pattern, or a
    multi-year one for arrangements that act over years)."""
    changed = {key.split(".")[1] for p in (*LEVER_PATTERNS, *YEAR_PATTERNS) for key in (p.change or {})
               if key.startswith("levers.")}
    assert set(Levers.model_fields) <= changed, f"untested levers: {set(Levers.model_fields) - changed}"
