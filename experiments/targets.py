"""What an experiment runs: the cogov model, or a test function with known answers.

A target knows its valid parameter paths, checks a value, names a run by its key, and runs one
(design point, seed) to a flat dict of outcomes (plus, optionally, a daily series). Targets are
chosen by name from this registry — never imported from a data file.

:func:`simulate` is the one place where a model is built and run to be measured: sweeps,
comparisons, pattern validation and calibration all reach it through :meth:`CogovTarget.run`.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from cogov.sim.batch import CommunityBatch
from cogov.sim.config import ScenarioConfig
from cogov.sim.model import CommunityModel
from cogov.sim.outcomes import pattern_measures
from cogov.sim.outcomes.registry import Outcome, Text, register
from cogov.sim.provenance import run_key, run_keys
from cogov.sim.scenario import (
    ScenarioError,
    apply_overrides,
    load_scenario,
    parameter_paths,
    resolve_path,
    scenario_digest,
    section_problems,
    validator_section,
)


@dataclass(frozen=True)
class RunOutput:
    """One run's outcomes: a flat dict of numbers, and optionally a long daily series."""

    summary: dict[str, float]
    series: pd.DataFrame | None = None


class Target(Protocol):
    """Something an experiment can run."""

    name: str
    base_digest: str

    def parameter_paths(self) -> list[str]:
        """Valid parameter paths."""
        ...

    def check(self, path: str, value: Any) -> None:
        """Raise :class:`ScenarioError` if ``value`` is not allowed at ``path``."""
        ...

    def run(self, point: dict[str, Any], seed: int, series_every: int | None) -> RunOutput:
        """Run one design point with one seed."""
        ...

    def run_key(self, point: dict[str, Any], seed: int) -> str:
        """A key that changes whenever the run's numbers could: equal keys mean a stored run may be reused."""
        ...

    def run_keys(self, point: dict[str, Any], seeds: Sequence[int]) -> list[str]:
        """:meth:`run_key` of one point with each of ``seeds`` (what is per point is done once)."""
        ...


SCENARIO_PARAMETER = "scenario"
"""A parameter whose values are whole scenarios (names or files): compares arrangements side by side."""


def simulate(config: ScenarioConfig, seed: int, series_every: int | None = None) -> RunOutput:
    """Build the model for (``config``, ``seed``), run it to its horizon and return its outcomes.

    The summary is flat: the final daily metrics, the pattern measures
    (:func:`cogov.sim.outcomes.pattern_measures`), satisfaction by compound type and by resident
    group (``satisfaction_*``), agent counts (``count_*``), the generated community's
    descriptors (``community_*``, e.g. ``community_property_management_share``) and the money spent on each item of
    the cost ledger (``spent_*``; the public items add up to ``cost_total``). With
    ``series_every`` = k, the daily series is kept for every k-th day (long format, a ``day`` column).
    """
    model = CommunityModel(config, rng=seed, household_agents="on_demand")  # a sweep reads tables, not agents
    return run_output(model, model.run(), series_every)


def simulate_batch(configs: ScenarioConfig | Sequence[ScenarioConfig], seeds: Sequence[int],
                   series_every: int | None = None) -> list[RunOutput]:
    """:func:`simulate` for each of ``seeds`` with its scenario (``configs``: one for all, or one per seed: a sweep's
    design points), the runs stepped together in a :class:`~cogov.sim.batch.CommunityBatch` (one per horizon,
    ``simulation.days``, since a batch's communities share their days): the same outputs, bit for bit, as one run
    per seed."""
    if isinstance(configs, ScenarioConfig):
        configs = [configs] * len(seeds)
    outputs: list[RunOutput | None] = [None] * len(seeds)
    horizons: dict[int, list[int]] = {}
    for i, config in enumerate(configs):
        horizons.setdefault(config.simulation.days, []).append(i)
    for runs in horizons.values():
        batch = CommunityBatch.of_runs([configs[i] for i in runs], [seeds[i] for i in runs])
        for i, model, summary in zip(runs, batch.models, batch.run(), strict=True):
            outputs[i] = run_output(model, summary, series_every)
    return [output for output in outputs if output is not None]


