"""Experiment files: a base scenario, the parameters to vary, the design, replicates, outputs.

An experiment file is TOML, validated as strictly as a scenario file: unknown keys get a
did-you-mean, and every parameter path must be a real scenario key (the nearest valid paths are
suggested) whose values are checked against the scenario schema. Example::

    [experiment]
    name = "funding_x_red_property"
    scenario = "default"          # built-in name or path relative to this file
    design = "full_factorial"     # full_factorial | latin_hypercube | random | sobol | morris
    replicates = 10
    master_seed = 2026

    [parameters."levers.funding.annual_cny"]
    values = [20_000, 200_000, 400_000]

    [parameters."levers.cross_appointment.party_property"]
    values = [false, true]
"""

from __future__ import annotations

import difflib
import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cogov.experiments.targets import SCENARIO_PARAMETER, Target, get_target
from cogov.sim.migrations import RemovedKeyError, migrate_path
from cogov.sim.scenario import SCENARIO_SUFFIX, ScenarioError

Design = Literal["full_factorial", "latin_hypercube", "random", "sobol", "morris"]
CONTINUOUS_DESIGNS = ("latin_hypercube", "random", "sobol", "morris")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ParameterSpec(_Strict):
    """How one parameter varies: listed ``values``, or a ``range`` with a distribution."""

    values: list[float | int | bool | str] | None = Field(None, min_length=1, description="Discrete values.")
    range: tuple[float, float] | None = Field(None, description="[low, high] for continuous designs.")
    distribution: Literal["uniform", "loguniform"] = Field("uniform", description="How the range is sampled.")
    levels: int | None = Field(None, ge=2, le=1000, description="Evenly spaced levels of the range in a full factorial.")
    integer: bool = Field(False, description="Round sampled values to whole numbers.")

    @model_validator(mode="after")
    def _one_kind(self) -> ParameterSpec:
        if (self.values is None) == (self.range is None):
            raise ValueError("give exactly one of 'values' or 'range'")
        if self.range is not None:
            low, high = self.range
            if not low < high:
                raise ValueError(f"range must be [low, high] with low < high (got {list(self.range)})")
            if self.distribution == "loguniform" and low <= 0:
                raise ValueError("a loguniform range must be positive")
        return self


