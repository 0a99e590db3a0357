"""numpy's numbers without numpy's Python-level dispatch.

A community's arrays are small (thousands of households, tens of organisations), so ``np.clip`` and ``np.mean``
spend more time dispatching than computing, and the model calls them thousands of times a year. These helpers call
the ufuncs directly and give the same numbers, bit for bit (golden snapshots): ``np.clip`` is a maximum then a
minimum; ``np.mean`` of a float array is its pairwise sum over its length, and of a boolean array an exact count
over its length.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray


def clip(values: Any, low: Any, high: Any, out: NDArray[np.float64] | None = None) -> Any:
    """``np.clip(values, low, high)`` (NaN stays NaN)."""
    return np.minimum(np.maximum(values, low), high, out=out)


def mean(values: NDArray[np.float64]) -> float:
    """``float(np.mean(values))`` of a non-empty float array."""
    return float(values.sum() / len(values))


def share(mask: NDArray[np.bool_]) -> float:
    """``float(np.mean(mask))`` of a non-empty boolean array: the share of True."""
    return np.count_nonzero(mask) / len(mask)


__all__ = ["clip", "mean", "share"]
