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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cogov.experiments.targets import SCENARIO_PARAMETER, Target, get_target
from cogov.sim.migrations import RemovedKeyError, migrate_path
from cogov.sim.scenario import (
    MAX_PROBLEMS,
    SCENARIO_SUFFIX,
    ScenarioError,
    check_structure,
    printable,
    read_toml,
    shown_key,
    shown_value,
)

Design = Literal["full_factorial", "latin_hypercube", "random", "sobol", "morris"]
CONTINUOUS_DESIGNS = ("latin_hypercube", "random", "sobol", "morris")
MAX_VALUES = 1000
"""Most listed values of one parameter (as many as a range may have levels)."""
MAX_RUNS = 1_000_000
"""Most runs (design points × replicates) an experiment may have: about 70 core-hours of the default
community; beyond it the plan alone needs gigabytes. Split a bigger study into several experiments."""
MAX_PARAMETERS = 300
"""Most parameters one experiment varies: more than the scenario format has (about 220, all of them in a
screening design), few enough that naming the nearest valid path of each takes a moment."""
MAX_COMBINATIONS_SHOWN = 10
"""Invalid combinations of values listed one by one; the rest are counted."""


class _Strict(BaseModel):
    # allow_inf_nan=False: a range or value of inf or nan would only fail inside a run
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class ParameterSpec(_Strict):
    """How one parameter varies: listed ``values``, or a ``range`` with a distribution."""

    values: list[float | int | bool | str] | None = Field(None, min_length=1, max_length=MAX_VALUES,
                                                           description="Discrete values.")
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
        # keys that only shape a range would be silently ignored beside listed values (judged by their value,
        # not by their presence: a stored experiment.json writes every key out with its default)
        ignored = [key for key, unset in (("levels", None), ("distribution", "uniform"), ("integer", False))
                   if getattr(self, key) != unset]
        if ignored:
            raise ValueError(f"{', '.join(repr(k) for k in ignored)} {'applies' if len(ignored) == 1 else 'apply'} "
                             "to a 'range'; listed 'values' are used as given")
        seen: list[Any] = []
        for value in self.values or ():
            key = (isinstance(value, bool), value)  # True == 1 in Python, but not as a parameter value
            if key in seen:
                raise ValueError(f"values must be distinct ({shown_value(value)} is listed twice)")
            seen.append(key)
        return self


class ExperimentSection(_Strict):
    """What to run."""

    name: str = Field(..., min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_.-]+$",
                      description="Names the default results folder, results/NAME.")
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

    @field_validator("name")
    @classmethod
    def _not_a_relative_folder(cls, name: str) -> str:
        if set(name) == {"."}:  # results/. or results/.. is not a folder of its own
            raise ValueError("must not be only dots: the name is the results folder's (results/NAME)")
        return name


class OutputsSection(_Strict):
    """What to keep."""

    series: bool = Field(False, description="Also keep the daily series (long format).")
    series_every: int = Field(1, ge=1, le=3650, description="Keep every k-th day of the series.")
    directory: str | None = Field(None, min_length=1, max_length=1000,
                                  description="Results folder (relative to this file); --out overrides.")

    @field_validator("directory")
    @classmethod
    def _a_path(cls, directory: str | None) -> str | None:
        if directory is not None and printable(directory) != directory:
            raise ValueError(f"must be a folder path without control characters (got {printable(directory)})")
        return directory


class ExperimentFile(_Strict):
    """The whole experiment file."""

    experiment: ExperimentSection
    outputs: OutputsSection = Field(default_factory=OutputsSection)
    parameters: dict[str, ParameterSpec] = Field(..., min_length=1, max_length=MAX_PARAMETERS)


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
    """Read and validate an experiment file; raise :class:`ScenarioError` naming every problem.

    The file is read as scenario files are (:func:`cogov.sim.scenario.read_toml`: a regular UTF-8
    file of at most 1 MiB).
    """
    path = Path(path)
    data = read_toml(path)
    return validate_experiment(data, source=str(path), base_dir=path.parent)