def run_output(model: CommunityModel, summary: dict[str, Any], series_every: int | None) -> RunOutput:
    """The flat outcomes of a finished run (see :func:`simulate`) and, with ``series_every``, its series."""
    flat = dict(summary["metrics"]) | pattern_measures(model)
    flat |= {f"satisfaction_{k}": v for k, v in summary["satisfaction_by_compound_type"].items()}
    flat |= {f"satisfaction_{k}": v for k, v in summary["satisfaction_by_group"].items()}
    flat |= {f"count_{k}": v for k, v in summary["counts"].items()}
    flat |= {f"community_{k}": v for k, v in _flat(summary["community"]).items()}
    flat |= {f"spent_{item}": cny for item, cny in model.ledger.spent().items()}
    flat.pop("day", None)  # the horizon, not an outcome
    series = None
    if series_every is not None:
        frame = model.series().reset_index()
        series = frame[frame["day"] % series_every == 0].reset_index(drop=True)
    return RunOutput({k: float(v) for k, v in flat.items()}, series)


@dataclass(frozen=True)
class CogovTarget:
    """The community model: parameters are scenario key paths applied to a base scenario.

    The special parameter ``scenario`` chooses the base itself among ``alternatives``.
    """

    base: ScenarioConfig
    base_digest: str
    name: str = "cogov"
    alternatives: tuple[tuple[str, ScenarioConfig], ...] = ()

    def parameter_paths(self) -> list[str]:
        """Every scenario leaf path, and ``scenario``."""
        return [SCENARIO_PARAMETER, *parameter_paths()]

    def check(self, path: str, value: Any) -> None:
        """Validate by applying the override to the base scenario."""
        if path == SCENARIO_PARAMETER:
            if value not in dict(self.alternatives):
                raise ScenarioError("value", [f"{path}: unknown scenario {value!r}"])
            return
        apply_overrides(self.base, {path: value}, source="value")

    def interaction_groups(self, names: Sequence[str]) -> list[list[str]]:
        """Groups of the varied parameters ``names`` whose values must be checked together: those under one
        section validated as a whole (:func:`cogov.sim.scenario.validator_section`), with ``scenario``
        when it is varied (each alternative holds its own values of the rest of the section). A parameter
        in no group is valid in every combination once its values are valid alone."""
        by_section: dict[str, list[str]] = {}
        for name in names:
            section = validator_section(name) if name != SCENARIO_PARAMETER else None
            if section is not None:
                by_section.setdefault(section, []).append(name)
        varied_base = [SCENARIO_PARAMETER] if SCENARIO_PARAMETER in names and self.alternatives else []
        return [members + varied_base for members in by_section.values() if len(members) > 1 or varied_base]

    def combination_problems(self, values: dict[str, Any]) -> list[str]:
        """What is wrong with one combination of values of an interaction group (empty: nothing)."""
        overrides = dict(values)
        base = dict(self.alternatives).get(overrides.pop(SCENARIO_PARAMETER, None), self.base)
        sections = {validator_section(name) for name in overrides}
        return [problem for section in sections if section is not None
                for problem in section_problems(base, section, overrides)]

    def estimate_seconds(self, warm_up_days: int = 30, probe_days: int = 30, batch: int = 1) -> float:
        """Rough seconds for one run on this machine, said before a sweep starts; ``batch``: the runs the sweep
        steps together (:func:`simulate_batch`, its chunks), whose time a run is its share of.

        The base scenario (the first alternative when the scenario is varied) runs, ``batch`` replicates together,
        for 1 + ``warm_up_days`` and for 1 + ``warm_up_days`` + ``probe_days`` days; the cost of a day after the
        warm-up, from the difference, is scaled to the horizon. The warm-up matters: a run starts with no backlog,
        and its first days cost about half what a day costs once queues have filled (a 10-day probe from day 1 said
        a third of the true time). A short run is simply timed. A quick timing (about a sixth of a second at the
        defaults for one run, half a second for a batch of 8), not a promise: design points with more households,
        days or backlog take longer."""
        config = self.alternatives[0][1] if self.alternatives else self.base
        days = config.simulation.days
        warm, probed = 1 + warm_up_days, 1 + warm_up_days + probe_days
        self._timed(config, 1, batch)  # the first run (batch) in a process also pays for imports and caches
        if days <= probed:
            return self._timed(config, days, batch)
        before, after = self._timed(config, warm, batch), self._timed(config, probed, batch)
        return before + max(0.0, after - before) / probe_days * (days - warm)

    @staticmethod
    def _timed(config: ScenarioConfig, days: int, batch: int) -> float:
        """Seconds of one run of ``days`` days: alone, or its share of a batch of ``batch`` replicates."""
        config = apply_overrides(config, {"simulation.days": days})
        started = time.perf_counter()
        if batch > 1:
            simulate_batch(config, list(range(batch)))
        else:
            simulate(config, seed=0)
        return (time.perf_counter() - started) / batch

    def with_scenarios(self, names: list[str], base_dir: Path, days: int | None) -> Target:
        """This target with the scenarios that the ``scenario`` parameter may take, loaded and checked; street files
        give the street target (:mod:`cogov.experiments.street_target`)."""
        if _streets(names, base_dir):
            from cogov.experiments.street_target import StreetTarget  # a street builds on the community model

            return StreetTarget.of(names, base_dir, days)
        loaded = tuple((name, _load_base(name, base_dir, days)) for name in names)
        digest = scenario_digest(self.base) + "".join(f"|{n}={scenario_digest(c)}" for n, c in loaded)
        return CogovTarget(base=self.base, base_digest=digest, alternatives=loaded)

    def configure(self, point: dict[str, Any]) -> ScenarioConfig:
        """The base scenario (or the chosen alternative) with a design point applied."""
        overrides = dict(point)
        base = dict(self.alternatives).get(overrides.pop(SCENARIO_PARAMETER, None), self.base)
        return apply_overrides(base, overrides, source="design point")

    def run(self, point: dict[str, Any], seed: int, series_every: int | None) -> RunOutput:
        """Run the configured scenario to its horizon (:func:`simulate`)."""
        return simulate(self.configure(point), seed, series_every)

    def run_batch(self, points: Sequence[dict[str, Any]], seeds: Sequence[int],
                  series_every: int | None) -> list[RunOutput]:
        """Run each point's configured scenario with its seed, all stepped together (:func:`simulate_batch`). Each
        distinct point is configured once, so that its replicates share one scenario object (and read each of its
        parameters once, :func:`cogov.sim.stacking.per_row`)."""
        made: list[tuple[dict[str, Any], ScenarioConfig]] = []
        configs = []
        for point in points:
            config = next((config for known, config in made if known == point), None)
            if config is None:
                config = self.configure(point)
                made.append((point, config))
            configs.append(config)
        return simulate_batch(configs, seeds, series_every)

    def run_key(self, point: dict[str, Any], seed: int) -> str:
        """The run key (:func:`cogov.sim.provenance.run_key`) of the configured scenario and the seed.

        It depends on the resolved parameters, not on how the point names them: the same scenario
        reached under two names (or a point equal to the base) has one key.
        """
        return run_key(self.configure(point), seed)

    def run_keys(self, point: dict[str, Any], seeds: Sequence[int]) -> list[str]:
        """:meth:`run_key` for each seed, configuring the point once (planning a sweep needs thousands)."""
        return run_keys(self.configure(point), seeds)


