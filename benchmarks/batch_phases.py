"""Where a community's day goes inside a batch: each phase of the lifecycle timed, in µs per community-day.

Usage::

    python benchmarks/batch_phases.py [--replicates R] [--households N] [--days D]

Steps a :class:`cogov.sim.batch.CommunityBatch` of ``R`` replicates of the default scenario as
:meth:`~cogov.sim.batch.CommunityBatch.step` does, timing each phase (batched ones marked ``B``) and the Mesa clock.
The phases not yet batched, and the per-community part of the batched ones, are what stands between a batch and the
issue 13 targets (``docs/ODD.md`` §9.8). One run, timings in one process: read them as shares, not as absolutes.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def phase_times(replicates: int, households: int | None, days: int) -> tuple[dict[str, float], float]:
    """Seconds spent in each phase (and ``clock``) over the run, and the total."""
    from cogov.sim.batch import CommunityBatch

    overrides = {} if households is None else {"community.households": households}
    batch = CommunityBatch.of("default", range(replicates), days=days, **overrides)
    batch.phase_seconds = {}
    while batch.running:
        batch.step()
    return batch.phase_seconds, sum(batch.phase_seconds.values())


def main(argv: Sequence[str] | None = None) -> int:
    """Print the phases by time, in µs per community-day."""
    from cogov.sim.batch import BATCHED

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=64)
    parser.add_argument("--households", type=int, default=200, help="community.households (default 200)")
    parser.add_argument("--days", type=int, default=120)
    args = parser.parse_args(argv)
    spent, total = phase_times(args.replicates, args.households, args.days)
    per = 1e6 / (args.replicates * args.days)
    print(f"{args.replicates} replicates of {args.households} households, {args.days} days: "
          f"{total * per:.0f} µs per community-day")
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        mark = "B" if name in BATCHED else " "
        print(f"  {name:<22} {seconds * per:8.1f} µs  {100 * seconds / total:5.1f} %  {mark}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
