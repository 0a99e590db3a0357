"""Bad input ends in a clear error, never a traceback (issue 17, the input half).

Each test feeds the command line (``cogov.cli.main``, in process) or the loaders one kind of bad input
a user can produce and checks the exit status (2), that the message names the file (or option) and
the key, says what is allowed, and that nothing was run or written first. Generated variations of the
same kinds are in ``test_fuzz.py``.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import annotated_types
import pytest
from experiment_files import write_experiment
from pydantic import BaseModel

from cogov import cli
from cogov.analysis import figures
from cogov.experiments.backends import default_workers
from cogov.experiments.spec import MAX_RUNS, validate_experiment
from cogov.sim.config import ScenarioConfig
from cogov.sim.scenario import (
    MAX_FILE_BYTES,
    MAX_INHERITANCE_DEPTH,
    ScenarioError,
    load_scenario,
    parameter_paths,
    printable,
)
from cogov.viz.server import bind_problem, serve

main = cli.main
CONTROL = ("\x1b", "\x9b", "\u202e", "\x07", "\x00")


def _cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of ``cogov ARGV``; argparse's own errors (SystemExit) included."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refuses an option value before any handler runs
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def _refused(argv: list[str], capsys, *needles: str) -> str:
    """``cogov ARGV`` exits with 2 and a message holding every needle, without a traceback."""
    code, out, err = _cli(argv, capsys)
    assert code == 2, (code, out, err)
    assert "Traceback" not in err + out
    for needle in needles:
        assert needle in err, (needle, err)
    return err


def _write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ what files hold: encoding
@pytest.mark.parametrize(("content", "needle"), [
    (b'[meta]\nname = "caf\xe9"\n', "not UTF-8 text: byte 0xe9 at line 2, column 12"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00binary", "a binary file"),
    ('[meta]\nname = "x"\n'.encode("utf-16"), "UTF-16 text"),
    ('[meta]\nname = "x"\n'.encode("utf-16-le"), "UTF-16"),  # no byte-order mark: NUL bytes give it away
    (gzip.compress(b'[meta]\nname = "x"\n', mtime=0), "gzip-compressed"),  # no timestamp: the same id in every process
])
@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_file_that_is_not_utf8_text_is_named(tmp_path, capsys, content, needle, command):
    path = _write(tmp_path, "bad.toml", content)
    _refused([command, str(path)], capsys, str(path), needle)


def test_a_utf8_byte_order_mark_is_accepted(tmp_path, capsys):
    path = _write(tmp_path, "bom.toml", '\ufeff[meta]\nname = "bom"\n'.encode())
    assert _cli(["validate", str(path)], capsys)[0] == 0


def test_an_experiment_file_is_read_the_same_way(tmp_path, capsys):
    path = _write(tmp_path, "exp.toml", b'[experiment]\nname = "caf\xe9"\n')
    _refused(["sweep", str(path), "--backend", "serial"], capsys, str(path), "not UTF-8 text")


# ----------------------------------------------------------------------------- nesting, huge numbers
@pytest.mark.parametrize(("text", "needle"), [
    ("x = " + "[" * 1000 + "]" * 1000 + "\n", "nested"),
    ("x = " + "{a = " * 1000 + "1" + "}" * 1000 + "\n", "nested"),
    (".".join(["a"] * 3000) + " = 1\n", "nested more than 32 levels"),
    ("[" + ".".join(["a"] * 3000) + "]\nb = 1\n", "nested more than 32 levels"),
    ('[meta]\nname = ' + "[" * 200 + "]" * 200 + "\n", "meta.name[0]"),  # pydantic's limit is 200: never reached
])
def test_deep_nesting_is_refused_without_a_recursion_error(tmp_path, capsys, text, needle):
    path = _write(tmp_path, "deep.toml", text)
    err = _refused(["validate", str(path)], capsys, str(path), needle)
    assert "Invalid JSON" not in err and "recursion limit" not in err
    assert len(err) < 2000  # the document is not echoed


def test_an_integer_of_more_than_4300_digits_is_refused_with_its_line(tmp_path, capsys):
    path = _write(tmp_path, "big.toml", "[simulation]\ndays = " + "9" * 5000 + "\n")
    _refused(["validate", str(path)], capsys, str(path), "an integer has more than 4,300 digits (line 2)")


@pytest.mark.parametrize("value", ["9" * 4000, "0x" + "f" * 5000, "-9_223_372_036_854_775_809"])
def test_an_integer_beyond_64_bits_is_refused_with_its_key(tmp_path, capsys, value):
    path = _write(tmp_path, "long.toml", "[simulation]\ndays = " + value + "\n")
    err = _refused(["validate", str(path)], capsys, "simulation.days: integer of", "TOML integers are 64-bit")
    assert "9" * 100 not in err


def test_a_long_value_is_shown_shortened(tmp_path, capsys):
    path = _write(tmp_path, "long.toml", '[simulation]\ndays = "' + "9" * 4000 + '"\n')
    err = _refused(["validate", str(path)], capsys, "simulation.days", "…")
    assert "9" * 100 not in err


# ------------------------------------------------------------------------------ size, devices, pipes
def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, capsys):
    path = _write(tmp_path, "huge.toml", b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    _refused(["validate", str(path)], capsys, str(path), "file too large")
    _refused(["sweep", str(path)], capsys, str(path), "file too large")


@pytest.mark.parametrize("command", [["validate"], ["run"], ["sweep"], ["sensitivity", "--method", "sobol"]])
def test_a_device_is_refused_before_reading(capsys, command):
    _refused([command[0], "/dev/zero", *command[1:]], capsys, "/dev/zero", "not a regular file")


def test_a_named_pipe_is_refused_without_blocking(tmp_path, capsys):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer for ever
    _refused(["validate", str(fifo)], capsys, str(fifo), "not a regular file")
    _refused(["sweep", str(fifo)], capsys, str(fifo), "not a regular file")


def test_a_folder_is_refused(tmp_path, capsys):
    (tmp_path / "folder.toml").mkdir()
    _refused(["validate", str(tmp_path / "folder.toml")], capsys, "a folder")


def test_a_folder_named_like_a_builtin_does_not_hide_it(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "default").mkdir()  # e.g. left by `cogov run default --out default`
    assert _cli(["validate", "default"], capsys)[0] == 0


# ---------------------------------------------------------------------------------------- extends
def test_an_extends_name_too_long_for_the_file_system(tmp_path, capsys):
    path = _write(tmp_path, "child.toml", f'extends = "{"a" * 300}.toml"\n')
    _refused(["validate", str(path)], capsys, str(path), "extends:", "File name too long")


def test_a_problem_in_a_parent_is_reported_under_the_parent(tmp_path, capsys):
    parent = _write(tmp_path, "parent.toml", 'extends = "default"\n[levers.funding]\nannual_cny = -5\n')
    child = _write(tmp_path, "child.toml", 'extends = "parent.toml"\n[community]\nhouseholds = 10\n')
    err = _refused(["validate", str(child)], capsys)
    lines = err.removeprefix("error: ").splitlines()
    assert any(line.startswith(f"{parent}: levers.funding.annual_cny:") and f"extended by {child}" in line
               for line in lines), err
    assert any(line.startswith(f"{child}: community.households:") for line in lines), err


def test_a_problem_made_by_parent_and_child_together_names_both(tmp_path, capsys):
    _write(tmp_path, "parent.toml", 'extends = "default"\n[behaviour.trust]\nup_rate = 0.1\n')
    child = _write(tmp_path, "child.toml", 'extends = "parent.toml"\n[behaviour.trust]\ndown_rate = 0.05\n')
    err = _refused(["validate", str(child)], capsys, f"{child}: behaviour.trust: down_rate must be >= up_rate")
    assert "parent.toml and" in err and "child.toml)" in err


def test_a_value_fixed_by_the_child_is_no_problem(tmp_path, capsys):
    _write(tmp_path, "parent.toml", 'extends = "default"\n[levers.funding]\nannual_cny = -5\n')
    child = _write(tmp_path, "child.toml", 'extends = "parent.toml"\n[levers.funding]\nannual_cny = 5\n')
    assert _cli(["validate", str(child)], capsys)[0] == 0


def _chain(folder: Path, parents: int) -> Path:
    """A file with ``parents`` files above it (the last of them extends nothing)."""
    _write(folder, "p0.toml", '[meta]\nname = "root"\n')
    for i in range(1, parents + 1):
        _write(folder, f"p{i}.toml", f'extends = "p{i - 1}.toml"\n')
    return folder / f"p{parents}.toml"


def test_sixteen_levels_of_extends_are_allowed(tmp_path):
    assert len(load_scenario(_chain(tmp_path, MAX_INHERITANCE_DEPTH)).chain) == MAX_INHERITANCE_DEPTH + 1


def test_seventeen_levels_are_refused_under_the_file_asked_for(tmp_path, capsys):
    top = _chain(tmp_path, MAX_INHERITANCE_DEPTH + 1)
    err = _refused(["validate", str(top)], capsys, f"{top}: extends: more than 16 levels of inheritance")
    assert f"{tmp_path / 'p1.toml'} extends {tmp_path / 'p0.toml'}" in err  # the link that is one too many


def test_an_extends_cycle_and_a_missing_parent_are_named(tmp_path, capsys):
    a = _write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    _write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    _refused(["validate", str(a)], capsys, "inheritance cycle")
    c = _write(tmp_path, "c.toml", 'extends = "nope.toml"\n')
    _refused(["validate", str(c)], capsys, f"{c}: extends: nope.toml: no such file")


# ------------------------------------------------------------------------ markup and control characters
def test_square_brackets_in_a_valid_file_are_printed_literally(tmp_path, capsys):
    path = _write(tmp_path, "markup.toml", '[meta]\nname = "[/] [bold]x[/bold]"\n')
    code, out, err = _cli(["validate", str(path)], capsys)
    assert code == 0 and "[/] [bold]x[/bold]" in out, (out, err)
    code, out, err = _cli(["run", str(path), "--days", "2"], capsys)
    assert code == 0 and "[/] [bold]x[/bold]" in out, (out, err)


def test_square_brackets_in_a_message_are_kept(tmp_path, capsys):
    path = _write(tmp_path, "range.toml", "[service]\nproperty_quality_range = [0.9, 0.2]\n")
    _refused(["run", str(path)], capsys, "must be [low, high] with low <= high (got [0.9, 0.2])")
    _refused(["run", "[bold]x"], capsys, "[bold]x: no such file")


@pytest.mark.parametrize("command", [["validate"], ["run", "--days", "2"]])
def test_terminal_escapes_in_a_name_are_shown_not_obeyed(tmp_path, capsys, command):
    path = _write(tmp_path, "esc.toml", '[meta]\nname = "\\u001b[2J\\u001b[31mX\\u009b1m\\u202eY"\n')
    code, out, err = _cli([command[0], str(path), *command[1:]], capsys)
    assert code == 0
    assert not any(c in out + err for c in CONTROL)
    assert "\\x1b[2J\\x1b[31mX\\x9b1m\\u202eY" in out


def test_terminal_escapes_in_keys_and_values_of_a_bad_file_are_shown_not_obeyed(tmp_path, capsys):
    path = _write(tmp_path, "esc.toml", '"\\u001b[2J" = 1\n[simulation]\ndays = "\\u001b]0;title\\u0007"\n')
    err = _refused(["validate", str(path)], capsys, "\\x1b[2J: unknown key", "simulation.days:", "\\x1b]0;title\\x07")
    assert not any(c in err for c in CONTROL)


def test_printable_keeps_chinese_and_escapes_controls():
    assert printable("红色物业\x1b[31m\u202e\n") == "红色物业\\x1b[31m\\u202e\\x0a"
    assert printable("x" * 100, 10) == "x" * 9 + "…"


# ------------------------------------------------------------------------------------ numbers and bounds
UNBOUNDED_BEFORE = [
    "costs.social_org_cny_per_hour", "costs.part_time_grid_stipend_cny", "costs.repair_cny_per_hour",
    "costs.staff_cny_per_hour", "costs.staff_cny_per_year", "issues.category_weights.care",
    "issues.category_weights.safety", "behaviour.participation.time_cost.mobile",
    "behaviour.motivation.reward_reference_cny",
]


def _toml_at(path: str, value: str) -> str:
    section, _, key = path.rpartition(".")
    return f"[{section}]\n{key} = {value}\n"


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e308", "1_000_000_000_000_000_000_000_000_000_000"])
@pytest.mark.parametrize("path", UNBOUNDED_BEFORE)
def test_fields_that_had_no_upper_bound_refuse_huge_and_non_finite_values(tmp_path, capsys, path, value):
    file = _write(tmp_path, "n.toml", _toml_at(path, value))
    _refused(["validate", str(file)], capsys, str(file), f"{path}:")


@pytest.mark.parametrize("value", ["[nan, nan, nan]", "[inf, 0.3, 0.4]", "[-1.0, 0.3, 0.4]", "[1e9, 0.3, 0.4]",
                                   "[0.6, 0.3]"])
def test_report_age_cost_is_bounded(tmp_path, capsys, value):
    file = _write(tmp_path, "n.toml", f"[behaviour.participation]\nreport_age_cost = {value}\n")
    _refused(["validate", str(file)], capsys, "behaviour.participation.report_age_cost")


def test_two_huge_category_weights_no_longer_reach_the_model(tmp_path, capsys):
    file = _write(tmp_path, "w.toml", "[issues.category_weights]\ncare = 1e308\nsafety = 1e308\n")
    _refused(["run", str(file)], capsys, "issues.category_weights.care:", "less than or equal to 1000")


def _leaves(model: type[BaseModel] = ScenarioConfig, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for name, field in model.model_fields.items():
        nested = next((a for a in (typing.get_args(field.annotation) or (field.annotation,))
                       if isinstance(a, type) and issubclass(a, BaseModel)), None)
        out += _leaves(nested, f"{prefix}{name}.") if nested else [(f"{prefix}{name}", field)]
    return out


def _bounds(metadata: list[Any]) -> tuple[float | None, float | None]:
    low = high = None
    for item in metadata:
        if isinstance(item, (annotated_types.Ge, annotated_types.Gt)):
            low = float(getattr(item, "ge", getattr(item, "gt", None)))
        if isinstance(item, (annotated_types.Le, annotated_types.Lt)):
            high = float(getattr(item, "le", getattr(item, "lt", None)))
    return low, high


def test_every_number_of_the_scenario_format_has_finite_bounds_around_its_default():
    """A field added without bounds fails here, before a user finds it with 1e308."""
    checked = 0
    for path, field in _leaves():
        default = None if field.is_required() else field.get_default(call_default_factory=True)
        if field.annotation in (int, float):
            elements = [(field.metadata, default)]
        elif typing.get_origin(field.annotation) is tuple or typing.get_origin(typing.get_args(field.annotation)[0]
                                                                              if typing.get_args(field.annotation)
                                                                              else None) is tuple:
            inner = field.annotation if typing.get_origin(field.annotation) is tuple \
                else typing.get_args(field.annotation)[0]
            elements = [(typing.get_args(a)[1].metadata if typing.get_args(a) else [], d)
                        for a, d in zip(typing.get_args(inner), default, strict=True)]
        else:
            continue
        for metadata, value in elements:
            low, high = _bounds(metadata)
            assert low is not None and high is not None, f"{path} has no finite bounds"
            assert value is None or low <= value <= high, path  # None: a required field (a section's default sets it)
            checked += 1
    assert checked > 150


RANGE_FIELDS = [path for path, field in _leaves() if typing.get_origin(field.annotation) is not None
                and "tuple" in str(field.annotation) and path.endswith(("_range", "_per_week", "_per_year"))]


@pytest.mark.parametrize("path", RANGE_FIELDS)
def test_every_range_refuses_a_reversed_order(tmp_path, capsys, path):
    assert len(RANGE_FIELDS) == 5
    default = ScenarioConfig().model_dump()
    node: Any = default
    for part in path.split("."):
        node = node[part]
    low, high = node
    file = _write(tmp_path, "r.toml", _toml_at(path, f"[{high}, {low}]"))
    _refused(["validate", str(file)], capsys, f"{path}: must be [low, high] with low <= high")


# ----------------------------------------------------------------------------------------- experiments
TRUST = """
[experiment]
name = "trust"
scenario = "small.toml"
days = 5

