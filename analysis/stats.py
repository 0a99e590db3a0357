"""The statistics every comparison in cogov uses, written once.

- :func:`t_half_width` / :func:`t_interval`: the mean of replicate values and its two-sided
  Student-t confidence interval (the replicates are independent runs, so their mean is
  t-distributed whatever the outcome's distribution once a handful of runs is averaged).
- :func:`paired_difference`: two arms run on the same replicate seeds (common random numbers),
  compared pair by pair: the mean difference with its t-interval, the paired t-test, Cohen's d
  (difference over the pooled SD of the two arms) and d_z (difference over the SD of the
  differences).

Pattern validation, calibration, scenario comparison, figures and reports all call these, so an
interval means the same thing everywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

CONFIDENCE = 0.95
"""Default confidence level of every interval."""

Alternative = Literal["two-sided", "greater", "less"]


def t_quantile(n: int, confidence: float = CONFIDENCE) -> float:
    """The two-sided Student-t quantile for ``n`` values (``n - 1`` degrees of freedom); NaN below 2."""
    return float(stats.t.ppf(0.5 + confidence / 2, n - 1)) if n >= 2 else float("nan")


def t_half_width(values: ArrayLike, confidence: float = CONFIDENCE) -> float:
    """Half-width of the t-interval of the mean of ``values`` (NaN with fewer than two values)."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n < 2:
        return float("nan")
    return t_quantile(n, confidence) * float(x.std(ddof=1)) / math.sqrt(n)


def t_interval(values: ArrayLike, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """``(mean, low, high)`` of ``values``; the bounds are NaN with fewer than two values, the mean
    with none."""
    x = np.asarray(values, dtype=float)
    if len(x) == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(x.mean())
    half = t_half_width(x, confidence)
    return mean, mean - half, mean + half


def mean_test(values: ArrayLike, alternative: Alternative = "two-sided") -> float:
    """p-value of the one-sample t-test that the mean of ``values`` is 0.

    Without spread (all values equal up to rounding) the t-test is undefined; the p-value is then 0
    when the (constant) value lies in the direction of ``alternative`` and 1 otherwise. NaN with
    fewer than two values.
    """
    x = np.asarray(values, dtype=float)
    if len(x) < 2:
        return float("nan")
    if np.allclose(x, x[0]):
        wanted = {"two-sided": x[0] != 0, "greater": x[0] > 0, "less": x[0] < 0}[alternative]
        return 0.0 if wanted else 1.0
    return float(stats.ttest_1samp(x, 0.0, alternative=alternative).pvalue)


@dataclass(frozen=True)
class PairedDifference:
    """``other − base`` compared pair by pair (replicate by replicate)."""

    pairs: int
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    cohens_d: float
    dz: float

    @property
    def distinguishable(self) -> bool:
        """True when the interval excludes 0 (the difference can be told apart from noise)."""
        return bool(np.isfinite(self.ci_low) and (self.ci_low > 0 or self.ci_high < 0))


def paired_difference(base: ArrayLike, other: ArrayLike, confidence: float = CONFIDENCE,
                      alternative: Alternative = "two-sided") -> PairedDifference:
    """Compare two arms run on the same seeds; pairs where either value is NaN are left out.

    Without spread in the differences the t-test is undefined; the p-value is then 0 when the
    (constant) difference lies in the direction of ``alternative`` and 1 otherwise.
    """
    a, b = np.asarray(base, dtype=float), np.asarray(other, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    a, b = a[keep], b[keep]
    diff = b - a
    n = len(diff)
    mean, low, high = t_interval(diff, confidence)
    sd_diff = float(diff.std(ddof=1)) if n > 1 else float("nan")
    pooled = math.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2) if n > 1 else float("nan")
    return PairedDifference(
        pairs=n, difference=mean, ci_low=low, ci_high=high, p_value=mean_test(diff, alternative),
        cohens_d=mean / pooled if pooled and pooled > 0 else float("nan"),
        dz=mean / sd_diff if sd_diff and sd_diff > 0 else float("nan"),
    )


def holm(p_values: ArrayLike) -> NDArray[np.float64]:
    """Holm's step-down adjustment of a family of p-values (Holm 1979): controls the chance of calling any true
    null 'distinguishable' at the nominal level, whatever the dependence between the tests. NaN p-values (tests that
    could not be made) are left NaN and do not count in the family."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    finite = np.flatnonzero(np.isfinite(p))
    m = len(finite)
    if m == 0:
        return adjusted
    order = finite[np.argsort(p[finite], kind="stable")]
    stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


def practical_size(difference: float, low: float, high: float, smallest: float) -> str:
    """How a difference compares with the smallest difference that matters (``smallest`` > 0, in the outcome's
    units): ``meaningful`` when the whole interval lies beyond it on the difference's side, ``below`` when the whole
    interval lies within ± it, ``uncertain`` when the interval straddles it, ``n/a`` when undefined."""
    if not (np.isfinite(difference) and np.isfinite(low) and np.isfinite(high)) or not smallest > 0:
        return "n/a"
    if low >= smallest or high <= -smallest:
        return "meaningful"
    if -smallest < low and high < smallest:
        return "below"
    return "uncertain"
