"""Behavioural building blocks and the queue server, checked against their defining properties."""

import numpy as np
import pytest

from cogov.sim.behaviour import (
    adapt_expectation,
    asymmetric_update,
    bounded_confidence_meeting,
    episode_satisfaction,
    grievance,
    logistic,
    motivation_after_session,
    perceived_performance,
    reward_salience,
)
from cogov.sim.handlers import serve_queues
from cogov.sim.layout import quota_allocation


def test_logistic_is_symmetric_and_monotone():
    u = np.linspace(-5, 5, 11)
    p = logistic(u)
    assert np.all(np.diff(p) > 0)
    assert np.allclose(p + logistic(-u), 1.0)
    assert logistic(0.0) == pytest.approx(0.5)


def test_expectation_disconfirmation():
    p = np.array([0.8, 0.8])
    e = np.array([0.5, 0.9])
    s = episode_satisfaction(p, e, intercept=0.1, weight=0.8, disconfirmation=0.1)
    assert s[0] > s[1]  # same performance, lower expectation -> more satisfied
    assert s[0] == pytest.approx(0.1 + 0.8 * 0.8 + 0.1 * 0.3)
    assert np.allclose(adapt_expectation(e, p, 0.1), e + 0.1 * (p - e))


def test_timeliness_lowers_perceived_performance():
    fixed = np.ones(3)
    p = perceived_performance(fixed, np.array([0.0, 14.0, 60.0]), outcome_weight=0.6, timeliness_days=14.0)
    assert p[0] == pytest.approx(1.0)
    assert p[1] == pytest.approx(0.6 + 0.4 * np.exp(-1))
    assert np.all(np.diff(p) < 0)


def test_trust_falls_faster_than_it_rises():
    start = np.array([0.5])
    up = asymmetric_update(start, np.array([0.9]), up_rate=0.05, down_rate=0.15) - start
    down = start - asymmetric_update(start, np.array([0.1]), up_rate=0.05, down_rate=0.15)
    assert down[0] == pytest.approx(3 * up[0])


def test_rewards_crowd_out_and_feedback_crowds_in():
    m = np.array([0.5, 0.5])
    salience = reward_salience(20.0, 20.0)
    assert salience == pytest.approx(0.5) and reward_salience(0.0, 20.0) == 0.0
    after = motivation_after_session(m, np.array([0.0, 1.0]), salience, 0.1, feedback_boost=0.5, crowding_out=0.5)
    assert after[0] < 0.5 < after[1]
    neutral = motivation_after_session(m, np.zeros(2), salience, 0.1, feedback_boost=0.5, crowding_out=0.0)
    assert np.allclose(neutral, m)


def test_grievance_grows_with_waiting_and_falls_with_trust():
    g = grievance(np.full(3, 0.8), np.array([0.0, 10.0, 100.0]), np.full(3, 0.2), hardship_days=21.0)
    assert g[0] == 0 and g[1] < g[2] < 0.8 * 0.8
    assert grievance(np.array([0.8]), np.array([30.0]), np.array([0.9]), 21.0) < g[1:2] * 2


def test_bounded_confidence_meets_within_bound_and_sours_outside():
    gap = np.array([0.2, 0.5])
    after = bounded_confidence_meeting(gap, np.array([0.3, 0.3]), convergence=0.25, souring=0.05)
    assert after[0] == pytest.approx(0.1) and after[1] == pytest.approx(0.55)


@pytest.mark.parametrize("total", [0, 1, 7, 100, 101])
def test_quota_allocation_sums_and_is_close_to_shares(total):
    shares = (0.3, 0.1, 0.2, 0.15, 0.25)
    counts = quota_allocation(shares, total)
    assert counts.sum() == total
    assert np.all(np.abs(counts - np.array(shares) * total) < 1)


def _reference_fifo(handler, queued, rows, work, capacity):
    """Plain-Python FIFO server used as the oracle for the vectorised one."""
    left = work.astype(float).copy()
    used = np.zeros_like(capacity)
    for h in np.unique(handler):
        budget = capacity[h]
        for i in sorted(np.flatnonzero(handler == h), key=lambda i: (queued[i], rows[i])):
            take = min(budget, left[i])
            left[i] -= take
            budget -= take
            used[h] += take
    return rows[left <= 1e-12], left, used


def test_serve_queues_matches_plain_fifo_oracle():
    rng = np.random.default_rng(0)
    for _ in range(50):
        n = int(rng.integers(1, 60))
        handler = rng.integers(0, 5, n)
        queued = rng.integers(0, 10, n)
        rows = rng.permutation(1000)[:n]
        work = rng.lognormal(0.5, 0.8, n)
        capacity = rng.uniform(0, 8, 5)
        done, left, used = serve_queues(handler, queued, rows, work, capacity)
        ref_done, ref_left, ref_used = _reference_fifo(handler, queued, rows, work, capacity)
        assert set(done) == set(ref_done)
        assert np.allclose(left, ref_left) and np.allclose(used, ref_used)
        assert np.all(used <= capacity + 1e-9)
