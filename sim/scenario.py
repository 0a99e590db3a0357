"""Loading scenario files: TOML parsing, inheritance, validation with readable errors.

A scenario file is data, never code: it is parsed with :mod:`tomllib` and validated by
:class:`~sim.config.ScenarioConfig`. Every problem is reported as
``FILE: key.path: what is wrong (what is allowed)``; nothing raises a bare traceback.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from cogov.sim.config import ScenarioConfig
from cogov.sim.migrations import RemovedKeyError, migrate_path, migrate_tree

SCENARIO_SUFFIX = ".toml"
MAX_INHERITANCE_DEPTH = 16


class ScenarioError(ValueError):
    """A scenario file cannot be used; ``problems`` lists every reason, one line each."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario and where it came from (for provenance records)."""

    config: ScenarioConfig
    source: str
    chain: tuple[str, ...]

    @property
    def digest(self) -> str:
        """SHA-256 of the fully resolved parameters: equal digests mean identical scenarios."""
        return scenario_digest(self.config)


def builtin_dir() -> Path:
    """Folder holding the built-in scenario files (the ``scenarios`` package)."""
    return Path(str(resources.files("cogov.scenarios")))


def builtin_names() -> list[str]:
    """Names of the built-in scenarios, sorted."""
    return sorted(p.stem for p in builtin_dir().glob(f"*{SCENARIO_SUFFIX}"))


TITLE_SEPARATOR = " — "


def file_title(path: str | Path) -> dict[str, str] | None:
    """A scenario file's title in English and Chinese, from its first line (``# English — 中文``), or
    None when the file has no such line. Only a comment is read: nothing in the file is executed."""
    try:
        with Path(path).open(encoding="utf-8") as handle:
            first = handle.readline().strip()
    except OSError:
        return None
    if not first.startswith("#") or TITLE_SEPARATOR not in first:
        return None
    en, zh = (part.strip() for part in first.lstrip("#").split(TITLE_SEPARATOR, 1))
    return {"en": en, "zh": zh}


