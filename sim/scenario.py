"""Loading scenario files: TOML parsing, inheritance, validation with readable errors.

A scenario file is data, never code: it is parsed with :mod:`tomllib` and validated by
:class:`~sim.config.ScenarioConfig`. Every problem is reported as
``FILE: key.path: what is wrong (what is allowed)``; nothing raises a bare traceback.

Files are read defensively (:func:`read_toml`, also used for experiment files): only regular files of
at most :data:`MAX_FILE_BYTES`, in UTF-8, nested at most :data:`MAX_NESTING` levels; a binary,
compressed or UTF-16 file, a device or a pipe is refused with a message saying what it is. Text from a
file that is echoed back (values, key names, paths) goes through :func:`printable`, so a control
character in a file cannot clear or recolour the user's terminal.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import stat
import sys
import tomllib
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from cogov.sim.config import ScenarioConfig, flat_key_paths
from cogov.sim.live import build_time_reason, refusal
from cogov.sim.migrations import RemovedKeyError, migrate_path, migrate_tree
from cogov.sim.text import printable

SCENARIO_SUFFIX = ".toml"
MAX_INHERITANCE_DEPTH = 16
"""Most ``extends`` links from the file asked for to the root of its chain (16 parents above it)."""
MAX_FILE_BYTES = 1 << 20
"""Largest scenario or experiment file read (1 MiB; the biggest built-in file is under 10 KiB)."""
MAX_NESTING = 32
"""Deepest nesting of tables and arrays read; the scenario format needs 5, an experiment file 4."""
MAX_SHOWN = 80
"""Longest value or key echoed in a message, in characters (longer ones end in an ellipsis)."""
MAX_PROBLEMS = 100
"""Problems described for one file; the rest are counted (a file of 20,000 unknown keys is described in
a moment, and no one reads further)."""


class ScenarioError(ValueError):
    """A scenario file cannot be used; ``problems`` lists every reason, one line each.

    ``source`` is the file (or option) the user gave. A problem found in another file it reads (an
    ``extends`` parent) names that file in ``sources``, which runs parallel to ``problems``.
    """

    def __init__(self, source: str, problems: list[str], sources: Sequence[str] | None = None):
        self.source = source
        self.problems = problems
        self.sources = list(sources) if sources is not None else [source] * len(problems)
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """Each problem as ``FILE: problem``, naming the file where it is."""
        return [f"{where}: {p}" for where, p in zip(self.sources, self.problems, strict=True)]




def shown_value(value: Any) -> str:
    """A value from a file as a message shows it: JSON-like, printable, shortened to :data:`MAX_SHOWN`."""
    try:
        # a string in quotes as JSON would write it, but with printable()'s escapes (\x1b, not \u001b) everywhere
        text = f'"{value}"' if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:  # an integer too long for str() (over 4,300 digits)
        text = f"<an integer of about {value.bit_length() * 0.30103:.0f} digits>" if isinstance(value, int) else "?"
    return printable(text, MAX_SHOWN)


def shown_key(path: str) -> str:
    """A key path from a file, printable and shortened (a 10,000-character key is still one line)."""
    return printable(path, 2 * MAX_SHOWN)


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


STREETS_FOLDER = "streets"
"""Sub-folder of the built-in scenarios holding the built-in street files (:mod:`cogov.sim.street`)."""


def builtin_names() -> list[str]:
    """Names of the built-in scenarios, sorted."""
    return sorted(p.stem for p in builtin_dir().glob(f"*{SCENARIO_SUFFIX}"))


TITLE_SEPARATOR = " — "


def file_title(path: str | Path) -> dict[str, str] | None:
    """A scenario file's title in English and Chinese, from its first line (``# English — 中文``), or
    None when the file has no such line. Only a comment is read: nothing in the file is executed."""
    try:
        if not Path(path).is_file():  # a pipe or device would block or never end
            return None
        with Path(path).open(encoding="utf-8", errors="replace") as handle:
            first = handle.readline(1000).strip()
    except (OSError, ValueError):
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
    try:
        if candidate.is_file():
            return candidate
        if not text.endswith(SCENARIO_SUFFIX) and "/" not in text and "\\" not in text:
            for folder in (builtin_dir(), builtin_dir() / STREETS_FOLDER):  # a community, else a street
                builtin = folder / f"{text}{SCENARIO_SUFFIX}"
                if builtin.is_file():
                    return builtin
        if candidate.exists():  # a folder, device or pipe: read_toml refuses it, saying what it is
            return candidate
    except OSError as exc:  # e.g. a name longer than the file system allows
        raise ScenarioError(shown_key(text), [f"cannot use this path: {exc.strerror}"]) from None
    known = builtin_names()
    streets = sorted(p.stem for p in (builtin_dir() / STREETS_FOLDER).glob(f"*{SCENARIO_SUFFIX}"))
    hint = difflib.get_close_matches(Path(text).stem, known + streets, n=3)
    suggestion = f"; did you mean {', '.join(hint)}?" if hint else ""
    raise ScenarioError(
        shown_key(text), [(f"no such file or built-in scenario (built-in: {', '.join(known)}; built-in streets: "
                          f"{', '.join(streets)}){suggestion}")]
    )


def load_scenario(name_or_path: str | Path | None = None) -> LoadedScenario:
    """Load, merge (``extends``) and validate a scenario; ``None`` gives the built-in default.

    A problem is reported under the file that holds it: a bad value set in an ``extends`` parent
    names the parent, a problem that values from several files make together (shares that no
    longer sum to 1) names the file asked for and the files involved.
    """
    path = resolve_path(name_or_path if name_or_path is not None else "default")
    layers = _read_chain(path)
    if any("street" in data for _, data in layers):
        raise ScenarioError(str(path), [("a street file (it has a [street] table), not a community scenario: run, "
                                        "compare or sweep it as a street (cogov run, cogov compare with other street "
                                        "files, or an experiment whose scenario is a street)")])
    merged: dict[str, Any] = {}
    for _, data in layers:
        merged = deep_merge(merged, {k: v for k, v in data.items() if k != "extends"})
    merged = own_translation(merged, [data for _, data in layers])
    config = _validated(merged, str(path), layers)
    return LoadedScenario(config=config, source=str(path), chain=tuple(source for source, _ in layers))


def own_translation(merged: dict[str, Any], layers: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``merged`` without a Chinese description that belongs to another description: when the last file to set
    ``meta.description`` does not set ``meta.description_zh``, a parent's translation would describe the parent."""
    last = next((data.get("meta", {}) for data in reversed(layers)
                 if isinstance(data.get("meta"), Mapping) and "description" in data["meta"]), None)
    if last is None or "description_zh" in last or not isinstance(merged.get("meta"), Mapping):
        return merged
    return {**merged, "meta": {k: v for k, v in merged["meta"].items() if k != "description_zh"}}


