"""Fuzz: hundreds of seeded, generated malformed scenario and experiment files through the command line.

Every case is written to a fresh folder and run in process through ``cogov.cli.main`` (``validate``,
``run`` or ``sweep``) under a per-case time limit. Each must end with exit status 2 and a clean
message: it names one of the case's files and the key at fault, holds no traceback, no raw control
character (nothing can clear or recolour the terminal), is not an echo of the document, and, for a
sweep, nothing was run. The kinds: wrong encodings and binary files, deep nesting, huge numbers,
nan/inf, Rich markup and terminal escapes, wrong types, unknown keys, bad ``extends`` chains,
reversed ranges and wrong tuple lengths, values invalid together, oversized and non-regular files,
and malformed experiment files of the same kinds plus designs that are invalid as a whole.

The cases are generated from :data:`SEED` at collection (deterministic: a failure names its case id,
which reproduces it). The whole file runs in well under a minute on two cores.
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import random
import signal
import time
import typing
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import BaseModel

from cogov.cli import main
from cogov.sim.config import ScenarioConfig
from cogov.sim.scenario import MAX_FILE_BYTES, MAX_INHERITANCE_DEPTH

SEED = 20_260_417
CASE_SECONDS = 10.0
"""Per-case limit: a case that takes longer is a hang (they take milliseconds)."""
MAX_MESSAGE = 40_000
"""A message longer than this echoes the document instead of naming the problem."""


@dataclass
class Case:
    """One generated input: files (name -> text or bytes; the first is given to the command), the
    command, and the key paths of which the message must name at least one (empty: a whole-file problem,
    then ``needles`` say what it must call it)."""

    kind: str
    files: dict[str, str | bytes]
    command: str = "validate"
    keys: tuple[str, ...] = ()
    needles: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------------------- the format
def _leaves(model: type[BaseModel] = ScenarioConfig, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for name, info in model.model_fields.items():
        if not prefix and name == "interventions":  # an array of tables of changes, not a section of parameters
            continue
        nested = next((a for a in (typing.get_args(info.annotation) or (info.annotation,))
                       if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if nested is not None:
            out += _leaves(nested, f"{prefix}{name}.")
        elif prefix:  # `extends` is not a key of a section
            out.append((f"{prefix}{name}", info.annotation))
    return out


LEAVES = _leaves()
FLOATS = [p for p, a in LEAVES if a is float]
INTS = [p for p, a in LEAVES if a is int]
BOOLS = [p for p, a in LEAVES if a is bool]
NUMBERS = FLOATS + INTS
TUPLES = [p for p, a in LEAVES if "tuple" in str(a)]
RANGES = [p for p in TUPLES if p.endswith(("_range", "_per_week", "_per_year"))]
SECTIONS = sorted({p.rpartition(".")[0] for p, _ in LEAVES})
SHARES = {  # sections whose values must sum to 1
    "community.compound_mix": ["commercial", "affordable", "reform", "work_unit", "three_no"],
    "population.age_mix": ["young", "middle", "elderly"],
    "population.party_member_types": ["in_service", "retired", "mobile"],
    "population.cooperator_mix": ["conditional", "free_rider", "altruist"],
    "levers.funding.split": ["social_org", "grid_staff", "repairs", "co_building", "fee_follows_task"],
    "organisations.social.specialty_weights": ["care", "dispute", "environment"],
}

HOSTILE = [
    "[/]", "[bold red]x[/]", "[link=http://example.org]y[/link]", "\x1b[2J\x1b[H", "\x1b]0;owned\x07", "\x9b31m",
    "\u202egnp.exe", "\x7f\x08\x08", "$\\cmd$", "$x^2$", "a" * 5000, "\r\nforged: ok", "\u2028next", "\x00",
    "红色物业[/]", "{}", "%s%n", "\\", "'; rm -rf /", "\u200b",
]
"""Text that means something to Rich, a terminal, matplotlib or a shell."""
RAW_CONTROLS = {chr(c) for c in range(0x20) if chr(c) not in "\n"} | {chr(c) for c in range(0x7f, 0xa0)} | {
    "\u202e", "\u202d", "\u2066", "\u2067", "\u2028", "\u2029"}


def toml_string(text: str) -> str:
    """A TOML basic string holding exactly ``text`` (control characters and DEL as \\u escapes)."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or 0x7f <= code < 0xa0 or unicodedata.category(char) in ("Zl", "Zp"):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def toml_key(key: str) -> str:
    """A key as TOML writes it: bare when it can be, else quoted."""
    if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key):
        return key
    return toml_string(key)


