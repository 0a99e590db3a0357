"""Loading street files: the ``[street]`` table validated, each community's scenario loaded with its overrides.

A street file is data like a community file (:func:`cogov.sim.scenario.read_toml`: size, encoding and nesting
checked before parsing). Every problem names the file and the key path, ``street.communities.2.set``; a community's
scenario is resolved relative to the street file (or among the built-in community scenarios), and its own problems
are reported under its own name.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cogov.sim.config import ScenarioConfig
from cogov.sim.scenario import (
    MAX_INHERITANCE_DEPTH,
    SCENARIO_SUFFIX,
    STREETS_FOLDER,
    ScenarioError,
    apply_overrides,
    builtin_dir,
    deep_merge,
    describe_error,
    load_scenario,
    own_translation,
    printable,
    read_toml,
    resolve_path,
    scenario_digest,
)
from cogov.sim.street.config import StreetScenario

STREET_TABLE = "street"
MAX_COMMUNITIES = 200
"""Most communities one street may have (a street of the documents has up to a few dozen; 004/3: 27)."""


@dataclass(frozen=True)
class StreetCommunity:
    """One community of a loaded street: its name, its validated scenario and where that came from."""

    name: str
    config: ScenarioConfig
    source: str
    funds_share: float


@dataclass(frozen=True)
class LoadedStreet:
    """A validated street and its communities, in order (entries with ``count`` > 1 expanded)."""

    config: StreetScenario
    source: str
    communities: tuple[StreetCommunity, ...]

    @property
    def digest(self) -> str:
        """SHA-256 of the street table and every community's resolved parameters."""
        data = {"street": self.config.model_dump(mode="json", exclude={"meta"}),  # its parameters, as scenario_digest
                "communities": [[c.name, scenario_digest(c.config)] for c in self.communities]}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def builtin_street_names() -> list[str]:
    """Names of the built-in street files, sorted."""
    return sorted(p.stem for p in (builtin_dir() / STREETS_FOLDER).glob(f"*{SCENARIO_SUFFIX}"))


def street_path(name_or_path: str | Path) -> Path:
    """A built-in street name or a path, as an existing path (a path is returned as given, to be read or refused)."""
    text = str(name_or_path)
    candidate = Path(text)
    if not candidate.exists() and not text.endswith(SCENARIO_SUFFIX) and "/" not in text:
        builtin = builtin_dir() / STREETS_FOLDER / f"{text}{SCENARIO_SUFFIX}"
        if builtin.is_file():
            return builtin
    return candidate


def is_street_file(name_or_path: str | Path) -> bool:
    """Whether a name or path is a street file: a built-in street, or a readable TOML file with a ``[street]``
    table, its own or one it extends (a file that only schedules ``[[interventions]]`` on a street it extends).
    Anything unreadable is not (the community loader then reports what is wrong with it)."""
    text = str(name_or_path)
    if text in builtin_street_names():
        return True
    path = Path(text)
    try:
        return path.is_file() and STREET_TABLE in _read_street_chain(path)
    except (ScenarioError, OSError):
        return False


def load_street(name_or_path: str | Path) -> LoadedStreet:
    """Load and validate a street file and every community it lists; raise :class:`ScenarioError` listing the
    problems (the street file's own, then each community's, under the community's file)."""
    path = street_path(name_or_path)
    source = str(path)
    data = _read_street_chain(path)
    if STREET_TABLE not in data:
        raise ScenarioError(source, [("no [street] table: this is a community scenario (run it as one), or add a "
                                     "[street] table listing the communities")])
    config = validate_street(data, source)
    if config.community_count() > MAX_COMMUNITIES:
        raise ScenarioError(source, [(f"street.communities: {config.community_count()} communities; at most "
                                     f"{MAX_COMMUNITIES}")])
    late = [f"interventions[{i}].day: {entry.day} is after the horizon (simulation.days = {config.simulation.days}): "
            "it would never happen" for i, entry in enumerate(config.interventions)
            if entry.day > config.simulation.days]
    if late:  # a file's own slip; a shorter run asked for later (--days, a sweep) just ends before them
        raise ScenarioError(source, late)
    return LoadedStreet(config, source, tuple(_communities(config, path)))


def street_from_data(data: Mapping[str, Any], source: str = "<data>", base_dir: Path = Path(".")) -> LoadedStreet:
    """A street from an already-parsed mapping (a notebook, a benchmark): validated like a file, community scenarios
    resolved relative to ``base_dir``.

    Example: ``street_from_data({"street": {"communities": [{"scenario": "default", "count": 20}]}})``.
    """
    config = validate_street(data, source)
    return LoadedStreet(config, source, tuple(_communities(config, base_dir / source)))


def validate_street(data: Mapping[str, Any], source: str) -> StreetScenario:
    """Validate a street mapping; raise :class:`ScenarioError` with every problem and its key path (a scheduled
    intervention's values too: the street as each leaves it is validated, ``interventions[i]: …``)."""
    config = _validated(data, source)
    changed = config.model_dump(mode="json", exclude={"interventions"})
    problems: list[str] = []
    seen: set[str] = set()  # a bad value stays in the street the later changes leave: named once, where it came in
    for i, entry in sorted(enumerate(config.interventions), key=lambda pair: pair[1].day):
        for key, value in entry.set.items():
            problem = set_key_path(changed, key, value)
            if problem is not None:
                problems.append(f"interventions[{i}].set: {problem}")
        try:
            _validated(changed, source)
        except ScenarioError as exc:
            problems += [f"interventions[{i}]: {problem}" for problem in exc.problems if problem not in seen]
            seen.update(exc.problems)
    if problems:
        raise ScenarioError(source, problems)
    return config