[parameters."behaviour.trust.up_rate"]
values = [0.12, 0.01]

[parameters."behaviour.trust.down_rate"]
values = [0.06, 0.3]
"""


def test_combinations_are_checked_before_any_run(tmp_path, capsys):
    path = write_experiment(tmp_path, TRUST)
    out = tmp_path / "out"
    _refused(["sweep", str(path), "--out", str(out), "--backend", "serial"], capsys, str(path),
             "1 combination of values is invalid together",
             "behaviour.trust.up_rate = 0.12, behaviour.trust.down_rate = 0.06", "down_rate must be >= up_rate")
    assert not (out / "runs").exists()


def test_a_sampled_design_is_checked_point_by_point(tmp_path, capsys):
    path = write_experiment(tmp_path, """
        [experiment]
        name = "trust_lhs"
        scenario = "small.toml"
        design = "latin_hypercube"
        samples = 40
        [parameters."behaviour.trust.up_rate"]
        range = [0.01, 0.2]
        [parameters."behaviour.trust.down_rate"]
        range = [0.05, 0.3]
        """)
    err = _refused(["sweep", str(path), "--backend", "serial"], capsys, "of 40 design points are invalid")
    assert err.count("down_rate must be >= up_rate") == 10 and "more" in err  # ten shown, the rest counted


def test_values_valid_only_together_with_the_design_are_accepted(tmp_path):
    """up_rate 0.2 is above the base scenario's down_rate (0.15), but every point pairs it with 0.3."""
    data = {"experiment": {"name": "ok"}, "parameters": {"behaviour.trust.up_rate": {"values": [0.1, 0.2]},
                                                         "behaviour.trust.down_rate": {"values": [0.3]}}}
    assert validate_experiment(data).name == "ok"