def validate_experiment(data: dict[str, Any], source: str = "<experiment>", base_dir: Path = Path(".")) -> Experiment:
    """Validate a parsed experiment: structure, target, parameter paths and values, the keys that do not
    apply to the design, the number of runs, and every combination of values the design will run.

    Problems are collected across these stages and reported together, as far as each stage can go
    with what is valid: a parameter's values are checked even when another section has an error.
    """
    check_structure(data, source)
    data, problems = _renamed_parameters(data, source)
    spec: ExperimentFile | None = None
    try:
        spec = ExperimentFile.model_validate_json(json.dumps(data, default=str))
    except ValidationError as exc:
        errors = exc.errors()
        problems += [_describe(err) for err in errors[:MAX_PROBLEMS]]
        if len(errors) > MAX_PROBLEMS:
            problems.append(f"… and {len(errors) - MAX_PROBLEMS:,} more problems")
    section = spec.experiment if spec is not None else _valid_part(ExperimentSection, data.get("experiment"))
    parameters = spec.parameters if spec is not None else _valid_parameters(data.get("parameters"))
    target = None
    if section is not None:
        try:
            target = get_target(section.target, section.scenario, base_dir, section.days)
        except KeyError as exc:
            problems.append(f"experiment.target: {exc.args[0]}")
        except ScenarioError as exc:
            problems += [f"experiment.scenario: {line}" for line in exc.lines()]
        problems += _design_problems(section, parameters)
    scenarios = parameters.get(SCENARIO_PARAMETER)
    if scenarios is not None and target is not None and hasattr(target, "with_scenarios"):
        if scenarios.values is None or not all(isinstance(v, str) for v in scenarios.values):
            problems.append(f'parameters."{SCENARIO_PARAMETER}": give scenario names or paths as values')
        else:
            try:
                target = target.with_scenarios([str(v) for v in scenarios.values], base_dir, section.days)
            except ScenarioError as exc:
                problems += [f'parameters."{SCENARIO_PARAMETER}": {line}' for line in exc.lines()]
                target = None
    if target is not None and section is not None:
        groups = getattr(target, "interaction_groups", lambda names: [])(list(parameters))
        together = {name for group in groups for name in group}
        for name, parameter in parameters.items():
            problems += _check_parameter(target, name, parameter, section.design, field_only=name in together)
    if problems or spec is None or target is None:
        raise ScenarioError(source, problems or ["cannot be used"])
    experiment = Experiment(spec=spec, source=source, base_dir=base_dir, target=target)
    from cogov.experiments.design import check_design, run_count  # design builds on this module

    runs = run_count(experiment)
    if runs > MAX_RUNS:
        raise ScenarioError(source, [(f"experiment: {runs:,} runs ({_count_words(experiment)}); at most "
                                      f"{MAX_RUNS:,} in one experiment: fewer values, levels, samples or "
                                      "replicates, or several experiments")])
    problems = check_design(experiment)
    if problems:
        raise ScenarioError(source, problems)
    return experiment


def _count_words(experiment: Experiment) -> str:
    """How the run count comes about, in words."""
    section = experiment.spec.experiment
    if section.design == "full_factorial":
        from cogov.experiments.design import level_count

        sizes = " × ".join(f"{level_count(p):,}" for p in experiment.spec.parameters.values())
        return f"{sizes} combinations × {section.replicates:,} replicates"
    return f"{section.design} with {section.samples:,} samples, {len(experiment.spec.parameters)} parameters, " \
           f"× {section.replicates:,} replicates"


def _design_problems(section: ExperimentSection, parameters: dict[str, ParameterSpec]) -> list[str]:
    """Settings that do not apply to the chosen design (they would be silently ignored) and the Sobol
    sample size."""
    problems = []
    # judged by value, not presence: a stored experiment.json (read again for reports) writes out every default
    defaults = ExperimentSection.model_fields
    if section.design == "sobol" and section.samples & (section.samples - 1):
        problems.append(f"experiment.samples: Sobol sampling needs a power of 2 (got {section.samples})")
    if section.second_order and section.design != "sobol":
        problems.append(f"experiment.second_order: applies to design = 'sobol' only (design is {section.design!r})")
    if section.morris_levels != defaults["morris_levels"].default and section.design != "morris":
        problems.append(f"experiment.morris_levels: applies to design = 'morris' only (design is {section.design!r})")
    if section.samples != defaults["samples"].default and section.design == "full_factorial":
        problems.append("experiment.samples: a full factorial runs every combination of the values and levels; "
                        "'samples' applies to the sampled designs (latin_hypercube, random, sobol, morris)")
    if section.design != "full_factorial":
        problems += [f"parameters.{json.dumps(printable(name), ensure_ascii=False)}: 'levels' applies to a full "
                     f"factorial; a {section.design} design samples the range"
                     for name, parameter in parameters.items() if parameter.levels is not None]
    return problems