def scenario_target(name: str, config: ScenarioConfig) -> CogovTarget:
    """A target whose only scenario is ``config``, under ``name``.

    Its points say ``{"scenario": name, ...overrides}``, so a run that fails is reported with the
    scenario it belongs to, as in a comparison.
    """
    return CogovTarget(base=config, base_digest=scenario_digest(config), alternatives=((name, config),))


def _flat(record: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Numbers of a nested record under ``a_b`` names (``compounds_by_type.commercial`` -> ``compounds_by_type_commercial``)."""
    out: dict[str, float] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out |= _flat(value, f"{prefix}{key}_")
        else:
            out[f"{prefix}{key}"] = value
    return out


def _json_number(value: Any) -> Any:
    """numpy scalars (a design's values) as plain numbers, so that a key does not depend on their type."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {value!r}")


ISHIGAMI_A, ISHIGAMI_B = 7.0, 0.1

ISHIGAMI_OUTPUT = register(Outcome(
    "y", "Value of the Ishigami test function y = sin x1 + a sin² x2 + b x3⁴ sin x1 (a = 7, b = 0.1), used to "
    "check the sensitivity analysis against known indices; not a model outcome.",
    Text("y", "y"), Text("", ""), "number", 0,
    0.01, "assumption: 0.01, far below the spread of y over its inputs (standard deviation about 3.7); y is a "
    "numerical test, not a policy outcome"))
"""The Ishigami target's output, declared by the target itself (outcomes of the model are declared in
:mod:`cogov.sim.outcomes.registry`): it has no verdict and is written as a plain number."""


@dataclass(frozen=True)
class IshigamiTarget:
    """The Ishigami function (Ishigami & Homma 1990), whose Sobol indices are known analytically.

    y = sin x1 + a sin² x2 + b x3⁴ sin x1, each x uniform on [−π, π]. Used to check the sensitivity
    pipeline end to end; the seed is ignored (the function is deterministic).
    """

    base_digest: str = "ishigami-a7-b0.1"
    name: str = "ishigami"

    def parameter_paths(self) -> list[str]:
        """x1, x2, x3."""
        return ["x1", "x2", "x3"]

    def check(self, path: str, value: Any) -> None:
        """Each x must be a number in [−π, π]."""
        if isinstance(value, bool) or not isinstance(value, (int, float)) or abs(value) > math.pi + 1e-9:
            raise ScenarioError("value", [f"{path}: must be a number in [-pi, pi] (got {value!r})"])

    def run(self, point: dict[str, Any], seed: int, series_every: int | None) -> RunOutput:
        """Evaluate the function."""
        x1, x2, x3 = (float(point.get(k, 0.0)) for k in ("x1", "x2", "x3"))
        y = math.sin(x1) + ISHIGAMI_A * math.sin(x2) ** 2 + ISHIGAMI_B * x3**4 * math.sin(x1)
        return RunOutput({"y": y})

    def run_key(self, point: dict[str, Any], seed: int) -> str:
        """SHA-256 of the target's name and constants (``base_digest``), the point and the seed.

        The seed is part of the key although the function ignores it: a key names a run, and a
        sweep's replicates are distinct runs.
        """
        payload = {"target": self.name, "base": self.base_digest, "point": point, "seed": int(seed)}
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=_json_number)
        return hashlib.sha256(text.encode()).hexdigest()

    def run_keys(self, point: dict[str, Any], seeds: Sequence[int]) -> list[str]:
        """:meth:`run_key` for each seed."""
        return [self.run_key(point, seed) for seed in seeds]

    @staticmethod
    def analytic_indices() -> dict[str, dict[str, float]]:
        """First-order (S1) and total (ST) Sobol indices of the Ishigami function."""
        a, b, pi = ISHIGAMI_A, ISHIGAMI_B, math.pi
        v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
        v2 = a**2 / 8
        v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
        total = v1 + v2 + v13
        return {"S1": {"x1": v1 / total, "x2": v2 / total, "x3": 0.0},
                "ST": {"x1": (v1 + v13) / total, "x2": v2 / total, "x3": v13 / total}}


TargetFactory = Callable[[str, Path, int | None], Target]


def _load_base(scenario: str, base_dir: Path, days: int | None) -> ScenarioConfig:
    config = load_scenario(resolve_path(scenario, relative_to=base_dir)).config
    return apply_overrides(config, {"simulation.days": days}) if days is not None else config


def _streets(names: Sequence[str], base_dir: Path) -> bool:
    """Whether ``names`` are street files (all of them); a mix of streets and communities is an error."""
    from cogov.sim.street.load import is_street_file

    streets = [is_street_file(base_dir / n) or is_street_file(n) for n in names]
    if any(streets) and not all(streets):
        shown = ", ".join(f"{n} ({'street' if s else 'community'})" for n, s in zip(names, streets, strict=True))
        raise ScenarioError("scenario", [f"streets and communities cannot be compared or swept together: {shown}"])
    return all(streets) and bool(streets)


def _cogov(scenario: str, base_dir: Path, days: int | None) -> Target:
    if _streets([scenario], base_dir):
        from cogov.experiments.street_target import StreetTarget

        return StreetTarget.of([scenario], base_dir, days, with_alternatives=False)
    config = _load_base(scenario, base_dir, days)
    return CogovTarget(base=config, base_digest=scenario_digest(config))


TARGETS: dict[str, TargetFactory] = {
    "cogov": _cogov,
    "ishigami": lambda scenario, base_dir, days: IshigamiTarget(),
}
"""Targets by name. Code (a plugin, a test) may register more; data files only name them."""


def get_target(name: str, scenario: str, base_dir: Path, days: int | None) -> Target:
    """Build the named target; ``scenario`` is resolved relative to the experiment file."""
    factory = TARGETS.get(name)
    if factory is None:
        raise KeyError(f"unknown target {name!r}; known: {', '.join(sorted(TARGETS))}")
    return factory(scenario, base_dir, days)