def test_shares_varied_together_are_checked_together():
    data = {"experiment": {"name": "mix"},
            "parameters": {"population.age_mix.young": {"values": [0.3, 0.5]},
                           "population.age_mix.elderly": {"values": [0.3, 0.1]}}}
    with pytest.raises(ScenarioError) as err:
        validate_experiment(data, source="mix.toml")
    text = "\n".join(err.value.problems)
    assert "young = 0.5, population.age_mix.elderly = 0.3" in text and "sum to 1" in text
    assert "young = 0.3, population.age_mix.elderly = 0.3" not in text


def test_an_alternative_scenario_is_checked_with_the_other_values(tmp_path, capsys):
    _write(tmp_path, "low_down.toml", 'extends = "default"\n[behaviour.trust]\ndown_rate = 0.06\nup_rate = 0.05\n')
    path = write_experiment(tmp_path, """
        [experiment]
        name = "alt"
        [parameters.scenario]
        values = ["default", "low_down.toml"]
        [parameters."behaviour.trust.up_rate"]
        values = [0.1]
        """)
    _refused(["sweep", str(path), "--backend", "serial"], capsys, 'scenario = "low_down.toml"',
             "down_rate must be >= up_rate")


@pytest.mark.parametrize(("parameters", "replicates", "needle"), [
    ({f"levers.funding.split.{k}": {"range": [0.0, 1.0], "levels": 1000}
      for k in ("social_org", "grid_staff", "repairs", "co_building", "fee_follows_task", )}
     | {"levers.burden.admin_share": {"range": [0.0, 1.0], "levels": 1000}}, 1, "1,000,000,000,000,000,000 runs"),
    ({"levers.burden.admin_share": {"range": [0.0, 1.0], "levels": 730}}, 10_000, "7,300,000 runs"),
])
def test_an_impossible_design_is_refused_with_its_size(tmp_path, capsys, parameters, replicates, needle):
    data = {"experiment": {"name": "huge", "scenario": "small.toml", "replicates": replicates}, "parameters": parameters}
    path = write_experiment(tmp_path, "")
    path.write_text(_experiment_toml(data), encoding="utf-8")
    _refused(["sweep", str(path), "--backend", "serial"], capsys, needle, f"at most {MAX_RUNS:,}")