def resolve_path(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    """Turn a built-in name (``default``) or a file path into an existing file path."""
    text = str(name_or_path)
    candidate = Path(text)
    if relative_to is not None and not candidate.is_absolute():
        candidate = relative_to / candidate
    if candidate.is_file():
        return candidate
    if not text.endswith(SCENARIO_SUFFIX) and "/" not in text and "\\" not in text:
        builtin = builtin_dir() / f"{text}{SCENARIO_SUFFIX}"
        if builtin.is_file():
            return builtin
    known = builtin_names()
    hint = difflib.get_close_matches(Path(text).stem, known, n=3)
    suggestion = f"; did you mean {', '.join(hint)}?" if hint else ""
    raise ScenarioError(
        text, [f"no such file or built-in scenario (built-in: {', '.join(known)}){suggestion}"]
    )


def load_scenario(name_or_path: str | Path | None = None) -> LoadedScenario:
    """Load, merge (``extends``) and validate a scenario; ``None`` gives the built-in default."""
    path = resolve_path(name_or_path if name_or_path is not None else "default")
    data, chain = _read_with_parents(path, ())
    config = validate_data(data, source=str(path))
    return LoadedScenario(config=config, source=str(path), chain=chain)


def validate_data(data: Mapping[str, Any], source: str = "<data>") -> ScenarioConfig:
    """Validate an already-parsed mapping; raise :class:`ScenarioError` listing every problem."""
    return _validated(_migrated(data, source), source)


def _validated(data: Mapping[str, Any], source: str) -> ScenarioConfig:
    """Validate a mapping that uses current key names only."""
    try:
        # JSON mode: strict types, but TOML arrays are accepted for tuples and ints for floats.
        return ScenarioConfig.model_validate_json(json.dumps(data, default=_json_fallback))
    except ValidationError as exc:
        raise ScenarioError(source, [_describe(err) for err in exc.errors()]) from None


def apply_overrides(config: ScenarioConfig, overrides: Mapping[str, Any], source: str = "<overrides>") -> ScenarioConfig:
    """Return a copy of ``config`` with dotted-key overrides (``levers.funding.annual_cny``) applied.

    ``__`` is accepted in place of ``.`` so overrides can be passed as keyword arguments. A renamed
    key is read under its new name (with a warning); a removed one is an error saying why.
    """
    if not overrides:
        return config
    data = config.model_dump(mode="json")
    for key, value in overrides.items():
        try:
            path = migrate_path(key.replace("__", "."), source)
        except RemovedKeyError as exc:
            raise ScenarioError(source, exc.problems) from None
        parts = path.split(".")
        node: Any = data
        for depth, part in enumerate(parts[:-1]):
            if not isinstance(node, dict) or part not in node or not isinstance(node[part], dict):
                raise ScenarioError(source, [_unknown_key(parts[: depth + 1], node if isinstance(node, dict) else {})])
            node = node[part]
        if parts[-1] not in node:
            raise ScenarioError(source, [_unknown_key(parts, node)])
        node[parts[-1]] = value
    return _validated(data, source)  # keys were migrated one by one above; the rest came from a valid config


def scenario_digest(config: ScenarioConfig) -> str:
    """SHA-256 over the canonical JSON of all parameters (``extends`` and ``meta`` excluded)."""
    payload = config.model_dump(mode="json", exclude={"extends", "meta"})
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def parameter_paths(model: type[BaseModel] = ScenarioConfig, prefix: str = "") -> list[str]:
    """Every settable leaf key path of the scenario format (``levers.funding.annual_cny`` …), sorted.

    ``extends`` and ``meta`` are not parameters.
    """
    paths: list[str] = []
    for name, field in model.model_fields.items():
        if not prefix and name in ("extends", "meta"):
            continue
        nested = _nested_model(field.annotation)
        key = f"{prefix}{name}"
        paths += parameter_paths(nested, f"{key}.") if nested is not None else [key]
    return sorted(paths)


def json_schema() -> dict[str, Any]:
    """JSON Schema of the scenario format, for editors (``cogov schema``)."""
    schema = ScenarioConfig.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cogov scenario"
    return schema


def _read_with_parents(path: Path, seen: tuple[str, ...]) -> tuple[dict[str, Any], tuple[str, ...]]:
    key = str(path.resolve())
    if key in seen:
        raise ScenarioError(str(path), ["extends: inheritance cycle: " + " -> ".join((*seen, key))])
    if len(seen) >= MAX_INHERITANCE_DEPTH:
        raise ScenarioError(str(path), [f"extends: more than {MAX_INHERITANCE_DEPTH} levels of inheritance"])
    data = _migrated(_read_toml(path), str(path))
    parent = data.get("extends")
    if parent is None:
        return data, (str(path),)
    if not isinstance(parent, str):
        raise ScenarioError(str(path), [f"extends: expected a scenario name or path (string), got {type(parent).__name__}"])
    try:
        parent_path = resolve_path(parent, relative_to=path.parent)
    except ScenarioError as exc:
        raise ScenarioError(str(path), [f"extends: {p}" for p in exc.problems]) from None
    base, chain = _read_with_parents(parent_path, (*seen, key))
    merged = _deep_merge(base, {k: v for k, v in data.items() if k != "extends"})
    return merged, (*chain, str(path))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(str(path), [f"not valid TOML: {exc}"]) from None
    except OSError as exc:
        raise ScenarioError(str(path), [f"cannot read: {exc.strerror}"]) from None


def _migrated(data: Mapping[str, Any], source: str) -> dict[str, Any]:
    """Renamed keys moved to their new names; removed ones reported with the reason."""
    try:
        return migrate_tree(data, source)
    except RemovedKeyError as exc:
        raise ScenarioError(source, exc.problems) from None


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _json_fallback(value: Any) -> str:
    # TOML dates and times have no JSON form; as strings they fail validation with a clear type error.
    return str(value)


def _describe(err: Mapping[str, Any]) -> str:
    loc = [str(p) for p in err["loc"]]
    path = ".".join(loc) or "(top level)"
    kind = err["type"]
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        allowed = sorted(parent.model_fields) if parent else []
        return _unknown_key(loc, dict.fromkeys(allowed))
    value = err.get("input")
    got = f" (got {json.dumps(value)})" if not isinstance(value, (dict, list)) else ""
    message = err["msg"]
    message = message.removeprefix("Value error, ")
    return f"{path}: {message}{got}"


def _unknown_key(loc: list[str], siblings: Mapping[str, Any]) -> str:
    key = loc[-1]
    path = ".".join(loc)
    options = sorted(str(k) for k in siblings)
    close = difflib.get_close_matches(key, options, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    listing = ", ".join(options)
    return f"{path}: unknown key{hint} (allowed here: {listing})"


def _model_at(loc: list[str]) -> type[BaseModel] | None:
    model: type[BaseModel] = ScenarioConfig
    for part in loc:
        field = model.model_fields.get(part)
        if field is None:
            return None
        nested = _nested_model(field.annotation)
        if nested is None:
            return None
        model = nested
    return model


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    candidates = typing.get_args(annotation) or (annotation,)
    return next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