def at(path: str, value: str) -> str:
    """``value`` (TOML text) at the dotted key ``path``."""
    section, _, key = path.rpartition(".")
    return f"[{section}]\n{toml_key(key)} = {value}\n"


# ----------------------------------------------------------------------------------- scenario cases
def _encoding(rng: random.Random, i: int) -> Case:
    name = rng.choice(["café", "红色物业", "Überweg", "naïve — ok", "数据 [x]"])
    text = f'extends = "default"\n[meta]\nname = "{name}"\n[levers.funding]\nannual_cny = {rng.randint(0, 10**6)}\n'
    variants: list[Callable[[], bytes]] = [
        lambda: text.encode("latin-1", errors="replace") if name.isascii() else text.encode("gb18030")
        if not name.encode("latin-1", errors="ignore") else text.encode("latin-1", errors="replace"),
        lambda: text.encode("utf-16"), lambda: text.encode("utf-16-le"), lambda: text.encode("utf-16-be"),
        lambda: text.encode("utf-32"), lambda: gzip.compress(text.encode()), lambda: bz2.compress(text.encode()),
        lambda: lzma.compress(text.encode()), lambda: bytes(rng.randrange(256) for _ in range(rng.randint(16, 4096))),
        lambda: text.encode()[:-3] + "é".encode()[:1] + b"\n",  # a multi-byte character cut in half
        lambda: b"\x80\x81 = 1\n" + text.encode(),  # lone continuation bytes
        lambda: text.encode("gb18030"),
    ]
    data = variants[i % len(variants)]()
    if i % len(variants) == 0 and data.isascii():
        data = data.replace(b"default", b"d\xe9fault")
    return Case("encoding", {"enc.toml": data}, command=rng.choice(["validate", "run"]),
                needles=("UTF-8", "UTF-16", "binary", "gzip", "TOML", "not"))