def validate_data(data: Mapping[str, Any], source: str = "<data>") -> ScenarioConfig:
    """Validate an already-parsed mapping; raise :class:`ScenarioError` listing every problem."""
    check_structure(data, source)
    return _validated(_migrated(data, source), source)


def _validated(data: Mapping[str, Any], source: str,
               layers: Sequence[tuple[str, Mapping[str, Any]]] = (), horizon: bool = True) -> ScenarioConfig:
    """Validate a mapping that uses current key names only; ``layers`` (file, data), root first, say
    which file set each key, so that each problem is reported under its file. The scheduled interventions are
    checked against the scenario they change (with ``horizon``: their days within ``simulation.days``)."""
    try:
        # JSON mode: strict types, but TOML arrays are accepted for tuples and ints for floats.
        config = ScenarioConfig.model_validate_json(json.dumps(data, default=_json_fallback))
    except ValidationError as exc:
        errors = exc.errors()
    else:
        problems = intervention_problems(config, horizon) if config.interventions else []
        if not problems:
            return config
        # the interventions are one array: reported under the file that wrote it (a child replaces its parent's)
        where = _origins(layers).get(("interventions",), source) if layers else source
        if where != source:
            problems = [f"{p} (this file is extended by {source})" for p in problems]
        raise ScenarioError(where, problems)
    behind = _files_by_prefix(layers) if len(layers) > 1 else {}
    order = [f for f, _ in layers]
    problems, sources = [], []
    for err in errors[:MAX_PROBLEMS]:
        problem = describe_error(err)
        loc = tuple(str(p) for p in err["loc"])
        # files that set the key at loc, a key under it, or the value it is part of
        files = set(behind.get(("under", loc), ())).union(*(behind.get(("at", loc[:k]), ()) for k in range(len(loc))))
        files_in_order = [f for f in order if f in files]
        where = source
        if len(files_in_order) == 1 and files_in_order[0] != source:
            where, problem = files_in_order[0], f"{problem} (this file is extended by {source})"
        elif len(files_in_order) > 1:
            problem = f"{problem} (values from {' and '.join(files_in_order)})"
        problems.append(problem)
        sources.append(where)
    if len(errors) > MAX_PROBLEMS:
        problems.append(f"… and {len(errors) - MAX_PROBLEMS:,} more problems")
        sources.append(source)
    raise ScenarioError(source, problems, sources)


