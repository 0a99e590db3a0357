"""Seeds of runs: derived from (master seed, replicate index) only.

Replicates differ; the same replicate index gets the same seed at every design point, so design
points are compared on common random numbers; and a run's seed never depends on which worker or
backend ran it, or in what order.
"""

from __future__ import annotations

import numpy as np

SEED_BITS = 63


def replicate_seed(master_seed: int, replicate: int) -> int:
    """The seed of replicate ``replicate`` under ``master_seed`` (a 63-bit integer)."""
    state = np.random.SeedSequence([master_seed, replicate]).generate_state(1, dtype=np.uint64)[0]
    return int(state) >> (64 - SEED_BITS)