def _experiment_toml(data: dict[str, Any]) -> str:
    lines = ["[experiment]"] + [f"{k} = {json.dumps(v)}" for k, v in data["experiment"].items()]
    for name, spec in data["parameters"].items():
        lines.append(f'[parameters."{name}"]')
        lines += [f"{k} = {json.dumps(v)}" for k, v in spec.items()]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", [".", "..", "..."])
def test_a_name_of_dots_is_refused(tmp_path, capsys, name):
    path = write_experiment(tmp_path, f"""
        [experiment]
        name = "{name}"
        [parameters."levers.burden.admin_share"]
        values = [0.2]
        """)
    _refused(["sweep", str(path), "--backend", "serial"], capsys, "experiment.name: must not be only dots")


def test_every_stage_is_reported_at_once(tmp_path, capsys):
    path = write_experiment(tmp_path, """
        [experiment]
        name = "many"
        replicates = 0
        [parameters."levers.burden.admin_share"]
        values = [0.2, 7.0]
        [parameters."levers.fundng.annual_cny"]
        values = [1.0]
        [parameters."levers.grid.patrol_share"]
        range = [0.9, 0.1]
        """)
    _refused(["sweep", str(path)], capsys, "experiment.replicates:", "value 7.0:", '"levers.fundng.annual_cny": not a',
             'parameters."levers.grid.patrol_share": range must be [low, high] with low < high')