class ExperimentSection(_Strict):
    """What to run."""

    name: str = Field(..., min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = Field("", max_length=4000)
    target: str = Field("cogov", description="What is run: 'cogov' (the model) or 'ishigami' (a test function).")
    scenario: str = Field("default", description="Base scenario: built-in name or path relative to this file.")
    design: Design = "full_factorial"
    samples: int = Field(16, ge=1, le=1_000_000, description="Points (LHS, random), N (Sobol, a power of 2), trajectories (Morris).")
    replicates: int = Field(1, ge=1, le=100_000, description="Seeds per design point.")
    master_seed: int = Field(0, ge=0, le=2**63 - 1, description="Seed from which every run's seed is derived.")
    days: int | None = Field(None, ge=1, le=3650, description="Horizon override.")
    second_order: bool = Field(False, description="Sobol: also sample second-order indices (N·(2D+2) runs).")
    morris_levels: int = Field(4, ge=2, le=20, description="Morris grid levels.")
    chunk_size: int | None = Field(None, ge=1, le=10_000, description="Runs per task (default: automatic).")


class OutputsSection(_Strict):
    """What to keep."""

    series: bool = Field(False, description="Also keep the daily series (long format).")
    series_every: int = Field(1, ge=1, le=3650, description="Keep every k-th day of the series.")
    directory: str | None = Field(None, description="Results folder (relative to this file); --out overrides.")


class ExperimentFile(_Strict):
    """The whole experiment file."""

    experiment: ExperimentSection
    outputs: OutputsSection = Field(default_factory=OutputsSection)
    parameters: dict[str, ParameterSpec] = Field(..., min_length=1)


@dataclass(frozen=True)
class Experiment:
    """A validated experiment, with its base scenario resolved."""

    spec: ExperimentFile
    source: str
    base_dir: Path
    target: Target

    @property
    def name(self) -> str:
        """The experiment's name."""
        return self.spec.experiment.name

    @property
    def parameter_names(self) -> list[str]:
        """Varied parameter paths, in file order."""
        return list(self.spec.parameters)

    @property
    def digest(self) -> str:
        """SHA-256 of everything that determines each run (so a results folder can refuse a different experiment).

        The number of replicates is left out: more replicates extend an experiment, they do not change it.
        """
        payload = self.spec.model_dump(mode="json")
        for key in ("description", "chunk_size", "replicates"):
            payload["experiment"].pop(key, None)
        payload["outputs"].pop("directory", None)
        payload["base"] = self.target.base_digest
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def results_dir(self, override: Path | None = None) -> Path:
        """Where results go: ``--out``, else ``outputs.directory``, else ``results/<name>``."""
        if override is not None:
            return override
        if self.spec.outputs.directory:
            return self.base_dir / self.spec.outputs.directory
        return Path("results") / self.name


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file; raise :class:`ScenarioError` naming every problem."""
    path = Path(path)
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(source, [f"cannot read: {exc.strerror}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(source, [f"not valid TOML: {exc}"]) from None
    return validate_experiment(data, source=source, base_dir=path.parent)


def validate_experiment(data: dict[str, Any], source: str = "<experiment>", base_dir: Path = Path(".")) -> Experiment:
    """Validate a parsed experiment: structure, target, parameter paths and values."""
    data = _renamed_parameters(data, source)
    try:
        spec = ExperimentFile.model_validate_json(json.dumps(data, default=str))
    except ValidationError as exc:
        raise ScenarioError(source, [_describe(err) for err in exc.errors()]) from None
    section = spec.experiment
    try:
        target = get_target(section.target, section.scenario, base_dir, section.days)
    except KeyError as exc:
        raise ScenarioError(source, [f"experiment.target: {exc.args[0]}"]) from None
    except ScenarioError as exc:
        raise ScenarioError(source, [f"experiment.scenario: {p}" for p in exc.problems]) from None
    scenarios = spec.parameters.get(SCENARIO_PARAMETER)
    if scenarios is not None and hasattr(target, "with_scenarios"):
        if scenarios.values is None or not all(isinstance(v, str) for v in scenarios.values):
            raise ScenarioError(source, [f'parameters."{SCENARIO_PARAMETER}": give scenario names or paths as values'])
        try:
            target = target.with_scenarios([str(v) for v in scenarios.values], base_dir, section.days)
        except ScenarioError as exc:
            raise ScenarioError(source, [f'parameters."{SCENARIO_PARAMETER}": {exc.source}: {p}'
                                         for p in exc.problems]) from None
    problems = []
    for name, parameter in spec.parameters.items():
        problems += _check_parameter(target, name, parameter, section.design)
    if section.design == "sobol" and section.samples & (section.samples - 1):
        problems.append(f"experiment.samples: Sobol sampling needs a power of 2 (got {section.samples})")
    if problems:
        raise ScenarioError(source, problems)
    return Experiment(spec=spec, source=source, base_dir=base_dir, target=target)


def _renamed_parameters(data: dict[str, Any], source: str) -> dict[str, Any]:
    """Parameters given under a renamed key path are read under the new one (with a warning); removed
    ones are an error saying why."""
    parameters = data.get("parameters")
    if not isinstance(parameters, dict):
        return data
    renamed: dict[str, Any] = {}
    problems: list[str] = []
    for name, spec in parameters.items():
        try:
            renamed[migrate_path(str(name), f"{source}: parameters")] = spec
        except RemovedKeyError as exc:
            problems += [f"parameters.{p}" for p in exc.problems]
    if problems:
        raise ScenarioError(source, problems)
    return {**data, "parameters": renamed}


def _check_parameter(target: Target, name: str, parameter: ParameterSpec, design: str) -> list[str]:
    where = f"parameters.{json.dumps(name)}"
    known = target.parameter_paths()
    if name not in known:
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f"; nearest valid: {', '.join(close)}" if close else ""
        return [f"{where}: not a parameter of the {target.name} target{hint}"]
    if design == "full_factorial" and parameter.range is not None and parameter.levels is None:
        return [f"{where}: in a full factorial, a 'range' needs 'levels' (or give 'values')"]
    probes = list(parameter.values) if parameter.values is not None else list(parameter.range or ())
    problems = []
    for value in probes:
        if parameter.integer and isinstance(value, float):
            value = round(value)
        try:
            target.check(name, value)
        except ScenarioError as exc:
            problems += [f"{where}: value {json.dumps(value)}: {p.split(': ', 1)[-1]}" for p in exc.problems]
    return problems


def _describe(err: dict[str, Any]) -> str:
    loc = [str(p) for p in err["loc"]]
    path = ".".join(loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        model = _section_model(loc[:-1])
        allowed = sorted(model.model_fields) if model else []
        close = difflib.get_close_matches(loc[-1], allowed, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        return f"{path}: unknown key{hint} (allowed here: {', '.join(allowed)})"
    message = err["msg"].removeprefix("Value error, ")
    value = err.get("input")
    got = f" (got {json.dumps(value, default=str)})" if not isinstance(value, (dict, list)) else ""
    return f"{path}: {message}{got}"


def _section_model(loc: list[str]) -> type[BaseModel] | None:
    if not loc:
        return ExperimentFile
    if loc[0] == "experiment" and len(loc) == 1:
        return ExperimentSection
    if loc[0] == "outputs" and len(loc) == 1:
        return OutputsSection
    if loc[0] == "parameters" and len(loc) == 2:
        return ParameterSpec
    return None


__all__ = [
    "CONTINUOUS_DESIGNS",
    "SCENARIO_SUFFIX",
    "Experiment",
    "ExperimentFile",
    "ParameterSpec",
    "load_experiment",
    "validate_experiment",
]