def _nesting(rng: random.Random, i: int) -> Case:
    depth = rng.choice([33, 40, 100, 199, 200, 201, 450, 999, 1000, 3000, 5000])
    key = rng.choice(SECTIONS + ["x"])
    variant = i % 5
    if variant == 0:
        text = at(f"{key}.v", "[" * depth + "1" + "]" * depth)
    elif variant == 1:
        text = at(f"{key}.v", "{a = " * depth + "1" + "}" * depth)
    elif variant == 2:
        text = ".".join([key, *(["d"] * depth)]) + " = 1\n"
    elif variant == 3:
        text = "[" + ".".join([key, *(["d"] * depth)]) + "]\nv = 1\n"
    else:  # arrays of inline tables of arrays
        text = at(f"{key}.v", "[{a = " * (depth // 2) + "1" + "}]" * (depth // 2))
    return Case("nesting", {"deep.toml": text}, keys=(key.split(".")[0],) if variant in (2, 3) or depth < 450 else (),
                needles=("nested",))


def _huge_number(rng: random.Random, i: int) -> Case:
    path = rng.choice(NUMBERS)
    value = rng.choice([
        "9" * rng.randint(4301, 20_000), "1e308", "-1e308", "1e309", "-1e309", "1" + "0" * 30,
        "0x" + "f" * rng.randint(17, 6000), "0o" + "7" * rng.randint(22, 3000), "0b" + "1" * rng.randint(64, 9000),
        "9_223_372_036_854_775_808", "-9_223_372_036_854_775_809", "1e30", "123456789" * 100,
        "5e-324" if path in INTS else "1" + "0" * 400,
    ])
    too_many_digits = value.isdigit() and len(value) > 4300
    return Case("huge number", {"num.toml": at(path, value)}, keys=() if too_many_digits else (path,),
                needles=("digits",) if too_many_digits else ())


def _nan_inf(rng: random.Random, i: int) -> Case:
    path = rng.choice(NUMBERS + TUPLES)
    value = rng.choice(["nan", "+nan", "-nan", "inf", "+inf", "-inf"])
    if path in TUPLES:
        length = 3 if "age_cost" in path else 2
        items = [value] + ["0.5"] * (length - 1)
        rng.shuffle(items)
        value = "[" + ", ".join(items) + "]"
    return Case("nan/inf", {"nan.toml": at(path, value)}, keys=(path,), command=rng.choice(["validate", "run"]))


def _markup(rng: random.Random, i: int) -> Case:
    hostile = rng.choice(HOSTILE)
    variant = i % 5
    if variant == 0:  # an unknown key named with it
        section = rng.choice(SECTIONS)
        text, keys = at(f"{section}.x", "1").replace("x = 1", f"{toml_string(hostile)} = 1"), (section,)
    elif variant == 1:  # a number field given it as text
        path = rng.choice(NUMBERS)
        text, keys = at(path, toml_string(hostile)), (path,)
    elif variant == 2:  # a valid name with it, and an error elsewhere
        path = rng.choice(FLOATS)
        text = at("meta.name", toml_string(hostile[:120] or "x")) + at(path, '"oops"')
        keys = (path,)
    elif variant == 3:  # an extends target named with it
        text, keys = f"extends = {toml_string(hostile)}\n", ("extends",)
    else:  # a whole unknown section named with it
        text, keys = f"[{toml_string(hostile)}]\nv = 1\n", ("unknown key",)
    return Case("markup/escapes", {"mark.toml": text}, keys=keys, command=rng.choice(["validate", "run"]))


def _wrong_type(rng: random.Random, i: int) -> Case:
    path = rng.choice(FLOATS + INTS + BOOLS + TUPLES + ["meta.name", "meta.description"])
    if path in BOOLS:
        options = ["1", '"true"', "[true]", "{a = 1}", "1979-05-27"]
    elif path in INTS:
        options = ["1.5", '"7"', "true", "[1]", "{a = 1}", "07:32:00", "1979-05-27T07:32:00Z"]
    elif path in FLOATS:
        options = ['"0.5"', "true", "[0.5]", "{a = 0.5}", "1979-05-27", '""']
    elif path in TUPLES:
        options = ['"0.1, 0.2"', "0.5", "[0.1]", "[0.1, 0.2, 0.3, 0.4]", '["a", "b"]', "[[0.1], [0.2]]", "[]"]
    else:
        options = ["1", "true", '["a"]', "{a = 1}", '""' if path == "meta.name" else "1979-05-27"]
    return Case("wrong type", {"type.toml": at(path, rng.choice(options))}, keys=(path,))


def _typo(word: str, rng: random.Random) -> str:
    """``word`` misspelt (never ``word`` itself)."""
    typo = _misspelt(word, rng)
    return typo if typo != word else word + "_"


def _misspelt(word: str, rng: random.Random) -> str:
    choice = rng.randrange(5)
    if choice == 0 and len(word) > 2:
        j = rng.randrange(len(word) - 1)
        return word[:j] + word[j + 1] + word[j] + word[j + 2:]
    if choice == 1 and len(word) > 1:
        j = rng.randrange(len(word))
        return word[:j] + word[j + 1:]
    if choice == 2:
        return word.upper()
    if choice == 3:
        return word + rng.choice(["s", "_x", "-", "2"])
    return rng.choice(["[", "é", "\x1b", " "]) + word


def _unknown_key(rng: random.Random, i: int) -> Case:
    path = rng.choice([p for p, _ in LEAVES])
    parts = path.split(".")
    level = rng.randrange(len(parts))
    known = {p.split(".")[level] for p, _ in LEAVES if p.split(".")[:level] == parts[:level]}
    typo = _typo(parts[level], rng)
    while typo in known:
        typo += "_"
    wrong = [*parts[:level], typo]
    if level == len(parts) - 1:
        text = f"[{'.'.join(toml_key(p) for p in parts[:-1])}]\n{toml_key(typo)} = 1\n"
    else:
        text = f"[{'.'.join(toml_key(p) for p in wrong)}]\nv = 1\n"
    return Case("unknown key", {"keys.toml": text}, keys=("unknown key",), needles=(parts[0],))


def _extends(rng: random.Random, i: int) -> Case:
    variant = i % 10
    if variant == 0:  # a cycle
        n = rng.randint(1, 4)
        files = {f"c{k}.toml": f'extends = "c{(k + 1) % n}.toml"\n' for k in range(n)}
        return Case("extends", files, keys=("inheritance cycle",))
    if variant == 1:
        return Case("extends", {"child.toml": f'extends = "{rng.choice(["nope", "nope.toml", "../x/y.toml", ""])}"\n'},
                    keys=("extends",))
    if variant == 2:
        value = rng.choice(["1", "true", '["default"]', "{a = 1}", "1979-05-27"])
        return Case("extends", {"child.toml": f"extends = {value}\n"}, keys=("extends",))
    if variant == 3:
        return Case("extends", {"child.toml": f'extends = "{rng.choice([".", "/dev/zero", "/tmp", "/dev/null"])}"\n'},
                    keys=("extends", "extended by"))
    if variant == 4:  # too deep
        depth = rng.randint(MAX_INHERITANCE_DEPTH + 1, MAX_INHERITANCE_DEPTH + 8)
        files = {f"p{depth}.toml": f'extends = "p{depth - 1}.toml"\n'}
        files |= {f"p{k}.toml": f'extends = "p{k - 1}.toml"\n' for k in range(depth - 1, 0, -1)}
        files["p0.toml"] = '[meta]\nname = "root"\n'
        return Case("extends", files, keys=("more than 16 levels",))
    if variant == 5:  # a parent with a bad value: the parent is named
        path = rng.choice(NUMBERS)
        return Case("extends", {"child.toml": 'extends = "parent.toml"\n',
                                "parent.toml": 'extends = "default"\n' + at(path, '"bad"')}, keys=(path,),
                    needles=("parent.toml",))
    if variant == 6:  # a parent that is not TOML, or not text
        bad = rng.choice([b"[meta\nname = 1\n", b"\xff\xfe[\x00", b"x = \x80\n", gzip.compress(b"a = 1")])
        return Case("extends", {"child.toml": 'extends = "parent.toml"\n', "parent.toml": bad},
                    needles=("parent.toml",))
    if variant == 7:
        return Case("extends", {"child.toml": f'extends = "{"a" * rng.randint(256, 5000)}.toml"\n'},
                    keys=("extends",))
    if variant == 8:
        return Case("extends", {"child.toml": f'extends = {toml_string(rng.choice(HOSTILE))}\n'}, keys=("extends",))
    # variant 9: a grandparent with a bad key, through a good parent
    path = rng.choice([p for p, _ in LEAVES])
    section, _, key = path.rpartition(".")
    return Case("extends", {"child.toml": 'extends = "parent.toml"\n', "parent.toml": 'extends = "grand.toml"\n',
                            "grand.toml": f"[{section}]\n{key}_typo = 1\n"}, keys=("unknown key",),
                needles=("grand.toml",))


def _ranges(rng: random.Random, i: int) -> Case:
    path = rng.choice(TUPLES)
    if path in RANGES and i % 2 == 0:
        low, high = sorted(rng.uniform(0.0, 1.0) for _ in range(2))
        value = f"[{high + 0.01}, {low}]"
    else:
        length = 3 if "age_cost" in path else 2
        value = "[" + ", ".join("0.5" for _ in range(rng.choice([0, 1, length + 1, length + 5]))) + "]"
    return Case("range", {"range.toml": at(path, value)}, keys=(path,))


def _together(rng: random.Random, i: int) -> Case:
    variant = i % 3
    if variant == 0:
        section = rng.choice(sorted(SHARES))
        key = rng.choice(SHARES[section])
        value = rng.choice([0.0, 0.99, 1.0, 0.05]) if section != "levers.funding.split" else 0.9
        return Case("together", {"shares.toml": at(f"{section}.{key}", str(value))}, keys=(section,))
    if variant == 1:
        up = rng.uniform(0.2, 1.0)
        return Case("together", {"trust.toml": f"[behaviour.trust]\nup_rate = {up}\ndown_rate = {up / 2}\n"},
                    keys=("behaviour.trust",))
    weights = "\n".join(f"{c} = 0.0" for c in ("property_maintenance", "environment", "parking", "care", "dispute",
                                                   "safety"))
    return Case("together", {"weights.toml": f"[issues.category_weights]\n{weights}\n"},
                keys=("issues.category_weights",))


def _file_kind(rng: random.Random, i: int) -> Case:
    variant = i % 4
    if variant == 0:
        return Case("file", {"big.toml": "#" + "x" * (MAX_FILE_BYTES + rng.randint(1, 1000)) + "\n"},
                    needles=("file too large",))
    if variant == 1:
        return Case("file", {"big.toml": f'[meta]\ndescription = "{"y" * (MAX_FILE_BYTES + 10)}"\n'},
                    needles=("file too large",))
    if variant == 2:
        return Case("file", {}, extra={"target": rng.choice(["/dev/zero", "/dev/urandom", "/dev/null"])},
                    needles=("not a regular file",))
    return Case("file", {"many.toml": "".join(f"[s{k}]\nv = 1\n" for k in range(rng.randint(2000, 20000)))},
                keys=("unknown key",), needles=("more problems",))


SCENARIO_KINDS: dict[str, tuple[Callable[[random.Random, int], Case], int]] = {
    "encoding": (_encoding, 48), "nesting": (_nesting, 40), "huge number": (_huge_number, 40),
    "nan/inf": (_nan_inf, 40), "markup/escapes": (_markup, 50), "wrong type": (_wrong_type, 50),
    "unknown key": (_unknown_key, 40), "extends": (_extends, 50), "range": (_ranges, 30),
    "together": (_together, 30), "file": (_file_kind, 8),
}


# --------------------------------------------------------------------------------- experiment cases
def _experiment_text(experiment: dict[str, str], parameters: dict[str, dict[str, str]], tail: str = "") -> str:
    """An experiment file from TOML value texts."""
    lines = ["[experiment]", *(f"{k} = {v}" for k, v in experiment.items())]
    for name, spec in parameters.items():
        lines.append(f"[parameters.{toml_string(name)}]")
        lines += [f"{k} = {v}" for k, v in spec.items()]
    return "\n".join(lines) + "\n" + tail


SMALL = 'extends = "default"\n[community]\nhouseholds = 200\n'


def _experiment(rng: random.Random, i: int) -> Case:
    base = {"name": '"fuzz"', "scenario": '"small.toml"', "days": "3"}
    good = {"levers.burden.admin_share": {"values": "[0.2, 0.4]"}}
    variant = i % 24
    experiment, parameters, tail, keys = dict(base), dict(good), "", ()
    if variant == 0:
        experiment["design"], keys = toml_string(rng.choice(["factorial", "sobol2", "[/]", "\x1b[2J", ""])), ("design",)
    elif variant == 1:
        key = _typo(rng.choice(["design", "samples", "replicates", "master_seed"]), rng)
        experiment[toml_key(key)], keys = "1", ("unknown key",)
    elif variant == 2:
        experiment |= {"design": '"sobol"', "samples": str(rng.choice([3, 100, 1000]))}
        parameters = {"levers.burden.admin_share": {"range": "[0.1, 0.9]"}}
        keys = ("experiment.samples",)
    elif variant == 3:
        experiment["replicates"], keys = rng.choice(["0", "-1", "100001", "1.5", '"10"', "nan"]), ("replicates",)
    elif variant == 4:
        experiment["name"], keys = toml_string(rng.choice([".", "..", "a/b", "[/]", "\x1b[2J", "", "x" * 200])), (
            "experiment.name",)
    elif variant == 5:
        experiment["master_seed"], keys = rng.choice(["-1", str(2**63), "1e3", "inf"]), ("master_seed",)
    elif variant == 6:
        experiment["days"], keys = rng.choice(["0", "3651", "nan", '"3"']), ("experiment.days",)
    elif variant == 7:
        tail, keys = f"[outputs]\nseries_every = {rng.choice(['0', '-3', '4000'])}\n", ("outputs.series_every",)
    elif variant == 8:
        parameters = {"levers.burden.admin_share": rng.choice([
            {"values": "[0.2]", "range": "[0.1, 0.3]"}, {}, {"range": "[0.9, 0.1]", "levels": "3"},
            {"range": "[nan, 0.5]", "levels": "3"}, {"range": "[0.1, inf]", "levels": "3"},
            {"range": "[-1.0, 0.5]", "distribution": '"loguniform"'}, {"values": "[]"},
            {"range": "[0.1, 0.9]", "levels": rng.choice(["1", "1001", "2.5"])}])}
        keys = ('parameters."levers.burden.admin_share"',)
    elif variant == 9:
        value = rng.choice(["nan", "inf", '"high"', "1.5", "-0.1", "true", "[0.1]", "{a = 1}"])
        parameters = {"levers.burden.admin_share": {"values": f"[0.2, {value}]"}}
        keys = ('parameters."levers.burden.admin_share"',)
    elif variant == 10:
        name = rng.choice([_typo("levers.burden.admin_share", rng), rng.choice(HOSTILE), "x" * 3000, ""])
        parameters = {name: {"values": "[1]"}}
        keys = ("not a parameter", "parameters.")
    elif variant == 11:
        extra = rng.choice([{"levels": "3"}, {"distribution": '"loguniform"'}, {"integer": "true"}])
        parameters = {"levers.burden.admin_share": {"values": "[0.2, 0.4]", **extra}}
        keys = ("applies to a 'range'",)
    elif variant == 12:
        experiment |= rng.choice([{"second_order": "true"}, {"morris_levels": "6"}, {"samples": "64"}])
        keys = ("experiment.second_order", "experiment.morris_levels", "experiment.samples")
    elif variant == 13:
        up = [round(rng.uniform(0.1, 0.5), 3) for _ in range(rng.randint(1, 4))]
        down = [round(u / 2, 3) for u in up]
        parameters = {"behaviour.trust.up_rate": {"values": json.dumps(up)},
                      "behaviour.trust.down_rate": {"values": json.dumps(sorted(set(down)))}}
        keys = ("invalid together",)
    elif variant == 14:
        experiment |= {"design": toml_string(rng.choice(["latin_hypercube", "random"])), "samples": "30"}
        parameters = {"behaviour.trust.up_rate": {"range": "[0.05, 0.5]"},
                      "behaviour.trust.down_rate": {"range": "[0.01, 0.2]"}}
        keys = ("design points are invalid",)
    elif variant == 15:
        section = rng.choice(sorted(SHARES))
        first, second = SHARES[section][:2]
        parameters = {f"{section}.{first}": {"values": "[0.0, 0.9]"}, f"{section}.{second}": {"values": "[0.9]"}}
        keys = ("invalid together", f"{section}.{first}")
    elif variant == 16:
        experiment["replicates"] = str(rng.choice([100_000, 50_000]))
        parameters = {"levers.burden.admin_share": {"range": "[0.0, 1.0]", "levels": "1000"},
                      "levers.grid.patrol_share": {"range": "[0.0, 1.0]", "levels": "1000"}}
        keys = ("at most 1,000,000",)
    elif variant == 17:
        experiment["scenario"] = toml_string(rng.choice(["nope.toml", "broken.toml", "/dev/zero", "[/]"]))
        keys = ("experiment.scenario",)
    elif variant == 18:
        parameters = {"scenario": {"values": json.dumps(rng.choice([["default", "nope.toml"], ["broken.toml"],
                                                                    ["default", "default"], [1, 2]]))}}
        keys = ('parameters."scenario"',)
    elif variant == 19:
        parameters = {f"levers.burden.admin_share{k}": {"values": "[1]"} for k in range(rng.randint(301, 400))}
        keys = ("parameters",)
    elif variant == 20:
        tail, keys = rng.choice(["[outputs]\ndirectory = \"a\\u0000b\"\n", "[outputs]\ndirectory = \"\"\n",
                                 "[outputs]\nseries = 1\n", "[extra]\nv = 1\n"]), ("outputs", "unknown key")
    elif variant == 21:
        parameters = {"levers.burden.admin_share": {"values": json.dumps([round(0.001 * k, 3) for k in range(1001)])}}
        keys = ("values",)
    elif variant == 22:
        experiment["target"], keys = toml_string(rng.choice(["nope", "os.system", "[/]"])), ("experiment.target",)
    else:  # a whole file of hostile keys and an invalid value
        parameters = {rng.choice(HOSTILE): {"values": "[1]"}, "levers.burden.admin_share": {"values": "[7]"}}
        keys = ('parameters."levers.burden.admin_share"',)
    files = {"exp.toml": _experiment_text(experiment, parameters, tail), "small.toml": SMALL,
             "broken.toml": 'extends = "default"\n[levers.funding]\nannual_cny = -1\n'}
    return Case("experiment", files, command="sweep", keys=keys)


def _experiment_file(rng: random.Random, i: int) -> Case:
    """Experiment files malformed as files (the scenario kinds, applied to an experiment)."""
    case = rng.choice([_encoding, _nesting, _huge_number, _file_kind])(rng, i)
    name = next(iter(case.files), None)
    files = {("exp.toml" if k == name else k): v for k, v in case.files.items()}
    needles = case.needles if case.kind != "huge number" else ()
    keys = case.keys if case.kind != "huge number" else ("digits", "64-bit", "experiment", "unknown key")
    if case.kind == "nesting":
        keys = ()
    return Case(f"experiment {case.kind}", files, command="sweep", keys=keys, needles=needles, extra=case.extra)


EXPERIMENT_KINDS = {"experiment": (_experiment, 120), "experiment file": (_experiment_file, 40)}


def generate() -> Iterator[tuple[str, Case]]:
    """Every case, with its id (kind and index), from :data:`SEED`."""
    for kinds in (SCENARIO_KINDS, EXPERIMENT_KINDS):
        for kind, (make, count) in kinds.items():
            for i in range(count):
                rng = random.Random(f"{SEED}:{kind}:{i}")
                yield f"{kind.replace(' ', '_').replace('/', '_')}-{i}", make(rng, i)


CASES = dict(generate())


# --------------------------------------------------------------------------------------------- running
class CaseTimeout(Exception):
    """A case ran past :data:`CASE_SECONDS`."""


def _alarm(signum: int, frame: Any) -> None:
    raise CaseTimeout


def _run(argv: list[str], capsys) -> tuple[int, str, str, float]:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, CASE_SECONDS)
    started = time.perf_counter()
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    out, err = capsys.readouterr()
    return int(code or 0), out, err, time.perf_counter() - started


@pytest.mark.parametrize("case_id", list(CASES))
def test_malformed_input_is_a_clean_error(case_id, tmp_path, capsys):
    case = CASES[case_id]
    for name, content in case.files.items():
        path = tmp_path / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    given = case.extra.get("target") or str(tmp_path / next(iter(case.files)))
    argv = [case.command, given]
    if case.command == "sweep":
        argv += ["--out", str(tmp_path / "out"), "--backend", "serial"]
    elif case.command == "run":
        argv += ["--days", "2"]
    code, out, err, seconds = _run(argv, capsys)
    text = out + err
    assert code == 2, f"{case_id}: exit {code}\n{text[:3000]}"
    assert "Traceback" not in text and "Exception ignored" not in text, text[:3000]
    assert not RAW_CONTROLS & set(text), f"raw control characters in: {text[:500]!r}"
    assert len(err) < MAX_MESSAGE, f"a {len(err):,}-character message"
    files = [given, *(str(tmp_path / name) for name in case.files)]
    assert any(f in err for f in files), f"no file named in: {err[:1000]}"
    if case.keys:
        assert any(key in err for key in case.keys), f"none of {case.keys} in: {err[:2000]}"
    if case.needles:
        assert any(n in err for n in case.needles), f"none of {case.needles} in: {err[:2000]}"
    if case.command == "sweep":
        assert not (tmp_path / "out" / "runs").exists(), "runs were made before the problem was found"
    assert seconds < CASE_SECONDS


def test_the_fuzz_covers_every_kind_with_hundreds_of_cases():
    kinds = {case.kind.split(" ")[0] for case in CASES.values()}
    assert len(CASES) >= 500
    assert {"encoding", "nesting", "huge", "nan/inf", "markup/escapes", "wrong", "unknown", "extends", "range",
            "together", "file", "experiment"} <= kinds


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_valid_file_with_a_hostile_name_prints_it_literally(hostile, tmp_path, capsys):
    name = hostile[:120] or "x"
    if not name.strip("\x00"):
        name = "x\x00"
    path = tmp_path / "ok.toml"
    path.write_text(at("meta.name", toml_string(name)), encoding="utf-8")
    code, out, err, _ = _run(["validate", str(path)], capsys)
    assert code == 0, err
    assert not RAW_CONTROLS & set(out + err)
    printable_part = "".join(c for c in name if c not in RAW_CONTROLS)
    if printable_part and len(printable_part) == len(name):
        assert name in out  # nothing eaten as markup