def _validated(data: Mapping[str, Any], source: str) -> StreetScenario:
    try:
        return StreetScenario.model_validate_json(json.dumps(data, default=str))
    except ValidationError as exc:
        errors = exc.errors()
    # An array whose entries failed is also "too short" once they are dropped: say only what is wrong with them.
    inner = {tuple(e["loc"][:k]) for e in errors for k in range(1, len(e["loc"]))}
    kept = [e for e in errors if not (e["type"] == "too_short" and tuple(e["loc"]) in inner)]
    raise ScenarioError(source, [describe_error(e, StreetScenario) for e in kept])


def set_key_path(data: dict[str, Any], key: str, value: Any) -> str | None:
    """Set dotted ``key`` (``__`` read as ``.``) of a street dumped as JSON-like data to ``value``; the problem if no
    such key exists (naming the keys allowed there), else None."""
    parts = str(key).replace("__", ".").split(".")
    node: Any = data
    for depth, part in enumerate(parts[:-1]):
        if not isinstance(node, dict) or not isinstance(node.get(part), dict):
            allowed = ", ".join(sorted(node)) if isinstance(node, dict) else "nothing (not a table)"
            return f"{'.'.join(parts[:depth + 1])}: unknown key (allowed here: {allowed})"
        node = node[part]
    if parts[-1] not in node:
        return f"{'.'.join(parts)}: unknown key (allowed here: {', '.join(sorted(node))})"
    node[parts[-1]] = value
    return None


def apply_street_overrides(loaded: LoadedStreet, overrides: Mapping[str, Any],
                           source: str = "<overrides>") -> LoadedStreet:
    """The street with key-path overrides of its own table applied (``street.appraisal.street_weight``,
    ``street.funds.allocation``…); its communities are re-read, so a change of ``simulation.days`` reaches them."""
    if not overrides:
        return loaded
    config = street_config_with(loaded.config, overrides, source)
    return LoadedStreet(config, loaded.source, tuple(_communities(config, Path(loaded.source))))


def street_config_with(config: StreetScenario, overrides: Mapping[str, Any], source: str) -> StreetScenario:
    """``config`` with key-path ``overrides`` applied, validated as a street file is (its communities not re-read)."""
    data = config.model_dump(mode="json")
    problems = [problem for key, value in overrides.items() if (problem := set_key_path(data, key, value))]
    if problems:
        raise ScenarioError(source, problems)
    return validate_street(data, source)


def _read_street_chain(path: Path) -> dict[str, Any]:
    """The street file merged over its ``extends`` ancestors (street files only; arrays are replaced whole)."""
    layers: list[dict[str, Any]] = []
    seen: list[str] = []
    current = path
    while True:
        key = str(current.resolve())
        if key in seen:
            raise ScenarioError(str(path), ["extends: inheritance cycle: " + " -> ".join((*seen, key))])
        if len(seen) > MAX_INHERITANCE_DEPTH:
            raise ScenarioError(str(path), [f"extends: more than {MAX_INHERITANCE_DEPTH} levels of inheritance"])
        seen.append(key)
        data = read_toml(current)
        layers.append(data)
        parent = data.get("extends")
        if parent is None:
            break
        if not isinstance(parent, str) or not parent.strip():
            raise ScenarioError(str(current), ["extends: expected a street name or path (string)"])
        candidate = Path(parent) if Path(parent).is_absolute() else current.parent / parent
        current = candidate if candidate.exists() else street_path(parent)
        if not current.exists():
            raise ScenarioError(str(current), [(f"extends: no such street file or built-in street "
                                               f"(built-in: {', '.join(builtin_street_names())})")])
    merged: dict[str, Any] = {}
    for data in reversed(layers):
        merged = deep_merge(merged, {k: v for k, v in data.items() if k != "extends"})
    return own_translation(merged, layers[::-1])


def _communities(config: StreetScenario, path: Path) -> list[StreetCommunity]:
    source = str(path)
    out: list[StreetCommunity] = []
    problems: list[str] = []
    for i, entry in enumerate(config.street.communities):
        key = f"street.communities.{i}"
        try:
            loaded = load_scenario(resolve_path(entry.scenario, relative_to=path.parent))
        except ScenarioError as exc:
            problems += [f"{key}.scenario: {printable(exc.source)}: {p}" for p in exc.problems]
            continue
        try:
            community = apply_overrides(loaded.config, _overrides(entry.set, days=config.simulation.days),
                                        source=f"{key}.set")
        except ScenarioError as exc:
            problems += [f"{key}.set: {p}" for p in exc.problems]
            continue
        if config.street.shared and community.levers.whistle.enabled:
            problems.append(f"{key}: {printable(entry.scenario)} switches on levers.whistle (a fixed multiplier of one "
                            "community's street hours); in a street the departments' hours are the street's: use "
                            "[street.whistle] instead")
            continue
        name = entry.name or community.meta.name
        for j in range(entry.count):
            shown = f"{name} {j + 1}" if entry.count > 1 else name
            out.append(StreetCommunity(shown, community, loaded.source, entry.funds_share))
    names = [c.name for c in out]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        problems.append(f"street.communities: names must differ (twice: {', '.join(twice)}); give entries a name")
    if problems:
        raise ScenarioError(source, problems)
    return out


def _overrides(values: dict[str, Any], days: int) -> dict[str, Any]:
    # the street's horizon is every community's
    return {**values, "simulation.days": days}