def _files_by_prefix(layers: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[tuple[str, tuple[str, ...]], set[str]]:
    """Which files set what, indexed for :func:`_validated`: ``("at", path)`` -> the last file of the chain
    that set the leaf at ``path``; ``("under", path)`` -> the files that set any leaf at or under ``path``."""
    index: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for path, source in _origins(layers).items():
        index[("at", path)] = {source}
        for k in range(1, len(path) + 1):
            index.setdefault(("under", path[:k]), set()).add(source)
    return index


def _origins(layers: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[tuple[str, ...], str]:
    """Every leaf key path of the merged scenario -> the last file of the chain that set it."""
    origins: dict[tuple[str, ...], str] = {}
    for source, data in layers:
        stack: list[tuple[tuple[str, ...], Mapping[str, Any]]] = [((), data)]
        while stack:
            prefix, node = stack.pop()
            for key, value in node.items():
                if not prefix and key == "extends":
                    continue
                path = (*prefix, str(key))
                if isinstance(value, Mapping):
                    stack.append((path, value))
                else:
                    origins[path] = source
    return origins


def apply_overrides(config: ScenarioConfig, overrides: Mapping[str, Any], source: str = "<overrides>") -> ScenarioConfig:
    """Return a copy of ``config`` with dotted-key overrides (``levers.funding.annual_cny``) applied.

    ``__`` is accepted in place of ``.`` so overrides can be passed as keyword arguments. A renamed
    key is read under its new name (with a warning); a removed one is an error saying why.
    """
    if not overrides:
        return config
    data = config.model_dump(mode="json")
    check_structure({str(k): v for k, v in overrides.items()}, source)
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
    # keys were migrated one by one above; the rest came from a valid config. Interventions scheduled after a
    # shorter horizon asked for here (--days) simply do not happen.
    return _validated(data, source, horizon=False)


NOT_PARAMETERS: tuple[str, ...] = ("extends", "meta", "interventions")
"""Top-level keys of a scenario that are not parameters."""


def scenario_digest(config: ScenarioConfig) -> str:
    """SHA-256 over the canonical JSON of all parameters (``extends`` and ``meta`` excluded) and of the scheduled
    interventions, when there are any (a scenario without them keeps the digest it had before they existed)."""
    excluded = {"extends", "meta"} | (set() if config.interventions else {"interventions"})
    payload = config.model_dump(mode="json", exclude=excluded)
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def parameter_paths(model: type[BaseModel] = ScenarioConfig, prefix: str = "") -> list[str]:
    """Every settable leaf key path of the scenario format (``levers.funding.annual_cny`` …), sorted.

    ``extends``, ``meta`` and ``interventions`` (changes of parameters during the run) are not parameters.
    """
    paths: list[str] = []
    for name, field in model.model_fields.items():
        if not prefix and name in NOT_PARAMETERS:
            continue
        nested = _nested_model(field.annotation)
        key = f"{prefix}{name}"
        paths += parameter_paths(nested, f"{key}.") if nested is not None else [key]
    return sorted(paths)


def validator_section(path: str) -> str | None:
    """The key path of the outermost section above ``path`` whose validity depends on several of its
    keys together (a model validator: shares summing to 1, trust's down_rate >= up_rate), or None when
    every section above it checks each key alone. ``""`` is the whole scenario.

    Two parameters can be invalid together (while each is valid alone) only if they share such a section.
    """
    model: type[BaseModel] | None = ScenarioConfig
    found: str | None = None
    parts = path.split(".")
    for depth in range(len(parts)):
        if model is None:
            break
        if model.__pydantic_decorators__.model_validators and found is None:
            found = ".".join(parts[:depth])
        field = model.model_fields.get(parts[depth])
        model = _nested_model(field.annotation) if field is not None else None
    return found


def section_problems(config: ScenarioConfig, section: str, values: Mapping[str, Any]) -> list[str]:
    """Problems of ``config``'s section at key path ``section`` (``""``: the whole scenario) with
    ``values`` (full key paths inside it) set: what :func:`apply_overrides` would report for them,
    but validating that section alone (microseconds instead of a whole scenario's fraction of a
    millisecond, for checking every combination of a large design)."""
    node: Any = config
    parts = section.split(".") if section else []
    for part in parts:
        node = getattr(node, part)
    data = node.model_dump(mode="json")
    for path, value in values.items():
        keys = path.split(".")[len(parts):]
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    try:
        type(node).model_validate_json(json.dumps(data, default=_json_fallback))
    except ValidationError as exc:
        return [describe_error({**err, "loc": (*parts, *err["loc"])}) for err in exc.errors()]
    return []


def json_schema() -> dict[str, Any]:
    """JSON Schema of the scenario format, for editors (``cogov schema``)."""
    schema = ScenarioConfig.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cogov scenario"
    return schema


def _read_chain(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """The file and its ``extends`` ancestors as (source, migrated data), root first."""
    layers: list[tuple[str, dict[str, Any]]] = []
    seen: list[str] = []
    current = path
    while True:
        key = str(current.resolve())
        if key in seen:
            raise ScenarioError(layers[-1][0], ["extends: inheritance cycle: " + " -> ".join((*seen, key))])
        if len(seen) > MAX_INHERITANCE_DEPTH:  # seen: the file asked for and its parents so far
            names = [source for source, _ in layers]  # the file asked for first
            chain = " -> ".join([*names[:2], "…", *names[-2:]]) if len(names) > 5 else " -> ".join(names)
            raise ScenarioError(str(path), [(f"extends: more than {MAX_INHERITANCE_DEPTH} levels of inheritance "
                                             f"({chain} extends {current}); at most {MAX_INHERITANCE_DEPTH} "
                                             "files may stand above a scenario")])
        seen.append(key)
        source = str(current)
        try:
            data = _migrated(read_toml(current), source)
        except ScenarioError as exc:
            if not layers:
                raise
            # a parent that cannot be read: named, and so is the file that extends it
            raise ScenarioError(exc.source, [f"{p} (extended by {layers[-1][0]})" for p in exc.problems]) from None
        layers.append((source, data))
        parent = data.get("extends")
        if parent is None:
            return layers[::-1]
        if not isinstance(parent, str) or not parent.strip():
            got = type(parent).__name__ if not isinstance(parent, str) else "an empty string"
            raise ScenarioError(source, [f"extends: expected a scenario name or path (string), got {got}"])
        try:
            current = resolve_path(parent, relative_to=current.parent)
        except ScenarioError as exc:
            raise ScenarioError(source, [f"extends: {exc.source}: {p}" for p in exc.problems]) from None


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file defensively: a regular file of at most :data:`MAX_FILE_BYTES`, UTF-8 text,
    nested at most :data:`MAX_NESTING` levels; anything else is a :class:`ScenarioError` saying what
    the file is and what is expected (scenario files, ``extends`` parents, experiment files)."""
    source = str(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise ScenarioError(source, [f"cannot read: {exc.strerror or exc}"]) from None
    except ValueError as exc:  # a NUL character in the path
        raise ScenarioError(printable(source), [f"cannot read: {exc}"]) from None
    if not stat.S_ISREG(info.st_mode):  # checked before opening: opening a pipe blocks, a device never ends
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, pipe or socket)"
        raise ScenarioError(source, [f"{kind}; give a TOML file"])
    if info.st_size > MAX_FILE_BYTES:
        raise ScenarioError(source, [_too_big(info.st_size)])
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(source, [f"cannot read: {exc.strerror or exc}"]) from None
    if len(raw) > MAX_FILE_BYTES:  # it grew after stat
        raise ScenarioError(source, [_too_big(len(raw))])
    data = parse_toml(decode_text(raw, source), source)
    check_structure(data, source)
    return data


def _too_big(size: int) -> str:
    return (f"file too large ({size:,} bytes; at most {MAX_FILE_BYTES:,}): a scenario or experiment file is a "
            "few kilobytes of TOML")


def decode_text(raw: bytes, source: str) -> str:
    """The text of a TOML file's bytes: UTF-8 (a leading byte-order mark is allowed), else an error saying
    what the bytes look like (compressed, UTF-16, binary) or where the first undecodable byte is."""
    if raw.startswith(b"\x1f\x8b"):
        raise ScenarioError(source, ["a gzip-compressed file, not TOML text; decompress it first"])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScenarioError(source, ["UTF-16 text; TOML files must be UTF-8 (save the file as UTF-8)"])
    if b"\x00" in raw:
        raise ScenarioError(source, [("a binary file (it contains NUL bytes), or UTF-16 text; TOML files are "
                                      "UTF-8 text")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError(source, [(f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line}, column "
                                      f"{column} is not valid UTF-8 (save the file as UTF-8)")]) from None


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse TOML text; every way the parser can fail becomes a :class:`ScenarioError`."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(source, [f"not valid TOML: {exc}"]) from None
    except RecursionError:
        # tomllib reads nested arrays and inline tables recursively: hundreds of levels exhaust the stack
        raise ScenarioError(source, [(f"not readable: arrays or inline tables nested hundreds of levels deep "
                                      f"(a file may nest at most {MAX_NESTING})")]) from None
    except ValueError:
        # tomllib converts integer literals with int(), which refuses more than sys.get_int_max_str_digits()
        # digits; it is the one ValueError tomllib lets through (dates are caught as TOMLDecodeError)
        limit = sys.get_int_max_str_digits()
        match = re.search(rf"\d[\d_]{{{limit},}}", text)
        where = f" (line {text.count(chr(10), 0, match.start()) + 1})" if match else ""
        raise ScenarioError(source, [f"not valid TOML: an integer has more than {limit:,} digits{where}"]) from None


def check_structure(data: Mapping[str, Any], source: str) -> None:
    """Refuse what no scenario or experiment needs and later steps cannot handle: tables and arrays
    nested deeper than :data:`MAX_NESTING` (walked without recursion: the point is to stop what would
    exhaust the stack later), and integers outside the 64-bit range TOML defines (tomllib reads
    ``0x`` + 5,000 digits as one, which no message could even print in decimal)."""
    stack: list[tuple[int, str, Any]] = [(1, str(k), v) for k, v in data.items()]
    problems: list[str] = []
    while stack:
        depth, path, value = stack.pop()
        if depth > MAX_NESTING:
            raise ScenarioError(source, [(f"{shown_key(path)}: nested more than {MAX_NESTING} levels deep "
                                          "(tables, dotted keys and arrays together)")])
        if isinstance(value, Mapping):
            stack += [(depth + 1, f"{path}.{k}", v) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [(depth + 1, f"{path}[{i}]", v) for i, v in enumerate(value)]
        elif isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
            problems.append(f"{shown_key(path)}: integer of {value.bit_length()} bits; TOML integers are 64-bit "
                            "(-2^63 to 2^63 - 1)")
    if problems:
        raise ScenarioError(source, sorted(problems))


def _migrated(data: Mapping[str, Any], source: str) -> dict[str, Any]:
    """Renamed keys moved to their new names (the keys interventions set included); removed ones reported with the
    reason."""
    try:
        tree = migrate_tree(data, source)
    except RemovedKeyError as exc:
        raise ScenarioError(source, exc.problems) from None
    scheduled = tree.get("interventions")
    if isinstance(scheduled, list):
        tree["interventions"] = [_migrated_intervention(entry, source) for entry in scheduled]
    return tree


def _migrated_intervention(entry: Any, source: str) -> Any:
    """An ``[[interventions]]`` entry with its ``set`` keys as dotted key paths under their current names (a removed
    key is left for :func:`intervention_problems` to report with its place in the file)."""
    if not isinstance(entry, Mapping) or not isinstance(entry.get("set"), Mapping):
        return entry  # the format's validation says what is wrong
    changes: dict[str, Any] = {}
    for key, value in flat_key_paths(entry["set"]).items():
        try:
            changes[migrate_path(key, source)] = value
        except RemovedKeyError:
            changes[key] = value
    return {**entry, "set": changes}


# ------------------------------------------------------------------------------------- changes during a run
def resolved_changes(config: ScenarioConfig, changes: Mapping[str, Any],
                     source: str = "<changes>") -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The parameters ``changes`` sets during a run, as ``{key path: value}`` (nested tables and ``__`` read as key
    paths, renamed keys under their new names), and the problems with its keys as ``(key as given, message)``: an
    unknown key (with a did-you-mean), a section instead of a parameter, a removed key, or a build-time parameter
    (:mod:`cogov.sim.live`), refused with the reason. Values are not checked here (:func:`changed_config`)."""
    known = _parameter_set()
    data = config.model_dump(mode="json")
    resolved: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for key, value in flat_key_paths(changes).items():
        try:
            path = migrate_path(key, source)
        except RemovedKeyError as exc:
            problems += [(key, p) for p in exc.problems]
            continue
        if path not in known:
            problems.append((key, _not_a_parameter(path, data)))
        elif build_time_reason(path) is not None:
            problems.append((key, refusal(path)))
        else:
            resolved[path] = value
    return resolved, problems


def changed_config(config: ScenarioConfig, changes: Mapping[str, Any]) -> tuple[ScenarioConfig | None, list[str]]:
    """``config`` with the resolved ``changes`` (``{key path: value}``, from :func:`resolved_changes`) applied and
    validated, or None and the problems (``key.path: what is wrong (got …)``; a problem of several values together,
    such as shares that no longer sum to 1, under their section's path)."""
    data = config.model_dump(mode="json")
    for path, value in changes.items():
        *sections, leaf = path.split(".")
        node = data
        for part in sections:
            node = node[part]
        node[leaf] = value
    try:
        return ScenarioConfig.model_validate_json(json.dumps(data, default=_json_fallback)), []
    except ValidationError as exc:
        return None, [describe_error(err) for err in exc.errors()[:MAX_PROBLEMS]]


def intervention_problems(config: ScenarioConfig, horizon: bool = True) -> list[str]:
    """Every problem of ``config``'s scheduled interventions, each with its place (``interventions[0].day``,
    ``interventions[1].set."levers.burden.admin_share"``): a day after the horizon (with ``horizon``), a key that is
    not a parameter or is fixed when the community is built, a value the parameter does not allow, alone or together
    with the scenario's values and the earlier interventions' (applied in day order, same day in file order)."""
    problems: list[str] = []
    days = config.simulation.days
    current = config
    order = sorted(range(len(config.interventions)), key=lambda i: config.interventions[i].day)
    for i in order:
        entry = config.interventions[i]
        where = f"interventions[{i}]"
        if horizon and entry.day > days:
            problems.append(f"{where}.day: day {entry.day} is after the run's last day (simulation.days = {days}); "
                            "raise simulation.days to run that long")
        resolved, key_problems = resolved_changes(current, entry.set, where)
        problems += [_placed(where, key, message) for key, message in key_problems]
        changed, value_problems = changed_config(current, resolved)
        problems += [_placed(where, _key_of(message, resolved), message) for message in value_problems]
        current = changed if changed is not None else current
    return problems[:MAX_PROBLEMS]


def _placed(where: str, key: str | None, message: str) -> str:
    """A problem of an intervention's ``set`` placed in the file: ``interventions[0].set."key": message`` (the key
    path is not repeated at the start of the message)."""
    if key is None:
        return f"{where}.set: {message}"
    shown = shown_key(key)
    rest = message[len(shown) + 2:] if message.startswith(f"{shown}: ") else message
    return f'{where}.set."{shown}": {rest}'


def _key_of(message: str, resolved: Mapping[str, Any]) -> str | None:
    """The key of ``resolved`` a validation message is about (None: a section's, e.g. shares that must sum to 1)."""
    return next((key for key in resolved if message.startswith(f"{shown_key(key)}: ")), None)


def _not_a_parameter(path: str, data: Mapping[str, Any]) -> str:
    """Why ``path`` is not a parameter: an unknown key (did you mean …?), or a section whose keys are the parameters."""
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts):
        if not isinstance(node, dict) or part not in node or (not depth and part in NOT_PARAMETERS):
            return _unknown_key(parts[: depth + 1], {k: v for k, v in node.items() if depth or k not in NOT_PARAMETERS}
                                if isinstance(node, dict) else {})
        node = node[part]
    keys = ", ".join(sorted(node)[:6]) if isinstance(node, dict) else ""
    return f"{shown_key(path)}: a section, not a parameter; set its keys ({keys}…) one by one"


def _parameter_set() -> frozenset[str]:
    global _PARAMETERS
    if _PARAMETERS is None:
        _PARAMETERS = frozenset(parameter_paths())
    return _PARAMETERS


_PARAMETERS: frozenset[str] | None = None


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` merged into ``base``: tables merged key by key, everything else (arrays included) replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _json_fallback(value: Any) -> str:
    # TOML dates and times have no JSON form; as strings they fail validation with a clear type error.
    return str(value)


def describe_error(err: Mapping[str, Any], root: type[BaseModel] = ScenarioConfig) -> str:
    """One pydantic validation error of a file validated against ``root`` as ``key.path: what is wrong (got …)``;
    an unknown key lists the keys allowed where it stands and suggests the closest."""
    loc = [str(p) for p in err["loc"]]
    path = ".".join(loc) or "(top level)"
    entry = f"interventions.{loc[1]}" if len(loc) > 1 and loc[0] == "interventions" and loc[1].isdigit() else None
    kind = err["type"]
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1], root)
        allowed = sorted(parent.model_fields) if parent else []
        message = _unknown_key(loc, dict.fromkeys(allowed))
        return message.replace(entry, f"interventions[{loc[1]}]", 1) if entry else message
    if entry:  # an entry of the array of interventions, as the file shows it
        path = path.replace(entry, f"interventions[{loc[1]}]", 1)
    if loc == ["interventions"] and kind == "list_type":  # [interventions] written for [[interventions]]
        return ("interventions: expected an array of tables: write each as [[interventions]] with day = N and "
                "set = { \"key.path\" = value }")
    value = err.get("input")
    got = f" (got {shown_value(value)})" if not isinstance(value, (dict, list)) else ""
    message = err["msg"]
    message = message.removeprefix("Value error, ")
    return f"{shown_key(path)}: {message}{got}"


def _unknown_key(loc: list[str], siblings: Mapping[str, Any]) -> str:
    key = loc[-1]
    path = shown_key(".".join(loc))
    options = sorted(str(k) for k in siblings)
    close = difflib.get_close_matches(key, options, n=3, cutoff=0.6) if len(key) <= 2 * MAX_SHOWN else []
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    listing = ", ".join(options)
    return f"{path}: unknown key{hint} (allowed here: {listing})"


def _model_at(loc: list[str], root: type[BaseModel] = ScenarioConfig) -> type[BaseModel] | None:
    model: type[BaseModel] = root
    for part in loc:
        if part.isdigit():  # an entry of an array of tables: the entries' model is the array's
            continue
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