@pytest.mark.parametrize(("experiment", "parameter", "needle"), [
    ({}, {"values": [0.1, 0.2], "levels": 3}, "'levels' applies to a 'range'"),
    ({}, {"values": [0.1, 0.2], "distribution": "loguniform"}, "'distribution' applies to a 'range'"),
    ({}, {"values": [0.1, 0.2], "integer": True}, "'integer' applies to a 'range'"),
    ({}, {"values": [0.1, 0.1]}, "values must be distinct"),
    ({"second_order": True}, {"values": [0.1, 0.2]}, "experiment.second_order: applies to design = 'sobol' only"),
    ({"morris_levels": 6}, {"values": [0.1, 0.2]}, "experiment.morris_levels: applies to design = 'morris' only"),
    ({"samples": 64}, {"values": [0.1, 0.2]}, "experiment.samples: a full factorial runs every combination"),
    ({"design": "latin_hypercube"}, {"range": [0.1, 0.2], "levels": 3}, "'levels' applies to a full factorial"),
])
def test_settings_that_would_be_ignored_are_errors(experiment, parameter, needle):
    data = {"experiment": {"name": "x", **experiment}, "parameters": {"levers.burden.admin_share": parameter}}
    with pytest.raises(ScenarioError) as err:
        validate_experiment(data, source="x.toml")
    assert needle in str(err.value)


