"""Experimental designs: from an experiment's parameter specs to a table of design points.

Full factorial (every combination of listed values or range levels), random and Latin hypercube
samples (scipy.stats.qmc), Sobol/Saltelli and Morris samples (SALib). Continuous designs sample in a
unit space per parameter: a range (uniform or log-uniform) maps linearly (or log-linearly); listed
values map by index, so booleans and categories can be part of any design.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import qmc

from cogov.experiments.spec import MAX_COMBINATIONS_SHOWN, Experiment, ParameterSpec
from cogov.sim.scenario import shown_key, shown_value


@dataclass(frozen=True)
class DesignTable:
    """Design points (one dict per point, in order) and the sample matrix behind them."""

    names: list[str]
    points: list[dict[str, Any]]
    matrix: np.ndarray  # (points, parameters), in each parameter's sampling space
    problem: dict[str, Any]  # SALib problem (names, bounds) for that space

    def __len__(self) -> int:
        return len(self.points)


def salib_problem(experiment: Experiment) -> dict[str, Any]:
    """The SALib problem: one bound per parameter in its sampling space."""
    bounds = [list(_bounds(spec)) for spec in experiment.spec.parameters.values()]
    return {"num_vars": len(bounds), "names": experiment.parameter_names, "bounds": bounds}


def _bounds(spec: ParameterSpec) -> tuple[float, float]:
    if spec.values is not None:
        return 0.0, float(len(spec.values))
    low, high = spec.range  # type: ignore[misc]
    return (math.log(low), math.log(high)) if spec.distribution == "loguniform" else (low, high)


def to_value(spec: ParameterSpec, x: float) -> Any:
    """Map a sample in the parameter's sampling space to the value a scenario receives."""
    if spec.values is not None:
        index = min(len(spec.values) - 1, max(0, math.floor(x)))
        return spec.values[index]
    value = math.exp(x) if spec.distribution == "loguniform" else float(x)
    return round(value) if spec.integer else value


def build_design(experiment: Experiment) -> DesignTable:
    """All design points of the experiment, deterministically from its master seed."""
    section = experiment.spec.experiment
    specs = list(experiment.spec.parameters.values())
    names = experiment.parameter_names
    problem = salib_problem(experiment)
    if section.design == "full_factorial":
        axes = [_levels(spec) for spec in specs]
        matrix = np.array(list(itertools.product(*[np.arange(len(a)) for a in axes])), dtype=float)
        points = [{n: axis[int(i)] for n, axis, i in zip(names, axes, row, strict=True)} for row in matrix]
        return DesignTable(names, points, matrix, problem)
    matrix = _sample(section.design, problem, section)
    points = [{n: to_value(spec, x) for n, spec, x in zip(names, specs, row, strict=True)} for row in matrix]
    return DesignTable(names, points, matrix, problem)


def _levels(spec: ParameterSpec) -> list[Any]:
    if spec.values is not None:
        return list(spec.values)
    low, high = _bounds(spec)
    return [to_value(spec, x) for x in np.linspace(low, high, spec.levels or 2)]


def _sample(design: str, problem: dict[str, Any], section: Any) -> np.ndarray:
    bounds = np.asarray(problem["bounds"], dtype=float)
    lows, highs = bounds[:, 0], bounds[:, 1]
    if design == "random":
        unit = np.random.default_rng(section.master_seed).random((section.samples, len(lows)))
        return lows + unit * (highs - lows)
    if design == "latin_hypercube":
        unit = qmc.LatinHypercube(d=len(lows), seed=section.master_seed).random(section.samples)
        return qmc.scale(unit, lows, highs)
    if design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, section.samples, calc_second_order=section.second_order, seed=section.master_seed)
    if design == "morris":
        from SALib.sample import morris

        return morris.sample(problem, section.samples, num_levels=section.morris_levels, seed=section.master_seed)
    raise ValueError(f"unknown design {design!r}")


def level_count(spec: ParameterSpec) -> int:
    """Values one parameter takes in a full factorial (without computing them)."""
    return len(spec.values) if spec.values is not None else (spec.levels or 2)


def check_design(experiment: Experiment, shown: int = MAX_COMBINATIONS_SHOWN) -> list[str]:
    """Combinations of values the design would run that are invalid together, though each value is valid
    alone (trust's down_rate below its up_rate, shares that no longer sum to 1): a line counting them,
    then at most ``shown`` of them, one a line.

    A full factorial is checked on every combination of the interacting parameters' values; a sampled
    design on every design point. Only parameters that share a section validated as a whole can
    interact (the target's ``interaction_groups``), so this costs microseconds per combination, not a
    validation of the whole scenario per design point.
    """
    target = experiment.target
    groups_of = getattr(target, "interaction_groups", None)
    if groups_of is None:  # a target whose parameters never interact (e.g. Ishigami)
        return []
    specs = experiment.spec.parameters
    groups = groups_of(list(specs))
    if not groups:
        return []
    factorial = experiment.spec.experiment.design == "full_factorial"
    verdicts: dict[tuple[int, tuple[Any, ...]], list[str]] = {}

    def judge(index: int, combo: tuple[Any, ...]) -> list[str]:
        key = (index, combo)
        if key not in verdicts:
            verdicts[key] = target.combination_problems(dict(zip(groups[index], combo, strict=True)))
        return verdicts[key]

    bad_points = 0
    if factorial:
        for index, group in enumerate(groups):
            for combo in itertools.product(*(_levels(specs[name]) for name in group)):
                judge(index, tuple(_plain(v) for v in combo))
    else:
        points = build_design(experiment).points
        for point in points:
            found = [judge(i, tuple(_plain(point[name]) for name in group)) for i, group in enumerate(groups)]
            bad_points += any(found)
    invalid = [(groups[i], combo, found) for (i, combo), found in verdicts.items() if found]
    if not invalid:
        return []
    if factorial:
        many = len(invalid) > 1
        head = (f"parameters: {len(invalid):,} combination{'s' if many else ''} of values {'are' if many else 'is'} "
                "invalid together (each value is valid alone); change the values so that every combination is "
                "valid, or split the experiment")
    else:
        head = (f"parameters: {bad_points:,} of {len(points):,} design points are invalid (each value is valid "
                "alone, not together); narrow the ranges so that every point is valid")
    problems = [head]
    for group, combo, found in invalid[:shown]:
        named = ", ".join(f"{shown_key(k)} = {shown_value(v)}" for k, v in zip(group, combo, strict=True))
        problems.append(f"parameters: {named}: {'; '.join(found)}")
    if len(invalid) > shown:
        problems.append(f"parameters: … and {len(invalid) - shown:,} more")
    return problems


def _plain(value: Any) -> Any:
    """numpy scalars (levels of a range) as Python numbers, as a scenario file would give them."""
    return value.item() if hasattr(value, "item") else value


def run_count(experiment: Experiment) -> int:
    """Number of runs the experiment needs (points × replicates), without sampling."""
    section = experiment.spec.experiment
    d = len(experiment.spec.parameters)
    if section.design == "full_factorial":
        points = math.prod(level_count(s) for s in experiment.spec.parameters.values())
    elif section.design == "sobol":
        points = section.samples * ((2 * d + 2) if section.second_order else (d + 2))
    elif section.design == "morris":
        points = section.samples * (d + 1)
    else:
        points = section.samples
    return points * section.replicates
