"""Behavioural building blocks as pure, vectorised functions.

Each function implements one accepted form from ``../shared/design/behaviour-building-blocks.md``
so that it can be tested on its own and reused by every process of the model.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cogov.sim.fast import clip

FloatArray = NDArray[np.float64]


def logistic(utility: FloatArray | float) -> FloatArray:
    """Binary-logit choice probability for a utility (standard discrete choice)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(utility, dtype=float)))


def perceived_performance(
    fixed: FloatArray, days_to_close: FloatArray, outcome_weight: float, timeliness_days: float
) -> FloatArray:
    """Perceived performance P of a service episode: outcome and timeliness (Van Ryzin 2004)."""
    timeliness = np.exp(-np.asarray(days_to_close, dtype=float) / timeliness_days)
    return clip(outcome_weight * fixed + (1.0 - outcome_weight) * timeliness, 0.0, 1.0)


def episode_satisfaction(
    performance: FloatArray, expectation: FloatArray, intercept: float, weight: float, disconfirmation: float
) -> FloatArray:
    """Expectation-disconfirmation: S = a + b·P + c·(P − E), clipped to [0, 1] (Oliver 1980)."""
    value = intercept + weight * performance + disconfirmation * (performance - expectation)
    return clip(value, 0.0, 1.0)


def adapt_expectation(expectation: FloatArray, performance: FloatArray, rate: float) -> FloatArray:
    """Adaptive expectations: E ← E + λ(P − E)."""
    return expectation + rate * (performance - expectation)


def asymmetric_update(current: FloatArray, experience: FloatArray, up_rate: float, down_rate: float) -> FloatArray:
    """Exponential smoothing with a larger rate for bad experiences (negativity asymmetry; Slovic 1993)."""
    rate = np.where(experience >= current, up_rate, down_rate)
    return current + rate * (experience - current)


def reward_salience(reward_per_hour: float, reference: float) -> float:
    """Salience of a tangible reward, in [0, 1): one half at the reference value."""
    return reward_per_hour / (reward_per_hour + reference) if reward_per_hour > 0 else 0.0


def motivation_after_session(
    motivation: FloatArray,
    feedback: FloatArray,
    salience: float,
    learning_rate: float,
    feedback_boost: float,
    crowding_out: float,
) -> FloatArray:
    """Crowding out by tangible rewards and crowding in by feedback (Deci et al. 1999; Frey & Goette 1999)."""
    change = learning_rate * (feedback_boost * feedback - crowding_out * salience)
    return clip(motivation + change, 0.0, 1.0)


def grievance(severity: FloatArray, waited_days: FloatArray, trust: FloatArray, hardship_days: float) -> FloatArray:
    """Epstein's grievance = hardship × (1 − legitimacy); hardship grows with waiting (Epstein 2002)."""
    hardship = severity * (1.0 - np.exp(-waited_days / hardship_days))
    return hardship * (1.0 - trust)


def bounded_confidence_meeting(
    gap: FloatArray, confidence: FloatArray, convergence: float, souring: float
) -> FloatArray:
    """One meeting in bounded-confidence dynamics (Deffuant et al. 2000).

    Two parties whose positions differ by ``gap`` each move ``convergence`` of the way to the
    other when the gap is within their confidence bound, so the gap shrinks by ``2·convergence``;
    otherwise the talk fails and positions harden by ``souring``.
    """
    within = gap < confidence
    return np.where(within, gap * (1.0 - 2.0 * convergence), np.minimum(1.0, gap + souring))


def mediated_confidence(confidence: FloatArray) -> FloatArray:
    """The confidence bound of a meeting a trusted mediator runs: twice the parties' own.

    With a mediator both sides move towards the mediator's proposal, the midpoint, instead of towards each
    other, so each needs to accept a distance of only half the gap: parties ``gap`` apart agree to talk
    when ``gap / 2 < ε``, i.e. ``gap < 2ε`` (bounded confidence with a third party; Deffuant et al. 2000's
    rule applied to each side's distance to the proposal).
    """
    return 2.0 * np.asarray(confidence, dtype=float)


def beta_shape(mean: float | FloatArray, concentration: float | FloatArray) -> tuple[FloatArray, FloatArray]:
    """The Beta distribution's two shape parameters (a, b) for a mean and a concentration (a + b); elementwise, so
    a batch computes every community's at once and each community draws with its own slice
    (:func:`cogov.sim.mechanisms.agreement.open_batch`)."""
    mean = np.clip(np.asarray(mean, dtype=float), 1e-3, 1 - 1e-3)
    return mean * concentration, (1.0 - mean) * concentration


def beta_with_mean(rng: np.random.Generator, mean: float | FloatArray, concentration: float, size: int) -> FloatArray:
    """Beta draws parameterised by mean and concentration (a + b)."""
    a, b = beta_shape(mean, concentration)
    return rng.beta(a, b, size=size)
