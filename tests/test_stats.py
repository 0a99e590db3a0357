"""The shared statistics (analysis/stats.py) against scipy's own implementations and their edge cases."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as scipy_stats

from cogov.analysis.stats import mean_test, paired_difference, t_half_width, t_interval


def test_t_interval_equals_scipy():
    x = np.random.default_rng(0).normal(3.0, 2.0, 12)
    mean, low, high = t_interval(x)
    expected = scipy_stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=scipy_stats.sem(x))
    assert (low, high) == pytest.approx(expected) and mean == pytest.approx(x.mean())
    assert t_half_width(x, 0.99) > t_half_width(x, 0.95)


def test_too_few_values_give_nan_not_an_error():
    assert np.isnan(t_interval([1.0])[1]) and t_interval([1.0])[0] == 1.0
    assert all(np.isnan(v) for v in t_interval([]))
    assert np.isnan(mean_test([0.3]))
    single = paired_difference([1.0], [2.0])
    assert single.pairs == 1 and single.difference == 1.0 and np.isnan(single.p_value) and not single.distinguishable


def test_paired_difference_equals_the_paired_t_test():
    rng = np.random.default_rng(1)
    base = rng.normal(0.6, 0.05, 20)
    other = base + rng.normal(0.01, 0.01, 20)
    result = paired_difference(base, other)
    assert result.p_value == pytest.approx(scipy_stats.ttest_rel(other, base).pvalue)
    diff = other - base
    assert result.dz == pytest.approx(diff.mean() / diff.std(ddof=1))
    assert result.cohens_d == pytest.approx(diff.mean() / np.sqrt((base.var(ddof=1) + other.var(ddof=1)) / 2))
    assert result.distinguishable and result.ci_low > 0


def test_pairs_with_a_missing_value_are_left_out():
    result = paired_difference([1.0, np.nan, 3.0, 4.0], [2.0, 5.0, np.nan, 6.0])
    assert result.pairs == 2 and result.difference == pytest.approx(1.5)


@pytest.mark.parametrize(("values", "alternative", "p"), [
    ([2.0, 2.0, 2.0], "greater", 0.0), ([2.0, 2.0, 2.0], "less", 1.0), ([0.0, 0.0], "two-sided", 1.0),
    ([-1.0, -1.0], "two-sided", 0.0),
])
def test_constant_values_are_judged_by_their_sign(values, alternative, p):
    assert mean_test(values, alternative) == p


def test_one_sided_test_halves_the_two_sided_p_in_the_right_direction():
    x = np.random.default_rng(2).normal(0.5, 1.0, 15)
    two = mean_test(x)
    assert mean_test(x, "greater") == pytest.approx(two / 2)
    assert mean_test(x, "less") == pytest.approx(1 - two / 2)


def test_holm_steps_down_and_keeps_order():
    from cogov.analysis.stats import holm

    # Holm (1979) by hand: sorted p 0.01, 0.02, 0.03, 0.04 times 4, 3, 2, 1 -> 0.04, 0.06, 0.06, 0.06 (monotone)
    adjusted = holm([0.03, 0.01, 0.04, 0.02])
    assert adjusted.tolist() == pytest.approx([0.06, 0.04, 0.06, 0.06])
    assert holm([0.5, 0.9]).tolist() == pytest.approx([1.0, 1.0])  # capped at 1
    with_nan = holm([0.01, float("nan"), 0.04])  # an undefined test is not in the family
    assert with_nan[0] == pytest.approx(0.02) and np.isnan(with_nan[1]) and with_nan[2] == pytest.approx(0.04)
    assert np.isnan(holm([float("nan")])).all() and len(holm([])) == 0


def test_practical_size_against_the_smallest_meaningful_difference():
    from cogov.analysis.stats import practical_size

    assert practical_size(0.03, 0.02, 0.04, 0.01) == "meaningful"
    assert practical_size(-0.03, -0.04, -0.02, 0.01) == "meaningful"
    assert practical_size(0.010, 0.008, 0.012, 0.01) == "uncertain"  # straddles what matters
    assert practical_size(0.004, 0.003, 0.005, 0.01) == "below"
    assert practical_size(0.0, -0.02, 0.02, 0.01) == "uncertain"  # could be either way, and large
    assert practical_size(1.0, float("nan"), float("nan"), 0.01) == "n/a"


def test_p_values_are_written_without_scientific_notation():
    from cogov.analysis.wording import format_p

    assert [format_p(p) for p in (3e-12, 0.00099, 0.0012, 0.049, 0.5, 1.0, float("nan"))] == [
        "< 0.001", "< 0.001", "0.0012", "0.049", "0.5", "1", "n/a"]