def test_a_scheduler_without_the_dask_backend_is_an_error(tmp_path, capsys):
    path = write_experiment(tmp_path, TRUST)
    _refused(["sweep", str(path), "--scheduler", "tcp://127.0.0.1:8786"], capsys, "--scheduler needs --backend dask")
    _refused(["compare", "default", "red_property", "--scheduler", "tcp://127.0.0.1:8786"], capsys, "--backend dask")


@pytest.mark.parametrize(("replicates", "said"), [
    (1, "2 runs (full_factorial, 1 replicates) on serial with 2 workers"),  # chunks of one run: timed alone
    (8, "16 runs (full_factorial, 8 replicates) on serial with 2 workers"),  # chunks of 8, each stepped together
])
def test_a_sweep_says_how_long_it_will_take_before_it_starts(tmp_path, capsys, replicates, said):
    """A run's time is timed as the sweep will run it: alone, or as its share of a batch of the sweep's chunk."""
    path = write_experiment(tmp_path, f"""
        [experiment]
        name = "timed"
        scenario = "small.toml"
        days = 3
        replicates = {replicates}
        [parameters."levers.burden.admin_share"]
        values = [0.2, 0.3]
        """)
    code, _out, err = _cli(["sweep", str(path), "--out", str(tmp_path / "out"), "--backend", "serial",
                            "--workers", "2"], capsys)
    batch = ", 8 runs in a batch" if replicates == 8 else ""
    assert code == 0 and said in err and f"s a run (timed on the base scenario{batch}), roughly" in err
    assert "in all" in err


