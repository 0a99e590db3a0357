"""Independent random streams per process, for common random numbers across scenarios.

All streams derive from the model's seed. Because each process draws from its own stream, two
scenarios run with the same seed see the same community, the same households and the same
issues arising on the same days, even when a lever changes how many numbers another process
draws. Paired comparisons between scenarios are then far less noisy.
"""

from __future__ import annotations

import numpy as np

STREAMS: tuple[str, ...] = (
    "layout", "population", "organisations", "arise", "discover", "agreement",
    "service", "abandon", "volunteer", "replacement", "party", "mediation",
    "self_management", "committee_formation",
    "service_purchasing", "digital", "care", "posts",
    "activities", "fallback_property", "needs",
    "work_units", "teams", "legal", "five_ones", "elections", "upkeep", "interventions",
)
"""New streams go at the end: the first ones then stay what they were (``SeedSequence.spawn`` numbers its
children in order). ``interventions`` draws only for organisations set up by a change during the run whose set-up at
build draws from a stream other processes share (the party organisations red property gives companies mid-run)."""


class RandomStreams:
    """Named numpy generators spawned from one seed sequence (``streams.arise.random()``)."""

    def __init__(self, seed_sequence: np.random.SeedSequence):
        children = seed_sequence.spawn(len(STREAMS))
        for name, child in zip(STREAMS, children, strict=True):
            setattr(self, name, np.random.default_rng(child))

    def __getattr__(self, name: str) -> np.random.Generator:
        raise AttributeError(f"no random stream {name!r}; streams: {', '.join(STREAMS)}")