def _valid_part(model: type[BaseModel], raw: Any) -> Any:
    """``raw`` validated as ``model``, else with its invalid keys left to their defaults (so that the later
    stages can still check what they need), else None. Its errors are already reported with the whole file's."""
    try:
        return model.model_validate_json(json.dumps(raw, default=str))
    except ValidationError as exc:
        if not isinstance(raw, dict):
            return None
        bad = {err["loc"][0] for err in exc.errors() if err["loc"]}
        try:
            return model.model_validate_json(json.dumps({k: v for k, v in raw.items() if k not in bad}, default=str))
        except (ValidationError, ValueError):
            return None
    except ValueError:
        return None


def _valid_parameters(raw: Any) -> dict[str, ParameterSpec]:
    """The parameter specs of a file that is invalid elsewhere, so that their paths and values are checked too."""
    if not isinstance(raw, dict) or len(raw) > MAX_PARAMETERS:  # too many is reported as such, not one by one
        return {}
    parts = {str(name): _valid_part(ParameterSpec, spec) for name, spec in raw.items()}
    return {name: spec for name, spec in parts.items() if spec is not None}


def _renamed_parameters(data: dict[str, Any], source: str) -> tuple[dict[str, Any], list[str]]:
    """Parameters given under a renamed key path are read under the new one (with a warning); removed
    ones are problems saying why (returned, to be reported with the others)."""
    parameters = data.get("parameters")
    if not isinstance(parameters, dict):
        return data, []
    renamed: dict[str, Any] = {}
    problems: list[str] = []
    for name, spec in parameters.items():
        try:
            renamed[migrate_path(str(name), f"{source}: parameters")] = spec
        except RemovedKeyError as exc:
            problems += [f"parameters.{p}" for p in exc.problems]
    return {**data, "parameters": renamed}, problems


def _check_parameter(target: Target, name: str, parameter: ParameterSpec, design: str,
                     field_only: bool = False) -> list[str]:
    """Problems of one parameter: its path, and each of its values (or range ends) set alone on the base.

    With ``field_only`` (the parameter is varied together with others of a section validated as a whole),
    only the value's own problems count: whether it fits its siblings depends on their values in each
    combination, which :func:`cogov.experiments.design.check_design` checks.
    """
    where = f"parameters.{json.dumps(shown_key(name), ensure_ascii=False)}"
    known = target.parameter_paths()
    if name not in known:
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5) if len(name) <= 200 else []
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
            own = [p for p in exc.problems if not field_only or p.startswith(shown_key(name))]
            problems += [f"{where}: value {shown_value(value)}: {p.split(': ', 1)[-1]}" for p in own]
    return problems


def _describe(err: dict[str, Any]) -> str:
    loc = [str(p) for p in err["loc"]]
    path = shown_key(".".join(loc)) or "(top level)"
    if len(loc) > 1 and loc[0] == "parameters":  # a parameter's name is a key path: quoted, as in the file
        path = ".".join([f"parameters.{json.dumps(shown_key(loc[1]), ensure_ascii=False)}", *loc[2:]])
    if err["type"] == "extra_forbidden":
        model = _section_model(loc[:-1])
        allowed = sorted(model.model_fields) if model else []
        close = difflib.get_close_matches(loc[-1], allowed, n=3, cutoff=0.6) if len(loc[-1]) < 200 else []
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        return f"{path}: unknown key{hint} (allowed here: {', '.join(allowed)})"
    message = err["msg"].removeprefix("Value error, ")
    value = err.get("input")
    got = f" (got {shown_value(value)})" if not isinstance(value, (dict, list)) else ""
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
    "MAX_RUNS",
    "SCENARIO_SUFFIX",
    "Experiment",
    "ExperimentFile",
    "ParameterSpec",
    "load_experiment",
    "validate_experiment",
]