# --------------------------------------------------------------------------------------- command line
@pytest.mark.parametrize("argv", [
    ["run", "--seed", "-1"], ["run", "--seed", str(2**63)], ["run", "--seed", "1.5"], ["run", "--days", "0"],
    ["run", "--days", "100000"], ["compare", "a", "b", "--seed", "-1"], ["compare", "a", "b", "--replicates", "0"],
    ["compare", "a", "b", "--maps", "-1"], ["compare", "a", "b", "--maps", "1000"],
    ["viz", "--port", "-1"], ["viz", "--port", "70000"], ["viz", "--port", "0"], ["viz", "--seed", "-2"],
    ["animate", "--out", "x.gif", "--fps", "0"], ["animate", "--out", "x.gif", "--fps", "nan"],
    ["animate", "--out", "x.gif", "--fps", "inf"], ["animate", "--out", "x.gif", "--fps", "1000"],
    ["animate", "--out", "x.gif", "--dpi", "0"], ["animate", "--out", "x.gif", "--dpi", "100000"],
    ["animate", "--out", "x.gif", "--dpi", "nan"], ["animate", "--out", "x.gif", "--every", "0"],
    ["compare", "a", "b", "--precision", "-1"], ["compare", "a", "b", "--precision", "0"],
    ["compare", "a", "b", "--precision", "nan"], ["compare", "a", "b", "--precision", "inf"],
    ["sweep", "x.toml", "--workers", "0"], ["sweep", "x.toml", "--workers", "100000"],
    ["validate-model", "--replicates", "0"], ["calibrate", "--replicates", "-3"],
    *[["sweep", "x.toml", "--backend", "dask", "--scheduler", s]
      for s in ("x y", "tcp://", "host", "tcp://h:0", "tcp://h:70000", "http://h:8786", "tcp://h:87a6")],
])
def test_every_option_is_range_checked(capsys, argv):
    code, _out, err = _cli(argv, capsys)
    assert code == 2 and "Traceback" not in err
    assert f"argument --{argv[-2].lstrip('-')}" in err and "must be" in err


@pytest.mark.parametrize("value", ["abc", "0", "-3", "1e3", "99999"])
def test_cogov_workers_is_checked(tmp_path, capsys, monkeypatch, value):
    monkeypatch.setenv("COGOV_WORKERS", value)
    with pytest.raises(ScenarioError, match="COGOV_WORKERS: must be a whole number"):
        default_workers()
    path = write_experiment(tmp_path, TRUST.replace("0.06", "0.16"))
    _refused(["sweep", str(path), "--out", str(tmp_path / "out")], capsys, "COGOV_WORKERS", repr(value))


def test_cogov_workers_in_range_is_used(monkeypatch):
    monkeypatch.setenv("COGOV_WORKERS", " 3 ")
    assert default_workers() == 3


def test_compare_refuses_a_scenario_given_twice(capsys):
    _refused(["compare", "default", "default"], capsys, "default: given twice")
    builtin = str(Path(cli.builtin_dir()) / "default.toml")
    _refused(["compare", "default", "red_property", builtin, "--report", "x.html"], capsys, "given twice",
             f"(as 'default' and '{builtin}')")


def test_dollar_signs_in_names_are_drawn_literally():
    frame = {"math$\\cmd$": _series(), "$x$ and $\\frac{1}{0}$": _series()}
    fig = figures.series_with_bands(frame, "satisfaction_mean")
    fig.savefig(io.BytesIO(), format="png")  # mathtext would raise "Unknown symbol: \cmd" here
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["math\\$\\cmd\\$", "\\$x\\$ and \\$\\frac{1}{0}\\$"]


def _series() -> Any:
    import pandas as pd

    return pd.DataFrame({"run_id": [0, 0, 1, 1], "day": [0, 1, 0, 1], "satisfaction_mean": [0.5, 0.6, 0.5, 0.7]})


def test_a_report_on_a_scenario_named_with_dollars_is_written(tmp_path, capsys):
    odd = _write(tmp_path, "math$\\cmd$.toml", 'extends = "default"\n[meta]\nname = "m$\\\\cmd$"\n'
                 '[community]\nhouseholds = 200\n')
    small = _write(tmp_path, "small.toml", 'extends = "default"\n[community]\nhouseholds = 200\n')
    report = tmp_path / "r.html"
    code, _out, err = _cli(["compare", str(small), str(odd), "--replicates", "2", "--days", "3", "--workers", "1",
                           "--maps", "0", "--out", str(tmp_path / "cmp"), "--report", str(report)], capsys)
    assert code == 0, err
    assert "math$\\cmd$" in report.read_text(encoding="utf-8")


