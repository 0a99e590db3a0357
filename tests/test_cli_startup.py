"""The command line answers --help, --version and usage errors without loading the model's heavy libraries (issue 16),
and the choices its light parser repeats are the ones the modules define."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("numpy", "pandas", "mesa", "matplotlib", "pyarrow", "scipy", "pydantic")


@pytest.mark.parametrize("argv", [["--help"], ["compare", "--help"], ["--version"], ["run", "--seed", "-1"]])
def test_help_version_and_usage_errors_load_nothing_heavy(argv):
    code = ("import sys\nfrom cogov.cli_parser import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit as exc:\n    status = exc.code\n"
            f"heavy = sorted(set({HEAVY!r}) & {{m.split('.')[0] for m in sys.modules}})\n"
            "print(status, heavy)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    status, heavy = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert heavy == "[]", (argv, heavy)
    assert status in ("0", "2", "None")


def test_the_light_parser_repeats_the_modules_choices():
    from cogov import cli_parser
    from cogov.analysis import figures, report, sensitivity
    from cogov.experiments import backends

    assert cli_parser.LANGS == figures.LANGS
    assert cli_parser.METHODS == sensitivity.METHODS
    assert (cli_parser.BACKENDS, cli_parser.MAX_WORKERS) == (backends.BACKENDS, backends.MAX_WORKERS)
    assert cli_parser.MAX_MAPS == report.MAX_MAPS


def test_valid_arguments_run_the_command(capsys):
    from cogov.cli_parser import main

    assert main(["validate", "default"]) == 0
    assert "default.toml: ok" in capsys.readouterr().out


def test_validate_loads_no_numerical_library():
    code = ("import sys\nfrom cogov.cli_parser import main\n"
            "status = main(['validate', 'default', 'five_communities'])\n"
            "loaded = sorted({m.split('.')[0] for m, mod in sys.modules.items()\n"
            "                 if type(mod).__name__ != '_LazyModule'} & {'numpy', 'pandas', 'mesa', 'matplotlib', 'scipy'})\n"
            "print(status, loaded)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "0 []"
