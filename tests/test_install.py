"""The installed package is self-contained under one import name, ``cogov``.

A user's working directory may hold their own ``analysis.py``, ``sim/``, ``experiments.py`` or
``scenarios/``: nothing of cogov may import them. Checked against a real, non-editable install (a
wheel built from this tree and installed into a temporary folder), from a working directory that
holds such stray modules, each of which fails loudly if imported.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STRAY = "raise ImportError('a stray user module was imported by cogov')\n"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A folder holding cogov installed from a wheel of this tree (dependencies come from the test venv)."""
    base = tmp_path_factory.mktemp("install")
    source, wheels, target = base / "source", base / "wheels", base / "site"
    # Built from a copy, so that setuptools' build/ folder is not left in the checkout.
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "dist", "results", "*.egg-info",
                                                               "__pycache__", ".pytest_cache"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
                   check=True, capture_output=True)
    wheel = next(wheels.glob("cogov-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    return target


@pytest.fixture
def stray_cwd(tmp_path) -> Path:
    """A working directory with user modules named like cogov's folders."""
    (tmp_path / "analysis.py").write_text(STRAY, encoding="utf-8")
    (tmp_path / "experiments.py").write_text(STRAY, encoding="utf-8")
    for package in ("sim", "scenarios"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text(STRAY, encoding="utf-8")
    return tmp_path


def _python(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                          check=False)


def test_api_imports_from_the_install_and_ignores_stray_modules(installed, stray_cwd):
    code = (
        "import sys, cogov, cogov.sim, cogov.analysis.results, cogov.analysis.report, cogov.experiments.runner\n"
        "from cogov.sim import CommunityModel\n"
        "from cogov.sim.scenario import builtin_names\n"
        f"assert cogov.sim.__file__.startswith({str(installed)!r}), cogov.sim.__file__\n"
        "assert 'default' in builtin_names()\n"
        "summary = CommunityModel('default', rng=1, days=5).run()\n"
        "assert summary['metrics']['day'] == 5\n"
        "assert not {'sim', 'analysis', 'experiments', 'scenarios'} & set(sys.modules)\n"
        "import cogov.cli, cogov.sim.street\n"
        "outside = [n for n, m in sys.modules.items() if n.startswith('cogov') and getattr(m, '__file__', None)\n"
        f"           and not m.__file__.startswith({str(installed)!r})]\n"
        "assert not outside, outside  # every module of the package comes from the wheel, none from the tree\n"
        "print('ok')\n"
    )
    result = _python(installed, stray_cwd, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_cli_runs_from_the_install_beside_stray_modules(installed, stray_cwd):
    result = _python(installed, stray_cwd, "-m", "cogov", "run", "default", "--days", "5", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["metrics"]["day"] == 5
    result = _python(installed, stray_cwd, "-m", "cogov", "validate", "red_property")
    assert result.returncode == 0, result.stderr
    assert "red_property" in result.stdout