def _no_run(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("the work started before its output place was checked")


@pytest.fixture
def read_only_place(tmp_path) -> Path:
    """A folder this process cannot write in (root ignores permissions: then a place under /sys)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        (folder / "probe").touch()
    except OSError:
        yield folder / "out"
    else:
        (folder / "probe").unlink()
        candidate = Path("/sys/cogov-read-only-test")
        try:
            candidate.mkdir()
        except OSError:
            yield candidate / "out"
        else:  # pragma: no cover - a writable /sys
            candidate.rmdir()
            pytest.skip("no read-only place to test with")
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize("place", ["file", "read_only", "/dev/null", "/dev/full"])
def test_run_checks_its_output_folder_before_simulating(tmp_path, capsys, monkeypatch, read_only_place, place):
    monkeypatch.setattr(cli, "CommunityModel", _no_run)
    target = {"file": str(_write(tmp_path, "a_file", "x")), "read_only": str(read_only_place)}.get(place, place)
    _refused(["run", "--out", target], capsys, "--out:", target)


@pytest.mark.parametrize("place", ["file", "read_only", "/dev/null", "/dev/full"])
def test_sweep_checks_its_results_folder_before_running(tmp_path, capsys, monkeypatch, read_only_place, place):
    monkeypatch.setattr(cli, "run_sweep", _no_run)
    path = write_experiment(tmp_path, TRUST.replace("0.06", "0.16"))
    target = {"file": str(_write(tmp_path, "a_file", "x")), "read_only": str(read_only_place)}.get(place, place)
    _refused(["sweep", str(path), "--out", target, "--backend", "serial"], capsys, "--out:", target)


@pytest.mark.parametrize("command", [["schema"], ["animate", "--days", "2"], ["plot", ".", "--metric", "backlog",
                                                                            "--x", "x"]])
@pytest.mark.parametrize("place", ["folder", "read_only", "/dev/null", "/dev/full"])
def test_file_outputs_are_checked_before_the_work(tmp_path, capsys, monkeypatch, read_only_place, command, place):
    import cogov.animate

    monkeypatch.setattr(cogov.animate, "animate", _no_run)
    target = {"folder": str(tmp_path), "read_only": str(read_only_place / "x.gif")}.get(place, place)
    argv = [*command, "--out", target]
    if command[0] == "plot":
        argv[1] = str(write_experiment(tmp_path, TRUST).parent)  # not a results folder: refused first either way
        code, _out, err = _cli(argv, capsys)
        assert code == 2 and "Traceback" not in err
        return
    _refused(argv, capsys, "--out:", target if place != "read_only" else str(read_only_place))


def test_compare_checks_its_outputs_before_running(tmp_path, capsys, monkeypatch, read_only_place):
    monkeypatch.setattr(cli, "compare_scenarios", _no_run)
    _refused(["compare", "default", "red_property", "--csv", "/dev/full"], capsys, "--csv: /dev/full")
    (tmp_path / "folder.html").mkdir()
    _refused(["compare", "default", "red_property", "--report", str(tmp_path / "folder.html")], capsys, "--report:",
             "is a folder")
    _refused(["compare", "default", "red_property", "--out", str(read_only_place)], capsys, "--out:")


def test_writing_to_a_full_device_is_an_error_not_a_traceback():
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "cogov.cli", "schema"], stdout=full, stderr=subprocess.PIPE,
                                text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert "cannot write to standard output: No space left on device" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


def test_a_closed_pipe_ends_quietly():
    command = f"{sys.executable} -m cogov.cli schema | head -c 10"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.stdout == "{\n  \"$defs\""[:10]
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert result.returncode == 0


def test_viz_names_an_unknown_host_instead_of_a_busy_port():
    assert "no such host" in bind_problem("no such host", 8765)
    assert "not an address of this machine" in bind_problem("192.0.2.1", 8765)  # TEST-NET-1: never local
    assert "null character" in bind_problem("x\x00y", 8765)
    lines: list[str] = []
    assert serve("default", host="no such host", port=8765, log=lines.append) == 2
    assert lines == [("error: cannot serve on --host 'no such host': no such host or address "
                      f"({lines[0].rsplit('(', 1)[1]}")]


def test_every_parameter_path_is_still_a_parameter():
    """The bounds added here changed no key (the scenario files and experiments keep working)."""
    assert len(parameter_paths()) > 200


def test_an_internal_error_shows_its_traceback_and_asks_to_be_reported(capsys, monkeypatch):
    """Not every exception is the user's: a bug is shown in full (exit 1), never dressed as an input error."""
    def broken(*args: Any, **kwargs: Any) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cli, "load_scenario", broken)
    code, _out, err = _cli(["run", "default"], capsys)
    assert code == 1
    assert "Traceback" in err and "ZeroDivisionError: a bug" in err
    assert "internal error" in err and "please report it" in err and "cogov run default" in err
