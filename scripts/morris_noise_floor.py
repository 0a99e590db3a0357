"""The noise floor of a Morris screen of the model: the μ* a parameter with no real effect would get.

With common random numbers (every design point of a replicate runs on the same seed) an elementary
effect is not free of noise: any change of a parameter that changes one decision sends the rest of the
run down another random path. This script measures how large that makes |elementary effects| of a
parameter whose real effect is nil: it changes each of several parameters by a negligible amount (1 % of
its value, up and down), runs the default community for a year on the experiment's replicate seeds,
and reports mean |mean over replicates of the change| / Δ, Δ = levels / (2 (levels − 1)) being the
Morris step in the unit range (the same scaling as SALib's μ*). A parameter whose μ* is within this
floor cannot be told from one that does nothing.

    .venv/bin/python scripts/morris_noise_floor.py                 # experiments/examples/morris_loops.toml
    .venv/bin/python scripts/morris_noise_floor.py --workers 2
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from cogov.experiments.seeds import replicate_seed
from cogov.experiments.spec import load_experiment
from cogov.sim.model import CommunityModel

OUTPUTS = ("resolution_rate", "satisfaction_mean", "trust_mean", "volunteer_share", "branch_strength")
NUDGES = (0.99, 1.01)
"""Each parameter is set to these multiples of its default: 1 % of the value, about 1/130 of a Morris step
of the screen's ranges (Δ = 2/3 of a range of about twice the default), so its own effect is negligible, yet
enough to change some decision in almost every run."""
NUDGED = ("links.asked_to_volunteer", "links.trust_to_volunteer", "links.trust_to_cooperation",
          "links.participation_to_ties", "links.participation_to_trust", "links.results_to_strength",
          "links.overload_to_strength", "links.broker_information", "links.fees_to_quality",
          "party.growth_rate", "party.decay_rate", "behaviour.satisfaction.word_of_mouth",
          "behaviour.satisfaction.disposition_weight", "service.rework_probability")
"""Parameters nudged (those of the screen with a non-zero default that a tiny change keeps in range)."""


def one_run(job: tuple[str, int, int, dict[str, float]]) -> tuple[int, dict[str, float]]:
    """One run of ``(scenario, days, seed, overrides)``: its seed and the screened outputs."""
    scenario, days, seed, overrides = job
    model = CommunityModel(scenario, rng=seed, days=days, **overrides)
    model.run()
    return seed, {name: float(model.metrics[name]) for name in OUTPUTS}


def main() -> None:
    """Nudge each parameter by ±1 % and print the μ* that noise alone gives each output."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("experiment", nargs="?", default="experiments/examples/morris_loops.toml")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    experiment = load_experiment(Path(args.experiment))
    section = experiment.spec.experiment
    seeds = [replicate_seed(section.master_seed, r) for r in range(section.replicates)]
    base_config = CommunityModel(section.scenario, rng=0, days=1).config
    defaults = {path: float(_get(base_config, path)) for path in NUDGED}
    jobs = [(section.scenario, section.days, seed, {}) for seed in seeds]
    nudges = [(path, factor) for path in NUDGED for factor in NUDGES]
    jobs += [(section.scenario, section.days, seed, {path: defaults[path] * factor})
             for path, factor in nudges for seed in seeds]
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(one_run, jobs, chunksize=1))
    base = {seed: values for (seed, values), job in zip(results, jobs) if not job[3]}
    delta = section.morris_levels / (2 * (section.morris_levels - 1))
    effects = {name: [] for name in OUTPUTS}
    changed = 0
    for k in range(len(nudges)):
        rows = results[len(seeds) * (k + 1): len(seeds) * (k + 2)]
        if all(values == base[seed] for seed, values in rows):
            continue  # no decision changed: not a sample of the noise
        changed += 1
        for name in OUTPUTS:
            diff = np.mean([values[name] - base[seed][name] for seed, values in rows])
            effects[name].append(abs(diff) / delta)
    print(f"{experiment.name}: {len(NUDGED)} parameters × {len(NUDGES)} nudges (× {', '.join(map(str, NUDGES))} "
          f"of the default), {section.replicates} replicate seeds, {section.days} days; {changed} of {len(nudges)} "
          f"nudges changed a run (only those count)")
    print(f"{'output':20s} {'floor μ* (mean)':>16s} {'90th percentile':>16s} {'max':>10s}")
    for name in OUTPUTS:
        values = np.asarray(effects[name])
        print(f"{name:20s} {values.mean():16.4g} {np.percentile(values, 90):16.4g} {values.max():10.4g}")


def _get(config, path: str):
    value = config
    for part in path.split("."):
        value = getattr(value, part)
    return value


if __name__ == "__main__":
    main()
